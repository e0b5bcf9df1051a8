"""The proposal page is drawn once per change for each role and kept in the shared cache
(views.pages.page_body); each reader's own parts are put in for them: a reviewer never
gets an editor's controls, nobody gets another's Edit on a comment or their CSRF token,
and no one gets text older than the last write."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from comments import services as review
from occupations import services
from occupations.kinds import kind_for
from occupations.models import Proposal

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def scene(proposal, owner, editor, reviewer, member_of):
    task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text="Analyze data.", by=owner)
    second = member_of("reviewer", username="second-reviewer")
    mine = review.thread_start(proposal=proposal, by=reviewer, path=f"task:{task.pk}", text="Mine.")
    theirs = review.thread_start(proposal=proposal, by=second, path=f"task:{task.pk}", text="Theirs.")
    return {"proposal": proposal, "task": task, "second": second, "mine": mine, "theirs": theirs}


def page(client, user, proposal) -> str:
    client.force_login(user)
    response = client.get(reverse("proposal_detail", args=[proposal.pk]))
    assert response.status_code == 200
    return response.content.decode()


def own_controls(html: str, thread) -> bool:
    card = html[html.index(f'id="thread-{thread.pk}"'):]
    card = card[:card.index("</article>")]
    return 'aria-label="Your comment"' in card


def test_a_reviewer_never_gets_an_editors_controls(client, scene, editor, reviewer):
    editors = page(client, editor, scene["proposal"])  # drawn and kept for editors
    assert ">Edit</a>" in editors and 'id="entry-actions"' in editors
    reviewers = page(client, reviewer, scene["proposal"])
    assert 'id="entry-actions"' not in reviewers and "Insert below" not in reviewers
    assert "You are reviewer" in reviewers and "You are editor" in editors


def test_each_reader_gets_their_own_cards_and_token(client, scene, reviewer):
    first = page(client, reviewer, scene["proposal"])
    second = page(client, scene["second"], scene["proposal"])  # the same role: from the cache
    assert own_controls(first, scene["mine"]) and not own_controls(first, scene["theirs"])
    assert own_controls(second, scene["theirs"]) and not own_controls(second, scene["mine"])
    assert "<!--cards" not in second and "csrf-token-place" not in second
    # the token in the page is this reader's: a post with it goes through
    token = TOKEN.search(second).group(1)
    client.force_login(scene["second"])
    reply = client.post(reverse("comment_reply", args=[scene["proposal"].pk, scene["mine"].pk]),
                        {"text": "Agreed.", "csrfmiddlewaretoken": token}, enforce_csrf_checks=True)
    assert reply.status_code == 302


def test_no_reader_gets_text_older_than_the_last_write(client, scene, editor, reviewer):
    assert "Analyze data." in page(client, reviewer, scene["proposal"])
    services.object_update(scene["task"], values={"text": "Analyze clinical data."}, base_version=1, by=editor)
    html = page(client, reviewer, scene["proposal"])
    assert "Analyze clinical data." in html and "Analyze data." not in html
    review.comment_add(thread=scene["theirs"], by=editor, text="A reply since.")
    assert "A reply since." in page(client, reviewer, scene["proposal"])


def test_a_reader_of_a_kept_page_costs_their_own_cards_only(client, scene, reviewer,
                                                             django_assert_max_num_queries):
    page(client, reviewer, scene["proposal"])
    client.force_login(scene["second"])
    # session, user, the page's tag (role, counter, inbox), membership, the kept drawing,
    # this reader's cards (suggestions, threads, comments)
    with django_assert_max_num_queries(10):
        client.get(reverse("proposal_detail", args=[scene["proposal"].pk]))


def test_an_undo_to_offer_is_drawn_for_its_reader_alone(client, scene, editor):
    client.force_login(editor)
    url = reverse("entry_delete", args=[scene["proposal"].pk, "task", scene["task"].pk])
    followed = client.post(url, follow=True)
    assert "Undo" in followed.content.decode()
    again = page(client, editor, scene["proposal"])
    assert ">Undo</button>" not in again  # offered once


def test_it_keeps_nothing_when_told_not_to(client, scene, reviewer, settings):
    proposal = Proposal.objects.get(pk=scene["proposal"].pk)
    key = f"proposal-page:{settings.RELEASE}:{proposal.pk}:{proposal.change_count}:reviewer"
    settings.PAGE_CACHE_SECONDS = 0
    cache.clear()
    assert own_controls(page(client, reviewer, proposal), scene["mine"])
    assert cache.get(key) is None
    settings.PAGE_CACHE_SECONDS = 300
    assert own_controls(page(client, reviewer, proposal), scene["mine"])
    assert "<!--cards" in cache.get(key)  # kept with places for each reader's cards

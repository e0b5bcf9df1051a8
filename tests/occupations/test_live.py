"""An open page follows others' changes (views.pages.proposal_live): 304 while nothing
changed, 204 when only its counter is current, the changed entries out of band with the
review bar, or the whole document when more changed; each reader in their own role."""

import re

import pytest
from django.urls import reverse

from comments import services as review
from occupations import services
from occupations.kinds import kind_for
from occupations.models import Proposal


@pytest.fixture
def scene(proposal, owner, editor, reviewer, observer):
    first = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text="Analyze data.", by=owner)
    second = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text="Train staff.", by=owner)
    return {"proposal": proposal, "first": first, "second": second}


def version(proposal) -> int:
    return Proposal.objects.values_list("change_count", flat=True).get(pk=proposal.pk)


def live(client, proposal, since, tag=None):
    headers = {"HTTP_IF_NONE_MATCH": tag} if tag else {}
    return client.get(reverse("proposal_live", args=[proposal.pk]), {"since": since}, **headers)


@pytest.mark.parametrize("role", ["owner", "editor", "reviewer", "observer"])
def test_it_answers_304_while_nothing_changed(client, scene, role, request, django_assert_max_num_queries):
    client.force_login(request.getfixturevalue(role))
    now = version(scene["proposal"])
    first = live(client, scene["proposal"], now)
    assert first.status_code == 204 and first["X-Proposal-Version"] == str(now)
    assert "no-store" in first["Cache-Control"]
    with django_assert_max_num_queries(5):  # session, user, role and counter, the inbox count
        again = live(client, scene["proposal"], now, first["ETag"])
    assert again.status_code == 304


def test_an_edit_comes_back_as_its_entry_alone(client, scene, editor, reviewer, django_assert_max_num_queries):
    proposal = scene["proposal"]
    client.force_login(reviewer)
    before = version(proposal)
    tag = live(client, proposal, before)["ETag"]
    services.object_update(scene["first"], values={"text": "Analyze clinical data."}, base_version=1, by=editor)
    with django_assert_max_num_queries(14):
        response = live(client, proposal, before, tag)
    html = response.content.decode()
    assert response.status_code == 200 and response["X-Proposal-Version"] == str(before + 1)
    assert re.match(rf'<li id="task-{scene["first"].pk}" [^>]*hx-swap-oob="true"', html)
    assert "Analyze clinical data." in html
    assert f'id="task-{scene["second"].pk}"' not in html and 'id="document"' not in html
    assert 'id="review-totals"' in html  # the review bar's counts, out of band
    assert ">Edit</a>" not in html and "Suggest edit" in html  # drawn for a reviewer


def test_a_thread_on_an_entry_comes_back_with_its_card(client, scene, editor, reviewer, observer):
    proposal = scene["proposal"]
    client.force_login(observer)
    before = version(proposal)
    thread = review.thread_start(proposal=proposal, by=reviewer, path=f"task:{scene['second'].pk}", text="Who?")
    html = live(client, proposal, before).content.decode()
    assert f'<li id="task-{scene["second"].pk}"' in html and f'id="thread-{thread.pk}"' in html
    assert "Suggest edit" not in html and "Reply" not in html  # an observer only reads
    assert "<strong>1</strong> open thread" in html


@pytest.mark.parametrize("change", ["a new entry", "a comment on a section", "a member"])
def test_more_than_entries_comes_back_as_the_whole_document(client, scene, owner, editor, reviewer, change):
    proposal = scene["proposal"]
    client.force_login(reviewer)
    before = version(proposal)
    if change == "a new entry":
        services.entry_add(entry_kind=kind_for("task"), proposal=proposal, by=editor, text="Audit data.")
    elif change == "a comment on a section":
        review.thread_start(proposal=proposal, by=editor, path=f"proposal:{proposal.pk}.background", text="Cite.")
    else:
        services.object_update(proposal, values={"background": "Newer."}, base_version=proposal.version, by=owner)
    html = live(client, proposal, before).content.decode()
    assert html.startswith('<article id="document"') and 'hx-swap-oob="true"' in html.split(">", 1)[0]
    assert f'data-version="{version(proposal)}"' in html


def test_a_deleted_entry_or_a_page_too_far_behind_gets_the_document(client, scene, editor, reviewer):
    proposal = scene["proposal"]
    client.force_login(reviewer)
    before = version(proposal)
    services.object_update(scene["first"], values={"text": "Changed."}, base_version=1, by=editor)
    services.object_delete(scene["first"], by=editor)
    assert live(client, proposal, before).content.decode().startswith('<article id="document"')
    for number in range(services.CHANGES_KEPT + 100):
        services.touch_proposal(proposal.pk, (f"task:{scene['second'].pk}",))
    assert live(client, proposal, before).content.decode().startswith('<article id="document"')
    assert live(client, proposal, version(proposal) + 5).content.decode().startswith('<article id="document"')


def test_it_refuses_what_it_cannot_answer(client, scene, reviewer, outsider):
    proposal = scene["proposal"]
    assert live(client, proposal, 0).status_code == 302  # signed out: to the sign-in page
    client.force_login(outsider)
    assert live(client, proposal, 0).status_code == 404
    client.force_login(reviewer)
    assert client.get(reverse("proposal_live", args=[proposal.pk]), {"since": "x"}).status_code == 400
    assert client.get(reverse("proposal_live", args=[proposal.pk])).status_code == 400


def test_tags_differ_between_readers(client, scene, owner, reviewer):
    tags = set()
    for user in (owner, reviewer):
        client.force_login(user)
        tags.add(live(client, scene["proposal"], version(scene["proposal"]))["ETag"])
    assert len(tags) == 2


def test_the_page_says_where_to_ask_and_at_which_change(client, scene, reviewer):
    client.force_login(reviewer)
    html = client.get(reverse("proposal_detail", args=[scene["proposal"].pk])).content.decode()
    assert f'data-live="/proposals/{scene["proposal"].pk}/live/"' in html
    assert f'data-version="{version(scene["proposal"])}"' in html

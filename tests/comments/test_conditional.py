"""Conditional answers: the proposal page, the review list and the inbox answer 304 when
nothing they show has changed for that reader, and draw again when anything has: a
write, the reader's role, their inbox, a message to show once."""

import pytest
from django.urls import reverse

from comments import services as review

from comments import suggesting
from occupations import members, services
from occupations.kinds import kind_for
from occupations.models import Membership

ROLES = ["owner", "editor", "reviewer", "observer"]


@pytest.fixture
def scene(proposal, owner, editor, reviewer, observer):
    task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text="Analyze data.", by=owner)
    thread = review.thread_start(proposal=proposal, by=reviewer, path=f"task:{task.pk}", text="Why?")
    return {"proposal": proposal, "task": task, "thread": thread}


def urls(proposal) -> list[str]:
    return [reverse("proposal_detail", args=[proposal.pk]), reverse("review_list", args=[proposal.pk]),
            reverse("review_list", args=[proposal.pk]) + "?tab=suggestions"]


def tag_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200 and response.has_header("ETag"), url
    return response["ETag"]


@pytest.mark.parametrize("role", ROLES)
def test_an_unchanged_page_is_answered_304_for_each_role(client, scene, role, request,
                                                         django_assert_max_num_queries):
    client.force_login(request.getfixturevalue(role))
    for url in urls(scene["proposal"]):
        tag = tag_of(client, url)
        # session, user, the role and counter, the inbox count: nothing drawn
        with django_assert_max_num_queries(5):
            again = client.get(url, HTTP_IF_NONE_MATCH=tag)
        assert again.status_code == 304 and again.content == b"", url


def test_tags_differ_between_roles_and_readers(client, scene, owner, reviewer, observer, member_of):
    url = reverse("proposal_detail", args=[scene["proposal"].pk])
    tags = {}
    for user in (owner, reviewer, observer, member_of("reviewer", username="second-reviewer")):
        client.force_login(user)
        tags[user.username] = tag_of(client, url)
    assert len(set(tags.values())) == 4
    client.force_login(reviewer)
    assert client.get(url, HTTP_IF_NONE_MATCH=tags["owner"]).status_code == 200  # never another's page


WRITES = {
    "an entry edited": lambda s, people: services.object_update(s["task"], values={"text": "Study data."},
                                                                base_version=1, by=people["editor"]),
    "a reply": lambda s, people: review.comment_add(thread=s["thread"], by=people["owner"], text="Because."),
    "a thread resolved": lambda s, people: review.thread_resolve(thread=s["thread"], by=people["editor"]),
    "a suggestion": lambda s, people: suggesting.suggestion_replace(
        proposal=s["proposal"], by=people["reviewer"], path=f"task:{s['task'].pk}.text", start=0, end=7,
        quote="Analyze", replacement="Study"),
    "a role changed": lambda s, people: members.member_set_role(
        membership=Membership.objects.get(proposal=s["proposal"], user=people["observer"]), role="reviewer",
        by=people["owner"]),
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_each_kind_of_write_draws_the_page_again(client, scene, owner, editor, reviewer, observer, write):
    people = {"owner": owner, "editor": editor, "reviewer": reviewer, "observer": observer}
    client.force_login(observer)
    tags = {url: tag_of(client, url) for url in urls(scene["proposal"])}
    WRITES[write](scene, people)
    for url, tag in tags.items():
        response = client.get(url, HTTP_IF_NONE_MATCH=tag)
        assert response.status_code == 200 and response["ETag"] != tag, (write, url)


def test_a_reader_whose_inbox_changed_gets_the_page_again(client, scene, owner, reviewer, outsider):
    other = services.proposal_create(title="Another proposal", created_by=owner)
    services.membership_set(proposal=other, user=reviewer, role="reviewer", by=owner)
    elsewhere = review.thread_start(proposal=other, by=reviewer, path=f"proposal:{other.pk}", text="Hello?")
    client.force_login(reviewer)
    url = reverse("proposal_detail", args=[scene["proposal"].pk])
    tag = tag_of(client, url)
    review.comment_add(thread=elsewhere, by=owner, text="A reply to you, in another proposal.")
    response = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200  # its header's inbox count changed


def test_a_message_to_show_once_is_never_lost_to_a_304(client, scene, owner):
    client.force_login(owner)
    url = reverse("proposal_detail", args=[scene["proposal"].pk])
    tag = tag_of(client, url)
    client.post(reverse("proposal_settings", args=[scene["proposal"].pk]),
                {"title": "Renamed", "revision_cycle": "2028 SOC", "status": "draft",
                 "version": scene["proposal"].version})
    response = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200 and response.context["messages"]


def test_the_inbox_is_answered_304_while_nothing_is_unread(client, scene, owner, reviewer):
    client.force_login(reviewer)
    first = client.get(reverse("inbox"))
    assert first.status_code == 200
    tag = tag_of(client, reverse("inbox"))  # seen now: nothing unread
    assert client.get(reverse("inbox"), HTTP_IF_NONE_MATCH=tag).status_code == 304
    review.comment_add(thread=scene["thread"], by=owner, text="An answer for you.")
    again = client.get(reverse("inbox"), HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 200 and "An answer for you." in again.content.decode()


def test_an_outsider_gets_404_whatever_tag_they_send(client, scene, outsider, owner):
    client.force_login(owner)
    url = reverse("proposal_detail", args=[scene["proposal"].pk])
    tag = tag_of(client, url)
    client.force_login(outsider)
    assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 404

"""The inbox: mentions of me, replies to me and my action items across my proposals, and
the unread count in the navigation."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.mentions import inbox_unread_count
from comments.models import Comment, InboxVisit, Mention, Thread
from occupations import services
from occupations.models import Membership

INBOX = reverse("inbox")


def thread_by(proposal, user, text, *, quote="clinical data", **fields):
    thread = Thread.objects.create(
        proposal=proposal, path=f"proposal:{proposal.pk}.introduction", start=0, end=len(quote),
        quote=quote, original_quote=quote, created_by=user, **fields)
    Comment.objects.create(thread=thread, author=user, text=text)
    return thread


def reply(thread, user, text, *, minutes_ago=0):
    comment = Comment.objects.create(thread=thread, author=user, text=text)
    if minutes_ago:
        Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))
    return comment


def texts(response):
    return [item.text for item in response.context["items"]]


@pytest.fixture
def member(member_of):
    return member_of(Membership.Role.REVIEWER, "rita")


def test_it_needs_a_login(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_shows_mentions_replies_and_action_items_newest_first(client, proposal, owner, member):
    mine = thread_by(proposal, member, "Where do these numbers come from?")
    reply(mine, owner, "From BLS, 2013.", minutes_ago=3)
    other = thread_by(proposal, owner, "Is this the right title?")
    mention = reply(other, owner, "@rita what do you think?", minutes_ago=2)
    Mention.objects.create(comment=mention, user=member)
    Thread.objects.filter(pk=other.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    Thread.objects.filter(pk=mine.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    action = thread_by(proposal, owner, "Get exact numbers from HRSA.", kind=Thread.Kind.ACTION, assignee=member)
    client.force_login(member)
    response = client.get(INBOX)
    assert response.status_code == 200
    assert texts(response) == ["Get exact numbers from HRSA.", "@rita what do you think?", "From BLS, 2013."]
    assert [item.reason for item in response.context["items"]] == ["action", "mention", "reply"]
    assert response.context["total"] == 3
    html = response.content.decode()
    assert "<h1 class=\"h3\">Mentions and replies to me</h1>" in html
    assert "assigned you an action item" in html and "mentioned you" in html and "replied" in html
    assert f'href="/proposals/{proposal.pk}/#thread-{action.pk}"' in html
    assert f'href="/proposals/{proposal.pk}/#thread-{mine.pk}"' in html
    assert "Health Informatics Occupations" in html
    assert "“clinical data”" in html


def test_it_shows_replies_after_mine_in_threads_others_started(client, proposal, owner, member, editor):
    thread = thread_by(proposal, owner, "Opening words")
    thread.comments.update(created_at=timezone.now() - timedelta(minutes=6))
    reply(thread, editor, "Before I came", minutes_ago=5)
    reply(thread, member, "My two cents", minutes_ago=4)
    reply(thread, editor, "Answer to rita", minutes_ago=3)
    reply(thread, member, "Thanks", minutes_ago=2)
    client.force_login(member)
    assert texts(client.get(INBOX)) == ["Answer to rita"]


def test_it_leaves_out_what_is_not_for_me(client, proposal, owner, member, editor):
    thread_by(proposal, owner, "A thread of others")
    mine = thread_by(proposal, member, "My own thread")
    reply(mine, member, "My own reply")
    deleted = reply(mine, owner, "Gone")
    Comment.objects.filter(pk=deleted.pk).update(is_deleted=True)
    thread_by(proposal, owner, "Done already", kind=Thread.Kind.ACTION, assignee=member, is_done=True)
    thread_by(proposal, owner, "Resolved", kind=Thread.Kind.ACTION, assignee=member, status=Thread.Status.RESOLVED)
    thread_by(proposal, owner, "For the editor", kind=Thread.Kind.ACTION, assignee=editor)
    client.force_login(member)
    response = client.get(INBOX)
    assert texts(response) == []
    assert b"Nothing yet" in response.content


def test_it_shows_nothing_of_a_proposal_i_no_longer_belong_to(client, proposal, owner, member, outsider):
    thread = thread_by(proposal, member, "Question")
    reply(thread, owner, "Answer")
    Membership.objects.filter(proposal=proposal, user=member).delete()
    client.force_login(member)
    assert texts(client.get(INBOX)) == []
    client.force_login(outsider)
    assert texts(client.get(INBOX)) == []


def test_it_covers_every_proposal_of_mine(client, proposal, owner, member):
    other = services.proposal_create(title="Nursing informatics", created_by=owner)
    services.membership_set(proposal=other, user=member, role=Membership.Role.REVIEWER, by=owner)
    reply(thread_by(proposal, member, "One"), owner, "Reply in the first")
    reply(thread_by(other, member, "Two"), owner, "Reply in the second")
    client.force_login(member)
    response = client.get(INBOX)
    assert sorted(item.proposal.title for item in response.context["items"]) == [
        "Health Informatics Occupations", "Nursing informatics"]


def test_it_escapes_stored_scripts_in_comments_and_quotes(client, proposal, owner, member):
    thread = thread_by(proposal, member, "Mine", quote="<script>alert('quote')</script>")
    reply(thread, owner, "<script>alert('comment')</script>\nsecond line")
    client.force_login(member)
    html = client.get(INBOX).content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#x27;comment&#x27;)&lt;/script&gt;<br>second line" in html
    assert "&lt;script&gt;alert(&#x27;quote&#x27;)&lt;/script&gt;" in html


def test_it_counts_unread_items_in_the_navigation_until_the_inbox_is_visited(client, proposal, owner, member):
    thread = thread_by(proposal, member, "Question")
    reply(thread, owner, "First answer")
    reply(thread, owner, "Second answer")
    client.force_login(member)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{INBOX}">Inbox <span class="badge rounded-pill text-bg-primary">2<span class="visually-hidden"> unread</span>' in home

    response = client.get(INBOX)
    assert [item.is_new for item in response.context["items"]] == [True, True]
    assert inbox_unread_count(member) == 0
    assert InboxVisit.objects.get(user=member).seen_at <= timezone.now()
    home = client.get(reverse("home")).content.decode()
    assert f'href="{INBOX}">Inbox</a>' in home

    reply(thread, owner, "Third answer")
    assert inbox_unread_count(member) == 1
    response = client.get(INBOX)
    assert [item.is_new for item in response.context["items"]] == [True, False, False]
    assert inbox_unread_count(member) == 0


def test_it_counts_unread_in_one_query(proposal, owner, member, django_assert_num_queries):
    thread = thread_by(proposal, member, "Question")
    for n in range(5):
        reply(thread, owner, f"Answer {n}")
    thread_by(proposal, owner, "Do it", kind=Thread.Kind.ACTION, assignee=member)
    with django_assert_num_queries(1):
        assert inbox_unread_count(member) == 6
    with django_assert_num_queries(1):  # the same query, for another reader
        assert inbox_unread_count(owner) == 0


def test_it_shows_the_newest_hundred_with_the_count_of_all(client, proposal, owner, member, django_assert_max_num_queries):
    thread = thread_by(proposal, member, "Question")
    Comment.objects.bulk_create([Comment(thread=thread, author=owner, text=f"Answer {n}") for n in range(103)])
    client.force_login(member)
    with django_assert_max_num_queries(13):  # notices (reminders) are counted and read too
        response = client.get(INBOX)
    assert len(response.context["items"]) == 100
    assert response.context["total"] == 103
    assert b"Showing the newest 100 of 103." in response.content

"""@mentions: members named in a comment are recorded once and e-mailed a link to the
thread; anyone else is ignored."""

import pytest
from django.db import transaction

from comments.mentions import mentioned_names, mentions_record
from comments.models import Comment, Mention, Suggestion, Thread
from occupations.models import Membership
from tests.conftest import make_user

BASE_URL = "http://studio.example.org"


@pytest.fixture
def ann(member_of):
    user = member_of(Membership.Role.EDITOR, "ann.lee")
    user.first_name, user.last_name, user.email = "Ann", "Lee", "ann@example.org"
    user.save()
    return user


@pytest.fixture
def bob(member_of):
    user = member_of(Membership.Role.OBSERVER, "bob")
    user.email = "bob@example.org"
    user.save()
    return user


def comment_on(proposal, author, text, *, quote="clinical data", thread=None):
    """A thread on a span of the introduction with its first comment, or a reply in thread."""
    if thread is None:
        thread = Thread.objects.create(
            proposal=proposal, path=f"proposal:{proposal.pk}.introduction", start=10, end=10 + len(quote),
            quote=quote, original_quote=quote, created_by=author,
        )
    return Comment.objects.create(thread=thread, author=author, text=text)


def record(comment, capture):
    with capture(execute=True):
        return mentions_record(comment, request_or_base_url=BASE_URL)


def test_it_reads_names_people_can_type():
    assert mentioned_names("Thanks @Ann.Lee. And @bob, see ann@example.org (@carol)") == [
        "ann.lee.", "ann.lee", "bob", "carol"]
    assert mentioned_names("@bob @BOB x@bob") == ["bob"]
    assert mentioned_names("no one here, not even @ alone") == []


def test_it_records_and_mails_each_member_mentioned(
    proposal, owner, ann, bob, mailoutbox, django_capture_on_commit_callbacks
):
    comment = comment_on(proposal, owner, "@ANN.LEE and @bob: can you check the numbers?")
    new = record(comment, django_capture_on_commit_callbacks)
    assert [mention.user for mention in new] == [ann, bob]
    assert set(Mention.objects.filter(comment=comment).values_list("user__username", flat=True)) == {"ann.lee", "bob"}
    assert sorted(mail.to[0] for mail in mailoutbox) == ["ann@example.org", "bob@example.org"]


def test_it_mails_who_where_what_and_a_link_to_the_thread(
    proposal, owner, ann, mailoutbox, django_capture_on_commit_callbacks
):
    comment = comment_on(proposal, owner, "@ann.lee please get exact numbers from BLS.")
    record(comment, django_capture_on_commit_callbacks)
    [mail] = mailoutbox
    assert mail.to == ["ann@example.org"]
    assert mail.subject == "Owner Tester mentioned you in “Health Informatics Occupations”"
    assert "Owner Tester mentioned you in a comment on the proposal “Health Informatics Occupations”" in mail.body
    assert "On: “clinical data”" in mail.body
    assert "@ann.lee please get exact numbers from BLS." in mail.body
    assert f"{BASE_URL}/proposals/{proposal.pk}/#thread-{comment.thread_id}" in mail.body


def test_it_links_a_suggestions_discussion_to_the_suggestion(
    proposal, owner, ann, mailoutbox, django_capture_on_commit_callbacks
):
    comment = comment_on(proposal, owner, "What do you think, @ann.lee?")
    suggestion = Suggestion.objects.create(proposal=proposal, path=comment.thread.path, thread=comment.thread)
    record(comment, django_capture_on_commit_callbacks)
    assert f"{BASE_URL}/proposals/{proposal.pk}/#suggestion-{suggestion.pk}" in mailoutbox[0].body


def test_it_takes_the_link_from_the_request(
    rf, settings, proposal, owner, ann, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["review.example.net"]
    comment = comment_on(proposal, owner, "@ann.lee")
    with django_capture_on_commit_callbacks(execute=True):
        mentions_record(comment, request_or_base_url=rf.get("/", HTTP_HOST="review.example.net"))
    assert f"http://review.example.net/proposals/{proposal.pk}/#thread-" in mailoutbox[0].body


def test_it_knows_members_by_first_and_last_name(proposal, owner, ann, mailoutbox, django_capture_on_commit_callbacks):
    comment = comment_on(proposal, owner, "Over to @ann.LEE.")
    assert [m.user for m in record(comment, django_capture_on_commit_callbacks)] == [ann]
    other = comment_on(proposal, owner, "Over to @Ann.Lee", thread=comment.thread)
    assert [m.user for m in record(other, django_capture_on_commit_callbacks)] == [ann]


def test_it_mentions_nobody_by_a_name_two_members_share(
    proposal, owner, member_of, mailoutbox, django_capture_on_commit_callbacks
):
    for username in ("kim1", "kim2"):
        user = member_of(Membership.Role.REVIEWER, username)
        user.first_name, user.last_name = "Kim", "Park"
        user.save()
    comment = comment_on(proposal, owner, "@kim.park and @kim2")
    assert [m.user.username for m in record(comment, django_capture_on_commit_callbacks)] == ["kim2"]


def test_it_ignores_non_members_the_author_and_e_mail_addresses(
    proposal, owner, ann, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    make_user("stranger")
    comment = comment_on(proposal, ann, "@outsider @stranger @ann.lee @nobody, write to owner@example.org")
    assert record(comment, django_capture_on_commit_callbacks) == []
    assert not Mention.objects.exists()
    assert mailoutbox == []


def test_it_does_not_notify_twice_when_a_comment_is_edited(
    proposal, owner, ann, bob, mailoutbox, django_capture_on_commit_callbacks
):
    comment = comment_on(proposal, owner, "@ann.lee can you look?")
    record(comment, django_capture_on_commit_callbacks)
    comment.text = "@ann.lee can you look? (typo fixed)"
    comment.save()
    assert record(comment, django_capture_on_commit_callbacks) == []
    comment.text = "@ann.lee can you look? And @bob too."
    comment.save()
    assert [m.user for m in record(comment, django_capture_on_commit_callbacks)] == [bob]
    assert [mail.to for mail in mailoutbox] == [["ann@example.org"], ["bob@example.org"]]
    assert Mention.objects.filter(comment=comment).count() == 2


def test_it_records_a_member_without_an_e_mail_address_without_mailing(
    proposal, owner, member_of, mailoutbox, django_capture_on_commit_callbacks
):
    member_of(Membership.Role.REVIEWER, "nomail")
    comment = comment_on(proposal, owner, "@nomail")
    assert len(record(comment, django_capture_on_commit_callbacks)) == 1
    assert mailoutbox == []


def test_it_sends_nothing_when_the_comment_is_not_saved(
    proposal, owner, ann, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            mentions_record(comment_on(proposal, owner, "@ann.lee"), request_or_base_url=BASE_URL)
            raise RuntimeError("the write failed")
    assert mailoutbox == []
    assert not Mention.objects.exists()


def test_it_ignores_a_deleted_comment(proposal, owner, ann, mailoutbox, django_capture_on_commit_callbacks):
    comment = comment_on(proposal, owner, "@ann.lee")
    comment.is_deleted = True
    assert record(comment, django_capture_on_commit_callbacks) == []

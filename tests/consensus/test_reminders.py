"""The coordinator sees who has not finished a round and reminds them in their inbox and
by e-mail."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from comments.mentions import inbox_items, inbox_unread_count
from comments.models import Notice
from consensus import selectors, services
from occupations.entries import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(proposal, owner, health_it):
    return services.round_open(proposal=proposal, by=owner, entry_kind="task", group=health_it)


def test_it_lists_who_has_not_finished_and_reminds_only_them(round_, proposal, owner, health_it, reviewer, editor,
                                                             observer, member_of):
    done = member_of("reviewer", username="done")
    for task in Task.objects.filter(group=health_it):
        services.rating_set(round_=round_, by=done, path=f"task:{task.pk}", relevant="unsure")
    services.rating_set(round_=round_, by=reviewer, path=f"task:{Task.objects.filter(group=health_it).first().pk}",
                        relevant="unsure")
    rows = {member.user.username: (rated, total) for member, rated, total in selectors.unfinished(round_)}
    assert rows == {"owner": (0, 3), "editor": (0, 3), "reviewer": (1, 3)}  # not the observer, not who finished
    assert services.round_remind(round_=round_, by=owner) == 2  # not the coordinator who asks
    assert set(Notice.objects.values_list("user__username", flat=True)) == {"editor", "reviewer"}
    items, total = inbox_items(reviewer)
    [notice] = [item for item in items if item.reason == "notice"]
    assert notice.text == ("Round 1 (Tasks of Health Information Technology (Health IT)) is open: "
                           "you have rated 1 of 3.")
    assert notice.url == reverse("round_rate", args=[proposal.pk, 1])
    assert inbox_unread_count(reviewer) == 1 and inbox_unread_count(done) == 0


@pytest.mark.parametrize("role", ["editor", "reviewer", "observer"])
def test_only_a_coordinator_reminds(round_, member_of, role):
    with pytest.raises(PermissionDenied):
        services.round_remind(round_=round_, by=member_of(role))
    assert not Notice.objects.exists()


def test_a_closed_round_reminds_nobody(round_, owner, reviewer):
    services.round_close(round_=round_, by=owner)
    with pytest.raises(ValidationError) as refused:
        services.round_remind(round_=round_, by=owner)
    assert refused.value.code == "round_closed"


def test_the_rounds_page_offers_the_reminder_and_the_inbox_shows_it(client, round_, proposal, owner, reviewer,
                                                                    outsider):
    client.force_login(owner)
    page = client.get(reverse("round_list", args=[proposal.pk])).content.decode()
    assert "Not finished: 2 members" in page and "Reviewer Tester (reviewer): 0 of 3" in page
    answer = client.post(reverse("round_remind", args=[proposal.pk, 1]), follow=True)
    assert "Reminded 1 member in their inbox, and by e-mail where they have an address." in (
        answer.content.decode())
    client.force_login(reviewer)
    assert client.post(reverse("round_remind", args=[proposal.pk, 1])).status_code == 403
    inbox = client.get(reverse("inbox")).content.decode()
    assert "sent you a notice" in inbox and "you have rated 0 of 3." in inbox
    assert reverse("round_rate", args=[proposal.pk, 1]) in inbox
    client.force_login(outsider)
    assert client.post(reverse("round_remind", args=[proposal.pk, 1])).status_code == 404
    assert Notice.objects.count() == 1  # the reviewer; not the coordinator who asked


def test_each_reminded_member_with_an_address_gets_an_e_mail_with_the_link(
        round_, proposal, owner, editor, reviewer, observer, mailoutbox, django_capture_on_commit_callbacks):
    for user, address in ((editor, "editor@example.org"), (observer, "observer@example.org")):
        user.email = address
        user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.round_remind(round_=round_, by=owner, request_or_base_url="https://studio.example.org/") == 2
    [mail] = mailoutbox  # the reviewer has no address; the observer does not rate
    assert mail.to == ["editor@example.org"]
    assert mail.subject == "Reminder: rating round 1 of “Health Informatics Occupations”"
    assert "Hello Editor Tester," in mail.body
    assert "Owner Tester sent you a notice on the proposal “Health Informatics Occupations”:" in mail.body
    assert "you have rated 0 of 3." in mail.body
    assert f"https://studio.example.org{reverse('round_rate', args=[proposal.pk, 1])}" in mail.body
    assert Notice.objects.count() == 2


def test_no_e_mail_leaves_when_the_reminder_is_not_saved(round_, owner, editor, mailoutbox,
                                                         django_capture_on_commit_callbacks):
    from django.db import transaction

    editor.email = "editor@example.org"
    editor.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            services.round_remind(round_=round_, by=owner)
            raise RuntimeError("the write failed")
    assert mailoutbox == [] and not Notice.objects.exists()


def test_a_refused_e_mail_leaves_the_notice(round_, owner, editor, settings, django_capture_on_commit_callbacks,
                                            caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    editor.email = "editor@example.org"
    editor.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.round_remind(round_=round_, by=owner) == 1
    assert Notice.objects.filter(user=editor).exists()
    assert "Error calling" in caplog.text

"""Membership by consent: a coordinator invites an e-mail address; its owner accepts or
declines; the answer to the coordinator is the same whoever the address belongs to; a
mail server's failure keeps the invitation, to be sent again. The audit's lure is here
as it was tried: a stranger's proposal, titled to deceive, and someone else's address."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from occupations import invitations, services
from occupations.models import Invitation, Membership
from tests.conftest import PASSWORD, make_user

User = get_user_model()
LURE = "URGENT: confirm your SOC account password"


def list_url(proposal):
    return reverse("member_list", args=[proposal.pk])


def invite(client, proposal, email, role="reviewer"):
    return client.post(list_url(proposal), {"email": email, "role": role}, follow=True)


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def link_in(mail) -> str:
    match = re.search(r"https?://testserver(/invitations/[^/\s]+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def role_of(user, proposal):
    return Membership.objects.filter(user=user, proposal=proposal).values_list("role", flat=True).first()


@pytest.fixture
def victim(db):
    user = make_user("victim")
    user.email = "victim@hospital.example"
    user.save()
    return user


# The lure ----------------------------------------------------------------------------------

def test_a_strangers_proposal_never_reaches_someone_who_has_not_accepted(client, outsider, victim, mailoutbox):
    lure = services.proposal_create(title=LURE, created_by=outsider)
    client.force_login(outsider)
    invite(client, lure, "victim@hospital.example")
    assert role_of(victim, lure) is None
    assert LURE not in mailoutbox[0].subject  # the subject is ours, never the stranger's words

    client.force_login(victim)
    home = client.get(reverse("home"))
    assert [m.proposal for m in home.context["memberships"]] == []
    assert client.get(reverse("proposal_detail", args=[lure.pk])).status_code == 404
    assert client.get(list_url(lure)).status_code == 404
    # The invitation waits, apart, for an answer; declining it ends it.
    [waiting] = home.context["invitations"]
    client.post(reverse("invitation_answer", args=[waiting.pk, "decline"]))
    assert Invitation.objects.get().status == Invitation.Status.DECLINED
    assert client.get(reverse("home")).context["invitations"] == []
    assert role_of(victim, lure) is None


def test_the_answer_is_the_same_for_an_account_and_a_made_up_address(client, proposal, owner, victim, mailoutbox):
    client.force_login(owner)
    known = invite(client, proposal, "victim@hospital.example")
    unknown = invite(client, proposal, "nobody-at-all@hospital.example")
    said = [[str(message) for message in response.context["messages"]] for response in (known, unknown)]
    assert said == [["Invitation sent to victim@hospital.example."], ["Invitation sent to nobody-at-all@hospital.example."]]
    assert (known.status_code, known.redirect_chain) == (unknown.status_code, unknown.redirect_chain)
    assert len(mailoutbox) == 2
    assert proposal.memberships.count() == 1  # nobody joined


def test_no_username_is_looked_up(client, proposal, owner, victim):
    client.force_login(owner)
    response = client.post(list_url(proposal), {"email": "victim", "role": "reviewer"})
    assert response.status_code == 200
    assert "Type an e-mail address, like ann.lee@example.org." in text_of(response)
    assert not Invitation.objects.exists() and role_of(victim, proposal) is None


def test_only_coordinators_see_members_addresses(client, proposal, owner, member_of):
    owner.email = "owner@example.org"
    owner.save()
    for role in ("editor", "reviewer", "observer"):
        client.force_login(member_of(role, username=f"a-{role}"))
        assert "owner@example.org" not in client.get(list_url(proposal)).content.decode()
    client.force_login(owner)
    assert "owner@example.org" in client.get(list_url(proposal)).content.decode()


def test_the_invitations_waiting_are_listed_by_the_address_typed_for_coordinators(client, proposal, owner, editor):
    client.force_login(owner)
    invite(client, proposal, "Pat@Clinic.example", role="editor")
    page = text_of(client.get(list_url(proposal)))
    assert "Invitations waiting for an answer" in page and "pat@clinic.example editor" in page
    client.force_login(editor)
    assert "pat@clinic.example" not in text_of(client.get(list_url(proposal)))


# Accepting -------------------------------------------------------------------------------------

def test_an_account_accepts_with_one_click_after_signing_in(client, proposal, owner, victim, mailoutbox):
    client.force_login(owner)
    invite(client, proposal, "VICTIM@hospital.example", role="editor")
    client.logout()
    link = link_in(mailoutbox[0])
    assert "Accept or decline here" in mailoutbox[0].body
    page = client.get(link)
    assert page.status_code == 200 and "Sign in to accept" in text_of(page)
    client.post(reverse("login"), {"username": "victim", "password": PASSWORD})
    page = client.get(link)
    assert ">Accept</button>" in page.content.decode()
    response = client.post(link, {"choice": "accept"})
    assert response.status_code == 302 and response.url == reverse("proposal_detail", args=[proposal.pk])
    assert role_of(victim, proposal) == "editor"
    invitation = Invitation.objects.get()
    assert (invitation.status, invitation.user) == (Invitation.Status.ACCEPTED, victim)
    assert "This invitation was accepted." in text_of(client.post(link, {"choice": "accept"}))  # twice: once
    assert Membership.objects.filter(user=victim, proposal=proposal).count() == 1


def test_someone_new_creates_an_account_and_joins_in_one_form(client, proposal, owner, mailoutbox):
    client.force_login(owner)
    invite(client, proposal, "ann.lee@hospital.example")
    client.logout()
    mail = mailoutbox[0]
    assert "Owner Tester invites you to the proposal “Health Informatics Occupations”" in mail.body
    assert "Create your account and accept here" in mail.body
    link = link_in(mail)
    form = client.get(link)
    assert 'value="ann.lee"' in form.content.decode()  # a username suggested
    weak = client.post(link, {"username": "ann.lee", "password1": "123", "password2": "123"})
    assert weak.status_code == 400 and not User.objects.filter(username="ann.lee").exists()
    response = client.post(link, {"username": "ann.lee", "password1": "correct-horse-2028",
                                  "password2": "correct-horse-2028", "choice": "accept"})
    assert response.status_code == 302
    ann = User.objects.get(username="ann.lee")
    assert ann.email == "ann.lee@hospital.example" and ann.check_password("correct-horse-2028")
    assert role_of(ann, proposal) == "reviewer"
    assert client.get(reverse("proposal_detail", args=[proposal.pk])).status_code == 200  # signed in
    assert "This invitation was accepted." in text_of(client.get(link))


def test_the_link_declines_without_signing_in(client, proposal, owner, victim, mailoutbox):
    client.force_login(owner)
    invite(client, proposal, "victim@hospital.example")
    client.logout()
    response = client.post(link_in(mailoutbox[0]), {"choice": "decline"})
    assert response.status_code == 302
    assert Invitation.objects.get().status == Invitation.Status.DECLINED and role_of(victim, proposal) is None


def test_another_account_cannot_take_an_invitation(client, proposal, owner, victim, outsider, mailoutbox):
    client.force_login(owner)
    invite(client, proposal, "victim@hospital.example")
    invitation = Invitation.objects.get()
    client.force_login(outsider)
    assert client.post(link_in(mailoutbox[0]), {"choice": "accept"}).status_code == 403
    assert client.post(reverse("invitation_answer", args=[invitation.pk, "accept"])).status_code == 404
    assert role_of(outsider, proposal) is None and Invitation.objects.get().status == Invitation.Status.PENDING


def test_an_expired_or_unknown_link_says_so(client, proposal, owner, victim, mailoutbox):
    client.force_login(owner)
    invite(client, proposal, "victim@hospital.example")
    Invitation.objects.update(created_at=timezone.now() - timedelta(days=15))
    client.force_login(victim)
    assert "This invitation has expired" in text_of(client.get(link_in(mailoutbox[0])))
    assert client.get(reverse("home")).context["invitations"] == []
    assert client.get("/invitations/not-a-real-token/").status_code == 404


# Mail, limits, withdrawing ---------------------------------------------------------------------

def test_a_failing_mail_server_keeps_the_invitation_and_offers_to_send_again(client, proposal, owner, settings,
                                                                            mailoutbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    client.force_login(owner)
    page = text_of(invite(client, proposal, "pat@clinic.example"))
    assert "The invitation to pat@clinic.example is saved, but its e-mail could not be sent" in page
    assert "the e-mail could not be sent" in page and "Send again" in page
    invitation = Invitation.objects.get()
    assert invitation.send_error.startswith("ConnectionRefusedError") and invitation.sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    again = client.post(reverse("invitation_resend", args=[proposal.pk, invitation.pk]), follow=True)
    assert "Invitation sent to pat@clinic.example again." in text_of(again)
    invitation.refresh_from_db()
    assert invitation.sent_at is not None and invitation.send_error == ""
    assert len(mailoutbox) == 1
    # Sent a moment ago: not again yet.
    soon = client.post(reverse("invitation_resend", args=[proposal.pk, invitation.pk]), follow=True)
    assert "give it time to arrive" in text_of(soon) and len(mailoutbox) == 1


def test_sending_again_gives_a_new_link_and_the_old_one_stops(client, proposal, owner, mailoutbox):
    client.force_login(owner)
    invite(client, proposal, "pat@clinic.example")
    Invitation.objects.update(sent_at=timezone.now() - timedelta(minutes=11))
    client.post(reverse("invitation_resend", args=[proposal.pk, Invitation.objects.get().pk]))
    first, second = link_in(mailoutbox[0]), link_in(mailoutbox[1])
    assert first != second
    client.logout()
    assert client.get(first).status_code == 404 and client.get(second).status_code == 200


def test_a_coordinator_withdraws_an_invitation(client, proposal, owner, victim, mailoutbox):
    client.force_login(owner)
    invite(client, proposal, "victim@hospital.example")
    invitation = Invitation.objects.get()
    client.post(reverse("invitation_withdraw", args=[proposal.pk, invitation.pk]))
    client.force_login(victim)
    assert "This invitation was withdrawn." in text_of(client.get(link_in(mailoutbox[0])))
    assert client.get(reverse("home")).context["invitations"] == []


def test_invitations_are_limited_per_person_per_hour(client, proposal, owner, settings):
    settings.INVITATIONS_PER_USER_PER_HOUR = 3
    client.force_login(owner)
    for number in range(3):
        invite(client, proposal, f"person{number}@example.org")
    page = text_of(invite(client, proposal, "person9@example.org"))
    assert "You have sent 3 invitations in the last hour, the most allowed." in page
    assert Invitation.objects.count() == 3
    Invitation.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    invite(client, proposal, "person9@example.org")
    assert Invitation.objects.count() == 4


def test_the_default_limit_is_twenty_an_hour(settings):
    assert settings.INVITATIONS_PER_USER_PER_HOUR == 20


def test_only_coordinators_invite_through_the_service(proposal, editor):
    with pytest.raises(Exception) as raised:
        invitations.invitation_create(proposal=proposal, email="x@example.org", role="editor", by=editor)
    assert raised.type.__name__ == "PermissionDenied"


def test_a_member_is_not_invited_again(client, proposal, owner, editor):
    editor.email = "editor@example.org"
    editor.save()
    with pytest.raises(ValidationError) as raised:
        invitations.invitation_create(proposal=proposal, email="Editor@example.org", role="editor", by=owner)
    assert raised.value.code == "already_member"

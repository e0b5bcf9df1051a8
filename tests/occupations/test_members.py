"""Member services: adding, inviting, changing roles, removing; never without a coordinator."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from occupations import members
from occupations.models import Membership
from tests.conftest import make_user

User = get_user_model()
BASE_URL = "http://studio.example.org"


def role_of(user, proposal):
    return Membership.objects.filter(user=user, proposal=proposal).values_list("role", flat=True).first()


def membership(user, proposal):
    return Membership.objects.get(user=user, proposal=proposal)


def test_it_adds_a_user_with_a_role_and_records_who_did_it(proposal, owner, outsider):
    added = members.member_add(proposal=proposal, user=outsider, role="editor", by=owner)
    assert role_of(outsider, proposal) == "editor"
    record = added.history.get()
    assert (record.history_type, record.history_user, record.role) == ("+", owner, "editor")


def test_it_refuses_to_add_a_member_twice(proposal, owner, editor):
    with pytest.raises(ValidationError) as raised:
        members.member_add(proposal=proposal, user=editor, role="reviewer", by=owner)
    assert raised.value.code == "already_member"
    assert "Editor Tester is already a member" in raised.value.messages[0]
    assert role_of(editor, proposal) == "editor"


def test_it_refuses_a_role_that_does_not_exist(proposal, owner, outsider):
    with pytest.raises(ValidationError) as raised:
        members.member_add(proposal=proposal, user=outsider, role="admin", by=owner)
    assert raised.value.code == "invalid_role"
    assert role_of(outsider, proposal) is None


def test_it_lists_coordinators_first_then_editors_reviewers_observers(proposal, owner, member_of):
    member_of("observer", "olga")
    member_of("reviewer", "rita")
    member_of("editor", "eve")
    member_of("coordinator", "carl")
    roles = [row.role for row in members.members_of(proposal)]
    assert roles == ["coordinator", "coordinator", "editor", "reviewer", "observer"]


def test_it_finds_a_user_by_username_or_e_mail(owner, outsider):
    outsider.email = "Out.Sider@Example.org"
    outsider.save()
    assert members.user_find("outsider") == outsider
    assert members.user_find("OUTSIDER") == outsider
    assert members.user_find("out.sider@example.ORG") == outsider
    assert members.user_find("nobody") is None
    assert members.user_find("  ") is None


def test_it_invites_an_existing_user_by_e_mail_whatever_its_case(proposal, owner, outsider, mailoutbox):
    outsider.email = "outsider@example.org"
    outsider.save()
    added = members.member_invite(proposal=proposal, email="OutSider@Example.org", role="reviewer",
                                  by=owner, request_or_base_url=BASE_URL)
    assert added.user == outsider
    assert role_of(outsider, proposal) == "reviewer"
    assert User.objects.filter(email__iexact="outsider@example.org").count() == 1
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["outsider@example.org"]
    assert "Owner Tester invited you" in mail.subject
    assert "as reviewer" in mail.body
    assert "Log in as outsider" in mail.body
    assert f"{BASE_URL}/proposals/{proposal.pk}/" in mail.body
    assert "/accounts/reset/" not in mail.body  # they have a password already


def set_password_link(body: str) -> str:
    match = re.search(r"https?://\S+/accounts/reset/\S+/", body)
    assert match, body
    return match.group(0)


def test_it_invites_someone_new_who_sets_a_password_and_logs_in(client, proposal, owner, mailoutbox):
    added = members.member_invite(proposal=proposal, email="ann.lee@hospital.example", role="reviewer",
                                  by=owner, request_or_base_url=BASE_URL + "/")
    user = added.user
    assert (user.username, user.email) == ("ann.lee", "ann.lee@hospital.example")
    assert not user.has_usable_password()
    assert role_of(user, proposal) == "reviewer"
    assert added.history.get().history_user == owner

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ann.lee@hospital.example"]
    assert "Owner Tester has invited you to the proposal “Health Informatics Occupations”" in mail.body
    assert "as reviewer" in mail.body and "comment on it and suggest changes" in mail.body
    assert "Your username is ann.lee" in mail.body
    link = set_password_link(mail.body)
    assert link.startswith(BASE_URL + "/accounts/reset/")

    response = client.get(link.removeprefix(BASE_URL))
    assert response.status_code == 302  # Django moves the token into the session
    form_url = response.url
    response = client.get(form_url)
    assert response.status_code == 200
    assert b"new_password1" in response.content
    assert "Choose your password" in response.content.decode() and "ann.lee" in response.content.decode()
    new_password = "correct-horse-battery-2028"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")
    assert "Your password is set" in client.get(response.url).content.decode()

    user.refresh_from_db()
    assert user.check_password(new_password)
    response = client.post(reverse("login"), {"username": "ann.lee", "password": new_password})
    assert response.status_code == 302
    assert client.get(reverse("proposal_detail", args=[proposal.pk])).status_code == 200
    # The link works once.
    assert client.get(link.removeprefix(BASE_URL), follow=True).context["validlink"] is False


def test_it_gives_an_invited_user_a_username_nobody_has(proposal, owner, mailoutbox):
    make_user("ann")
    added = members.member_invite(proposal=proposal, email="Ann@example.org", role="observer",
                                  by=owner, request_or_base_url=BASE_URL)
    assert added.user.username == "ann2"
    again = members.member_invite(proposal=proposal, email="ann+soc@other.example", role="observer",
                                  by=owner, request_or_base_url=BASE_URL)
    assert again.user.username == "ann+soc"


def test_it_refuses_to_invite_what_is_not_an_e_mail(proposal, owner, mailoutbox):
    with pytest.raises(ValidationError) as raised:
        members.member_invite(proposal=proposal, email="not an address", role="editor",
                              by=owner, request_or_base_url=BASE_URL)
    assert raised.value.code == "invalid_email"
    assert mailoutbox == []
    assert proposal.memberships.count() == 1


def test_it_refuses_to_invite_a_member_again_and_sends_nothing(proposal, owner, mailoutbox):
    members.member_invite(proposal=proposal, email="bo@example.org", role="editor",
                          by=owner, request_or_base_url=BASE_URL)
    with pytest.raises(ValidationError) as raised:
        members.member_invite(proposal=proposal, email="BO@example.org", role="editor",
                              by=owner, request_or_base_url=BASE_URL)
    assert raised.value.code == "already_member"
    assert len(mailoutbox) == 1
    assert User.objects.filter(email__iexact="bo@example.org").count() == 1


def test_it_changes_a_role_and_records_who_did_it(proposal, owner, editor):
    changed = members.member_set_role(membership=membership(editor, proposal), role="reviewer", by=owner)
    assert changed.role == "reviewer"
    assert role_of(editor, proposal) == "reviewer"
    record = changed.history.first()
    assert (record.history_type, record.history_user, record.role) == ("~", owner, "reviewer")


def test_it_lets_a_coordinator_step_down_when_another_remains(proposal, owner, member_of):
    member_of("coordinator", "carl")
    members.member_set_role(membership=membership(owner, proposal), role="editor", by=owner)
    assert role_of(owner, proposal) == "editor"


def test_it_refuses_to_demote_the_last_coordinator(proposal, owner, editor):
    with pytest.raises(ValidationError) as raised:
        members.member_set_role(membership=membership(owner, proposal), role="editor", by=owner)
    assert raised.value.code == "last_coordinator"
    assert raised.value.messages == [
        "Owner Tester is the only coordinator: make someone else coordinator first."
    ]
    assert role_of(owner, proposal) == "coordinator"


def test_it_refuses_to_demote_the_last_coordinator_from_a_stale_membership(proposal, owner, member_of):
    """Two coordinators, two pages loaded before either change: the second change sees
    the first one's result, not what its page showed."""
    carl = member_of("coordinator", "carl")
    owner_row, carl_row = membership(owner, proposal), membership(carl, proposal)
    members.member_set_role(membership=carl_row, role="editor", by=owner)
    with pytest.raises(ValidationError) as raised:
        members.member_set_role(membership=owner_row, role="editor", by=carl)
    assert raised.value.code == "last_coordinator"
    assert role_of(owner, proposal) == "coordinator"


def test_it_removes_a_member_and_records_who_did_it(proposal, owner, reviewer):
    row = membership(reviewer, proposal)
    members.member_remove(membership=row, by=owner)
    assert role_of(reviewer, proposal) is None
    record = Membership.history.filter(id=row.pk).first()
    assert (record.history_type, record.history_user) == ("-", owner)


def test_it_refuses_to_remove_the_last_coordinator(proposal, owner, editor):
    with pytest.raises(ValidationError) as raised:
        members.member_remove(membership=membership(owner, proposal), by=owner)
    assert raised.value.code == "last_coordinator"
    assert "Owner Tester is the only coordinator" in raised.value.messages[0]
    assert role_of(owner, proposal) == "coordinator"


def test_it_removes_a_coordinator_when_another_remains(proposal, owner, member_of):
    carl = member_of("coordinator", "carl")
    members.member_remove(membership=membership(owner, proposal), by=carl)
    assert role_of(owner, proposal) is None
    assert role_of(carl, proposal) == "coordinator"


def test_it_takes_no_offence_at_removing_a_member_twice(proposal, owner, reviewer):
    row = membership(reviewer, proposal)
    members.member_remove(membership=row, by=owner)
    members.member_remove(membership=row, by=owner)
    assert role_of(reviewer, proposal) is None

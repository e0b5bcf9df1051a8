"""Member services: adding, changing roles, removing; never without a coordinator (inviting:\ntest_invitations.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from occupations import members
from occupations.models import Membership
from tests.conftest import make_user

User = get_user_model()


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


def test_it_suggests_a_free_username_from_an_e_mail_address(owner):
    make_user("ann")
    assert members.username_for("Ann@example.org") == "ann2"
    assert members.username_for("ann+soc@other.example") == "ann+soc"
    assert members.username_for("Bo.Lee@clinic.example") == "bo.lee"


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

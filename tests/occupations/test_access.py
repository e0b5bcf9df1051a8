import pytest
from django.core.exceptions import PermissionDenied
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from occupations import access
from occupations.models import Membership

ROLES = [role.value for role in Membership.Role]


@pytest.mark.parametrize(
    ("role", "read", "write", "manage"),
    [
        ("coordinator", True, True, True),
        ("editor", True, True, False),
        ("reviewer", True, False, False),
        ("observer", True, False, False),
        (None, False, False, False),
    ],
)
def test_it_allows_each_role_what_it_may_do(role, read, write, manage):
    assert access.role_allows(role, access.READ) is read
    assert access.role_allows(role, access.WRITE) is write
    assert access.role_allows(role, access.MANAGE) is manage


def role_of(user, proposal):
    return Membership.objects.filter(user=user, proposal=proposal).values_list("role", flat=True).first()


def test_it_gives_the_creator_the_coordinator_role(proposal, owner):
    assert role_of(owner, proposal) == "coordinator"


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_every_member_read(proposal, member_of, role):
    user = member_of(role, username=f"a-{role}")
    membership = access.membership_for(user, proposal.pk, access.READ)
    assert membership.proposal == proposal
    assert membership.role == role


@pytest.mark.parametrize("role", ["reviewer", "observer"])
def test_it_refuses_writes_to_readers(proposal, member_of, role):
    user = member_of(role, username=f"a-{role}")
    with pytest.raises(PermissionDenied):
        access.membership_for(user, proposal.pk, access.WRITE)


def test_it_refuses_member_management_to_an_editor(proposal, editor):
    assert access.membership_for(editor, proposal.pk, access.WRITE).role == "editor"
    with pytest.raises(PermissionDenied):
        access.membership_for(editor, proposal.pk, access.MANAGE)


def test_it_lets_the_coordinator_manage(proposal, owner):
    assert access.membership_for(owner, proposal.pk, access.MANAGE).role == "coordinator"


def test_it_hides_the_proposal_from_an_outsider(proposal, outsider):
    assert role_of(outsider, proposal) is None
    with pytest.raises(Http404):
        access.membership_for(outsider, proposal.pk, access.READ)


def test_it_hides_the_proposal_from_anonymous_visitors(proposal):
    with pytest.raises(Http404):
        access.membership_for(AnonymousUser(), proposal.pk, access.READ)


def test_it_gives_one_user_different_roles_in_different_proposals(proposal, editor, owner):
    from occupations import services

    other = services.proposal_create(title="Second proposal", created_by=owner)
    services.membership_set(proposal=other, user=editor, role="observer", by=owner)
    assert role_of(editor, proposal) == "editor"
    assert role_of(editor, other) == "observer"

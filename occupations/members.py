"""Members of a proposal: who belongs to it and with what role, and the writes that change
that. Keyword-only and atomic like the other services; refusals are ValidationErrors with
a code and a message in the words of the person who sees it.

A proposal always keeps at least one coordinator: demoting or removing the last one is
refused. Two coordinators demoting each other at the same moment cannot both succeed:
each change locks the proposal's coordinator memberships before counting them."""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Value, When

from occupations.models import Membership, Proposal
from occupations.services import touch_proposal

User = get_user_model()
Role = Membership.Role

# What each role may do, as an invitation tells it.
ROLE_DUTIES = {
    Role.COORDINATOR: "run the group: write, manage members and roles, and export the proposal",
    Role.EDITOR: "write and rework the draft",
    Role.REVIEWER: "read the draft, comment on it and suggest changes",
    Role.OBSERVER: "read the draft",
}

_USERNAME_UNSAFE = re.compile(r"[^\w.+-]")


def display_name(user) -> str:
    return user.get_full_name() or user.username


# Reads -----------------------------------------------------------------------------------

def members_of(proposal: Proposal) -> list[Membership]:
    """The proposal's members, coordinators first, then editors, reviewers, observers."""
    rank = Case(
        *(When(role=role, then=Value(index)) for index, role in enumerate(Role.values)),
        output_field=IntegerField(),
    )
    return list(
        proposal.memberships.select_related("user")
        .annotate(role_rank=rank)
        .order_by("role_rank", "user__last_name", "user__first_name", "user__username")
    )


# Writes ----------------------------------------------------------------------------------

def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError(f"“{role}” is not a role: choose coordinator, editor, reviewer or observer.",
                              code="invalid_role")


def _locked_coordinators(proposal_id: int) -> list[Membership]:
    """The proposal's coordinator memberships, locked until the transaction ends (always
    in the same order, so two changes wait for each other instead of deadlocking)."""
    return list(
        Membership.objects.select_for_update()
        .filter(proposal_id=proposal_id, role=Role.COORDINATOR)
        .order_by("pk")
    )


def _refuse_last_coordinator(membership: Membership, coordinators: list[Membership], doing: str):
    if membership.role == Role.COORDINATOR and len(coordinators) <= 1:
        raise ValidationError(
            f"{display_name(membership.user)} is the only coordinator: make someone else "
            f"coordinator first{doing}.",
            code="last_coordinator",
        )


@transaction.atomic
def member_add(*, proposal: Proposal, user, role: str, by) -> Membership:
    """Make an existing user a member of the proposal with this role."""
    _check_role(role)
    existing = Membership.objects.filter(proposal=proposal, user=user).first()
    if existing is not None:
        raise ValidationError(
            f"{display_name(user)} is already a member of this proposal "
            f"({existing.get_role_display().lower()}).",
            code="already_member",
        )
    membership = Membership(proposal=proposal, user=user, role=role)
    membership.full_clean(validate_constraints=False)
    membership._history_user = by
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:  # added by someone else a moment ago
        raise ValidationError(
            f"{display_name(user)} is already a member of this proposal.", code="already_member"
        ) from None
    touch_proposal(proposal.pk)
    return membership


def username_for(email: str) -> str:
    """A free username made from the e-mail's local part: ann.lee, then ann.lee2, ..."""
    base = _USERNAME_UNSAFE.sub("", email.split("@", 1)[0].lower())[:140] or "member"
    username, n = base, 2
    while User.objects.filter(username__iexact=username).exists():
        username, n = f"{base}{n}", n + 1
    return username


@transaction.atomic
def member_set_role(*, membership: Membership, role: str, by) -> Membership:
    """Give a member another role; the last coordinator cannot be demoted."""
    _check_role(role)
    coordinators = _locked_coordinators(membership.proposal_id)
    current = (
        Membership.objects.select_for_update(of=("self",)).select_related("user", "proposal")
        .get(pk=membership.pk)
    )
    if current.role == role:
        return current
    if role != Role.COORDINATOR:
        _refuse_last_coordinator(current, coordinators, "")
    current.role = role
    current.full_clean(validate_constraints=False)
    current._history_user = by
    current.save(update_fields=["role"])
    touch_proposal(current.proposal_id)
    return current


@transaction.atomic
def member_remove(*, membership: Membership, by) -> None:
    """Take a member off the proposal; the last coordinator cannot be removed."""
    coordinators = _locked_coordinators(membership.proposal_id)
    current = (
        Membership.objects.select_for_update(of=("self",)).select_related("user", "proposal")
        .filter(pk=membership.pk).first()
    )
    if current is None:
        return  # already removed
    _refuse_last_coordinator(current, coordinators, ", then remove them")
    current._history_user = by
    current.delete()
    touch_proposal(current.proposal_id)

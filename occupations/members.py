"""Members of a proposal: who belongs to it and with what role, and the writes that change
that. Keyword-only and atomic like the other services; refusals are ValidationErrors with
a code and a message in the words of the person who sees it.

A proposal always keeps at least one coordinator: demoting or removing the last one is
refused. Two coordinators demoting each other at the same moment cannot both succeed:
each change locks the proposal's coordinator memberships before counting them."""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from occupations.models import Membership, Proposal

User = get_user_model()
Role = Membership.Role

# What each role may do, as the invitation tells it.
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


def user_find(identifier: str):
    """The user a person means by a username or an e-mail address, or None."""
    identifier = identifier.strip()
    if not identifier:
        return None
    user = User.objects.filter(username=identifier).first()
    if user is None:
        user = User.objects.filter(username__iexact=identifier).order_by("pk").first()
    if user is None and "@" in identifier:
        user = User.objects.filter(email__iexact=identifier).order_by("pk").first()
    return user


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
    return membership


def _username_for(email: str) -> str:
    """A free username made from the e-mail's local part: ann.lee, then ann.lee2, ..."""
    base = _USERNAME_UNSAFE.sub("", email.split("@", 1)[0].lower())[:140] or "member"
    username, n = base, 2
    while User.objects.filter(username__iexact=username).exists():
        username, n = f"{base}{n}", n + 1
    return username


def _absolute(request_or_base_url, path: str) -> str:
    if hasattr(request_or_base_url, "build_absolute_uri"):
        return request_or_base_url.build_absolute_uri(path)
    return str(request_or_base_url).rstrip("/") + path


def set_password_path(user) -> str:
    """The path of the link that lets this user choose a password (Django's password
    reset confirmation: it works until the password changes or the link expires)."""
    return reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def _invitation(*, membership: Membership, by, request_or_base_url) -> tuple[str, str]:
    user, proposal = membership.user, membership.proposal
    role = membership.get_role_display().lower()
    inviter = display_name(by) if by is not None else "A coordinator"
    lines = [
        f"Hello {user.get_full_name()}," if user.get_full_name() else "Hello,",
        "",
        f"{inviter} has invited you to the proposal “{proposal.title}” ({proposal.revision_cycle}) "
        f"in SOC Proposal Studio, as {role}. As {'an' if role[0] in 'aeiou' else 'a'} {role} you "
        f"can {ROLE_DUTIES[membership.role]}.",
        "",
    ]
    if not user.has_usable_password():
        days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
        lines += [
            "Choose your password here (the link works once, for "
            f"{days} day{'s' if days != 1 else ''}):",
            _absolute(request_or_base_url, set_password_path(user)),
            "",
            f"Your username is {user.username}. Then open the proposal at:",
        ]
    else:
        lines += [f"Log in as {user.username} and open the proposal at:"]
    lines += [
        _absolute(request_or_base_url, reverse("proposal_detail", args=[proposal.pk])),
        "",
        "If you did not expect this invitation, you can ignore this e-mail.",
    ]
    subject = f"{inviter} invited you to “{proposal.title}”"
    return subject, "\n".join(lines)


@transaction.atomic
def member_invite(*, proposal: Proposal, email: str, role: str, by, request_or_base_url) -> Membership:
    """Add the person with this e-mail address, creating their account if they have none,
    and e-mail them the invitation (with a link to choose a password if they have none).

    request_or_base_url: the request, or a base URL like https://studio.example.org, for
    the links in the e-mail."""
    _check_role(role)
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(f"“{email}” is not an e-mail address.", code="invalid_email") from None
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        user = User(username=_username_for(email), email=User.objects.normalize_email(email))
        user.set_unusable_password()
        user.save()
    membership = member_add(proposal=proposal, user=user, role=role, by=by)
    subject, body = _invitation(membership=membership, by=by, request_or_base_url=request_or_base_url)
    # Sent inside the transaction: if the mail server refuses it, nobody is half-invited.
    send_mail(subject, body, None, [user.email])
    return membership


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

"""Membership by consent. A coordinator invites an e-mail address; usernames are never
looked up, and the answer is the same whether the address has an account or not, so
nothing tells a stranger who exists. The address's owner accepts or declines (from the
e-mail's link or their home page); until then they are not a member and the proposal
is not theirs to see. An address with no account creates one on accepting.

The e-mail is sent after the invitation is saved (`invitation_send`, outside any
transaction): a mail server that refuses it leaves the invitation, with the reason, to
be sent again. Invitations per person per hour are counted from the database."""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from occupations import access
from occupations.members import ROLE_DUTIES, display_name, member_add
from occupations.models import Invitation, Membership, Proposal

User = get_user_model()
logger = logging.getLogger(__name__)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _expires(invitation: Invitation):
    return invitation.created_at + timedelta(days=settings.INVITATION_DAYS)


def is_open(invitation: Invitation) -> bool:
    return invitation.status == Invitation.Status.PENDING and timezone.now() < _expires(invitation)


def account_for(email: str):
    """The account that may accept an invitation to this address: one with a password."""
    return (User.objects.filter(email__iexact=email, is_active=True).exclude(password__startswith="!")
            .order_by("pk").first())


# Reads -----------------------------------------------------------------------------------

def invitation_for_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (Invitation.objects.select_related("proposal", "invited_by")
            .filter(token_digest=_digest(token)).first())


def invitations_pending_for(user) -> list[Invitation]:
    """What waits for this person's answer, newest first."""
    if not getattr(user, "email", ""):
        return []
    since = timezone.now() - timedelta(days=settings.INVITATION_DAYS)
    return list(Invitation.objects.select_related("proposal", "invited_by")
                .filter(email__iexact=user.email, status=Invitation.Status.PENDING, created_at__gte=since)
                .exclude(proposal__memberships__user=user).order_by("-created_at"))


def invitations_pending_of(proposal: Proposal) -> list[Invitation]:
    return list(proposal.invitations.select_related("invited_by").filter(status=Invitation.Status.PENDING)
                .order_by("-created_at"))


# Writes ----------------------------------------------------------------------------------

def _require_coordinator(proposal: Proposal, by) -> None:
    role = Membership.objects.filter(proposal=proposal, user=by).values_list("role", flat=True).first()
    if not access.role_allows(role, access.MANAGE):
        raise PermissionDenied("Only a coordinator invites people.")


@transaction.atomic
def invitation_create(*, proposal: Proposal, email: str, role: str, by) -> tuple[Invitation, str]:
    """The invitation (a new one, or the pending one to that address with this role and a
    fresh link) and its link's token, which is not stored. Send it with invitation_send."""
    _require_coordinator(proposal, by)
    if role not in Membership.Role.values:
        raise ValidationError(f"“{role}” is not a role: choose coordinator, editor, reviewer or observer.",
                              code="invalid_role")
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(f"“{email[:100]}” is not an e-mail address.", code="invalid_email") from None
    hour_ago = timezone.now() - timedelta(hours=1)
    if Invitation.objects.filter(invited_by=by, created_at__gte=hour_ago).count() >= \
            settings.INVITATIONS_PER_USER_PER_HOUR:
        raise ValidationError(f"You have sent {settings.INVITATIONS_PER_USER_PER_HOUR} invitations in the last "
                              "hour, the most allowed. Try again later.", code="hourly_limit")
    # Coordinators see members' addresses: saying so tells them nothing new.
    member = Membership.objects.filter(proposal=proposal, user__email__iexact=email).select_related("user").first()
    if member is not None:
        raise ValidationError(f"{email} is already a member of this proposal "
                              f"({member.get_role_display().lower()}).", code="already_member")
    token = secrets.token_urlsafe(32)
    invitation = (Invitation.objects.select_for_update()
                  .filter(proposal=proposal, email=email, status=Invitation.Status.PENDING).first())
    if invitation is None:
        invitation = Invitation(proposal=proposal, email=email)
    invitation.role, invitation.invited_by, invitation.token_digest = role, by, _digest(token)
    invitation.full_clean(validate_constraints=False)
    invitation.save()
    if invitation.created_at < hour_ago:  # an old invitation asked again: its days start again
        Invitation.objects.filter(pk=invitation.pk).update(created_at=timezone.now())
        invitation.refresh_from_db()
    return invitation, token


def _absolute(request_or_base_url, path: str) -> str:
    if hasattr(request_or_base_url, "build_absolute_uri"):
        return request_or_base_url.build_absolute_uri(path)
    return str(request_or_base_url).rstrip("/") + path


def _mail(invitation: Invitation, token: str, request_or_base_url) -> tuple[str, str]:
    proposal, role = invitation.proposal, invitation.get_role_display().lower()
    inviter = display_name(invitation.invited_by) if invitation.invited_by is not None else "A coordinator"
    link = _absolute(request_or_base_url, reverse("invitation_open", args=[token]))
    lines = [
        "Hello,", "",
        f"{inviter} invites you to the proposal “{proposal.title}” ({proposal.revision_cycle}) in SOC Proposal "
        f"Studio, as {role}. As {'an' if role[0] in 'aeiou' else 'a'} {role} you can "
        f"{ROLE_DUTIES[invitation.role]}.", "",
    ]
    if account_for(invitation.email) is not None:
        lines += ["Accept or decline here (you will be asked to sign in):", link]
    else:
        lines += ["Create your account and accept here:", link]
    lines += ["", f"The link works for {settings.INVITATION_DAYS} days. Until you accept, you are not a member, "
                  "and if you did not expect this invitation you can ignore this e-mail or decline it."]
    # The subject is ours alone: a proposal's title is anyone's words.
    return "An invitation to a proposal in SOC Proposal Studio", "\n".join(lines)


def invitation_send(*, invitation: Invitation, token: str, request_or_base_url) -> bool:
    """E-mail the invitation; True if the mail server took it. Call it after the
    invitation is committed: a failure is recorded on it, never undoes it."""
    subject, body = _mail(invitation, token, request_or_base_url)
    try:
        send_mail(subject, body, None, [invitation.email])
    except Exception as error:  # noqa: BLE001 - any mail failure is recorded, to be sent again
        logger.warning("Invitation %s could not be sent: %s", invitation.pk, type(error).__name__)
        reason = f"{type(error).__name__}: {error}"[:300]
        Invitation.objects.filter(pk=invitation.pk).update(send_error=reason)
        invitation.send_error = reason
        return False
    invitation.sent_at, invitation.send_error = timezone.now(), ""
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=invitation.sent_at, send_error="")
    return True


def invitation_resend(*, invitation: Invitation, by, request_or_base_url) -> bool:
    """A fresh link (the old one stops working) sent again. Not more than once in ten
    minutes once sent, so a coordinator cannot flood an address."""
    _require_coordinator(invitation.proposal, by)
    if not is_open(invitation):
        raise ValidationError("This invitation is no longer open: invite the address again.", code="closed")
    if invitation.sent_at and not invitation.send_error and \
            timezone.now() - invitation.sent_at < timedelta(minutes=10):
        raise ValidationError("This invitation was sent a few minutes ago: give it time to arrive.", code="recent")
    token = secrets.token_urlsafe(32)
    Invitation.objects.filter(pk=invitation.pk).update(token_digest=_digest(token))
    return invitation_send(invitation=invitation, token=token, request_or_base_url=request_or_base_url)


def _decide(invitation: Invitation, status: str, user) -> None:
    invitation.status, invitation.decided_at, invitation.user = status, timezone.now(), user
    invitation.save(update_fields=["status", "decided_at", "user"])


def _open_and_locked(invitation: Invitation) -> Invitation:
    current = (Invitation.objects.select_for_update(of=("self",)).select_related("proposal", "invited_by")
               .get(pk=invitation.pk))
    if current.status != Invitation.Status.PENDING:
        raise ValidationError(f"This invitation was {current.get_status_display().lower()} already.",
                              code="decided")
    if not is_open(current):
        raise ValidationError("This invitation has expired: ask the coordinator to invite you again.",
                              code="expired")
    return current


def _addressee(invitation: Invitation, user) -> None:
    if not user.is_authenticated or user.email.lower() != invitation.email:
        raise PermissionDenied("This invitation is for another e-mail address.")


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by) -> None:
    _require_coordinator(invitation.proposal, by)
    _decide(_open_and_locked(invitation), Invitation.Status.WITHDRAWN, by)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """The addressee joins with the invitation's role (at most once)."""
    _addressee(invitation, user)
    invitation = _open_and_locked(invitation)
    existing = Membership.objects.filter(proposal=invitation.proposal, user=user).first()
    membership = existing or member_add(proposal=invitation.proposal, user=user, role=invitation.role, by=user)
    _decide(invitation, Invitation.Status.ACCEPTED, user)
    return membership


@transaction.atomic
def invitation_decline(*, invitation: Invitation, user) -> None:
    _addressee(invitation, user)
    _decide(_open_and_locked(invitation), Invitation.Status.DECLINED, user)


@transaction.atomic
def invitation_decline_by_link(*, invitation: Invitation) -> None:
    """Declined from the e-mail's link, signed in or not: the link stands for the address."""
    _decide(_open_and_locked(invitation), Invitation.Status.DECLINED, None)


@transaction.atomic
def invitation_accept_new_account(*, invitation: Invitation, form) -> Membership:
    """An address with no account: the account made from the form (a UserCreationForm,
    valid), with the invitation's address, and the invitation accepted by it."""
    invitation = _open_and_locked(invitation)
    if account_for(invitation.email) is not None:
        raise ValidationError("This address has an account now: sign in to accept.", code="has_account")
    user = form.save(commit=False)
    user.email = invitation.email
    user.save()
    return invitation_accept(invitation=invitation, user=user)

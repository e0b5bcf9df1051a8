"""The members of a proposal. Every member sees who is in the group and with what role;
coordinators invite people by e-mail (they become members when they accept), see the
invitations waiting and members' addresses, change roles and remove members. Plain
forms and redirects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from occupations import access, invitations, members
from occupations.forms import MemberInviteForm
from occupations.members import display_name
from occupations.models import Invitation, Membership

Role = Membership.Role


def _back(pk: int):
    return redirect("member_list", pk=pk)


def _unsent(request, invitation) -> None:
    messages.warning(request, f"The invitation to {invitation.email} is saved, but its e-mail could not be sent "
                              f"({invitation.send_error}). Use “Send again” below when the mail server is back.")


@login_required
def member_list(request, pk: int):
    action = access.MANAGE if request.method == "POST" else access.READ
    membership = access.membership_for(request.user, pk, action)
    proposal = membership.proposal
    can_manage = access.role_allows(membership.role, access.MANAGE)
    form = MemberInviteForm(request.POST or None) if can_manage else None
    if request.method == "POST" and form.is_valid():
        try:
            invitation, token = invitations.invitation_create(
                proposal=proposal, email=form.cleaned_data["email"], role=form.cleaned_data["role"], by=request.user)
        except ValidationError as error:
            form.add_error("email", error)
        else:
            # Sent once the invitation is saved: a mail server's failure does not undo it.
            if invitations.invitation_send(invitation=invitation, token=token, request_or_base_url=request):
                # The same answer whoever the address belongs to: nothing tells who has an account.
                messages.success(request, f"Invitation sent to {invitation.email}.")
            else:
                _unsent(request, invitation)
            return _back(pk)
    return render(request, "occupations/member_list.html", {
        "proposal": proposal,
        "membership": membership,
        "members": members.members_of(proposal),
        "invitations": invitations.invitations_pending_of(proposal) if can_manage else [],
        "can_manage": can_manage,
        "form": form,
        "roles": Role.choices,
    })


def _invitation(request, pk: int, invitation_id: int) -> Invitation:
    access.membership_for(request.user, pk, access.MANAGE)
    return get_object_or_404(Invitation.objects.select_related("proposal", "invited_by"),
                             proposal_id=pk, pk=invitation_id)


@login_required
@require_POST
def invitation_resend(request, pk: int, invitation_id: int):
    invitation = _invitation(request, pk, invitation_id)
    try:
        sent = invitations.invitation_resend(invitation=invitation, by=request.user, request_or_base_url=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if sent:
            messages.success(request, f"Invitation sent to {invitation.email} again.")
        else:
            _unsent(request, invitation)
    return _back(pk)


@login_required
@require_POST
def invitation_withdraw(request, pk: int, invitation_id: int):
    invitation = _invitation(request, pk, invitation_id)
    try:
        invitations.invitation_withdraw(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Withdrew the invitation to {invitation.email}.")
    return _back(pk)


def _target(request, pk: int, membership_id: int) -> Membership:
    """The membership to change, if the person asking may manage this proposal."""
    access.membership_for(request.user, pk, access.MANAGE)
    return get_object_or_404(Membership.objects.select_related("user", "proposal"),
                             proposal_id=pk, pk=membership_id)


@login_required
@require_POST
def member_update(request, pk: int, membership_id: int):
    target = _target(request, pk, membership_id)
    role = request.POST.get("role", "")
    try:
        updated = members.member_set_role(membership=target, role=role, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if updated.role != target.role:
            who = "You are" if updated.user_id == request.user.pk else f"{display_name(updated.user)} is"
            messages.success(request, f"{who} now {updated.get_role_display().lower()}.")
    return _back(pk)


@login_required
@require_POST
def member_remove(request, pk: int, membership_id: int):
    target = _target(request, pk, membership_id)
    try:
        members.member_remove(membership=target, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(pk)
    if target.user_id == request.user.pk:
        messages.success(request, f"You left “{target.proposal.title}”.")
        return redirect("home")
    messages.success(request, f"Removed {display_name(target.user)} from this proposal.")
    return _back(pk)

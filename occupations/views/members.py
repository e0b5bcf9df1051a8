"""The members of a proposal. Every member sees who is in the group and with what role;
coordinators add people (by username, or by e-mail, which invites someone new), change
roles and remove members. Plain forms and redirects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from occupations import access, members
from occupations.forms import MemberAddForm
from occupations.members import display_name
from occupations.models import Membership

Role = Membership.Role


def _back(pk: int):
    return redirect("member_list", pk=pk)


@login_required
def member_list(request, pk: int):
    action = access.MANAGE if request.method == "POST" else access.READ
    membership = access.membership_for(request.user, pk, action)
    proposal = membership.proposal
    can_manage = access.role_allows(membership.role, access.MANAGE)
    form = MemberAddForm(request.POST or None) if can_manage else None
    if request.method == "POST" and form.is_valid():
        user, role = form.cleaned_data["user"], form.cleaned_data["role"]
        role_name = Role(role).label.lower()
        try:
            # Someone invited before who has not chosen a password yet gets the link again.
            invite = user is None or (
                not user.has_usable_password() and "@" in form.cleaned_data["identifier"])
            if not invite:
                added = members.member_add(proposal=proposal, user=user, role=role, by=request.user)
                message = f"Added {display_name(added.user)} as {role_name}."
            else:
                added = members.member_invite(
                    proposal=proposal, email=form.cleaned_data["identifier"], role=role,
                    by=request.user, request_or_base_url=request,
                )
                message = (f"Invited {added.user.email} as {role_name}: an e-mail with a link to "
                           "choose a password is on its way.")
        except ValidationError as error:
            form.add_error("identifier", error)
        else:
            messages.success(request, message)
            return _back(pk)
    return render(request, "occupations/member_list.html", {
        "proposal": proposal,
        "membership": membership,
        "members": members.members_of(proposal),
        "can_manage": can_manage,
        "form": form,
        "roles": Role.choices,
    })


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

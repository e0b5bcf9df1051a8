from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from occupations import access, members, selectors


@login_required
def home(request):
    """My proposals."""
    return render(
        request,
        "occupations/proposal_list.html",
        {"memberships": selectors.memberships_for_user(request.user)},
    )


def document_context(request, membership, *, undo: dict | None = None) -> dict:
    """Everything the proposal's document needs, for the page and for the fragments
    that replace it after an edit."""
    proposal = membership.proposal
    outline, unplaced_notes = selectors.proposal_page(proposal)
    return {
        "proposal": proposal,
        "membership": membership,
        "outline": outline,
        "unplaced_notes": unplaced_notes,
        "members": members.members_of(proposal),
        "can_write": access.role_allows(membership.role, access.WRITE),
        "can_manage": access.role_allows(membership.role, access.MANAGE),
        # Links on the page are built on this, once, instead of reversing each one.
        "base": reverse("proposal_detail", args=[proposal.pk]),
        "undo": undo,
    }


def pending_undo(request, pk: int) -> dict | None:
    """The Undo offered once, on the page a plain browser is sent to after a delete."""
    undo = request.session.pop("undo_pending", None)
    if undo and request.session.get("deletions", {}).get(undo["token"], {}).get("proposal") == pk:
        return undo
    return None


@login_required
def proposal_detail(request, pk: int):
    """The proposal as one readable page, in the order of the submission document."""
    membership = access.membership_for(request.user, pk, access.READ)
    return render(
        request,
        "occupations/proposal_detail.html",
        document_context(request, membership, undo=pending_undo(request, pk)),
    )

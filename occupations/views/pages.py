from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from occupations import access, selectors


@login_required
def home(request):
    """My proposals."""
    return render(
        request,
        "occupations/proposal_list.html",
        {"memberships": selectors.memberships_for_user(request.user)},
    )


@login_required
def proposal_detail(request, pk: int):
    """The proposal as one readable page, in the order of the submission document."""
    membership = access.membership_for(request.user, pk, access.READ)
    outline, unplaced_notes = selectors.proposal_page(membership.proposal)
    return render(
        request,
        "occupations/proposal_detail.html",
        {
            "proposal": membership.proposal,
            "membership": membership,
            "outline": outline,
            "unplaced_notes": unplaced_notes,
            "members": selectors.members_of(membership.proposal),
            "can_write": access.role_allows(membership.role, access.WRITE),
        },
    )

"""Rating rounds: the list of a proposal's rounds, where coordinators open and close them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from consensus import selectors, services
from consensus.forms import RoundOpenForm
from occupations import access


def annotate_page(*, outline, membership, paths=None, shared=False) -> dict:
    """The proposal page's link to its rounds."""
    return {"proposal_tools": [("Rating rounds", reverse("round_list", args=[outline.proposal.pk]))]}


@login_required
def round_list(request, pk: int):
    action = access.MANAGE if request.method == "POST" else access.READ
    membership = access.membership_for(request.user, pk, action)
    proposal = membership.proposal
    can_manage = access.role_allows(membership.role, access.MANAGE)
    form = RoundOpenForm(request.POST or None, proposal=proposal) if can_manage else None
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_open(proposal=proposal, by=request.user, anonymous=form.cleaned_data["anonymous"],
                                         closes_at=form.cleaned_data["closes_at"], **form.cleaned_data["scope"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Round {round_.number} is open: {round_.scope_label}.")
            return redirect("round_list", pk=pk)
    return render(request, "consensus/round_list.html", {
        "proposal": proposal,
        "membership": membership,
        "rounds": selectors.rounds_of(proposal),
        "can_manage": can_manage,
        "form": form,
    }, status=400 if form is not None and form.is_bound and form.errors else 200)


@login_required
@require_POST
def round_close(request, pk: int, number: int):
    membership = access.membership_for(request.user, pk, access.MANAGE)
    round_ = selectors.round_of(membership.proposal, number)
    if round_ is None:
        raise Http404("No such round.")
    services.round_close(round_=round_, by=request.user)
    messages.success(request, f"Round {round_.number} is closed.")
    return redirect("round_list", pk=pk)

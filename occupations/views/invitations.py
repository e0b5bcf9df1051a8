"""An invitation, from its addressee's side: the e-mail's link opens it (to accept or
decline, signed in as the account with that address, or to create an account and
accept at once); the home page lists the ones waiting, with the same two buttons."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from occupations import invitations
from occupations.members import username_for
from occupations.models import Invitation


class AccountForm(UserCreationForm):
    """A new account for the invited address: a username (one is suggested) and a password."""

    class Meta(UserCreationForm.Meta):
        fields = ("username",)


def _decided(request, invitation, accepted: bool):
    if accepted:
        messages.success(request, f"You joined “{invitation.proposal.title}”.")
        return redirect("proposal_detail", pk=invitation.proposal_id)
    messages.info(request, f"You declined the invitation to “{invitation.proposal.title}”.")
    return redirect("home")


def _decide(request, invitation, choice: str):
    try:
        if choice == "accept":
            invitations.invitation_accept(invitation=invitation, user=request.user)
        else:
            invitations.invitation_decline(invitation=invitation, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("home")
    return _decided(request, invitation, choice == "accept")


def invitation_open(request, token: str):
    """The e-mail's link. Its token stands for the address it was sent to."""
    invitation = invitations.invitation_for_token(token)
    if invitation is None:
        raise Http404("This invitation link is not valid: it may have been sent again, with a new link.")
    context = {"invitation": invitation, "open": invitations.is_open(invitation), "form": None}
    if not context["open"]:
        return render(request, "occupations/invitation.html", context)
    if request.method == "POST" and request.POST.get("choice") == "decline":
        try:
            invitations.invitation_decline_by_link(invitation=invitation)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("home")
        return _decided(request, invitation, False)
    if invitations.account_for(invitation.email) is None:
        form = AccountForm(request.POST or None, initial={"username": username_for(invitation.email)})
        if request.method == "POST" and form.is_valid():
            try:
                membership = invitations.invitation_accept_new_account(invitation=invitation, form=form)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
                return _decided(request, invitation, True)
        context["form"] = form
        return render(request, "occupations/invitation.html", context, status=400 if form.errors else 200)
    context["signed_in_as_addressee"] = (request.user.is_authenticated
                                         and request.user.email.lower() == invitation.email)
    if request.method == "POST":
        if not context["signed_in_as_addressee"]:
            raise PermissionDenied("Sign in as the account with this e-mail address to accept.")
        return _decide(request, invitation, "accept")
    context["login_url"] = f"{reverse('login')}?next={request.path}"
    return render(request, "occupations/invitation.html", context)


@login_required
@require_POST
def invitation_answer(request, invitation_id: int, choice: str):
    """Accept or decline from the home page."""
    if choice not in ("accept", "decline"):
        raise Http404("No such answer.")
    invitation = get_object_or_404(Invitation.objects.select_related("proposal"), pk=invitation_id,
                                   email=(request.user.email or "").lower())
    return _decide(request, invitation, choice)

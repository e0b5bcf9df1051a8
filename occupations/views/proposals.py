"""Starting a proposal, and its settings (title, revision cycle, status), which only its
coordinators change. A save on top of someone else's is a conflict that shows what they
saved and keeps what was typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from occupations import access, services
from occupations.forms import SETTINGS_FIELDS, ProposalNewForm, ProposalSettingsForm
from occupations.members import display_name
from occupations.models import Proposal

def _add_errors(form, error: ValidationError) -> None:
    """Put the model's errors beside the fields they are about; the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@login_required
def proposal_new(request):
    """A signed-in person (or only staff, as PROPOSAL_CREATORS says) starts a proposal
    and becomes its coordinator."""
    if not services.may_start_proposals(request.user):
        raise PermissionDenied("Only staff start proposals here: ask an administrator.")
    form = ProposalNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_start(
                title=form.cleaned_data["title"],
                revision_cycle=form.cleaned_data["revision_cycle"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"“{proposal.title}” is started. You are its coordinator: "
                                      "invite the members of the group from Members.")
            return redirect("proposal_detail", pk=proposal.pk)
    return render(request, "occupations/proposal_new.html", {"form": form})


def _base_values(proposal: Proposal, version: int) -> dict | None:
    """The settings as they were in the version the form started from, if recorded."""
    record = proposal.history.filter(version=version).order_by("-history_id").first()
    return None if record is None else {name: getattr(record, name) for name in SETTINGS_FIELDS}


def _conflict(proposal: Proposal, error: services.EditConflict, form) -> dict:
    current = error.current
    record = current.history.select_related("history_user").first()
    fields = []
    for name in error.fields:
        now, mine = getattr(current, name), error.mine.get(name)
        if name == "status":
            choices = dict(Proposal.Status.choices)
            now, mine = choices.get(now, now), choices.get(mine, mine)
        fields.append({"label": form.fields[name].label or name.replace("_", " ").capitalize(),
                       "now": now, "mine": mine})
    return {
        "who": display_name(record.history_user) if record and record.history_user else "Someone",
        "when": record.history_date if record else None,
        "fields": fields,
    }


@login_required
def proposal_settings(request, pk: int):
    membership = access.membership_for(request.user, pk, access.MANAGE)
    proposal = membership.proposal
    conflict = None
    if request.method == "POST":
        form = ProposalSettingsForm(request.POST)
        if form.is_valid():
            version = form.cleaned_data["version"]
            base = _base_values(proposal, version)
            # Only what this person changed: a field someone else changed meanwhile and
            # this person left alone keeps the other save.
            values = {
                name: form.cleaned_data[name] for name in SETTINGS_FIELDS
                if base is None or base[name] != form.cleaned_data[name]
            }
            try:
                services.object_update(proposal, values=values, base_version=version, by=request.user)
            except services.EditConflict as error:
                if error.current is None:
                    messages.error(request, "This proposal was deleted meanwhile.")
                    return redirect("home")
                conflict = _conflict(proposal, error, form)
                form.rebase(error.current, changed=set(values))
                proposal = error.current
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Settings saved.")
                return redirect("proposal_detail", pk=proposal.pk)
    else:
        form = ProposalSettingsForm(initial={
            **{name: getattr(proposal, name) for name in SETTINGS_FIELDS},
            "version": proposal.version,
        })
    return render(request, "occupations/proposal_settings.html", {
        "proposal": proposal, "membership": membership, "form": form, "conflict": conflict,
    })

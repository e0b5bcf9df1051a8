"""History: a proposal's recent changes, every version of one object, and bringing an
earlier version (or a deleted object) back. Reading is for every member; restoring is a
write, for editors and coordinators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from occupations import access, history, selectors, services
from occupations.models import Membership, Narrative, OccupationGroup, Proposal

PAGE_SIZE = 100


def _base(proposal) -> str:
    return reverse("proposal_detail", args=[proposal.pk])


def _history_url(base: str, path: str) -> str:
    return f"{base}history/{path}/" if path else ""


def _parse_before(value: str):
    """?before= an ISO timestamp (as the "Older changes" link gives it); None if absent or
    not a timestamp."""
    try:
        when = parse_datetime(value.strip().replace(" ", "+")) if value else None
    except ValueError:
        return None
    if when is not None and timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


@login_required
def proposal_history(request, pk: int):
    """Recent changes: who changed what, when, newest first, a page at a time."""
    membership = access.membership_for(request.user, pk, access.READ)
    proposal = membership.proposal
    before = _parse_before(request.GET.get("before", ""))
    changes = history.recent_changes(proposal, limit=PAGE_SIZE + 1, before=before)
    older = ""
    if len(changes) > PAGE_SIZE:
        changes = changes[:PAGE_SIZE]
        older = changes[-1].when.isoformat()
    base = _base(proposal)
    rows = [
        {
            "change": change,
            "url": _history_url(base, change.path) or (
                f"{base}members/" if change.model is Membership else ""),
        }
        for change in changes
    ]
    return render(request, "occupations/proposal_history.html", {
        "proposal": proposal,
        "membership": membership,
        "base": base,
        "rows": rows,
        "before": before,
        "older": older,
    })


def _model_and_pk(path: str):
    """The model and pk of a whole object's path (task:42, not task:42.text); 404 else."""
    try:
        model, pk = selectors.model_for_path(path)
    except LookupError:
        raise Http404("No such object.") from None
    if path != history.path_of(model, pk):
        raise Http404("No such object.")
    return model, pk


def _anchor(model, obj) -> str:
    """Where the object is on the proposal's page."""
    if model is Proposal:
        return ""
    if model is OccupationGroup:
        return f"group-{obj.pk}"
    path = history.path_of(model, obj.pk)
    if model is Narrative:
        return f"{path}-text".replace(":", "-")
    return path.replace(":", "-")


def _same_as(record, current, names) -> bool:
    return all(getattr(record, name) == getattr(current, name) for name in names)


@login_required
def object_history(request, pk: int, path: str):
    """Every version of one object, newest first, with what each changed."""
    membership = access.membership_for(request.user, pk, access.READ)
    proposal = membership.proposal
    model, object_pk = _model_and_pk(path)
    versions = history.object_records(model, object_pk, proposal)
    if not versions:
        raise Http404("No such object in this proposal.")
    current = selectors.object_for_path(proposal, path)
    can_write = access.role_allows(membership.role, access.WRITE)
    base = _base(proposal)
    names = services.restorable_fields(model)

    rows = []
    for index, version in enumerate(versions):
        older = versions[index + 1] if index + 1 < len(versions) else None
        offer = (
            can_write and current is not None and index > 0
            and version.change_type != history.DELETED
            # A move keeps the version number; the version is offered once, at its change.
            and not (older is not None and older.version == version.version
                     and older.change_type != history.DELETED)
        )
        same = offer and _same_as(version.record, current, names)
        rows.append({"version": version, "is_current": current is not None and index == 0,
                     "restorable": offer and not same, "same_as_now": same})

    deletion = blocker = None
    if current is None:
        deletion = history.last_deletion(model, object_pk, proposal)
        if deletion is not None:
            blocker = history.missing_parent(model, deletion)

    anchor = _anchor(model, current) if current is not None else ""
    return render(request, "occupations/object_history.html", {
        "proposal": proposal,
        "membership": membership,
        "base": base,
        "path": path,
        "what": versions[0].what,
        "kind_label": str(model._meta.verbose_name),
        "rows": rows,
        "current": current,
        "deletion": deletion,
        "blocker": blocker,
        "blocker_url": _history_url(base, f"group:{blocker.id}") if blocker else "",
        "blocker_what": history.describe(OccupationGroup, blocker) if blocker else "",
        "can_write": can_write,
        "page_url": f"{base}#{anchor}" if anchor else base,
    })


@require_POST
@login_required
def object_restore(request, pk: int, path: str, history_id: int):
    """Make an object's text what it was in an earlier version, as a new version; or, for
    a deleted object, bring it back with the same id (and, for a group, what was deleted
    with it)."""
    membership = access.membership_for(request.user, pk, access.WRITE)
    proposal = membership.proposal
    model, object_pk = _model_and_pk(path)
    record = (
        history._records_of_proposal(model, proposal)
        .filter(id=object_pk, history_id=history_id)
        .first()
    )
    if record is None:
        raise Http404("No such version.")
    back = _history_url(_base(proposal), path)
    current = selectors.object_for_path(proposal, path)
    if current is None:
        return _bring_back(request, proposal, model, object_pk, back)

    what = history.describe(model, current)
    if record.history_type == "-":
        messages.error(request, "That is the record of a delete; pick a version to restore.")
        return redirect(back)
    if _same_as(record, current, services.restorable_fields(model)):
        messages.info(request, f"Version {record.version} is the same as the current text: nothing to restore.")
        return redirect(back)
    try:
        services.object_restore(current, record=record, by=request.user)
    except ValidationError as error:
        messages.error(
            request, f"Version {record.version} cannot be restored: {' '.join(error.messages)}"
        )
    except services.EditConflict:
        messages.error(
            request,
            f"Someone saved {what} while you were restoring it. Look at the newest version "
            "below, and restore again if it is still needed.",
        )
    else:
        messages.success(request, f"Restored version {record.version} of {what}.")
    return redirect(back)


def _bring_back(request, proposal, model, object_pk: int, back: str):
    deletion = history.last_deletion(model, object_pk, proposal)
    if deletion is None:  # gone without a record of its delete: nothing to bring back from
        raise Http404("No record of this object's deletion.")
    what = history.describe(model, deletion)
    blocker = history.missing_parent(model, deletion)
    if blocker is not None:
        messages.error(
            request,
            f"This {model._meta.verbose_name} cannot come back alone: it belonged to "
            f"{history.describe(OccupationGroup, blocker)}, which is deleted too. "
            "Bring that group back first (from its history); its contents come back with it.",
        )
        return redirect(back)
    if model is OccupationGroup:
        objects = history.deleted_together(deletion, proposal)
    else:
        objects = ((model._meta.label, object_pk),)
    try:
        restored = services.deletion_undo(
            services.Deletion(label=what, objects=objects), proposal=proposal, by=request.user
        )
    except IntegrityError:
        # Something has taken its place meanwhile: another group with its code, or
        # another text for the same item.
        messages.error(
            request,
            f"{what[:1].upper()}{what[1:]} cannot come back: something else of the proposal "
            "now has its place (the same code, or the same item's text).",
        )
        return redirect(back)
    if not restored:
        messages.error(request, f"{what[:1].upper()}{what[1:]} could not be brought back.")
        return redirect(back)
    more = len(restored) - 1
    with_it = f", with {more} more item{'s' if more != 1 else ''} deleted with it" if more > 0 else ""
    messages.success(request, f"Brought back {what}{with_it}.")
    return redirect(back)

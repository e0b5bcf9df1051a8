"""Writing the proposal on its page. Each view answers htmx with a fragment (the edit
form in place, or the whole document after a save) and a plain browser with a page and a
redirect, so every edit also works without JavaScript."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from occupations import access, diffs, forms, redraw, services
from occupations.kinds import KINDS_BY_KEY, KINDS_BY_MODEL
from occupations.models import InformationItem, Narrative, OccupationGroup
from occupations.views.pages import document_saved as _saved

WRAPS = ("li", "tr", "div")
KEPT_DELETIONS = 20


# Answers -------------------------------------------------------------------------------

def _writer(request, pk: int):
    return access.membership_for(request.user, pk, access.WRITE)


def _page_url(membership, anchor: str = "") -> str:
    url = reverse("proposal_detail", args=[membership.proposal_id])
    return f"{url}#{anchor}" if anchor else url


def _wrap(request, default: str) -> str:
    wrap = request.GET.get("wrap", default)
    return wrap if wrap in WRAPS else default


def _edit_form(request, membership, *, form, title: str, anchor: str, wrap: str,
               conflict: dict | None = None, after: str = "", action: str = ""):
    # Several forms can be open on one page: their fields need ids of their own, or a
    # label would name another form's field.
    form.auto_id = f"{anchor}-%s"
    context = {
        # A form needs the proposal, not its whole outline.
        "proposal": membership.proposal,
        "membership": membership,
        "base": _page_url(membership),
        "form": form,
        "form_title": title,
        "anchor": anchor,
        "wrap": wrap,
        "action": action or request.get_full_path(),
        "cancel_url": _page_url(membership, anchor if not anchor.startswith("new-") else after),
        "conflict": conflict,
        "after": after,
    }
    if request.htmx:
        return render(request, "occupations/_edit_form.html", context)
    context["wrap"] = "div"
    return render(request, "occupations/edit_page.html", context)


def _last_editor(obj) -> tuple[object, object]:
    record = obj.history.select_related("history_user").first()
    return (record.history_user if record else None), (record.history_date if record else None)


def _conflict(form, error: services.EditConflict) -> dict:
    """What the person sees when someone saved in between: each clashing field's text
    now and theirs, a word diff, and the field filled with both merged where that works.
    The form's version moves on, so the next Save is based on what they have now seen."""
    current = error.current
    if current is None:
        return {"deleted": True, "fields": []}
    who, when = _last_editor(current)
    fields = []
    data = form.data.copy()
    for name in error.fields:
        now, mine = getattr(current, name), error.mine.get(name)
        row = {"name": name, "label": form.fields[name].label if name in form.fields else name,
               "now": now, "mine": mine}
        if isinstance(now, str) and isinstance(mine, str):
            base = getattr(error.base, name) if error.base is not None else None
            merged, clean = diffs.merge(base, mine, now) if base is not None else (mine, False)
            row.update(pieces=diffs.word_diff(now, mine), merged=clean)
            data[form.add_prefix(name)] = merged
        fields.append(row)
    data[form.add_prefix("version")] = str(current.version)
    form.data = data
    return {"deleted": False, "who": who, "when": when, "fields": fields,
            "merged": all(row.get("merged") for row in fields)}


def _save_form(request, form, save) -> tuple[bool, dict | None]:
    """Run save(values, version); field errors go onto the form, conflicts come back."""
    if not form.is_valid():
        return False, None
    try:
        save(form.values(), form.cleaned_data["version"])
    except services.EditConflict as error:
        return False, _conflict(form, error)
    except ValidationError as error:
        form.add_error(None, error)
        return False, None
    return True, None


# The proposal's own text and the items' narratives ---------------------------------------

@login_required
def proposal_text_edit(request, pk: int, field: str):
    membership = _writer(request, pk)
    proposal = membership.proposal
    try:
        form_class = forms.proposal_text_form_class(field)
    except LookupError:
        raise Http404("No such part of the proposal.") from None
    anchor = f"proposal-{proposal.pk}-{field}"
    label = proposal._meta.get_field(field).verbose_name
    form = form_class(request.POST or None, instance=proposal)
    conflict = None
    if request.method == "POST":
        ok, conflict = _save_form(request, form, lambda values, version: services.object_update(
            proposal, values=values, base_version=version, by=request.user))
        if ok:
            return _saved(request, membership, anchor)
    return _edit_form(request, membership, form=form, title=f"Edit the {label}", anchor=anchor,
                      wrap=_wrap(request, "div"), conflict=conflict)


def _scope_group(proposal, value) -> OccupationGroup | None:
    if not value:
        return None
    if not str(value).isdigit():
        raise Http404("No such group.")
    return get_object_or_404(OccupationGroup, proposal=proposal, pk=int(value))


@login_required
def narrative_edit(request, pk: int, item: str):
    membership = _writer(request, pk)
    proposal = membership.proposal
    if item not in InformationItem.values:
        raise Http404("No such information item.")
    group = _scope_group(proposal, request.GET.get("group"))
    narrative = Narrative.objects.filter(proposal=proposal, group=group, item=item).first()
    instance = narrative or Narrative(proposal=proposal, group=group, item=item)
    form = forms.NarrativeForm(request.POST or None, instance=instance, initial={"group": group},
                               proposal=proposal)
    anchor = f"narrative-{narrative.pk}-text" if narrative else f"new-narrative-{item}"
    after = f"item-{item}" + (f"-group-{group.pk}" if group else "")
    conflict = None
    if request.method == "POST":
        saved = {}

        def save(values, version):
            saved["narrative"] = services.narrative_save(
                proposal=proposal, item=item, group=values.get("group", group), text=values["text"],
                base_version=version, by=request.user)

        ok, conflict = _save_form(request, form, save)
        if ok:
            result = saved["narrative"]
            return _saved(request, membership, f"narrative-{result.pk}-text" if result else after)
    scope = f" for {group}" if group else ""
    title = f"{InformationItem(item).label}: narrative{scope}"
    return _edit_form(request, membership, form=form, title=title, anchor=anchor,
                      wrap=_wrap(request, "div"), conflict=conflict, after=after)


# Entries ----------------------------------------------------------------------------------

def _kind(key: str):
    try:
        return KINDS_BY_KEY[key]
    except KeyError:
        raise Http404("No such kind of entry.") from None


def _entry(proposal, kind, entry_id: int):
    return get_object_or_404(kind.model, proposal=proposal, pk=entry_id)


def _entry_anchor(kind, entry) -> str:
    return f"{kind.key}-{entry.pk}"


def _place_of(entry_kind, entry) -> tuple:
    """The list an entry is in: its scope, and its choice where its kind is listed by one."""
    return entry.group_id, (getattr(entry, entry_kind.group_by) if entry_kind.group_by else "")


def _entry_saved(request, membership, entry_kind, entry, *, place: tuple | None):
    """htmx gets the entry's row in place of its form, if that is where the entry now is
    (the form stood in the entry's list, and the save did not move it to another scope or
    choice) and the row can be drawn alone; otherwise the whole document."""
    anchor = _entry_anchor(entry_kind, entry)
    if request.htmx and place == _place_of(entry_kind, entry):
        html = redraw.entry_part(request, membership, entry_kind, entry)
        if html is not None:
            version = redraw.settled_version(request, membership, {entry_kind.key + ":" + str(entry.pk)})
            return redraw.part_saved(html, anchor, version=version)
    return _saved(request, membership, anchor)


@login_required
def entry_add(request, pk: int, kind: str):
    membership = _writer(request, pk)
    proposal = membership.proposal
    entry_kind = _kind(kind)
    after = None
    if request.GET.get("after", "").isdigit():
        after = _entry(proposal, entry_kind, int(request.GET["after"]))
    group = after.group if after else _scope_group(proposal, request.GET.get("group"))
    initial = {"group": group}
    if entry_kind.group_by:
        choice = request.GET.get("choice") or (getattr(after, entry_kind.group_by) if after else "")
        if choice:
            initial[entry_kind.group_by] = choice
    form_class = forms.entry_form_class(entry_kind)
    instance = entry_kind.model(proposal=proposal)
    form = form_class(request.POST or None, instance=instance, initial=initial, proposal=proposal)
    anchor = f"new-{kind}-{secrets.token_hex(3)}"
    conflict = None
    if request.method == "POST":
        created = {}

        def save(values, version):
            created["entry"] = services.entry_add(
                entry_kind=entry_kind, proposal=proposal, by=request.user, after=after, **values)

        ok, conflict = _save_form(request, form, save)
        if ok:
            # The form stood where the entry goes only if it was opened in a list of its kind
            # (at its end, or below the entry it follows); from a heading's menu, the list
            # may not be there yet.
            place = None
            if after is not None:
                place = _place_of(entry_kind, after)
            elif _wrap(request, "") in ("li", "tr"):
                place = (group.pk if group else None, initial.get(entry_kind.group_by, "") if entry_kind.group_by else "")
            return _entry_saved(request, membership, entry_kind, created["entry"], place=place)
    default_wrap = "tr" if entry_kind.layout == "table" else "li"
    return _edit_form(
        request, membership, form=form, title=f"New {entry_kind.label}", anchor=anchor,
        wrap=_wrap(request, default_wrap), conflict=conflict,
        after=_entry_anchor(entry_kind, after) if after else "",
    )


@login_required
def entry_edit(request, pk: int, kind: str, entry_id: int):
    membership = _writer(request, pk)
    proposal = membership.proposal
    entry_kind = _kind(kind)
    entry = entry_kind.model.objects.filter(proposal=proposal, pk=entry_id).first()
    if entry is None:
        was_here = entry_kind.model.history.filter(id=entry_id, proposal_id=proposal.pk).exists()
        if request.method == "POST" and was_here:
            form = forms.entry_form_class(entry_kind)(request.POST, proposal=proposal)
            return _deleted_meanwhile(request, membership, entry_kind, form)
        raise Http404("No such entry (it may have been deleted).")
    form = forms.entry_form_class(entry_kind)(request.POST or None, instance=entry, proposal=proposal)
    anchor = _entry_anchor(entry_kind, entry)
    conflict = None
    if request.method == "POST":
        saved, place = {}, _place_of(entry_kind, entry)

        def save(values, version):
            saved["entry"] = services.object_update(entry, values=values, base_version=version, by=request.user)

        ok, conflict = _save_form(request, form, save)
        if ok:
            return _entry_saved(request, membership, entry_kind, saved["entry"], place=place)
        if conflict and conflict["deleted"]:
            return _deleted_meanwhile(request, membership, entry_kind, form)
    default_wrap = "tr" if entry_kind.layout == "table" else "li"
    return _edit_form(request, membership, form=form, title=f"Edit {entry_kind.label}", anchor=anchor,
                      wrap=_wrap(request, default_wrap), conflict=conflict)


def _deleted_meanwhile(request, membership, entry_kind, old_form):
    """Someone deleted the entry while it was being edited: offer the typed text as a new
    entry, so nothing typed is lost."""
    proposal = membership.proposal
    data = old_form.data.copy()
    data["version"] = "0"
    form = forms.entry_form_class(entry_kind)(data, instance=entry_kind.model(proposal=proposal),
                                              proposal=proposal)
    form.is_valid()
    return _edit_form(
        request, membership, form=form, title=f"New {entry_kind.label}",
        anchor=f"new-{entry_kind.key}-{secrets.token_hex(3)}", wrap=_wrap(request, "div"),
        conflict={"deleted": True, "fields": []},
        action=f"{_page_url(membership)}entries/{entry_kind.key}/add/",
    )


@login_required
@require_POST
def entry_move(request, pk: int, kind: str, entry_id: int):
    """One place up or down (the buttons), or right after another entry of the same list
    (drag and drop: after is that entry's id, or empty for the top)."""
    membership = _writer(request, pk)
    entry_kind = _kind(kind)
    entry = _entry(membership.proposal, entry_kind, entry_id)
    if "after" in request.POST:
        after = request.POST["after"]
        if after and not after.isdigit():
            return HttpResponseBadRequest("After which entry?")
        if not services.entry_place(entry, after_id=int(after) if after else None, by=request.user):
            return HttpResponseBadRequest("An entry can only be dropped within its own list.")
        return _saved(request, membership, _entry_anchor(entry_kind, entry))
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        return HttpResponseBadRequest("Move up or down.")
    services.entry_move(entry, direction=direction, by=request.user)
    return _saved(request, membership, _entry_anchor(entry_kind, entry))


@login_required
@require_POST
def entry_delete(request, pk: int, kind: str, entry_id: int):
    membership = _writer(request, pk)
    entry_kind = _kind(kind)
    entry = _entry(membership.proposal, entry_kind, entry_id)
    deletion = services.object_delete(entry, by=request.user,
                                      label=f"{entry_kind.label} “{_excerpt(str(entry))}”")
    return _deleted(request, membership, deletion, anchor=f"item-{entry_kind.item}")


def _excerpt(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# Undo -------------------------------------------------------------------------------------

def _deleted(request, membership, deletion, *, anchor: str):
    """Keep what was deleted (a few, per session) so Undo can bring it back."""
    token = secrets.token_urlsafe(8)
    kept = request.session.get("deletions", {})
    kept[token] = {**deletion.as_session(), "proposal": membership.proposal_id}
    request.session["deletions"] = dict(list(kept.items())[-KEPT_DELETIONS:])
    undo = {"token": token, "label": deletion.label}
    if request.htmx:
        return _saved(request, membership, anchor, undo=undo)
    request.session["undo_pending"] = undo
    return redirect(_page_url(membership, anchor))


@login_required
@require_POST
def deletion_undo(request, pk: int):
    membership = _writer(request, pk)
    kept = request.session.get("deletions", {})
    data = kept.get(request.POST.get("token", ""))
    if not data or data.get("proposal") != membership.proposal_id:
        messages.error(request, "That deletion can no longer be undone here; its History page can still bring it back.")
        return redirect(_page_url(membership))
    deletion = services.Deletion.from_session(data)
    restored = services.deletion_undo(deletion, proposal=membership.proposal, by=request.user)
    kept.pop(request.POST["token"])
    request.session["deletions"] = kept
    anchor = ""
    if restored:
        first = restored[0]
        anchor = f"group-{first.pk}" if isinstance(first, OccupationGroup) else _entry_anchor(
            KINDS_BY_KEY[_key_of(first)], first)
    return _saved(request, membership, anchor, message=f"Brought back {deletion.label}.")


def _key_of(obj) -> str:
    return KINDS_BY_MODEL[type(obj)].key


# The classification ------------------------------------------------------------------------

def _group(proposal, group_id: int) -> OccupationGroup:
    return get_object_or_404(OccupationGroup, proposal=proposal, pk=group_id)


_NEXT_LEVEL = {"major": "minor", "minor": "broad", "broad": "detailed"}


@login_required
def group_add(request, pk: int):
    membership = _writer(request, pk)
    proposal = membership.proposal
    parent = _scope_group(proposal, request.GET.get("parent"))
    level = _NEXT_LEVEL.get(parent.level, "detailed") if parent else "major"
    form = forms.GroupForm(request.POST or None, instance=OccupationGroup(proposal=proposal),
                           initial={"parent": parent, "level": level}, proposal=proposal)
    anchor = f"new-group-{secrets.token_hex(3)}"
    conflict = None
    if request.method == "POST":
        created = {}

        def save(values, version):
            created["group"] = services.group_save(proposal=proposal, by=request.user, values=values)

        ok, conflict = _save_form(request, form, save)
        if ok:
            return _saved(request, membership, f"group-{created['group'].pk}")
    return _edit_form(request, membership, form=form, title="New group", anchor=anchor,
                      wrap=_wrap(request, "div"), conflict=conflict,
                      after=f"group-{parent.pk}" if parent else "classification")


@login_required
def group_edit(request, pk: int, group_id: int):
    membership = _writer(request, pk)
    proposal = membership.proposal
    group = _group(proposal, group_id)
    form = forms.GroupForm(request.POST or None, instance=group, proposal=proposal)
    anchor = f"group-{group.pk}"
    conflict = None
    if request.method == "POST":
        ok, conflict = _save_form(request, form, lambda values, version: services.group_save(
            proposal=proposal, group=group, base_version=version, values=values, by=request.user))
        if ok:
            return _saved(request, membership, anchor)
    return _edit_form(request, membership, form=form, title=f"Edit {group.get_level_display().lower()}",
                      anchor=anchor, wrap=_wrap(request, "div"), conflict=conflict)


@login_required
@require_POST
def group_move(request, pk: int, group_id: int):
    membership = _writer(request, pk)
    group = _group(membership.proposal, group_id)
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        return HttpResponseBadRequest("Move up or down.")
    services.group_move(group, direction=direction, by=request.user)
    return _saved(request, membership, f"group-{group.pk}")


@login_required
def group_delete(request, pk: int, group_id: int):
    """Removing a group takes the groups below it and everything written for them, so it
    asks first, saying what goes; Undo brings all of it back."""
    membership = _writer(request, pk)
    group = _group(membership.proposal, group_id)
    if request.method == "POST":
        deletion = services.object_delete(group, by=request.user, label=f"the group “{group}”")
        return _deleted(request, membership, deletion, anchor="classification")
    context = {
        "proposal": membership.proposal,
        "base": _page_url(membership),
        "group": group,
        "doomed": services.deletion_preview(group),
    }
    return render(request, "occupations/group_delete.html", context)

"""Commenting and suggesting on the proposal page. Like the editing views, each answers
htmx with a fragment (a form in place, or the whole document after a change) and a plain
browser with a page and a redirect."""

import secrets

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from comments import forms, overview, redraw, services, suggesting
from comments.models import Comment, Suggestion, Thread
from occupations import access, members, paths, selectors
from occupations import forms as occupation_forms
from occupations.kinds import KINDS_BY_KEY, kind_for
from occupations.models import OccupationGroup
from occupations.text import clean_text
from occupations.views.pages import document_saved


def _commenter(request, pk: int):
    return access.membership_for(request.user, pk, access.COMMENT)


def _page_url(membership, anchor: str = "") -> str:
    url = reverse("proposal_detail", args=[membership.proposal_id])
    return f"{url}#{anchor}" if anchor else url


def _form_answer(request, membership, template: str, context: dict):
    """A form: in place for htmx, on a page of its own for a plain browser."""
    context = {"proposal": membership.proposal, "membership": membership,
               "base": _page_url(membership), "action": request.get_full_path(), **context}
    if request.htmx:
        return render(request, template, context)
    return render(request, "comments/form_page.html", {**context, "fragment": template})


def _about(proposal, path: str, quote: str = "") -> str:
    """What a form is about, in words: the quoted words, or the entry or section."""
    if quote:
        return f"“{quote[:120]}{'…' if len(quote) > 120 else ''}”"
    object_path, _, name = path.partition(".")
    prefix = object_path.split(":", 1)[0]
    if prefix in KINDS_BY_KEY:
        return f"this {KINDS_BY_KEY[prefix].label}"
    if prefix == "proposal":
        return f"the {name.replace('_', ' ')}" if name else "the proposal"
    if prefix == "group":
        return "this group"
    return "this text"


def _place(path: str) -> str:
    """The id of the block on the page that shows a path: an entry's row for any of its
    fields, a group's heading for its title, a section's or narrative's paragraph."""
    object_path, _, name = path.partition(".")
    prefix = object_path.split(":", 1)[0]
    if prefix in KINDS_BY_KEY or prefix == "group" or not name:
        return object_path.replace(":", "-")
    return f"{object_path}-{name}".replace(":", "-")


def _problem(error: ValidationError) -> str:
    return " ".join(error.messages)


# Threads ---------------------------------------------------------------------------------

@login_required
def thread_new(request, pk: int):
    membership = _commenter(request, pk)
    proposal = membership.proposal
    form = forms.ThreadForm(request.POST or None, initial=request.GET.dict() if request.method == "GET" else None,
                            proposal=proposal)
    form.auto_id = f"new-thread-{secrets.token_hex(3)}-%s"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            thread = services.thread_start(
                proposal=proposal, by=request.user, path=data["path"], text=data["text"], kind=data["kind"],
                start=data["start"], end=data["end"],
                quote=data["quote"] if data["start"] is not None else None, assignee=data["assignee"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redraw.answered(request, membership, f"thread-{thread.pk}", path=thread.path)
    values = form.data if form.is_bound else form.initial
    return _form_answer(request, membership, "comments/_thread_form.html", {
        "form": form, "about": _about(proposal, values.get("path", ""), values.get("quote", "")),
        "box_id": form.auto_id.replace("-%s", ""),
    })


def _thread(membership, thread_id: int) -> Thread:
    return get_object_or_404(Thread, proposal=membership.proposal, pk=thread_id)


@login_required
def comment_reply(request, pk: int, thread_id: int):
    membership = _commenter(request, pk)
    thread = _thread(membership, thread_id)
    form = forms.ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            comment = services.comment_add(thread=thread, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error)
        else:
            return redraw.answered(request, membership, f"comment-{comment.pk}", card={"thread_id": thread.pk})
    return _form_answer(request, membership, "comments/_reply_form.html", {"form": form, "thread": thread})


def _comment(membership, comment_id: int) -> Comment:
    return get_object_or_404(Comment.objects.select_related("thread"), thread__proposal=membership.proposal,
                             pk=comment_id)


@login_required
def comment_edit(request, pk: int, comment_id: int):
    membership = _commenter(request, pk)
    comment = _comment(membership, comment_id)
    if comment.author_id != request.user.pk or comment.is_deleted:
        raise PermissionDenied("Only its author can change a comment.")
    form = forms.CommentEditForm(request.POST or None, initial={"text": comment.text})
    form.auto_id = f"edit-comment-{comment.pk}-%s"
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(comment=comment, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error)
        else:
            return redraw.answered(request, membership, f"comment-{comment.pk}",
                                   card={"thread_id": comment.thread_id})
    return _form_answer(request, membership, "comments/_comment_form.html", {"form": form, "comment": comment})


@login_required
@require_POST
def comment_delete(request, pk: int, comment_id: int):
    membership = _commenter(request, pk)
    comment = _comment(membership, comment_id)
    path = comment.thread.path
    thread = services.comment_delete(comment=comment, by=request.user)
    if thread is None:  # its only comment: the thread went, and its mark
        return redraw.answered(request, membership, _place(path), path=path, message="Comment deleted.")
    return redraw.answered(request, membership, f"thread-{thread.pk}", card={"thread_id": thread.pk},
                           message="Comment deleted.")


def _resolution(request, pk: int, thread_id: int, *, resolved: bool):
    membership = access.membership_for(request.user, pk, access.READ)
    thread = _thread(membership, thread_id)
    services.thread_resolve(thread=thread, by=request.user, resolved=resolved)
    # A span's mark shows whether it is resolved: the entry it marks is drawn again.
    where = {"path": thread.path} if thread.start is not None else {"card": {"thread_id": thread.pk}}
    return redraw.answered(request, membership, f"thread-{thread.pk}",
                           message="Resolved." if resolved else "Reopened.", **where)


@login_required
@require_POST
def thread_resolve(request, pk: int, thread_id: int):
    return _resolution(request, pk, thread_id, resolved=True)


@login_required
@require_POST
def thread_reopen(request, pk: int, thread_id: int):
    return _resolution(request, pk, thread_id, resolved=False)


@login_required
@require_POST
def thread_action(request, pk: int, thread_id: int):
    membership = _commenter(request, pk)
    thread = _thread(membership, thread_id)
    changes = {}
    if "assignee" in request.POST:
        value = request.POST["assignee"]
        people = {str(member.user_id): member.user for member in members.members_of(membership.proposal)}
        if value and value not in people:
            return document_saved(request, membership, f"thread-{thread.pk}",
                                  problem="That person is not a member of this proposal.")
        changes["assignee"] = people.get(value)
    if "is_done" in request.POST:
        changes["is_done"] = request.POST["is_done"] in ("1", "true", "on")
    try:
        services.thread_action(thread=thread, by=request.user, **changes)
    except ValidationError as error:
        return document_saved(request, membership, f"thread-{thread.pk}", problem=_problem(error))
    return redraw.answered(request, membership, f"thread-{thread.pk}", card={"thread_id": thread.pk})


# Suggestions ---------------------------------------------------------------------------

def _suggest_fields(proposal, path: str):
    """The object and its text fields a "Suggest edit" form offers: an entry's fields, or
    one field (a section, a narrative, a group's definition). Only the fields an editor
    may change through a path: the settings page's stay the coordinator's."""
    try:
        obj, name = paths.resolve(proposal, path, purpose=paths.EDIT)
    except paths.PathError as error:
        raise Http404(str(error)) from None
    prefix = path.split(":", 1)[0]
    if name:
        names = [name]
    elif prefix in KINDS_BY_KEY:
        names = list(kind_for(prefix).text_fields)
    else:
        raise Http404("Choose the text to suggest a change to.")
    object_path = path.partition(".")[0]
    fields = []
    for field_name in names:
        value = getattr(obj, field_name)
        if not isinstance(value, str):
            raise Http404("That text cannot take suggestions.")
        model_field = obj._meta.get_field(field_name)
        fields.append({"name": field_name, "path": f"{object_path}.{field_name}", "value": value,
                       "label": str(model_field.verbose_name).capitalize(),
                       "multiline": model_field.get_internal_type() == "TextField"})
    return obj, fields


@login_required
def suggest_text(request, pk: int):
    """Suggest mode: edit as if editing; each changed run of words becomes a suggestion."""
    membership = _commenter(request, pk)
    proposal = membership.proposal
    path = request.POST.get("path") or request.GET.get("path", "")
    obj, fields = _suggest_fields(proposal, path)
    anchor = request.POST.get("anchor") or request.GET.get("anchor") or path.replace(":", "-").replace(".", "-")
    errors = []
    note = ""
    if request.method == "POST":
        note = request.POST.get("note", "")
        made = []
        try:
            with transaction.atomic():
                for item in fields:
                    base, typed = request.POST.get(f"base-{item['name']}"), request.POST.get(item["name"])
                    if base is None or typed is None:
                        continue
                    item["value"], item["base"] = typed, base
                    if clean_text(typed) == clean_text(base):
                        continue
                    made += suggesting.suggestions_from_edit(
                        proposal=proposal, by=request.user, path=item["path"], base_text=base, new_text=typed,
                        note=note if not made else "")
                if not made:
                    raise ValidationError("Nothing was changed, so there is nothing to suggest.", code="unchanged")
        except ValidationError as error:
            errors = error.messages
        else:
            return redraw.answered(request, membership, f"suggestion-{made[0].pk}", path=path,
                                   message=f"{len(made)} change{'s' if len(made) != 1 else ''} suggested.")
    for item in fields:
        item["base"] = clean_text(item["base"]) if "base" in item else item["value"]
    return _form_answer(request, membership, "comments/_suggest_form.html", {
        "fields": fields, "path": path, "anchor": anchor, "errors": errors, "note": note,
        "about": _about(proposal, path),
    })


@login_required
def suggest_span(request, pk: int):
    """A change to the words selected on the page."""
    membership = _commenter(request, pk)
    proposal = membership.proposal
    form = forms.SpanSuggestionForm(request.POST or None,
                                    initial=request.GET.dict() if request.method == "GET" else None)
    form.auto_id = f"suggest-{secrets.token_hex(3)}-%s"
    if request.method == "GET":
        form.initial.setdefault("replacement", form.initial.get("quote", ""))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            suggestion = suggesting.suggestion_replace(
                proposal=proposal, by=request.user, path=data["path"], start=data["start"] or 0,
                end=data["end"] if data["end"] is not None else data["start"] or 0,
                replacement=data["replacement"], quote=data["quote"], note=data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redraw.answered(request, membership, f"suggestion-{suggestion.pk}", path=suggestion.path)
    values = form.data if form.is_bound else form.initial
    return _form_answer(request, membership, "comments/_span_form.html", {
        "form": form, "about": _about(proposal, values.get("path", ""), values.get("quote", "")),
        "box_id": form.auto_id.replace("-%s", ""),
    })


@login_required
def suggest_entry_add(request, pk: int, kind: str):
    membership = _commenter(request, pk)
    proposal = membership.proposal
    if kind not in KINDS_BY_KEY:
        raise Http404("No such kind of entry.")
    entry_kind = KINDS_BY_KEY[kind]
    group = None
    group_id = request.GET.get("group", "")
    if group_id:
        if not group_id.isdigit():
            raise Http404("No such group.")
        group = get_object_or_404(OccupationGroup, proposal=proposal, pk=int(group_id))
    initial = {"group": group}
    if entry_kind.group_by and request.GET.get("choice"):
        initial[entry_kind.group_by] = request.GET["choice"]
    form = occupation_forms.entry_form_class(entry_kind)(
        request.POST or None, instance=entry_kind.model(proposal=proposal), initial=initial, proposal=proposal)
    form.auto_id = f"suggest-{kind}-{secrets.token_hex(3)}-%s"
    note = request.POST.get("note", "")
    if request.method == "POST" and form.is_valid():
        values = dict(form.values())
        scope = values.pop("group", None)
        values.pop("version", None)
        suggestion = suggesting.suggestion_add_entry(proposal=proposal, by=request.user, entry_kind=kind,
                                                   group=scope, values=values, note=note)
        return document_saved(request, membership, f"suggestion-{suggestion.pk}")
    return _form_answer(request, membership, "comments/_entry_form.html", {
        "form": form, "entry_kind": entry_kind, "note": note, "box_id": form.auto_id.replace("-%s", ""),
    })


@login_required
@require_POST
def suggest_entry_remove(request, pk: int):
    membership = _commenter(request, pk)
    try:
        suggestion = suggesting.suggestion_remove_entry(proposal=membership.proposal, by=request.user,
                                                      path=request.POST.get("path", ""))
    except ValidationError as error:
        return document_saved(request, membership, "", problem=_problem(error))
    return redraw.answered(request, membership, f"suggestion-{suggestion.pk}", path=suggestion.path)


@login_required
def suggestion_discuss(request, pk: int, suggestion_id: int):
    membership = _commenter(request, pk)
    suggestion = get_object_or_404(Suggestion, proposal=membership.proposal, pk=suggestion_id)
    form = forms.ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            comment = suggesting.suggestion_discuss(suggestion=suggestion, by=request.user,
                                                  text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error)
        else:
            return redraw.answered(request, membership, f"comment-{comment.pk}",
                                   card={"suggestion_id": suggestion.pk})
    return _form_answer(request, membership, "comments/_reply_form.html",
                        {"form": form, "suggestion": suggestion, "suggestion_discussion": True})


DECISIONS = ("accept", "reject", "rebase")


@login_required
@require_POST
def suggestion_decide(request, pk: int, suggestion_id: int, decision: str):
    membership = _commenter(request, pk)
    if decision not in DECISIONS:
        raise Http404("No such decision.")
    suggestion = get_object_or_404(Suggestion, proposal=membership.proposal, pk=suggestion_id)
    anchor = f"suggestion-{suggestion.pk}"
    try:
        if decision == "accept":
            suggesting.suggestion_accept(suggestion=suggestion, by=request.user)
            anchor, message = _place(suggestion.path), "Suggestion accepted."
        elif decision == "reject":
            suggesting.suggestion_reject(suggestion=suggestion, by=request.user)
            anchor, message = _place(suggestion.path), "Suggestion rejected."
        else:
            suggesting.suggestion_rebase(suggestion=suggestion, by=request.user)
            message = "Suggestion moved onto the text as it is now: look at it again, then accept or reject it."
    except ValidationError as error:
        return document_saved(request, membership, anchor, problem=_problem(error))
    # A replacement or a removal not made changes its entry's row; a new entry accepted, an
    # entry removed, or a new entry's suggestion gone change its list.
    if suggestion.kind == Suggestion.Kind.REPLACE or (
            suggestion.kind == Suggestion.Kind.REMOVE_ENTRY and decision != "accept"):
        return redraw.answered(request, membership, anchor, path=suggestion.path,
                               message=message)
    return document_saved(request, membership, anchor, message=message)


@login_required
@require_POST
def suggestions_decide(request, pk: int):
    """Accept or reject all open suggestions by one author, or in one section."""
    membership = access.membership_for(request.user, pk, access.WRITE)
    proposal = membership.proposal
    decision = request.POST.get("decision")
    if decision not in ("accept", "reject"):
        raise Http404("No such decision.")
    chosen = list(Suggestion.objects.filter(proposal=proposal, status=Suggestion.Status.OPEN)
                  .select_related("created_by"))
    author = request.POST.get("author", "")
    section = request.POST.get("section", "")
    if author:
        chosen = [item for item in chosen if services.author_key(item) == author]
    if section:
        outline = selectors.proposal_page(proposal)
        sections = overview.sections_of(outline)
        chosen = [item for item in chosen
                  if getattr(overview.section_of_suggestion(outline, sections, item), "anchor", None) == section]
    if not author and not section:
        raise Http404("Choose an author or a section.")
    result = suggesting.suggestions_decide(suggestions=chosen, by=request.user, accept=decision == "accept")
    verb = "Accepted" if decision == "accept" else "Rejected"
    message = f"{verb} {len(result.done)} suggestion{'s' if len(result.done) != 1 else ''}."
    problem = ""
    if result.skipped:
        problem = message + f" {len(result.skipped)} could not be: " + "; ".join(
            f"“{item.quote[:40]}”: {reason}" for item, reason in result.skipped[:5])
    return document_saved(request, membership, "", message=message, problem=problem)

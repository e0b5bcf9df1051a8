"""Writes of the review layer's suggestions: tracked changes made on the page (a span
replaced, an edit taken apart into its changed runs of words, an entry added or removed),
discussed, then accepted, rejected or rebased, one at a time or many at once.

Accepting one changes the proposal's text through its own write path
(`occupations.services.object_update`), so history, the version check and the anchors of
every other thread follow as they do for a direct edit. The checks of who may do what,
and of text on its way in, are comments.services'."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from comments.anchoring import Anchor, anchor_at, anchor_for_quote, map_exactly
from comments.models import Comment, Suggestion, Thread
from comments.services import (
    _comment_text, _field_text, _place, _record_mentions, _require, _resolve, _span, _touches,
)
from occupations import access, paths, selectors, services
from occupations.diffs import EQUAL, word_diff
from occupations.forms import LIMITS, entry_form_class
from occupations.kinds import KINDS_BY_KEY, kind_for
from occupations.models import OccupationGroup, Proposal
from occupations.text import clean_text


def _discussion(suggestion: Suggestion, by, note: str) -> None:
    """A suggestion's own thread, opened by its author's note, if they wrote one."""
    note = clean_text(note)
    if not note:
        return
    thread = Thread.objects.create(proposal=suggestion.proposal, path=suggestion.path, created_by=by)
    suggestion.thread = thread
    suggestion.save(update_fields=["thread"])
    comment = Comment.objects.create(thread=thread, author=by, text=_comment_text(note))
    _record_mentions(comment)


@transaction.atomic
@_touches
def suggestion_discuss(*, suggestion: Suggestion, by, text: str) -> Comment:
    """The first comment on a suggestion opens its discussion; later ones reply in it."""
    _require(suggestion.proposal, by, access.COMMENT)
    text = _comment_text(text)
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.thread_id is None:
        suggestion.thread = Thread.objects.create(proposal=suggestion.proposal, path=suggestion.path,
                                                  created_by=by)
        suggestion.save(update_fields=["thread"])
    comment = Comment.objects.create(thread=suggestion.thread, author=by, text=text)
    _record_mentions(comment)
    return comment


def _text_field(proposal: Proposal, path: str) -> tuple[object, str]:
    """The object and field an editor may change through this path."""
    obj, name = _resolve(proposal, path, purpose=paths.EDIT, field=True)
    if not isinstance(getattr(obj, name), str):
        raise ValidationError("That text is not in the proposal any more. Reload the page.", code="gone")
    return obj, name


@transaction.atomic
@_touches
def suggestion_replace(*, proposal: Proposal, by, path: str, start: int, end: int, replacement: str,
                       quote: str | None = None, note: str = "") -> Suggestion:
    """Replace a span (insert: an empty span; delete: an empty replacement)."""
    _require(proposal, by, access.COMMENT)
    obj, name = _text_field(proposal, path)
    text = getattr(obj, name)
    anchor = _span(text, start, end, quote)
    replacement = _replacement_text(replacement)
    if replacement == anchor.quote:
        raise ValidationError("That is the text as it stands: nothing to suggest.", code="unchanged")
    _check_length(obj, name, text[:anchor.start] + replacement + text[anchor.end:])
    suggestion = Suggestion(proposal=proposal, path=path, created_by=by, replacement=replacement,
                            original_quote=anchor.quote)
    _place(suggestion, anchor)
    suggestion.save()
    _discussion(suggestion, by, note)
    return suggestion


def _replacement_text(text: str) -> str:
    """Cleaned as any text is, but a space typed at either edge stays: inserting " new"
    after a word needs it."""
    cleaned = clean_text(text)
    if not cleaned:
        return ""
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() else ""
    return f"{lead}{cleaned}{trail}"


def _check_length(obj, name: str, text: str) -> None:
    limit = obj._meta.get_field(name).max_length
    if limit is None:
        limit = LIMITS["entry"] if hasattr(obj, "group_id") and not hasattr(obj, "item") else LIMITS["section"]
    if len(text) > limit:
        raise ValidationError(
            f"With this change the text would be {len(text):,} characters long; the limit is {limit:,}.",
            code="too_long",
        )


@transaction.atomic
@_touches
def suggestions_from_edit(*, proposal: Proposal, by, path: str, base_text: str, new_text: str,
                          note: str = "") -> list[Suggestion]:
    """A reviewer edited a field in Suggest mode: each run of changed words becomes one
    suggestion, as Word tracks each change. The edit was made on base_text; if the text
    has moved on since, each change is carried onto it while its words are untouched."""
    _require(proposal, by, access.COMMENT)
    obj, name = _text_field(proposal, path)
    current = getattr(obj, name)
    # Both as stored: a browser posts line breaks as CRLF, in the hidden base text too.
    base_text, new_text = clean_text(base_text), clean_text(new_text)
    _check_length(obj, name, new_text)
    changes = changed_runs(base_text, new_text)
    if not changes:
        raise ValidationError("Nothing was changed, so there is nothing to suggest.", code="unchanged")
    made = []
    for start, end, replacement in changes:
        anchor = anchor_at(base_text, start, end)
        if base_text != current:
            anchor = map_exactly(anchor, base_text, current)
            if anchor is None:
                raise ValidationError(
                    "Someone changed these words while you were writing. Your text is kept below: "
                    "compare it with the text now and suggest again.", code="moved",
                )
        suggestion = Suggestion(proposal=proposal, path=path, created_by=by, replacement=replacement,
                                original_quote=anchor.quote)
        _place(suggestion, anchor)
        suggestion.save()
        made.append(suggestion)
    if made:
        _discussion(made[0], by, note)
    return made


def changed_runs(old: str, new: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) over old for each run of changed words."""
    changes, offset, current = [], 0, None
    for piece in word_diff(old, new):
        if piece.op == EQUAL:
            if current:
                changes.append(tuple(current))
                current = None
            offset += len(piece.text)
            continue
        if current is None:
            current = [offset, offset, ""]
        if piece.op == "delete":
            offset += len(piece.text)
            current[1] = offset
        else:
            current[2] += piece.text
    if current:
        changes.append(tuple(current))
    return changes


@transaction.atomic
@_touches
def suggestion_add_entry(*, proposal: Proposal, by, entry_kind: str, group=None, values: dict,
                         note: str = "") -> Suggestion:
    """A new entry, suggested: its values are kept until an editor accepts them."""
    _require(proposal, by, access.COMMENT)
    kind = kind_for(entry_kind)
    scope = f"group:{group.pk}" if group is not None else f"proposal:{proposal.pk}"
    suggestion = Suggestion.objects.create(
        proposal=proposal, path=scope, created_by=by, kind=Suggestion.Kind.ADD_ENTRY,
        entry_kind=kind.key, entry_values=values,
        quote=str(values.get(kind.text_fields[0], "")) if kind.text_fields else "",
    )
    _discussion(suggestion, by, note)
    return suggestion


@transaction.atomic
@_touches
def suggestion_remove_entry(*, proposal: Proposal, by, path: str, note: str = "") -> Suggestion:
    _require(proposal, by, access.COMMENT)
    object_path = path.split(".", 1)[0]
    try:
        entry = selectors.object_for_path(proposal, object_path)
        kind = kind_for(object_path.split(":", 1)[0])
    except LookupError:
        entry = None
    if entry is None:
        raise ValidationError("That entry is not in the proposal any more.", code="gone")
    existing = Suggestion.objects.filter(proposal=proposal, path=object_path, kind=Suggestion.Kind.REMOVE_ENTRY,
                                         status=Suggestion.Status.OPEN, created_by=by).first()
    if existing is not None:
        return existing
    suggestion = Suggestion.objects.create(
        proposal=proposal, path=object_path, created_by=by, kind=Suggestion.Kind.REMOVE_ENTRY,
        quote=str(getattr(entry, kind.text_fields[0], "")), original_quote=str(entry),
    )
    _discussion(suggestion, by, note)
    return suggestion


def _decide(suggestion: Suggestion, by, status: str) -> None:
    suggestion.status, suggestion.decided_by, suggestion.decided_at = status, by, timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])


def _open(suggestion: Suggestion) -> Suggestion:
    """The suggestion as it is now, locked, so two editors cannot both decide it."""
    current = Suggestion.objects.select_for_update().filter(pk=suggestion.pk).first()
    if current is None or current.status != Suggestion.Status.OPEN:
        raise ValidationError("Someone has already decided this suggestion.", code="decided")
    return current


@transaction.atomic
@_touches
def suggestion_accept(*, suggestion: Suggestion, by):
    """Apply the suggestion through the proposal's own write path. An outdated one, or one
    whose words are no longer where it says, is refused: it must be re-based first."""
    _require(suggestion.proposal, by, access.WRITE)
    suggestion = _open(suggestion)
    # As it is now: a proposal held in memory may predate the suggestions accepted before.
    proposal = Proposal.objects.get(pk=suggestion.proposal_id)
    author = suggestion.author_label
    if suggestion.kind == Suggestion.Kind.ADD_ENTRY:
        kind = kind_for(suggestion.entry_kind)
        # Only the fields an entry's form takes: a stored suggestion is data, not a program.
        allowed = set(entry_form_class(kind).base_fields) - {"group", "version"}
        if not isinstance(suggestion.entry_values, dict) or set(suggestion.entry_values) - allowed:
            raise ValidationError("This suggested entry holds fields no entry of its kind has: reject it.",
                                  code="gone")
        group = None
        if suggestion.path.startswith("group:"):
            group, _ = _resolve(proposal, suggestion.path, purpose=paths.EDIT, field=False)
            if not isinstance(group, OccupationGroup):
                raise ValidationError("The group this entry was suggested for is gone.", code="gone")
        _decide(suggestion, by, Suggestion.Status.ACCEPTED)
        return services.entry_add(entry_kind=kind, proposal=proposal, by=by, group=group,
                                  **suggestion.entry_values)
    if suggestion.kind == Suggestion.Kind.REMOVE_ENTRY:
        prefix = suggestion.path.split(":", 1)[0]
        try:
            entry, name = paths.resolve(proposal, suggestion.path, purpose=paths.EDIT)
        except paths.PathError:
            entry = None
        if entry is None or name or prefix not in KINDS_BY_KEY:
            raise ValidationError("That entry is already gone.", code="gone")
        _decide(suggestion, by, Suggestion.Status.ACCEPTED)
        return services.object_delete(entry, by=by, label=f"{kind_for(prefix).label} (suggested by {author})")
    obj, name = _text_field(proposal, suggestion.path)
    text = getattr(obj, name)
    if suggestion.is_outdated or text[suggestion.start:suggestion.end] != suggestion.quote:
        raise ValidationError(
            "The text under this suggestion has changed since it was made. Re-base it onto the "
            "text as it is now, or reject it.", code="outdated",
        )
    new = text[:suggestion.start] + suggestion.replacement + text[suggestion.end:]
    _check_length(obj, name, new)  # others accepted before it may have made the text longer
    # Decided first: the anchors that follow the change leave decided suggestions alone.
    _decide(suggestion, by, Suggestion.Status.ACCEPTED)
    try:
        return services.object_update(obj, values={name: new}, base_version=obj.version, by=by,
                                      reason=f"Accepted a suggestion by {author}")
    except services.EditConflict as conflict:
        raise ValidationError("Someone saved this text at the same moment. Try again.",
                              code="conflict") from conflict


@transaction.atomic
@_touches
def suggestion_reject(*, suggestion: Suggestion, by) -> Suggestion:
    """Editors and coordinators reject; the author may withdraw their own."""
    role = _require(suggestion.proposal, by, access.COMMENT)
    if not access.role_allows(role, access.WRITE) and suggestion.created_by_id != by.pk:
        raise PermissionDenied("Only an editor or a coordinator can reject someone's suggestion.")
    suggestion = _open(suggestion)
    _decide(suggestion, by, Suggestion.Status.REJECTED)
    return suggestion


@transaction.atomic
@_touches
def suggestion_rebase(*, suggestion: Suggestion, by) -> Suggestion:
    """Move an outdated suggestion onto the text as it is now: onto its words where they
    still are, or the most similar words near its old place. The editor then sees exactly
    what accepting would replace, and decides again."""
    _require(suggestion.proposal, by, access.WRITE)
    suggestion = _open(suggestion)
    if suggestion.kind != Suggestion.Kind.REPLACE:
        raise ValidationError("Only a change of text can be re-based.", code="kind")
    text = _field_text(Proposal.objects.get(pk=suggestion.proposal_id), suggestion.path)
    if suggestion.quote:
        found = anchor_for_quote(text, suggestion.quote, near=suggestion.start or 0,
                                 prefix=suggestion.prefix, suffix=suggestion.suffix)
    else:
        found = _insertion_point(text, suggestion)
    if found.detached:
        raise ValidationError(
            "The words this suggestion changes are no longer in the text. Reject it, or make the "
            "change yourself.", code="gone",
        )
    _place(suggestion, found)
    suggestion.is_outdated = False
    suggestion.save(update_fields=["start", "end", "quote", "prefix", "suffix", "is_outdated"])
    return suggestion


def _insertion_point(text: str, suggestion: Suggestion) -> Anchor:
    """An insertion has no words of its own to look for: it goes where the words it was
    made between still are (both, else the ones before, else the ones after)."""
    before, after = suggestion.prefix[-16:], suggestion.suffix[:16]
    near = suggestion.start or 0
    candidates = []
    if before or after:
        for needle, offset in ((before + after, len(before)), (before, len(before)), (after, 0)):
            if not needle:
                continue
            spots = [index for index in _occurrences(text, needle)]
            if spots:
                candidates = [spot + offset for spot in spots]
                break
    if not candidates:
        return Anchor(start=0, end=0, quote="", detached=True)
    point = min(candidates, key=lambda spot: abs(spot - near))
    return anchor_at(text, point, point)


def _occurrences(text: str, needle: str):
    index = text.find(needle)
    while index != -1:
        yield index
        index = text.find(needle, index + 1)


@dataclass
class Decisions:
    done: list[Suggestion] = field(default_factory=list)
    skipped: list[tuple[Suggestion, str]] = field(default_factory=list)


def suggestions_decide(*, suggestions, by, accept: bool) -> Decisions:
    """Accept or reject many (one reviewer's, one section's). Each is decided on its own:
    an outdated one, or one a colleague decided meanwhile, is skipped and reported. Within
    a field the last span goes first, so nothing moves under those still to come."""
    result = Decisions()
    ordered = sorted(suggestions, key=lambda item: (item.path, -(item.start or 0)))
    for suggestion in ordered:
        try:
            if accept:
                suggestion_accept(suggestion=suggestion, by=by)
            else:
                suggestion_reject(suggestion=suggestion, by=by)
        except ValidationError as error:
            result.skipped.append((suggestion, error.messages[0]))
        else:
            result.done.append(suggestion)
    return result

"""Writes of the review layer: threads, their comments, and suggestions.

Every function checks the writer's role itself (the views check too, but a rule kept in
one place cannot be forgotten by the next view). Comments and suggestions never change
the proposal's text; accepting a suggestion does, through the proposal's own write path
(`occupations.services.object_update`), so history, the version check and the anchors
of every other thread follow as they do for a direct edit."""

import functools
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from comments.anchoring import Anchor, anchor_at, anchor_for_quote, map_exactly
from comments.models import Comment, Suggestion, Thread
from occupations import access, paths, selectors, services
from occupations.diffs import EQUAL, word_diff
from occupations.forms import LIMITS, entry_form_class
from occupations.kinds import KINDS_BY_KEY, kind_for
from occupations.models import Membership, OccupationGroup, Proposal
from occupations.text import clean_text

COMMENT_LIMIT = 10_000


def _touches(function):
    """The write moves its proposal's change counter (in its transaction): a page a reader
    saw before it is no longer answered "not modified"."""

    @functools.wraps(function)
    def write(**kwargs):
        result = function(**kwargs)
        about = kwargs.get("proposal") or kwargs.get("thread") or kwargs.get("suggestion")
        if about is None and kwargs.get("comment") is not None:
            about = kwargs["comment"].thread
        services.touch_proposal(about.pk if isinstance(about, Proposal) else about.proposal_id,
                                _changed_paths(result, kwargs))
        return result

    return write


def _changed_paths(result, kwargs) -> tuple[str, ...]:
    """What a review write changed on the page: the place of its thread or suggestion (its
    card sits there, and its mark); a suggested new entry, or anything else, as the whole
    page."""
    comment = kwargs.get("comment")
    about = [result, kwargs.get("thread"), kwargs.get("suggestion"), getattr(comment, "thread", None)]
    made = next((item for item in about if isinstance(item, (Thread, Suggestion))), None)
    if isinstance(made, Suggestion) and made.kind == Suggestion.Kind.ADD_ENTRY:
        return ("*",)
    path = made.path if made is not None else kwargs.get("path", "")
    return (path,) if path else ("*",)


# Who may do what ------------------------------------------------------------------------

def role_of(proposal: Proposal, user) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    return Membership.objects.filter(proposal=proposal, user=user).values_list("role", flat=True).first()


def _require(proposal: Proposal, user, action: str) -> str:
    role = role_of(proposal, user)
    if not access.role_allows(role, action):
        raise PermissionDenied("Your role on this proposal does not allow this.")
    return role


def may_resolve(role: str | None, user, thread: Thread) -> bool:
    """Everyone who may comment resolves their own threads; editors and coordinators
    resolve anyone's."""
    if access.role_allows(role, access.WRITE):
        return True
    return access.role_allows(role, access.COMMENT) and thread.created_by_id == getattr(user, "pk", None)


def may_update_action(role: str | None, user, thread: Thread) -> bool:
    """Who did it (the assignee) may say so, besides those who may resolve the thread."""
    return may_resolve(role, user, thread) or (
        access.role_allows(role, access.COMMENT) and thread.assignee_id == getattr(user, "pk", None)
    )


# Text on its way in ----------------------------------------------------------------------

def _comment_text(text: str) -> str:
    text = clean_text(text)
    if not text:
        raise ValidationError("Write something first.", code="empty")
    if len(text) > COMMENT_LIMIT:
        raise ValidationError(
            f"This comment is {len(text):,} characters long; the limit is {COMMENT_LIMIT:,}. "
            "Shorten it, or split it into replies.", code="too_long",
        )
    return text


def _resolve(proposal: Proposal, path: str, *, purpose: str, field: bool) -> tuple[object, str]:
    """The object and field a path names, through the one list of what a path may name;
    a path outside it is refused as a path to a deleted object is."""
    try:
        if field:
            return paths.resolve_field(proposal, path, purpose=purpose)
        return paths.resolve(proposal, path, purpose=purpose)
    except paths.PathError as error:
        raise ValidationError(str(error), code=error.code) from None


def _field_text(proposal: Proposal, path: str) -> str:
    obj, name = _resolve(proposal, path, purpose=paths.COMMENT, field=True)
    text = getattr(obj, name)
    if not isinstance(text, str):
        raise ValidationError("That text is not in the proposal any more. Reload the page.", code="gone")
    return text


def _object_exists(proposal: Proposal, path: str) -> None:
    _resolve(proposal, path, purpose=paths.COMMENT, field=False)


def _span(text: str, start: int, end: int, quote: str | None) -> Anchor:
    """The anchor for a selection made on a page that may be older than the text: where the
    words the person saw are no longer at those offsets, they are looked for nearby."""
    if quote is not None and not (0 <= start <= end <= len(text) and text[start:end] == quote):
        found = anchor_for_quote(text, quote, near=start)
        if found.detached or found.quote != quote:
            raise ValidationError(
                "The text you selected has changed since the page was loaded. Select it again.",
                code="moved",
            )
        return found
    try:
        return anchor_at(text, start, end)
    except ValueError as error:
        raise ValidationError(str(error), code="outside") from error


def _place(item, anchor: Anchor) -> None:
    item.start, item.end, item.quote = anchor.start, anchor.end, anchor.quote
    item.prefix, item.suffix = anchor.prefix[-64:], anchor.suffix[:64]


def _record_mentions(comment: Comment) -> None:
    from comments.mentions import mentions_record

    mentions_record(comment)


# Threads ---------------------------------------------------------------------------------

@transaction.atomic
@_touches
def thread_start(*, proposal: Proposal, by, path: str, text: str, kind: str = Thread.Kind.COMMENT,
                 start: int | None = None, end: int | None = None, quote: str | None = None,
                 assignee=None) -> Thread:
    """A new thread with its first comment: on a span of a field (start/end), or on a
    whole field or object (no span)."""
    _require(proposal, by, access.COMMENT)
    text = _comment_text(text)
    if kind not in Thread.Kind.values:
        raise ValidationError("Choose comment, question or action item.", code="kind")
    thread = Thread(proposal=proposal, path=path, kind=kind, created_by=by)
    if start is not None:
        _place(thread, _span(_field_text(proposal, path), start, end if end is not None else start, quote))
        thread.original_quote = thread.quote
    else:
        _object_exists(proposal, path)
    if kind == Thread.Kind.ACTION:
        thread.assignee = _member(proposal, assignee)
    thread.save()
    comment = Comment.objects.create(thread=thread, author=by, text=text)
    _record_mentions(comment)
    return thread


def _member(proposal: Proposal, user):
    if user is None:
        return None
    if not Membership.objects.filter(proposal=proposal, user=user).exists():
        raise ValidationError("An action item can only be assigned to a member of the proposal.",
                              code="not_member")
    return user


@transaction.atomic
@_touches
def comment_add(*, thread: Thread, by, text: str) -> Comment:
    """A reply. Threads have one level of replies, as in Word."""
    _require(thread.proposal, by, access.COMMENT)
    comment = Comment.objects.create(thread=thread, author=by, text=_comment_text(text))
    _record_mentions(comment)
    return comment


def _own(comment: Comment, by) -> None:
    if comment.author_id != getattr(by, "pk", None) or comment.is_deleted:
        raise PermissionDenied("Only its author can change a comment.")
    _require(comment.thread.proposal, by, access.COMMENT)


@transaction.atomic
@_touches
def comment_edit(*, comment: Comment, by, text: str) -> Comment:
    _own(comment, by)
    text = _comment_text(text)
    if text != comment.text:
        comment.text, comment.edited_at = text, timezone.now()
        comment.save(update_fields=["text", "edited_at"])
        _record_mentions(comment)
    return comment


@transaction.atomic
@_touches
def comment_delete(*, comment: Comment, by) -> Thread | None:
    """Deleting the only comment of a thread removes the thread; a comment others replied
    to leaves "comment deleted" in its place, so the replies still make sense. The text
    goes either way: its author asked for it to go. Returns the thread if it remains."""
    _own(comment, by)
    thread = comment.thread
    others = thread.comments.exclude(pk=comment.pk).filter(is_deleted=False).exists()
    if not others and not hasattr(thread, "suggestion"):
        thread.delete()
        return None
    comment.is_deleted, comment.text, comment.edited_at = True, "", timezone.now()
    comment.save(update_fields=["is_deleted", "text", "edited_at"])
    return thread


@transaction.atomic
@_touches
def thread_resolve(*, thread: Thread, by, resolved: bool = True) -> Thread:
    role = role_of(thread.proposal, by)
    if not may_resolve(role, by, thread):
        raise PermissionDenied("Only its author, an editor or a coordinator can resolve this thread.")
    if resolved:
        thread.status, thread.resolved_by, thread.resolved_at = Thread.Status.RESOLVED, by, timezone.now()
    else:
        # Reopening is recorded too: who reopened it, when, in the same fields.
        thread.status, thread.resolved_by, thread.resolved_at = Thread.Status.OPEN, by, timezone.now()
    thread.save(update_fields=["status", "resolved_by", "resolved_at"])
    return thread


_UNSET = object()


@transaction.atomic
@_touches
def thread_action(*, thread: Thread, by, assignee=_UNSET, is_done: bool | None = None) -> Thread:
    """Assign an action item, or mark it done or not done."""
    role = role_of(thread.proposal, by)
    if thread.kind != Thread.Kind.ACTION:
        raise ValidationError("Only an action item has someone to do it.", code="not_action")
    if assignee is not _UNSET:
        if not may_resolve(role, by, thread):
            raise PermissionDenied("Only its author, an editor or a coordinator can assign this action item.")
        thread.assignee = _member(thread.proposal, assignee)
    if is_done is not None:
        if not may_update_action(role, by, thread):
            raise PermissionDenied("Only the assignee, its author, an editor or a coordinator can mark this done.")
        thread.is_done = is_done
    thread.save(update_fields=["assignee", "is_done"])
    return thread


# Suggestions ---------------------------------------------------------------------------

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


def author_key(item) -> str:
    """Who made a thread or suggestion, as one filter value: a member's id, or an
    external reviewer's name."""
    return f"user:{item.created_by_id}" if item.created_by_id else f"name:{item.author_name}"


"""Writes of the review layer: threads and their comments, resolving and action items;
and what every write of it checks (who may do what, text on its way in, where a span
is). Suggestions are written by comments.suggesting.

Every function checks the writer's role itself (the views check too, but a rule kept in
one place cannot be forgotten by the next view). Comments and suggestions never change
the proposal's text; accepting a suggestion does, through the proposal's own write path
(`occupations.services.object_update`), so history, the version check and the anchors
of every other thread follow as they do for a direct edit."""

import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from comments.anchoring import Anchor, anchor_at, anchor_for_quote
from comments.models import Comment, Suggestion, Thread
from occupations import access, paths, services
from occupations.models import Membership, Proposal
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


def author_key(item) -> str:
    """Who made a thread or suggestion, as one filter value: a member's id, or an
    external reviewer's name."""
    return f"user:{item.created_by_id}" if item.created_by_id else f"name:{item.author_name}"


"""Writes of the Word round trip: a reviewed file previewed, then applied in one
transaction (or cancelled, creating nothing). Editors and coordinators import."""

import hashlib
import logging
import sys
import traceback
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from comments.anchoring import anchor_at
from comments.models import Comment, Suggestion, Thread
from documents.importing import plan_import
from documents.plan import Plan, Planned
from documents.models import ReviewImport
from documents.preview import preview_of
from documents.selectors import stale_before
from documents.upload import open_review_file
from occupations import access
from occupations.services import touch_proposal



logger = logging.getLogger(__name__)


def _require(proposal, user) -> None:
    membership = proposal.memberships.filter(user=user).first()
    if membership is None or not access.role_allows(membership.role, access.WRITE):
        raise PermissionDenied("Only the proposal's editors and coordinators import reviewed files.")


def review_import_preview(*, proposal, by, data: bytes, name: str, text_matching: bool = False
                          ) -> tuple[ReviewImport, Plan]:
    """Read the file and say what it would create; nothing of the proposal changes. The
    file is kept with the preview until it is applied or cancelled."""
    _require(proposal, by)
    _check_caps(proposal, by)
    package = _opened(data, name, proposal)
    plan = _planned(proposal, package, text_matching)
    review_imports_clear_stale(proposal=proposal)
    review_import = ReviewImport.objects.create(
        proposal=proposal, uploaded_by=by, file_name=name[:255], size=package.size, checksum=package.checksum,
        text_matching=text_matching, data=data,
        summary={"planned": len(plan.items), "unmatched": len(plan.unmatched), "recognized": plan.recognized},
        preview=preview_of(plan),
    )
    return review_import, plan


def _check_caps(proposal, by) -> None:
    """What one person may upload, counted from the rows (every server process sees them):
    imports in the last hour, and previews waiting, theirs and the proposal's."""
    now = timezone.now()
    recent = list(ReviewImport.objects.filter(uploaded_by=by, created_at__gte=now - timedelta(hours=1))
                  .order_by("created_at").values_list("created_at", flat=True))
    if len(recent) >= settings.IMPORTS_PER_USER_PER_HOUR:
        again = timezone.localtime(recent[len(recent) - settings.IMPORTS_PER_USER_PER_HOUR] + timedelta(hours=1))
        raise ValidationError(
            f"You have imported {len(recent)} files in the last hour, the most allowed. You can import again at "
            f"{again:%H:%M}.", code="hourly_limit")
    waiting = ReviewImport.objects.filter(status=ReviewImport.Status.PREVIEWED, created_at__gte=stale_before())
    if waiting.filter(uploaded_by=by).count() >= settings.IMPORT_PREVIEWS_PER_USER:
        raise ValidationError(
            f"You have {settings.IMPORT_PREVIEWS_PER_USER} previews waiting, the most allowed: apply or cancel some "
            "first (Import reviewed Word files lists them).", code="previews_per_user")
    if waiting.filter(proposal=proposal).count() >= settings.IMPORT_PREVIEWS_PER_PROPOSAL:
        raise ValidationError(
            f"This proposal has {settings.IMPORT_PREVIEWS_PER_PROPOSAL} previews waiting, the most allowed: apply "
            "or cancel some first.", code="previews_per_proposal")


def review_imports_clear_stale(*, proposal=None, before=None) -> int:
    """Previews left neither applied nor cancelled give their files up: cancelled, the
    file and the stored preview dropped. Of one proposal, or all. How many."""
    stale = ReviewImport.objects.filter(status=ReviewImport.Status.PREVIEWED,
                                        created_at__lt=before or stale_before())
    if proposal is not None:
        stale = stale.filter(proposal=proposal)
    return stale.update(status=ReviewImport.Status.CANCELLED, decided_at=timezone.now(), data=b"", preview={})


def review_import_plan(review_import: ReviewImport) -> Plan:
    """The plan of a previewed import, read again from its file (as it would apply now)."""
    package = _opened(bytes(review_import.data), review_import.file_name, review_import.proposal)
    return _planned(review_import.proposal, package, review_import.text_matching)


def _unreadable(checksum: str, proposal, what: str) -> ValidationError:
    """A file the import could not read, whatever the reason: a message, never a 500. The
    log gets the file's fingerprint and where the reading failed, never the file's text
    (an exception's message may quote it, so only its type and frames are logged)."""
    kind, _, frames = sys.exc_info()
    logger.error("A reviewed file could not be %s: sha256=%s proposal=%s error=%s\n%s", what, checksum,
                 proposal.pk, kind.__name__ if kind else "?", "".join(traceback.format_tb(frames)[-6:]))
    return ValidationError(
        f"The import could not {'open' if what == 'opened' else 'read'} this file, so nothing was created. Open "
        f"it in Word, save it again as a Word Document (.docx), and upload that. (If it fails again, the file's "
        f"fingerprint is {checksum[:12]}.)", code="unreadable")


def _opened(data: bytes, name: str, proposal):
    try:
        return open_review_file(data, name)
    except (ValidationError, DatabaseError):
        raise
    except Exception:  # noqa: BLE001 - any other failure of a hostile file is a message, not a 500
        raise _unreadable(hashlib.sha256(data).hexdigest(), proposal, "opened") from None


def _planned(proposal, package, text_matching: bool) -> Plan:
    try:
        return plan_import(proposal, package, text_matching=text_matching)
    except (ValidationError, DatabaseError):
        raise
    except Exception:  # noqa: BLE001
        raise _unreadable(package.checksum, proposal, "read") from None


def _anchored(item, planned: Planned, text: str | None) -> None:
    if planned.start is None or text is None:
        return
    anchor = anchor_at(text, planned.start, planned.end)
    item.start, item.end, item.quote = anchor.start, anchor.end, anchor.quote
    item.prefix, item.suffix, item.original_quote = anchor.prefix, anchor.suffix, anchor.quote


def _attributed(item, person) -> None:
    item.created_by = person.user
    item.author_name = "" if person.user is not None else person.name[:200]


def _dated(model, pk: int, moment) -> None:
    """The Word file's date, where it gave one (created_at is set on save otherwise)."""
    if moment is not None:
        model.objects.filter(pk=pk).update(created_at=moment)


def _create_suggestion(proposal, planned: Planned, texts: dict) -> None:
    suggestion = Suggestion(proposal=proposal, path=planned.path, kind=planned.kind, replacement=planned.replacement,
                            quote=planned.quote, original_quote=planned.quote, entry_kind=planned.entry_kind,
                            entry_values=planned.entry_values)
    _attributed(suggestion, planned.author)
    if planned.kind == Suggestion.Kind.REPLACE:
        _anchored(suggestion, planned, texts.get(planned.path))
    suggestion.save()
    _dated(Suggestion, suggestion.pk, planned.date)


def _create_comments(thread, messages) -> int:
    for message in messages:
        comment = Comment(thread=thread, text=message.text)
        comment.author = message.author.user
        comment.author_name = "" if message.author.user is not None else message.author.name[:200]
        comment.save()
        _dated(Comment, comment.pk, message.date)
    return len(messages)


def _create_thread(proposal, planned: Planned, texts: dict, by) -> None:
    thread = Thread(proposal=proposal, path=planned.path)
    _attributed(thread, planned.author)
    _anchored(thread, planned, texts.get(planned.path))
    if planned.resolved:
        thread.status, thread.resolved_by, thread.resolved_at = Thread.Status.RESOLVED, by, timezone.now()
    thread.save()
    _dated(Thread, thread.pk, planned.date)
    _create_comments(thread, planned.messages)


def _pending(review_import: ReviewImport, by) -> ReviewImport:
    """The import as it is now, locked, if it is still to be decided: two people cannot
    both apply it, nor one apply what another cancelled."""
    _require(review_import.proposal, by)
    review_import = ReviewImport.objects.select_for_update().get(pk=review_import.pk)
    if review_import.status != ReviewImport.Status.PREVIEWED:
        raise ValidationError(f"This file was already {review_import.get_status_display().lower()}.",
                              code="decided")
    return review_import


@transaction.atomic
def review_import_apply(*, review_import: ReviewImport, by) -> ReviewImport:
    """Create everything the preview showed (as the proposal is now), in one transaction."""
    review_import = _pending(review_import, by)
    plan = review_import_plan(review_import)
    proposal = review_import.proposal
    texts = plan.texts  # the proposal's texts as the plan read them, in this transaction
    summary = {"suggestions": 0, "threads": 0, "replies": 0, "resolved": 0, "unmatched": len(plan.unmatched),
               "recognized": plan.recognized}
    for planned in plan.items:
        if planned.kind in Suggestion.Kind.values:
            _create_suggestion(proposal, planned, texts)
            summary["suggestions"] += 1
        elif planned.kind == "thread":
            _create_thread(proposal, planned, texts, by)
            summary["threads"] += 1
        elif planned.kind == "reply":
            summary["replies"] += _create_comments(planned.thread, planned.messages)
        elif planned.kind == "resolve":
            # Resolved in the file: by its reviewer if a member, else by who imports it.
            Thread.objects.filter(pk=planned.thread.pk, status=Thread.Status.OPEN).update(
                status=Thread.Status.RESOLVED, resolved_by=planned.author.user or by, resolved_at=timezone.now())
            summary["resolved"] += 1
    review_import.status, review_import.decided_at = ReviewImport.Status.APPLIED, timezone.now()
    review_import.summary, review_import.data, review_import.preview = summary, b"", {}
    review_import.save(update_fields=["status", "decided_at", "summary", "data", "preview"])
    touch_proposal(proposal.pk)
    return review_import


@transaction.atomic
def review_import_cancel(*, review_import: ReviewImport, by) -> ReviewImport:
    review_import = _pending(review_import, by)
    review_import.status, review_import.decided_at, review_import.data, review_import.preview = (
        ReviewImport.Status.CANCELLED, timezone.now(), b"", {})
    review_import.save(update_fields=["status", "decided_at", "data", "preview"])
    return review_import

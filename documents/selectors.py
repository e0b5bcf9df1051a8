"""Reads for the export and import pages."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from comments.models import Suggestion, Thread


@dataclass
class ReviewCounts:
    open_threads: int
    resolved_threads: int
    open_suggestions: int


def review_counts(proposal) -> ReviewCounts:
    """What a review copy would carry. Threads that discuss a suggestion go with it."""
    threads = Thread.objects.filter(proposal=proposal, suggestion__isnull=True).aggregate(
        open=Count("id", filter=Q(status=Thread.Status.OPEN)),
        resolved=Count("id", filter=Q(status=Thread.Status.RESOLVED)),
    )
    suggestions = Suggestion.objects.filter(proposal=proposal, status=Suggestion.Status.OPEN).count()
    return ReviewCounts(threads["open"], threads["resolved"], suggestions)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def import_summary(made: dict) -> str:
    """What an import created, in words: "2 suggestions, 1 new thread, 1 reply to a thread"."""
    parts = [_count(made.get("suggestions", 0), "suggestion", "suggestions"),
             _count(made.get("threads", 0), "new thread", "new threads")]
    if made.get("replies"):
        parts.append(_count(made["replies"], "reply to a thread", "replies to threads"))
    if made.get("resolved"):
        parts.append(_count(made["resolved"], "thread resolved", "threads resolved"))
    return ", ".join(parts)


def stale_before():
    """Previews made before this are stale: not counted toward the caps, not applied by
    "Apply all", and cleared by `manage.py clear_stale_imports`."""
    return timezone.now() - timedelta(hours=settings.IMPORT_STALE_HOURS)


def imports_of(proposal) -> list:
    """The proposal's imports of reviewed files, newest first, with who uploaded them and
    what each created, in words."""
    from documents.models import ReviewImport

    imports = list(ReviewImport.objects.filter(proposal=proposal).select_related("uploaded_by")
                   .defer("data", "preview").order_by("-created_at", "-id"))
    stale = stale_before()
    for item in imports:
        item.is_stale = item.status == ReviewImport.Status.PREVIEWED and item.created_at < stale
        if item.status == ReviewImport.Status.APPLIED:
            item.summary_text = import_summary(item.summary)
        elif item.status == ReviewImport.Status.PREVIEWED and "planned" in item.summary:
            planned = item.summary["planned"]
            item.summary_text = f"{planned} to create" + (
                f", {item.summary['unmatched']} not matched" if item.summary.get("unmatched") else "") + (
                "; stale: upload it again to import it" if item.is_stale else "")
        else:
            item.summary_text = ""
    return imports

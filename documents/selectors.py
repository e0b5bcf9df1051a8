"""Reads for the export page."""

from dataclasses import dataclass

from django.db.models import Count, Q

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


def imports_of(proposal) -> list:
    """The proposal's imports of reviewed files, newest first, with who uploaded them."""
    from documents.models import ReviewImport

    return list(ReviewImport.objects.filter(proposal=proposal).select_related("uploaded_by")
                .defer("data").order_by("-created_at", "-id"))

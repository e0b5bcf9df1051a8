"""Conditional answers (ETag, 304) for the pages a meeting reloads all the time. A page's
tag is everything that changes what this reader sees of it: the proposal's change
counter (every write moves it), the reader and their role, and what other apps add for
the reader (the review layer: their inbox's unread count), registered here without the
proposal importing them. A page with something to say once (a message, an undo) gets
no tag and is drawn."""

import hashlib

from django.contrib.messages import get_messages

from occupations.models import Membership

_reader_parts: list = []


def register_reader_part(function) -> None:
    """function(request) -> str: a part of every tag that depends on the reader alone."""
    if function not in _reader_parts:
        _reader_parts.append(function)


_clock_checks: list = []


def register_clock_check(function) -> None:
    """function(proposal_id): what the clock alone changes in a proposal (a rating round
    past its closing date), written as a change before the page's tag is read: nobody
    writes at that moment, yet every reader's page, cached drawing and open tab must
    follow it."""
    if function not in _clock_checks:
        _clock_checks.append(function)


def _one_time_content(request) -> bool:
    return len(get_messages(request)) > 0 or bool(request.session.get("undo_pending"))


def reader_tag(request, *parts, once: bool = True) -> str | None:
    """once: the page shows what is said once (a message, an undo), and has no tag then."""
    if not request.user.is_authenticated or (once and _one_time_content(request)):
        return None
    everything = [str(request.user.pk), "htmx" if getattr(request, "htmx", False) else "page", *map(str, parts),
                  *(function(request) for function in _reader_parts)]
    return hashlib.sha256("|".join(everything).encode()).hexdigest()[:32]


def _membership_tag(request, pk: int, page: str, *, once: bool = True) -> str | None:
    """One query for the reader's role and the proposal's counter; None for a non-member
    (the view answers 404)."""
    if not request.user.is_authenticated:
        return None
    for check in _clock_checks:
        check(pk)
    found = (Membership.objects.filter(proposal_id=pk, user=request.user)
             .values_list("role", "proposal__change_count").first())
    return None if found is None else reader_tag(request, page, pk, *found, once=once)


def proposal_tag(request, pk: int, *args, **kwargs) -> str | None:
    """The tag of a proposal's page for this reader (one query, and one per registered part)."""
    return _membership_tag(request, pk, "proposal")


def memberships_tag(request, *args, **kwargs) -> str | None:
    """The tag of a page made of all the reader's proposals (the inbox): each one's counter."""
    if not request.user.is_authenticated:
        return None
    counters = list(Membership.objects.filter(user=request.user).order_by("proposal_id")
                    .values_list("proposal_id", "role", "proposal__change_count"))
    return reader_tag(request, "memberships", counters)


def live_tag(request, pk: int, *args, **kwargs) -> str | None:
    """The tag of what an open page asks every few seconds (views.pages.proposal_live):
    the same as its page's, less what is said once (the page keeps it until reloaded)."""
    return _membership_tag(request, pk, "live", once=False)

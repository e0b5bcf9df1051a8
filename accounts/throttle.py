"""Sign-in throttling: django-axes locks an account (its username) after a few failures,
for a cool-off. A focus group often meets in one room behind one address, so one
person's typos must not lock the others out: failures from one address are counted on
their own, at a much higher limit, from axes' failure log (in the database, so every
server process sees the same counts)."""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessFailureLog
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


def address_failures(ip_address: str | None) -> int:
    """Failed sign-ins from this address in the last ADDRESS_WINDOW."""
    if not ip_address:
        return 0
    since = timezone.now() - settings.AXES_ADDRESS_WINDOW
    return AccessFailureLog.objects.filter(ip_address=ip_address, attempt_time__gte=since).count()


def address_locked(request) -> bool:
    return address_failures(getattr(request, "axes_ip_address", None)) >= settings.AXES_ADDRESS_FAILURE_LIMIT


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Axes' database handler, which locks per username, and a lock per address beside it."""

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or address_locked(request)


def _minutes(delta: timedelta | None) -> int:
    return max(1, round(delta.total_seconds() / 60)) if delta else 0


def locked_out(request, original_response=None, credentials=None):
    """The page a locked sign-in gets (429): which lock, and how long to wait."""
    by_address = address_locked(request)
    wait = settings.AXES_ADDRESS_WINDOW if by_address else get_cool_off(request)
    return render(request, "accounts/locked_out.html", {
        "by_address": by_address,
        "minutes": _minutes(wait),
        "failure_limit": settings.AXES_ADDRESS_FAILURE_LIMIT if by_address else settings.AXES_FAILURE_LIMIT,
    }, status=429)

import functools

from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.http import HttpResponse
from django.shortcuts import render, resolve_url
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers


def request_body_limit(get_response):
    """A request whose body is larger than any form here sends (four Word files and the
    form around them) is answered 413 from its Content-Length, unread; one with more
    files than a form takes is answered 400, saying so. Both before the CSRF check,
    which would read the body and then answer with a page that says nothing of either."""

    def refused(request, status: int, message: str):
        return render(request, "request_refused.html", {"message": message, "back": request.path}, status=status)

    def middleware(request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            return refused(request, 413, (
                f"This upload is {length / settings.MB:.1f} MB; the most one upload may be is "
                f"{settings.REQUEST_MAX_BYTES // settings.MB} MB ({settings.IMPORT_FILES_PER_REQUEST} files of up "
                f"to {settings.IMPORT_MAX_FILE_BYTES // settings.MB} MB each). Choose fewer or smaller files."))
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:
                request.FILES  # parsed here, once: the CSRF check and the view read what this read
            except TooManyFilesSent:
                return refused(request, 400, (
                    f"Choose at most {settings.IMPORT_FILES_PER_REQUEST} files at a time; upload the rest "
                    "afterwards."))
        return get_response(request)

    return middleware


def htmx_login_required(get_response):
    """An htmx request whose session has ended would follow the redirect to the login
    page and put that page where the form was, and what was typed would be gone. It gets
    a 401 instead; the page says so and keeps the form."""

    def middleware(request):
        response = get_response(request)
        if getattr(request, "htmx", False) and response.status_code == 302:
            login_path = resolve_url(settings.LOGIN_URL)
            if response["Location"].split("?", 1)[0] == login_path:
                return HttpResponse(
                    "Your session has ended: log in again, then save again.", status=401,
                    content_type="text/plain; charset=utf-8",
                )
        return response

    return middleware


SESSION_MOVED = "_moved"  # when the session's end was last moved on (epoch seconds)


def session_moved(request) -> None:
    """Mark the session's end as just moved (at sign-in, when it is written anyway)."""
    request.session[SESSION_MOVED] = int(timezone.now().timestamp())


def session_idle_expiry(get_response):
    """A session ends after SESSION_COOKIE_AGE without a visit: a visit moves its end on,
    but the session is written only when a tenth of that time has passed since the last
    move, not on every request."""

    def middleware(request):
        response = get_response(request)
        session = getattr(request, "session", None)
        if getattr(request, "not_a_visit", False):
            return response  # a page asking by itself: an open tab alone keeps no one signed in
        if session is not None and session.session_key and not session.is_empty():
            now = int(timezone.now().timestamp())
            if now - session.get(SESSION_MOVED, 0) > settings.SESSION_COOKIE_AGE // 10:
                session_moved(request)  # modified: SessionMiddleware saves it with a new end
        return response

    return middleware


def not_a_visit(view):
    """A view that pages call by themselves (a live page's question every few seconds):
    it does not move the session's end, which only a person's visits do."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        request.not_a_visit = True
        return view(request, *args, **kwargs)

    return wrapped


def private_pages(get_response):
    """A signed-in person's pages are theirs: not stored by a shared cache, and checked
    again before a browser reuses them ("no-cache", not "no-store", so that a page that
    has not changed can be answered 304). Responses that say otherwise keep theirs."""

    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ["Cookie"])
        return response

    return middleware

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import resolve_url


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

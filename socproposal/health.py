"""/healthz for a load balancer or a timer: 200 when the database answers, 503 when it
does not. No login, nothing about the data; answered before the Host header is checked
or HTTPS is required, since a load balancer calls it by address over plain HTTP."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse

logger = logging.getLogger(__name__)


def _answer(status: int, text: str) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def healthz(get_response):
    def middleware(request):
        if request.path != "/healthz":
            return get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError as error:
            logger.error("Health check: the database does not answer (%s)", type(error).__name__)
            return _answer(503, "database unavailable\n")
        return _answer(200, "ok\n")

    return middleware

"""Failures that are seen: a 500 is a line on standard error with the request's path and
the user's id, and neither it nor the mail to ADMINS carries the form's text or a frame's
local variables."""

import io
import logging

import pytest
from django.core import mail
from django.test import RequestFactory
from django.utils.log import log_response

from tests.conftest import make_user

SECRET_TEXT = "Confidential draft wording about clinical data"


@pytest.fixture
def stderr_lines():
    """What the project's stderr handler writes, captured."""
    handler = next(handler for handler in logging.getLogger("django").handlers
                   if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler)
                   and handler.__class__ is logging.StreamHandler)
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


def a_failed_request(user):
    """A POST carrying a proposal's text, failing as a view does: Django logs the 500."""
    request = RequestFactory().post("/proposals/7/entries/task/1/edit/", {"text": SECRET_TEXT, "version": "3"})
    request.user = user
    words = SECRET_TEXT  # a local variable holding the text, as a view's would  # noqa: F841
    try:
        raise RuntimeError("the save failed")
    except RuntimeError as error:
        from django.http import HttpResponseServerError
        log_response("Internal Server Error: %s", request.path, response=HttpResponseServerError(),
                     request=request, exception=error)


def test_a_500_is_logged_with_its_path_and_user_and_no_text(db, stderr_lines, settings):
    user = make_user("ann")
    a_failed_request(user)
    logged = stderr_lines.getvalue()
    assert f"ERROR django.request [path=/proposals/7/entries/task/1/edit/ user={user.pk}] Internal Server Error" in logged
    assert "RuntimeError: the save failed" in logged  # the traceback, to find the cause
    assert SECRET_TEXT not in logged


def test_the_mail_to_admins_carries_no_form_data_nor_local_variables(db, settings, stderr_lines):
    settings.DEBUG = False
    settings.ADMINS = [("ops@example.org", "ops@example.org")]
    a_failed_request(make_user("ann"))
    [report] = mail.outbox
    assert report.to == ["ops@example.org"] and "/proposals/7/entries/task/1/edit/" in report.subject
    assert SECRET_TEXT not in report.body
    assert "POST:\ntext = '********************'\nversion = '********************'" in report.body

"""What an error leaves behind: a line on standard error with the request's path and the
user's id, and (with ADMINS set) a mail, neither carrying a form's data or a frame's
local variables, which may hold a proposal's text or a password."""

import logging

from django.views.debug import SafeExceptionReporterFilter

HIDDEN = "********************"


class RequestContext(logging.Filter):
    """Adds `path` and `user_id` to every record, from its request where it has one."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.path = getattr(request, "path", "-") if request is not None else "-"
        user = getattr(request, "user", None) if request is not None else None
        record.user_id = getattr(user, "pk", None) or "-"
        return True


class NoDocumentText(SafeExceptionReporterFilter):
    """Error reports keep the names of the form's fields but none of their values, and no
    local variables: Django's own filter hides settings and passwords only."""

    def get_post_parameters(self, request):
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        cleansed = request.POST.copy()
        for name in cleansed:
            cleansed[name] = HIDDEN
        return cleansed

    def get_traceback_frame_variables(self, request, tb_frame):
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return [("(local variables)", "not reported: they may hold a proposal's text")]

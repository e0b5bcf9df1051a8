"""Placeholder while this module is being written."""
from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404("Not built yet.")


member_list = member_update = member_remove = _missing

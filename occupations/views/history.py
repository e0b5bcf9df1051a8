"""Placeholder while this module is being written."""
from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404("Not built yet.")


proposal_history = object_history = object_restore = _missing

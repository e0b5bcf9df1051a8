"""Placeholder while this module is being written."""
from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404("Not built yet.")


proposal_text_edit = narrative_edit = entry_add = entry_edit = entry_delete = entry_move = _missing
group_add = group_edit = group_delete = group_move = deletion_undo = block_display = _missing

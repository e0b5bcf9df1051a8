"""What the proposal tells the apps built on it. The review layer anchors threads and
suggestions to the proposal's text; it has to hear when that text changes or goes,
and the proposal must not import it (imports flow one way), hence signals.

Every signal is sent inside the write's transaction, after the write."""

from django.dispatch import Signal

# A field's text changed. Arguments: proposal_id, path ("task:42.text"), old, new, by.
text_changed = Signal()

# Objects were deleted. Arguments: proposal_id, paths (["group:5", "task:42", ...]), by.
objects_deleted = Signal()

# Deleted objects came back (undo, or from history). Arguments: proposal_id, paths, by.
objects_restored = Signal()

# A draft's notes were stored as DraftNote rows (the demo's seed), waiting to become review
# threads. Arguments: proposal_id, by.
draft_notes_loaded = Signal()

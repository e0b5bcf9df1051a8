"""The notes of a Word draft become review threads. The proposal stages them as DraftNote
rows (occupations cannot import this app) and says so with `draft_notes_loaded`; each note
becomes a thread with its text as the first comment, and the staging row goes, so running
this again creates nothing."""

from django.db import transaction
from django.dispatch import receiver

from comments.anchoring import anchor_for_quote
from comments.models import Comment, Thread
from occupations import paths, selectors, services, signals
from occupations.models import DraftNote, Proposal

# The seed signs only one comment ("Comment by Connie White Delaney"); the rest are the
# focus group's own notes typed into the draft, by nobody in particular.
UNSIGNED = "Focus group draft"


def _object_exists(proposal: Proposal, path: str) -> bool:
    """The path names something there that a thread may hang on (a field on the list)."""
    try:
        paths.resolve(proposal, path)
    except paths.PathError:
        return False
    return True


def _thread_for(note: DraftNote) -> Thread:
    proposal = note.proposal
    thread = Thread(proposal=proposal, path=note.path, kind=note.kind, position=note.position,
                    author_name=note.author_name or UNSIGNED, original_quote=note.quote)
    if not note.quote:
        thread.is_detached = not _object_exists(proposal, note.path)
        return thread
    text = selectors.text_at(proposal, note.path)
    anchor = anchor_for_quote(text or "", note.quote)
    if text is None or anchor.detached:
        # The quoted words are not there (the field, or the text, changed since the draft):
        # the thread keeps the quote as written and is listed as detached, never dropped.
        # A span (not None) lets a restore of the text look for these words again.
        thread.start = thread.end = 0
        thread.quote, thread.is_detached = note.quote, True
        return thread
    thread.start, thread.end, thread.quote = anchor.start, anchor.end, anchor.quote
    thread.prefix, thread.suffix = anchor.prefix, anchor.suffix
    return thread


def threads_from_draft_notes(proposal: Proposal, by=None) -> list[Thread]:
    """A thread for each note of the proposal's draft, in the draft's order. `by` loaded
    the draft but wrote none of it, so the threads carry the notes' authors by name."""
    threads = []
    with transaction.atomic():
        # Locked, so that two runs at once cannot both turn the same note into a thread.
        notes = list(DraftNote.objects.select_for_update().filter(proposal=proposal)
                     .order_by("position", "id"))
        for note in notes:
            note.proposal = proposal
            thread = _thread_for(note)
            thread.full_clean()
            thread.save()
            comment = Comment(thread=thread, author_name=thread.author_name, text=note.text)
            comment.full_clean()
            comment.save()
            threads.append(thread)
        DraftNote.objects.filter(pk__in=[note.pk for note in notes]).delete()
        if threads:
            services.touch_proposal(proposal.pk)
    return threads


@receiver(signals.draft_notes_loaded, dispatch_uid="comments_threads_from_draft_notes")
def threads_for_loaded_notes(sender, *, proposal_id, by=None, **kwargs):
    threads_from_draft_notes(Proposal.objects.get(pk=proposal_id), by=by)

"""Threads and suggestions follow the text they are anchored to. The proposal's writes
send signals (occupations.signals); these receivers move the anchors through each change,
detach threads whose text is gone (never deleting them) and mark suggestions outdated
when their span changed underneath them."""

from django.db.models import Q
from django.dispatch import receiver

from comments.anchoring import Anchor, anchor_for_quote, map_exactly, reanchor
from comments.models import Suggestion, Thread
from occupations import selectors, signals
from occupations.models import Proposal


def _anchor_of(item) -> Anchor:
    return Anchor(start=item.start, end=item.end, quote=item.quote, prefix=item.prefix, suffix=item.suffix)


def _place(item, anchor: Anchor) -> None:
    item.start, item.end, item.quote = anchor.start, anchor.end, anchor.quote
    item.prefix, item.suffix = anchor.prefix[-64:], anchor.suffix[:64]


def _under(paths):
    """Threads and suggestions on these objects or any of their fields."""
    condition = Q()
    for path in paths:
        condition |= Q(path=path) | Q(path__startswith=f"{path}.")
    return condition


@receiver(signals.text_changed, dispatch_uid="comments_follow_text")
def follow_text(sender, *, proposal_id, path, old, new, **kwargs):
    for thread in Thread.objects.filter(proposal_id=proposal_id, path=path, start__isnull=False,
                                        is_detached=False):
        moved = reanchor(_anchor_of(thread), old, new)
        if moved.detached:
            thread.is_detached = True
        else:
            _place(thread, moved)
        thread.save(update_fields=["start", "end", "quote", "prefix", "suffix", "is_detached"])
    for suggestion in Suggestion.objects.filter(proposal_id=proposal_id, path=path, start__isnull=False,
                                                status=Suggestion.Status.OPEN, is_outdated=False):
        moved = map_exactly(_anchor_of(suggestion), old, new)
        if moved is None:
            suggestion.is_outdated = True
        else:
            _place(suggestion, moved)
        suggestion.save(update_fields=["start", "end", "quote", "prefix", "suffix", "is_outdated"])


@receiver(signals.objects_deleted, dispatch_uid="comments_detach_deleted")
def detach_deleted(sender, *, proposal_id, paths, **kwargs):
    if not paths:
        return
    Thread.objects.filter(_under(paths), proposal_id=proposal_id).update(is_detached=True)
    Suggestion.objects.filter(_under(paths), proposal_id=proposal_id, status=Suggestion.Status.OPEN) \
        .exclude(kind=Suggestion.Kind.ADD_ENTRY).update(is_outdated=True)


@receiver(signals.objects_restored, dispatch_uid="comments_reattach_restored")
def reattach_restored(sender, *, proposal_id, paths, **kwargs):
    """What comes back takes its threads back, where their quote is still in its text."""
    proposal = Proposal.objects.get(pk=proposal_id)
    for thread in Thread.objects.filter(_under(paths), proposal_id=proposal_id, is_detached=True):
        if thread.start is None:
            thread.is_detached = False
        else:
            text = selectors.text_at(proposal, thread.path)
            found = anchor_for_quote(text, thread.quote, near=thread.start, prefix=thread.prefix,
                                     suffix=thread.suffix) if text is not None else None
            if found is None or found.detached:
                continue
            _place(thread, found)
            thread.is_detached = False
        thread.save(update_fields=["start", "end", "quote", "prefix", "suffix", "is_detached"])

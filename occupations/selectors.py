"""Reads."""

from collections import defaultdict

from django.db.models import Count

from occupations.kinds import KINDS_BY_KEY
from occupations.models import DraftNote, Membership, Narrative, OccupationGroup, Proposal
from occupations.outline import Outline, proposal_outline


def memberships_for_user(user) -> list[Membership]:
    """The proposals a user belongs to, most recently changed first, with member counts."""
    return list(
        Membership.objects.filter(user=user)
        .select_related("proposal")
        .annotate(
            member_count=Count("proposal__memberships", distinct=True),
            open_note_count=Count("proposal__draft_notes", distinct=True),
        )
        .order_by("-proposal__updated_at", "proposal__title")
    )


def draft_notes_by_object(proposal: Proposal) -> dict[str, list[DraftNote]]:
    """Notes keyed by the object they were written about (task:42 for task:42.text)."""
    notes = defaultdict(list)
    for note in DraftNote.objects.filter(proposal=proposal):
        notes[note.path.split(".", 1)[0]].append(note)
    return notes


def proposal_page(proposal: Proposal) -> tuple[Outline, list[DraftNote]]:
    """The outline with each note from the draft placed under the first block about its
    object; notes whose object is gone are returned apart, never dropped."""
    outline = proposal_outline(proposal)
    notes = draft_notes_by_object(proposal)
    # walk() gives headings and paragraphs before rows: a group's notes belong under its
    # heading, not in its row of the classification table.
    for block in outline.walk():
        if block.path and block.path in notes:
            block.notes = notes.pop(block.path)
    unplaced = [note for group in notes.values() for note in group]
    return outline, sorted(unplaced, key=lambda note: (note.position, note.pk))


def model_for_path(path: str):
    """The model and primary key a path names: task:42 -> (Task, 42). LookupError if the
    path is not one of ours."""
    prefix, _, rest = path.partition(":")
    pk_text = rest.split(".", 1)[0]
    models = {"proposal": Proposal, "group": OccupationGroup, "narrative": Narrative}
    models.update({key: kind.model for key, kind in KINDS_BY_KEY.items()})
    if prefix not in models or not pk_text.isdigit():
        raise LookupError(f"No such path: {path!r}")
    return models[prefix], int(pk_text)


def object_for_path(proposal: Proposal, path: str):
    """The object of this proposal a path names, or None if it does not exist (any more)."""
    model, pk = model_for_path(path)
    if model is Proposal:
        return proposal if pk == proposal.pk else None
    return model.objects.filter(proposal=proposal, pk=pk).first()


def text_at(proposal: Proposal, path: str) -> str | None:
    """The text of one field (task:42.text), or None if the object or field is not there."""
    object_path, _, field_name = path.partition(".")
    if not field_name:
        return None
    try:
        obj = object_for_path(proposal, object_path)
    except LookupError:
        return None
    value = getattr(obj, field_name, None) if obj is not None else None
    return value if isinstance(value, str) else None

"""Writes. Every change to a proposal goes through one of these functions: keyword-only,
atomic, validated with full_clean, attributed to the user who made it."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from occupations.kinds import EntryKind
from occupations.models import DraftNote, Membership, Narrative, OccupationGroup, Proposal
from occupations.text import clean_text

User = get_user_model()


def _clean_fields(model, values: dict) -> dict:
    """Clean every text the user gave; single-line fields lose their line breaks."""
    cleaned = {}
    for name, value in values.items():
        model_field = model._meta.get_field(name)
        if isinstance(value, str):
            multiline = model_field.get_internal_type() == "TextField"
            value = clean_text(value, multiline=multiline)
        cleaned[name] = value
    return cleaned


def _save_new(obj, *, by):
    obj.full_clean()
    obj._history_user = by
    obj.save()
    return obj


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "proposal"
    slug, n = base, 2
    while Proposal.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def proposal_create(*, title: str, created_by, slug: str = "", **fields) -> Proposal:
    """A new proposal, with its creator as its first coordinator."""
    values = _clean_fields(Proposal, {"title": title, **fields})
    proposal = Proposal(slug=slug or _unique_slug(values["title"]), **values)
    _save_new(proposal, by=created_by)
    membership_set(proposal=proposal, user=created_by, role=Membership.Role.COORDINATOR, by=created_by)
    return proposal


@transaction.atomic
def membership_set(*, proposal: Proposal, user, role: str, by) -> Membership:
    membership, created = Membership.objects.get_or_create(
        proposal=proposal, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.full_clean()
        membership._history_user = by
        membership.save(update_fields=["role"])
    return membership


def _next_position(queryset) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
def group_create(
    *,
    proposal: Proposal,
    level: str,
    title: str,
    by,
    parent: OccupationGroup | None = None,
    code: str = "",
    title_options: str = "",
    definition: str = "",
    position: int | None = None,
) -> OccupationGroup:
    values = _clean_fields(
        OccupationGroup,
        {"title": title, "code": code, "title_options": title_options, "definition": definition},
    )
    if position is None:
        position = _next_position(OccupationGroup.objects.filter(proposal=proposal, parent=parent))
    group = OccupationGroup(proposal=proposal, parent=parent, level=level, position=position, **values)
    return _save_new(group, by=by)


@transaction.atomic
def narrative_set(
    *, proposal: Proposal, item: str, text: str, by, group: OccupationGroup | None = None
) -> Narrative:
    narrative = Narrative.objects.filter(proposal=proposal, group=group, item=item).first()
    text = clean_text(text)
    if narrative is None:
        return _save_new(Narrative(proposal=proposal, group=group, item=item, text=text), by=by)
    if narrative.text != text:
        narrative.text = text
        narrative.version += 1
        narrative.full_clean()
        narrative._history_user = by
        narrative.save()
    return narrative


@transaction.atomic
def entry_create(
    *,
    entry_kind: EntryKind,
    proposal: Proposal,
    by,
    group: OccupationGroup | None = None,
    position: int | None = None,
    **values,
):
    model = entry_kind.model
    if position is None:
        position = _next_position(model.objects.filter(proposal=proposal, group=group))
    entry = model(proposal=proposal, group=group, position=position, **_clean_fields(model, values))
    return _save_new(entry, by=by)


def draft_note_add(
    *, proposal: Proposal, path: str, text: str, kind: str = DraftNote.Kind.COMMENT,
    quote: str = "", author_name: str = "", position: int | None = None,
) -> DraftNote:
    if position is None:
        position = _next_position(DraftNote.objects.filter(proposal=proposal))
    note = DraftNote(
        proposal=proposal,
        path=path,
        text=clean_text(text),
        kind=kind,
        quote=clean_text(quote),
        author_name=clean_text(author_name, multiline=False),
        position=position,
    )
    note.full_clean()
    note.save()
    return note

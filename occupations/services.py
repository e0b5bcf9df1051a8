"""Writes. Every change to a proposal goes through one of these functions: keyword-only,
atomic, validated with full_clean, attributed to the user who made it."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from occupations import paths, signals
from occupations.history import path_of
from occupations.kinds import KINDS_BY_MODEL, EntryKind
from occupations.models import DraftNote, Membership, Narrative, OccupationGroup, Proposal, ProposalChange
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
    if getattr(obj, "proposal_id", None):
        touch_proposal(obj.proposal_id)
    return obj


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "proposal"
    slug, n = base, 2
    while Proposal.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def may_start_proposals(user) -> bool:
    """Who may start a proposal: anyone signed in, or (PROPOSAL_CREATORS=staff) staff only."""
    if not getattr(user, "is_authenticated", False):
        return False
    return settings.PROPOSAL_CREATORS != "staff" or user.is_staff


@transaction.atomic
def proposal_start(*, title: str, revision_cycle: str, by) -> Proposal:
    """A person starts a proposal from the page: if they may, and not more than
    PROPOSALS_PER_USER_PER_HOUR an hour (counted from the history, in the database)."""
    if not may_start_proposals(by):
        raise PermissionDenied("Only staff start proposals here: ask an administrator.")
    started = Proposal.history.filter(history_type="+", history_user=by,
                                      history_date__gte=timezone.now() - timedelta(hours=1)).count()
    if started >= settings.PROPOSALS_PER_USER_PER_HOUR:
        raise ValidationError(f"You have started {started} proposals in the last hour, the most allowed. "
                              "Try again later.", code="hourly_limit")
    return proposal_create(title=title, revision_cycle=revision_cycle, created_by=by)


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
        from occupations.members import member_set_role  # it guards the last coordinator

        membership = member_set_role(membership=membership, role=role, by=by)
    if created:
        touch_proposal(proposal.pk)
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
        touch_proposal(proposal.pk)
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
    try:
        paths.parse_path(path)
    except paths.PathError as error:
        raise ValidationError({"path": ValidationError(str(error), code=error.code)}) from None
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


# Saving on top of someone else's save. Every edit form carries the version it was based
# on; a save names that version and is refused as a conflict when another save changed
# the same fields in between. Saves to other fields of the same object go through.


class EditConflict(Exception):
    """Someone saved the object since the version this edit was based on.

    current: the object as it is now (None if it was deleted meanwhile); base: the
    historical record of the version the edit started from (None if unknown); fields: the
    fields both saves changed; mine: the values this save tried to store."""

    def __init__(self, *, current, base, fields: list[str], mine: dict):
        self.current = current
        self.base = base
        self.fields = fields
        self.mine = mine
        super().__init__(f"Conflict on {', '.join(fields) or 'a deleted object'}")


CHANGES_KEPT = 200  # an open page more changes behind than this is drawn again whole


@transaction.atomic(savepoint=False)  # part of the write that calls it, or its own
def touch_proposal(proposal_id: int, paths: tuple[str, ...] = (ProposalChange.EVERYTHING,)) -> None:
    """Mark the proposal changed: its change counter moves (what a reader saw is stale) and
    its time (its list sorts by it), without a version or history; and what changed is
    noted, by path, for the open pages that follow it. Every write calls it: by default
    as a change to everything on the page."""
    Proposal.objects.filter(pk=proposal_id).update(updated_at=timezone.now(), change_count=F("change_count") + 1)
    # The update holds the proposal's row until the transaction ends: the counter read
    # back is this write's, whoever else is writing.
    number = Proposal.objects.filter(pk=proposal_id).values_list("change_count", flat=True).get()
    ProposalChange.objects.create(proposal_id=proposal_id, number=number, paths="\n".join(sorted(set(paths))))
    if number % 100 == 0:
        ProposalChange.objects.filter(proposal_id=proposal_id, number__lte=number - CHANGES_KEPT).delete()


def _base_record(obj, version: int):
    return obj.history.filter(version=version).order_by("-history_id").first()


def _changed_since(current, base, names) -> list[str]:
    """The fields, of those named, that differ between the base version and now. Without
    a record of the base version, every named field counts as changed."""
    if base is None:
        return list(names)
    return [name for name in names if getattr(base, name) != getattr(current, name)]


def _changed_paths(model, path: str, before: dict, values: dict) -> tuple[str, ...]:
    """What an edit changed on the page: an entry's row, if it stays in its list (its
    scope and choice unchanged); anything else (a section's text, a group's title in the
    table and its heading, an entry moved to another list) as the whole page."""
    kind = KINDS_BY_MODEL.get(model)
    if kind is None:
        return (ProposalChange.EVERYTHING,)
    placing = {"group", kind.group_by} & set(values)
    if any(before[name] != values[name] for name in placing):
        return (ProposalChange.EVERYTHING,)
    return (path,)


@transaction.atomic
def object_update(obj, *, values: dict, base_version: int, by, reason: str = ""):
    """Save values (a dict of field name to value) onto obj, based on base_version.

    Raises EditConflict if another save changed any of these fields since then (and to
    something else than this save wants), ValidationError if the values are invalid.
    Returns the saved object with its new version."""
    model = type(obj)
    values = _clean_fields(model, values)
    for _attempt in range(5):
        current = model.objects.filter(pk=obj.pk).first()
        if current is None:
            raise EditConflict(current=None, base=None, fields=[], mine=values)
        wanted = [name for name in values if getattr(current, name) != values[name]]
        if not wanted:
            return current  # nothing to change (or the other save made the same change)
        if current.version != base_version:
            base = _base_record(current, base_version)
            clashing = [name for name in _changed_since(current, base, values) if name in wanted]
            if clashing:
                raise EditConflict(current=current, base=base, fields=clashing, mine=values)
        # Claim the version we read: a concurrent save that claimed it first makes this
        # update match no row (PostgreSQL re-checks the condition after the row lock).
        claimed = model.objects.filter(pk=obj.pk, version=current.version).update(
            version=current.version + 1
        )
        if claimed:
            break
    else:  # pragma: no cover - five saves racing in between every attempt
        raise EditConflict(current=current, base=None, fields=list(values), mine=values)
    current.version += 1
    before = {name: getattr(current, name) for name in values}
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean()
    current._history_user = by
    current._change_reason = reason
    # Every field but the proposal's change counter, which only touch_proposal moves: the
    # value read above may be behind by a write made since.
    current.save(update_fields=[field.name for field in model._meta.concrete_fields
                                if not field.primary_key and field.name != "change_count"])
    proposal_id = current.pk if model is Proposal else current.proposal_id
    path = path_of(model, current.pk)
    touch_proposal(proposal_id, _changed_paths(model, path, before, values))
    for name, old in before.items():
        if isinstance(old, str) and old != values[name]:
            signals.text_changed.send(sender=model, proposal_id=proposal_id, path=f"{path}.{name}",
                                      old=old, new=values[name], by=by)
    return current


@dataclass(frozen=True)
class Deletion:
    """What one delete took away, as (model label, primary key) pairs, parents first, so
    that it can be brought back (undo) from the history records the delete wrote."""

    label: str
    objects: tuple[tuple[str, int], ...]

    def as_session(self) -> dict:
        return {"label": self.label, "objects": [list(pair) for pair in self.objects]}

    @classmethod
    def from_session(cls, data: dict) -> "Deletion":
        return cls(label=str(data["label"]), objects=tuple((str(m), int(pk)) for m, pk in data["objects"]))


def _parents_first(objects) -> list:
    """Groups by depth, then narratives and entries, so each restores after its parent.
    Depth is counted within what is deleted (the rest stays), without a query per level."""
    groups = {obj.pk: obj for obj in objects if isinstance(obj, OccupationGroup)}

    def depth(obj):
        level = 0
        while isinstance(obj, OccupationGroup) and obj.parent_id in groups:
            obj, level = groups[obj.parent_id], level + 1
        return level

    return sorted(objects, key=lambda obj: (not isinstance(obj, OccupationGroup), depth(obj)))


@transaction.atomic
def object_delete(obj, *, by, label: str = "") -> Deletion:
    """Delete an object and what hangs on it; every row is recorded in history, so that
    the Deletion returned can bring all of it back."""
    from django.contrib.admin.utils import NestedObjects

    collector = NestedObjects(using=obj._state.db)
    collector.collect([obj])
    doomed = [item for items in collector.data.values() for item in items]
    for item in doomed:
        item._history_user = by
    deletion = Deletion(
        label=label or str(obj),
        objects=tuple((item._meta.label, item.pk) for item in _parents_first(doomed)
                      if hasattr(item, "history")),
    )
    proposal_id = obj.proposal_id
    paths = [path_of(type(item), item.pk) for item in doomed]  # before delete() clears the pks
    collector.delete()
    touch_proposal(proposal_id)
    signals.objects_deleted.send(sender=type(obj), proposal_id=proposal_id, by=by,
                                 paths=[path for path in paths if path])
    return deletion


@transaction.atomic
def deletion_undo(deletion: Deletion, *, proposal: Proposal, by) -> list:
    """Bring back what a delete took, from the history records of the delete, with the
    same primary keys (paths, and the notes and threads on them, stay valid)."""
    from django.apps import apps

    restored = []
    for label, pk in deletion.objects:
        model = apps.get_model(label)
        if model.objects.filter(pk=pk).exists():
            continue  # already back (undone twice, or restored from history)
        record = model.history.filter(id=pk, history_type="-").order_by("-history_id").first()
        if record is None or (record.proposal_id if model is not Proposal else pk) != proposal.pk:
            continue
        obj = record.instance
        obj.version = record.version + 1
        obj._history_user = by
        obj._change_reason = "Deletion undone"
        obj.save(force_insert=True)
        restored.append(obj)
    touch_proposal(proposal.pk)
    if restored:
        signals.objects_restored.send(sender=Proposal, proposal_id=proposal.pk, by=by,
                                      paths=[path_of(type(obj), obj.pk) for obj in restored])
    return restored


@transaction.atomic
def object_restore(obj, *, record, by):
    """Make obj's text what it was in an earlier version (a historical record), as a new
    change of its own. Structural fields (proposal, parent, position) are left alone."""
    names = restorable_fields(type(obj))
    return object_update(
        obj,
        values={name: getattr(record, name) for name in names},
        base_version=obj.version,
        by=by,
        reason=f"Restored version {record.version}",
    )


def restorable_fields(model) -> list[str]:
    # The settings page's fields (title, revision cycle, status) are the coordinators':
    # an editor's restore of the proposal's texts leaves them as they are.
    skip = {"id", "proposal", "parent", "position", "version", "created_at", "updated_at", "slug", "change_count"}
    if model is Proposal:
        skip.update(paths.SETTINGS_FIELDS)
    return [
        field.name for field in model._meta.concrete_fields
        if field.name not in skip and not field.many_to_one
    ]


def _list_of(entry):
    """The entries shown in the same list as this one, in order: same kind, scope and
    (where the kind sub-heads by a choice) the same choice."""
    from occupations.kinds import KINDS_BY_MODEL

    kind = KINDS_BY_MODEL[type(entry)]
    siblings = type(entry).objects.filter(proposal_id=entry.proposal_id, group_id=entry.group_id)
    if kind.group_by:
        siblings = siblings.filter(**{kind.group_by: getattr(entry, kind.group_by)})
    return list(siblings.order_by("position", "id"))


def _renumber(ordered, *, by, moved=()) -> None:
    """Positions 1..n in this order. The moved objects' new places are recorded in their
    history; neighbours that only shift are updated quietly."""
    for index, obj in enumerate(ordered, start=1):
        if obj.position == index and obj not in moved:
            continue
        obj.position = index
        if obj in moved:
            obj._history_user = by
            obj._change_reason = "Moved"
            obj.save(update_fields=["position", "updated_at"])
        else:
            type(obj).objects.filter(pk=obj.pk).update(position=index)


@transaction.atomic
def entry_add(*, entry_kind: EntryKind, proposal: Proposal, by, after=None, **values):
    """A new entry, at the end of its list or right after another entry."""
    entry = entry_create(entry_kind=entry_kind, proposal=proposal, by=by, **values)
    if after is not None and after.group_id == entry.group_id:
        ordered = [item for item in _list_of(entry) if item.pk != entry.pk]
        index = next((i for i, item in enumerate(ordered) if item.pk == after.pk), len(ordered) - 1)
        ordered.insert(index + 1, entry)
        _renumber(ordered, by=by)
    touch_proposal(proposal.pk)
    return entry


def _move(ordered: list, obj, direction: str, *, by) -> bool:
    """Swap obj with its neighbour in an ordered list. False at either end."""
    index = next(i for i, item in enumerate(ordered) if item.pk == obj.pk)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(ordered):
        return False
    ordered[index], ordered[target] = ordered[target], ordered[index]
    _renumber(ordered, by=by, moved=(ordered[target],))
    touch_proposal(obj.proposal_id)
    return True


@transaction.atomic
def entry_move(entry, *, direction: str, by) -> bool:
    """Move an entry one place up or down in its list. False if it is already at the end."""
    return _move(_list_of(entry), entry, direction, by=by)


@transaction.atomic
def entry_place(entry, *, after_id: int | None, by) -> bool:
    """Put an entry right after another of its list (None: first), as a drag and drop
    does. False if that entry is not in the same list."""
    ordered = [item for item in _list_of(entry) if item.pk != entry.pk]
    if after_id is None:
        index = 0
    else:
        index = next((i + 1 for i, item in enumerate(ordered) if item.pk == after_id), None)
        if index is None:
            return False
    ordered.insert(index, entry)
    _renumber(ordered, by=by, moved=(entry,))
    touch_proposal(entry.proposal_id)
    return True


@transaction.atomic
def group_move(group: OccupationGroup, *, direction: str, by) -> bool:
    """Move a group one place up or down among the groups beside it."""
    siblings = OccupationGroup.objects.filter(proposal_id=group.proposal_id, parent_id=group.parent_id)
    return _move(list(siblings.order_by("position", "id")), group, direction, by=by)


@transaction.atomic
def group_save(*, proposal: Proposal, by, group: OccupationGroup | None = None, base_version: int = 0,
               values: dict):
    """Create a group (at the end of its parent's groups) or update one, version-checked.
    Moving it under another parent puts it at the end there."""
    if group is None:
        return group_create(proposal=proposal, by=by, **values)
    parent = values.get("parent")
    if parent is not None and parent.proposal_id != proposal.pk:
        raise ValidationError({"parent": "The parent group belongs to another proposal."})
    moved = (parent.pk if parent else None) != group.parent_id
    group = object_update(group, values=values, base_version=base_version, by=by)
    if moved:
        siblings = OccupationGroup.objects.filter(proposal=proposal, parent_id=group.parent_id)
        OccupationGroup.objects.filter(pk=group.pk).update(position=_next_position(siblings.exclude(pk=group.pk)))
    return group


@transaction.atomic
def narrative_save(*, proposal: Proposal, item: str, group: OccupationGroup | None, text: str,
                   base_version: int, by) -> Narrative | None:
    """Write an item's narrative for the proposal or a group. A narrative someone else
    created meanwhile is a conflict like any other (its base version is 0). Nothing is
    created for an empty text."""
    narrative = Narrative.objects.filter(proposal=proposal, group=group, item=item).first()
    if narrative is None and not clean_text(text):
        return None
    if narrative is None:
        try:
            with transaction.atomic():
                return _save_new(
                    Narrative(proposal=proposal, group=group, item=item, text=clean_text(text)), by=by
                )
        except IntegrityError:
            narrative = Narrative.objects.get(proposal=proposal, group=group, item=item)
    if base_version == 0:
        values = {"text": clean_text(text)}
        if narrative.text != values["text"]:
            raise EditConflict(current=narrative, base=None, fields=["text"], mine=values)
        return narrative
    return object_update(narrative, values={"text": text}, base_version=base_version, by=by)


def deletion_preview(obj) -> list[tuple[str, int]]:
    """What deleting obj would take with it: (what, how many), the object itself first."""
    from django.contrib.admin.utils import NestedObjects

    collector = NestedObjects(using=obj._state.db)
    collector.collect([obj])
    counts = []
    for model, items in collector.data.items():
        count = len(items) - 1 if model is type(obj) else len(items)
        if count:
            name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
            counts.append((str(name), count))
    return counts

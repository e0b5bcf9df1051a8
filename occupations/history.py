"""Reads about history: every version of one object, and a proposal's recent changes.

Every editable model keeps its history with django-simple-history: one record per save
("+" created, "~" changed, "-" deleted) holding the whole row as it was then. A version
is shown as what changed against the record before it: a word diff for the text people
write, "old → new" for codes, choices, numbers and flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import models
from django.db.models import OuterRef, Subquery

from occupations import diffs
from occupations.diffs import Piece
from occupations.kinds import ENTRY_KINDS, KINDS_BY_MODEL
from occupations.models import Membership, Narrative, OccupationGroup, Proposal

CREATED, CHANGED, DELETED = "created", "changed", "deleted"
_TYPES = {"+": CREATED, "~": CHANGED, "-": DELETED}
_LABELS = {CREATED: "Created", CHANGED: "Changed", DELETED: "Deleted"}

# Structure and bookkeeping, not what people write; a move shows as its reason ("Moved").
_NOT_SHOWN = {"id", "proposal", "parent", "group", "position", "version", "created_at",
              "updated_at", "slug", "change_count"}
# Short codes read better as "29-9021 → 29-9022" than as a word diff.
_NOT_WORDS = {"code"}

EXCERPT_CHARS = 60
CONTEXT_WORDS = 6
SHORT_CHANGE_CHARS = 160


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    pieces: tuple[Piece, ...] = ()  # a word diff, for text fields
    old: str = ""  # "old → new", for the others
    new: str = ""

    @property
    def is_text(self) -> bool:
        return bool(self.pieces)


@dataclass
class Change:
    """One historical record, read: who did what to which object, and what changed."""

    record: models.Model
    model: type
    path: str  # task:42, group:5, narrative:7, proposal:1; "" for memberships
    what: str  # task “Analyze clinical data…”
    change_type: str  # created, changed or deleted
    label: str  # Created, Changed, Deleted, or the reason given (Restored version 3, Moved…)
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def when(self) -> datetime:
        return self.record.history_date

    @property
    def who(self):
        return self.record.history_user

    @property
    def who_name(self) -> str:
        user = self.record.history_user
        if user is None:
            return "Someone"
        return user.get_full_name() or user.get_username()

    @property
    def version(self) -> int | None:
        return getattr(self.record, "version", None)

    @property
    def history_id(self) -> int:
        return self.record.history_id

    @property
    def object_id(self) -> int:
        return self.record.id


# Fields -----------------------------------------------------------------------------------

def shown_fields(model) -> list[models.Field]:
    """The fields whose changes a version shows, in the model's order."""
    return [
        f for f in model._meta.concrete_fields
        if f.name not in _NOT_SHOWN and not f.many_to_one
    ]


def is_text_field(model_field) -> bool:
    return (
        isinstance(model_field, (models.CharField, models.TextField))
        and not model_field.choices
        and model_field.name not in _NOT_WORDS
    )


def _display(model_field, value) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "yes" if value else "no"
    return str(value)


def field_changes(model, old, new) -> list[FieldChange]:
    """What differs between two records (either may be None: nothing before, or after)."""
    changes = []
    for model_field in shown_fields(model):
        before = getattr(old, model_field.attname) if old is not None else None
        after = getattr(new, model_field.attname) if new is not None else None
        if before == after or (before in (None, "") and after in (None, "")):
            continue
        label = str(model_field.verbose_name)
        if is_text_field(model_field):
            pieces = diffs.word_diff(before or "", after or "")
            if diffs.has_changes(pieces):
                changes.append(FieldChange(model_field.name, label, pieces=tuple(pieces)))
        else:
            changes.append(FieldChange(
                model_field.name, label, old=_display(model_field, before),
                new=_display(model_field, after),
            ))
    return changes


def _is_word(token: str) -> bool:
    return token[0].isalnum() or token[0] == "_"


def _words_head(text: str, n: int) -> str:
    """The first n words of text (cut at a space), with "…" if there is more."""
    tokens = diffs._TOKENS.findall(text)
    words = 0
    for index, token in enumerate(tokens):
        if _is_word(token):
            words += 1
        elif token.isspace() and words >= n and index < len(tokens) - 1:
            return "".join(tokens[:index]) + " …"
    return text


def _words_tail(text: str, n: int) -> str:
    """The last n words of text (cut at a space), with "…" if there is more."""
    tokens = diffs._TOKENS.findall(text)
    words = 0
    for index in range(len(tokens) - 1, -1, -1):
        token = tokens[index]
        if _is_word(token):
            words += 1
        elif token.isspace() and words >= n and index > 0:
            return "… " + "".join(tokens[index + 1:])
    return text


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def shorten(pieces, context: int = CONTEXT_WORDS, limit: int = SHORT_CHANGE_CHARS) -> tuple[Piece, ...]:
    """A diff cut down for a list of changes: the changed words with a few words of
    context either side, long unchanged stretches and long insertions elided."""
    pieces = list(pieces)
    short = []
    for index, piece in enumerate(pieces):
        if piece.op != diffs.EQUAL:
            short.append(Piece(piece.op, _clip(piece.text, limit)))
            continue
        first, last = index == 0, index == len(pieces) - 1
        if first and last:
            short.append(Piece(piece.op, _words_head(piece.text, context)))
        elif first:
            short.append(Piece(piece.op, _words_tail(piece.text, context)))
        elif last:
            short.append(Piece(piece.op, _words_head(piece.text, context)))
        else:
            head, tail = _words_head(piece.text, context), _words_tail(piece.text, context)
            if head == piece.text:  # short enough to keep whole
                short.append(piece)
            else:
                short.append(Piece(piece.op, head.removesuffix(" …") + " … " + tail.removeprefix("… ")))
    return tuple(short)


# Describing an object -----------------------------------------------------------------------

def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(" ,.;:") + "…"


def path_of(model, pk: int) -> str:
    if model is Proposal:
        return f"proposal:{pk}"
    if model is OccupationGroup:
        return f"group:{pk}"
    if model is Narrative:
        return f"narrative:{pk}"
    if model in KINDS_BY_MODEL:
        return f"{KINDS_BY_MODEL[model].key}:{pk}"
    return ""


def describe(model, record) -> str:
    """A readable name for the object a record is about, from the record's own values."""
    if model is Proposal:
        return f"proposal “{excerpt(record.title)}”"
    if model is OccupationGroup:
        level = dict(OccupationGroup.Level.choices).get(record.level, record.level).lower()
        name = f"{record.code} {excerpt(record.title)}".strip()
        return f"{level} “{name}”"
    if model is Narrative:
        item = dict(Narrative._meta.get_field("item").flatchoices).get(record.item, record.item)
        scope = " of a group" if record.group_id else ""
        return f"text of “{item}”{scope}"
    if model is Membership:
        user = record.user if record.user_id else None
        name = (user.get_full_name() or user.get_username()) if user else "a former user"
        return f"membership of {name}"
    kind = KINDS_BY_MODEL[model]
    return f"{kind.label} “{excerpt(getattr(record, kind.text_fields[0]))}”"


def _change_type(record) -> str:
    return _TYPES.get(record.history_type, CHANGED)


def _label(record) -> str:
    return record.history_change_reason or _LABELS[_change_type(record)]


def _read(model, record, previous, *, short: bool = False) -> Change:
    """A record against the one before it. A creation shows its text as written; a
    deletion shows the text it took away."""
    change_type = _change_type(record)
    if change_type == DELETED:
        changes = field_changes(model, record, None)
    else:
        changes = field_changes(model, previous, record)
    if short and change_type != CHANGED and previous is None:
        changes = []  # a creation or deletion: the description says what it was
    elif short:
        changes = [
            FieldChange(c.name, c.label, pieces=shorten(c.pieces)) if c.is_text else c
            for c in changes
        ]
    return Change(
        record=record,
        model=model,
        path=path_of(model, record.id),
        what=describe(model, record),
        change_type=change_type,
        label=_label(record),
        changes=changes,
    )


# One object ---------------------------------------------------------------------------------

def _records_of_proposal(model, proposal):
    records = model.history.all()
    if model is Proposal:
        return records.filter(id=proposal.pk)
    return records.filter(proposal_id=proposal.pk)


def object_records(obj_model, pk: int, proposal) -> list[Change]:
    """Every version of one object of this proposal, newest first, each with what changed
    against the version before it. Works as well for an object that was deleted: its
    history outlives it. An empty list if the object never belonged to this proposal."""
    related = ["history_user"] + (["user"] if obj_model is Membership else [])
    records = list(
        _records_of_proposal(obj_model, proposal)
        .filter(id=pk)
        .select_related(*related)
        .order_by("-history_date", "-history_id")
    )
    return [
        _read(obj_model, record, records[index + 1] if index + 1 < len(records) else None)
        for index, record in enumerate(records)
    ]


# The whole proposal -------------------------------------------------------------------------

def history_models() -> list[type]:
    """Every model whose changes are a proposal's changes."""
    return [Proposal, OccupationGroup, Narrative, Membership] + [kind.model for kind in ENTRY_KINDS]


def recent_changes(proposal, limit: int = 100, before: datetime | None = None) -> list[Change]:
    """The proposal's latest changes across all its objects, newest first, each with a
    short word diff against the object's previous version.

    Two queries per kind of object at most, whatever the number of changes: the latest
    records (each annotated with the id of the record before it), then those records."""
    latest: list[tuple[type, list]] = []
    for model in history_models():
        previous_id = Subquery(
            model.history.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
            .order_by("-history_id")
            .values("history_id")[:1]
        )
        records = _records_of_proposal(model, proposal)
        if before is not None:
            records = records.filter(history_date__lt=before)
        related = ["history_user"] + (["user"] if model is Membership else [])
        records = (
            records.select_related(*related)
            .annotate(previous_history_id=previous_id)
            .order_by("-history_date", "-history_id")[:limit]
        )
        latest.append((model, list(records)))

    merged = sorted(
        ((model, record) for model, records in latest for record in records),
        key=lambda pair: (pair[1].history_date, pair[1].history_id),
        reverse=True,
    )
    chosen = merged[:limit]

    wanted: dict[type, set[int]] = {}
    for model, record in chosen:
        if record.history_type != "-" and record.previous_history_id:
            wanted.setdefault(model, set()).add(record.previous_history_id)
    previous = {}
    for model, ids in wanted.items():
        for record in model.history.filter(history_id__in=ids):
            previous[(model, record.history_id)] = record

    return [
        _read(model, record, previous.get((model, record.previous_history_id)), short=True)
        for model, record in chosen
    ]


# Deleted objects ----------------------------------------------------------------------------

def last_deletion(model, pk: int, proposal):
    """The record of the latest delete of an object of this proposal, or None."""
    return (
        _records_of_proposal(model, proposal)
        .filter(id=pk, history_type="-")
        .select_related("history_user")
        .order_by("-history_id")
        .first()
    )


def missing_parent(model, record):
    """For a deleted object that hangs on a group (an entry or narrative on a group, a
    group under another): the latest record of that group if it is deleted too, else None.
    Such an object cannot come back before its group does."""
    if model is OccupationGroup:
        group_id = record.parent_id
    else:
        group_id = getattr(record, "group_id", None)
    if group_id is None or OccupationGroup.objects.filter(pk=group_id).exists():
        return None
    return OccupationGroup.history.filter(id=group_id).order_by("-history_id").first()


DELETED_TOGETHER_SECONDS = 10


def deleted_together(record, proposal) -> tuple[tuple[str, int], ...]:
    """For the delete record of a group: (model label, pk) of the group and of what the
    same delete took with it (groups below it, their narratives and entries: deleted by
    the same person within seconds), parents first, as `services.Deletion` wants them."""
    window = (
        record.history_date - timedelta(seconds=DELETED_TOGETHER_SECONDS),
        record.history_date + timedelta(seconds=DELETED_TOGETHER_SECONDS),
    )
    same_delete = {
        "history_type": "-",
        "history_date__range": window,
        "proposal_id": proposal.pk,
        "history_user_id": record.history_user_id,
    }
    groups = [record.id]
    parents = {record.id}
    while parents:
        below = set(
            OccupationGroup.history.filter(parent_id__in=parents, **same_delete)
            .values_list("id", flat=True)
        ) - set(groups)
        groups.extend(sorted(below))
        parents = below
    objects = [(OccupationGroup._meta.label, pk) for pk in groups]
    for model in [Narrative] + [kind.model for kind in ENTRY_KINDS]:
        ids = set(
            model.history.filter(group_id__in=groups, **same_delete).values_list("id", flat=True)
        )
        objects.extend((model._meta.label, pk) for pk in sorted(ids))
    return tuple(objects)

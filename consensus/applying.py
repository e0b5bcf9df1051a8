"""A closed round's results turned into the text: Core tasks become required duties,
Supplemental ones "may" statements, and Not relevant entries suggestions to remove them,
for the group to decide. An editor reviews the list first; each change then goes through
the version-checked write, and the history says which round it came from.

A round that followed another applies the whole chain: each entry's latest result, so
that after a second round on the contested tasks every task has its say."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError


from comments import suggesting
from comments.models import Suggestion
from consensus import rating, selectors, services
from consensus.models import Round
from consensus.results import CONTESTED, CORE, NOT_RELEVANT, SUPPLEMENTAL, TOO_FEW
from occupations import access
from occupations import services as occupations

REQUIRED, MAY, REMOVE = "required", "may", "remove"
SAYS = {REQUIRED: "Make it a required duty", MAY: "Make it a “may” statement",
        REMOVE: "Suggest removing it, for the group to decide"}


@dataclass
class Change:
    kind: object
    entry: object
    path: str
    round: Round  # the round whose result it applies
    result: object
    action: str
    edited: object = None  # the last history record, when the words changed since the round closed

    @property
    def says(self) -> str:
        return SAYS[self.action]

    @property
    def words(self) -> str:
        return " — ".join(str(getattr(self.entry, name)) for name in self.kind.text_fields
                          if getattr(self.entry, name, ""))

    @property
    def reason(self) -> str:
        return f"From rating round {self.round.number}: {self.result.kind}"

    @property
    def figures(self) -> str:
        return rating.figures(self.result)

    @property
    def value(self) -> str:
        """What the review form sends back: the entry and the version reviewed."""
        return f"{self.path}@{self.entry.version}"


@dataclass
class Plan:
    changes: list = field(default_factory=list)
    settled: int = 0  # the text already says what the panel said
    undecided: int = 0  # contested, or too few ratings


@dataclass
class Outcome:
    applied: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)  # (change, EditConflict)
    gone: list = field(default_factory=list)  # paths with nothing left to do


def _names(kind) -> list[str]:
    return [*kind.text_fields, *(["is_may"] if _has_flag(kind) else [])]


def _has_flag(kind) -> bool:
    return any(item.name == "is_may" for item in kind.model._meta.get_fields())


def _edited_since(kind, entries: list, when) -> dict[int, object]:
    """{entry id: its last history record} for the entries whose words (or "may" flag)
    differ from what they were when the round closed."""
    if not entries or when is None:
        return {}
    then = {}
    for record in (kind.model.history.filter(id__in=[entry.pk for entry in entries], history_date__lte=when)
                   .order_by("id", "history_date", "history_id")):
        then[record.id] = record  # the last one before the round closed wins
    edited = {}
    for entry in entries:
        before = then.get(entry.pk)
        if before is None or any(getattr(before, name) != getattr(entry, name) for name in _names(kind)):
            edited[entry.pk] = entry.history.select_related("history_user").first()
    return edited


def _action(kind, entry, result, open_removals: set, path: str) -> str | None:
    if result is None or result.kind in (CONTESTED, TOO_FEW):
        return None
    if result.kind == NOT_RELEVANT:
        return None if path in open_removals else REMOVE
    if not _has_flag(kind):
        return None
    if result.kind == CORE:
        return REQUIRED if entry.is_may else None
    if result.kind == SUPPLEMENTAL:
        return None if entry.is_may else MAY
    return None


def plan(round_: Round) -> Plan:
    """What applying the round would change, in the document's order."""
    chain = [*selectors.earlier_rounds(round_), round_]
    results = selectors.round_results(chain, round_.proposal_id)
    latest: dict[str, tuple] = {}
    for item in chain:
        for kind, entry in selectors.entries_in_scope(item):
            path = f"{kind.key}:{entry.pk}"
            latest.pop(path, None)  # a later round's entries keep the document's order
            latest[path] = (item, kind, entry)
    open_removals = set(Suggestion.objects.filter(
        proposal_id=round_.proposal_id, kind=Suggestion.Kind.REMOVE_ENTRY, status=Suggestion.Status.OPEN,
        path__in=list(latest)).values_list("path", flat=True))
    found = Plan()
    for path, (item, kind, entry) in latest.items():
        result = results.get((item.pk, path))
        action = _action(kind, entry, result, open_removals, path)
        if action is not None:
            found.changes.append(Change(kind, entry, path, item, result, action))
        elif result is not None and result.kind not in (CONTESTED, TOO_FEW):
            found.settled += 1
        else:
            found.undecided += 1
    for item in chain:  # which of them were edited since their round closed
        for kind in {change.kind for change in found.changes if change.round == item}:
            mine = [change for change in found.changes if change.round == item and change.kind == kind]
            edited = _edited_since(kind, [change.entry for change in mine], item.ended_at)
            for change in mine:
                change.edited = edited.get(change.entry.pk)
    order = {path: place for place, path in enumerate(latest)}
    found.changes.sort(key=lambda change: order[change.path])
    return found


def _require(round_: Round, by) -> None:
    services._require(round_.proposal_id, by, access.WRITE)  # editors and coordinators
    if round_.is_open:
        raise ValidationError("The round is still open: its results come when it closes.", code="round_open")


def apply(*, round_: Round, by, chosen: list[str]) -> Outcome:
    """Apply the chosen changes, each given as "path@version reviewed". A change whose
    entry someone saved since it was reviewed is not applied: it comes back as a
    conflict, as an edit would."""
    _require(round_, by)
    changes = {change.path: change for change in plan(round_).changes}
    outcome = Outcome()
    for value in chosen:
        path, _, version = value.rpartition("@")
        change = changes.get(path)
        if change is None or not version.isdigit():
            outcome.gone.append(path)  # applied meanwhile, or the entry is gone
            continue
        kind, entry = change.kind, change.entry
        # The words reviewed go into the write, so that the version check sees a change to
        # them since as a conflict, not only a change to the flag.
        reviewed = kind.model.history.filter(id=entry.pk, version=int(version)).order_by("-history_id").first()
        values = {name: getattr(reviewed, name) for name in kind.text_fields} if reviewed is not None else {}
        try:
            if change.action == REMOVE:
                if entry.version != int(version):
                    occupations.object_update(entry, values=values, base_version=int(version), by=by)
                suggesting.suggestion_remove_entry(proposal=entry.proposal, by=by, path=path,
                                                 note=f"{change.reason} ({change.figures}).")
            else:
                occupations.object_update(entry, values={**values, "is_may": change.action == MAY},
                                          base_version=int(version), by=by, reason=change.reason)
        except occupations.EditConflict as conflict:
            outcome.conflicts.append((change, conflict))
        except ValidationError:
            outcome.gone.append(path)
        else:
            outcome.applied.append(change)
    return outcome

"""Which fields a path may name, and the one function that turns a path into its object
and field.

A path (`task:42.text`, `proposal:7.background`, or `group:2` for a whole object) comes
from a browser, a Word file's bookmark or a stored thread, so it is input: nothing reads
or writes an attribute because a path names it unless the field is on one of two lists.

- COMMENTABLE: the texts the page shows, which threads may hang on.
- EDITABLE: the texts an editor may change through a path (a suggestion, its accept, an
  import): the same, less the proposal's title, which with the rest of the settings page
  (revision cycle, status) stays the coordinator's.
"""

from dataclasses import dataclass

from occupations.kinds import KINDS_BY_KEY
from occupations.models import Narrative, OccupationGroup, Proposal

COMMENT = "comment"
EDIT = "edit"

# The proposal's settings page: its coordinators change these, never a path.
SETTINGS_FIELDS = ("title", "revision_cycle", "status")
PROPOSAL_TEXT_FIELDS = ("introduction", "meeting_goals", "background", "committee_input")

MODELS: dict[str, type] = {
    "proposal": Proposal,
    "group": OccupationGroup,
    "narrative": Narrative,
    **{key: kind.model for key, kind in KINDS_BY_KEY.items()},
}

COMMENTABLE: dict[str, frozenset[str]] = {
    "proposal": frozenset({"title", *PROPOSAL_TEXT_FIELDS}),
    "group": frozenset({"title", "title_options", "definition"}),
    "narrative": frozenset({"text"}),
    **{key: frozenset(kind.text_fields) for key, kind in KINDS_BY_KEY.items()},
}

EDITABLE: dict[str, frozenset[str]] = {
    **COMMENTABLE,
    "proposal": COMMENTABLE["proposal"] - set(SETTINGS_FIELDS),
}

_LISTS = {COMMENT: COMMENTABLE, EDIT: EDITABLE}

GONE = "That part of the proposal is not there any more. Reload the page."
NOT_TEXT = "That is not a text of the proposal. Reload the page."


class PathError(LookupError):
    """A path that names nothing a person may comment on or change. `code` says why:
    "settings" for a field only a coordinator changes; "gone" for the rest (not one of our
    paths, a field outside the list, an object not in this proposal or no longer), which
    every route refuses as it refuses a path to a deleted object."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Parsed:
    prefix: str
    pk: int
    field: str  # "" for a whole object

    @property
    def model(self) -> type:
        return MODELS[self.prefix]

    @property
    def object_path(self) -> str:
        return f"{self.prefix}:{self.pk}"


def parse_path(path: str, *, purpose: str = COMMENT) -> Parsed:
    """The parts of a path, if its field (when it names one) is on the purpose's list.
    Reads nothing from the database."""
    if not isinstance(path, str):
        raise PathError(GONE, code="gone")
    object_path, dot, field = path.partition(".")
    prefix, colon, pk_text = object_path.partition(":")
    if prefix not in MODELS or not colon or not pk_text.isascii() or not pk_text.isdigit() or (dot and not field):
        raise PathError(GONE, code="gone")
    if field and field not in _LISTS[purpose][prefix]:
        if purpose == EDIT and prefix == "proposal" and field in SETTINGS_FIELDS:
            advice = "; comment on it instead." if field in COMMENTABLE[prefix] else "."
            raise PathError(f"Only a coordinator changes this, on the proposal's settings page{advice}",
                            code="settings")
        raise PathError(NOT_TEXT, code="gone")
    return Parsed(prefix, int(pk_text), field)


def field_allowed(prefix: str, field: str, *, purpose: str = COMMENT) -> bool:
    return field in _LISTS[purpose].get(prefix, ())


def object_of(proposal: Proposal, parsed: Parsed):
    """The object of this proposal a parsed path names, or None if it is not there."""
    if parsed.model is Proposal:
        return proposal if parsed.pk == proposal.pk else None
    return parsed.model.objects.filter(proposal=proposal, pk=parsed.pk).first()


def resolve(proposal: Proposal, path: str, *, purpose: str = COMMENT) -> tuple[object, str]:
    """The object and field a path names: (obj, "text"), or (obj, "") for a whole object.
    PathError if the path is malformed, names a field outside the purpose's list, or names
    something not in this proposal."""
    parsed = parse_path(path, purpose=purpose)
    obj = object_of(proposal, parsed)
    if obj is None:
        raise PathError(GONE, code="gone")
    return obj, parsed.field


def resolve_field(proposal: Proposal, path: str, *, purpose: str = COMMENT) -> tuple[object, str]:
    """As resolve, for a path that must name a field (a span's or a suggestion's)."""
    parsed = parse_path(path, purpose=purpose)
    if not parsed.field:
        raise PathError(NOT_TEXT, code="gone")
    obj = object_of(proposal, parsed)
    if obj is None:
        raise PathError("That text is not in the proposal any more. Reload the page.", code="gone")
    return obj, parsed.field

"""What importing a reviewed Word file would create: the plan the preview shows and
applying carries out, made by documents.importing."""

from dataclasses import dataclass, field
from datetime import datetime

from comments.models import Thread
from occupations.members import display_name


@dataclass
class Person:
    name: str  # as the file gives it
    user: object | None  # the member it stands for, if any

    @property
    def label(self) -> str:
        return display_name(self.user) if self.user is not None else self.name or "Unknown reviewer"


@dataclass
class Message:
    author: Person
    date: datetime | None
    text: str


@dataclass
class Planned:
    """One thing the import creates. kind: a Suggestion.Kind value, "thread", "reply" (to
    a thread already in the proposal) or "resolve" (such a thread)."""

    kind: str
    path: str
    section: str
    author: Person
    date: datetime | None
    start: int | None = None
    end: int | None = None
    quote: str = ""
    replacement: str = ""
    messages: list[Message] = field(default_factory=list)  # a thread's comments, first to last
    resolved: bool = False
    thread: Thread | None = None  # for a reply or a resolve
    entry_kind: str = ""
    entry_values: dict = field(default_factory=dict)
    untracked: bool = False  # found by comparing texts: the reviewer had Track Changes off
    before: str = ""  # the words either side of a change, for the preview
    after: str = ""


@dataclass
class Unmatched:
    section: str
    text: str
    reason: str


@dataclass
class Plan:
    proposal: object
    items: list[Planned] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    recognized: int = 0  # threads, replies and suggestions the file brought back unchanged
    text_matching: bool = False
    section_order: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # path -> the text the spans are offsets into

    def by_section(self) -> list[tuple[str, list, list]]:
        """(section, planned, unmatched) in the document's order."""
        order, planned, unmatched = [], {}, {}
        for item in self.items:
            if item.section not in planned:
                order.append(item.section)
            planned.setdefault(item.section, []).append(item)
        for item in self.unmatched:
            if item.section not in planned and item.section not in unmatched:
                order.append(item.section)
            unmatched.setdefault(item.section, []).append(item)
        rank = {name: index for index, name in enumerate(self.section_order)}
        order.sort(key=lambda name: rank.get(name, len(rank)))
        return [(section, planned.get(section, []), unmatched.get(section, [])) for section in order]

    @property
    def people(self) -> list[str]:
        return sorted({item.author.label for item in self.items})

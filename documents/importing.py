"""Plan the import of a reviewed Word file: what it adds to the proposal, before anything
is created. The plan is what the preview shows and what applying creates.

A field comes back by its bookmark. Its text in the file (before tracked changes) is
compared with its text as exported (from the history): what differs was edited without
Track Changes and becomes suggestions too. Tracked changes and comments are offsets in
the file's text; they are carried onto the text as it is now the way the review layer
carries anchors through an edit (a suggestion only while its words are untouched, a
thread to its words wherever they went). The comments' half is documents.import_threads;
what a plan holds, documents.plan."""

from datetime import datetime, timedelta
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError

from comments.anchoring import anchor_at, map_exactly
from comments.models import Suggestion, Thread
from comments.overview import section_of, sections_of
from comments.suggesting import changed_runs
from documents.baseline import member_for_name, members_by_name, texts_as_of
from documents.export import AS_OF_PROPERTY, PROPOSAL_PROPERTY
from documents.import_threads import ThreadPlanning
from documents.plan import Person, Plan, Planned, Unmatched
from documents.reading import Change, FieldText, Span, read_review
from occupations import paths
from occupations.kinds import KINDS_BY_KEY
from occupations.outline import proposal_outline


def _parse_date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None


def _source(reading, proposal) -> tuple[bool, datetime | None]:
    """Whether the file is an export of this proposal, and the time its text is from."""
    origin = reading.properties.get(PROPOSAL_PROPERTY, "")
    pk = origin.split(" ", 1)[0]
    return pk == str(proposal.pk), _parse_date(reading.properties.get(AS_OF_PROPERTY, ""))


def _written(text: str) -> str:
    """A field as the export wrote it: a section's blank lines are not written."""
    if "\n" not in text:
        return text
    return "\n".join(line for line in text.split("\n") if line.strip())


def _words_before(text: str, at: int, size: int = 60) -> str:
    piece = text[max(0, at - size):at]
    return ("…" + piece.split(" ", 1)[-1]) if at > size and " " in piece else piece


def _words_after(text: str, at: int, size: int = 60) -> str:
    piece = text[at:at + size]
    return (piece.rsplit(" ", 1)[0] + "…") if len(text) > at + size and " " in piece else piece


class _Planner(ThreadPlanning):
    def __init__(self, proposal, reading, *, text_matching: bool, as_of: datetime | None, exported: dict):
        self.proposal = proposal
        self.reading = reading
        self.plan = Plan(proposal=proposal, text_matching=text_matching)
        self.outline = proposal_outline(proposal)
        self.sections = sections_of(self.outline)
        self.plan.section_order = ["Title", *(f"{block.number} {block.text}".strip() for block in self.outline.contents)]
        self.current = self.plan.texts
        for block in self.outline.walk():
            for item in block.fields:
                if isinstance(item.value, str):
                    self.current[item.path] = item.value
            if block.text_path and block.kind != "heading":
                self.current[block.text_path] = block.text
        self.members = members_by_name(proposal)
        self.people: dict[str, Person] = {}
        self.as_of = as_of  # the time the file's text is from (None: not our export)
        self.exported = exported  # path -> text then, from the history
        threads = Thread.objects.filter(proposal=proposal).prefetch_related("comments__author")
        # Threads by their opening comment (the first made: a reply from Word may be dated
        # before it), and every comment, by (author, text): what the export wrote is known
        # when it comes back, a reply too where a client lost its link (LibreOffice).
        self.opening: dict[tuple[str, str], Thread] = {}
        self.said: dict[tuple[str, str], Thread] = {}
        for thread in threads:
            comments = sorted(thread.comments.all(), key=lambda comment: comment.pk)
            if comments:
                self.opening.setdefault((comments[0].author_label, comments[0].text.strip()), thread)
            for comment in comments:
                self.said.setdefault((comment.author_label, comment.text.strip()), thread)
        self.suggestions = list(Suggestion.objects.filter(proposal=proposal))
        self.blocks = {block.path: block for block in self.outline.walk() if block.kind == "entry" and block.path}
        # Untracked edits carry no author: they are the last person's who saved the file.
        self.editor = self._person(reading.properties.get("lastModifiedBy", "")
                                   or reading.properties.get("creator", ""))

    def _person(self, name: str) -> Person:
        if name not in self.people:
            self.people[name] = Person(name=name, user=member_for_name(self.members, name))
        return self.people[name]

    def _section(self, path: str) -> str:
        heading = section_of(self.sections, path)
        return f"{heading.number} {heading.text}".strip() if heading is not None else "Title"

    # --- suggestions ------------------------------------------------------------------

    def _known_suggestion(self, path: str, quote: str, replacement: str) -> bool:
        return any(item.path == path and item.quote == quote and item.replacement == replacement
                   and item.kind == Suggestion.Kind.REPLACE for item in self.suggestions)

    def _suggest(self, path: str, base: str, now: str, start: int, end: int, replacement: str,
                 author: Person, date, untracked: bool = False) -> None:
        anchor = anchor_at(base, start, end)
        if base != now:
            anchor = map_exactly(anchor, base, now)
        if anchor is None:
            self.plan.unmatched.append(Unmatched(
                self._section(path), f"“{base[start:end]}” → “{replacement}”",
                "the words were changed in the proposal since the export"))
            return
        if self._known_suggestion(path, anchor.quote, replacement):
            self.plan.recognized += 1
            return
        self.plan.items.append(Planned(
            kind=Suggestion.Kind.REPLACE, path=path, section=self._section(path), author=author, date=date,
            start=anchor.start, end=anchor.end, quote=anchor.quote, replacement=replacement, untracked=untracked,
            before=_words_before(now, anchor.start), after=_words_after(now, anchor.end)))

    # --- the fields ---------------------------------------------------------------------

    def field(self, path: str, found) -> None:
        if "." not in path:
            return  # a heading's bookmark: it places comments, it has no text of its own
        if path not in self.current:
            self.plan.unmatched.append(Unmatched(self._section(path), found.original[:200],
                                                 "it is no longer in the proposal"))
            return
        now = self.current[path]
        was = self._was(path, now)
        original = found.original
        prefix, name = path.partition(":")[0], path.partition(".")[2]
        if not paths.field_allowed(prefix, name, purpose=paths.EDIT):
            if found.changes or original != was:
                self.plan.unmatched.append(Unmatched(
                    self._section(path), found.accepted[:200],
                    "only a coordinator changes this, on the proposal's settings page"))
            return
        # Untracked edits: the file's text before its tracked changes is not what was exported.
        untracked = changed_runs(was, original) if original != was else []
        for start, end, replacement in untracked:
            self._suggest(path, was, now, start, end, replacement, self.editor, None, untracked=True)
        if found.removed and path.split(":", 1)[0] in KINDS_BY_KEY:
            change = found.changes[0] if found.changes else None
            author = self._person(change.author) if change is not None else self.editor
            object_path = path.split(".", 1)[0]
            if not any(item.path == object_path and item.kind == Suggestion.Kind.REMOVE_ENTRY
                       for item in self.plan.items):
                self.removal(object_path, author, change.date if change else None)
            return
        for change in found.changes:
            start, end = self._to_exported(was, original, change.start, change.end)
            if start is None:
                continue
            self._suggest(path, was, now, start, end, change.text, self._person(change.author), change.date)

    # --- matching by text, where the bookmarks are gone ---------------------------------

    def _written_entries(self) -> dict[str, tuple[str, list[tuple[str, int, int]]]]:
        """Each entry's paragraph as the export wrote it, with where each field is in it."""
        found = {}
        for object_path, block in self.blocks.items():
            if block.entry_kind is None or block.entry_kind.layout != "list":
                continue
            text, places = "", []
            for item in block.fields:
                if item.path != block.fields[0].path and not item.value:
                    continue
                text += " — " if text else ""
                places.append((item.path, len(text), len(text) + len(str(item.value or ""))))
                text += str(item.value or "")
            found[object_path] = (text + (" (may)" if block.is_may else ""), places)
        return found

    def match_by_text(self, *, foreign: bool) -> None:
        """Paragraphs without our bookmarks (a client dropped them, or the file is not an
        export of this proposal) are matched to entries by their text: the same words, or
        nearly (85%), under the same heading. What is still unknown is left alone; what was
        changed in it is reported."""
        if foreign:
            self.reading.fields.clear()
            for paragraph in self.reading.paragraphs:
                paragraph.paths = []
        written = {path: value for path, value in self._written_entries().items()
                   if not any(place[0] in self.reading.fields for place in value[1])}
        by_text = {text: path for path, (text, _) in written.items()}
        heading = ""
        for paragraph in self.reading.paragraphs:
            if paragraph.style.startswith("Heading") and paragraph.style[-1] in "12":
                heading = paragraph.original
            if paragraph.paths or paragraph.in_table or paragraph.inserted or not paragraph.original.strip():
                continue
            object_path = by_text.get(paragraph.original) or self._similar(paragraph.original, heading, written)
            if object_path is None:
                if paragraph.changes or paragraph.spans:
                    self.plan.unmatched.append(Unmatched(heading, paragraph.original[:200],
                                                         "this paragraph is not in the proposal any more"))
                continue
            self._adopt(paragraph, written.pop(object_path)[1])

    def _similar(self, text: str, heading: str, written: dict) -> str | None:
        best, score = None, 0.85
        for object_path, (candidate, _) in written.items():
            if heading and self._section(object_path) != heading:
                continue
            matcher = SequenceMatcher(None, text, candidate, autojunk=False)
            if matcher.quick_ratio() > score and matcher.ratio() > score:
                best, score = object_path, matcher.ratio()
        return best

    def _adopt(self, paragraph, places) -> None:
        """The paragraph's fields, cut at the export's " — " between them, as if their
        bookmarks had come back."""
        text = paragraph.original.removesuffix(" (may)")
        pieces = text.split(" — ", len(places) - 1) if len(places) > 1 else [text]
        at = 0
        for (path, _, _), piece in zip(places, pieces):
            low, high = at, at + len(piece)
            changes = [Change(change.start - low, min(change.end, high) - low, change.text, change.author, change.date)
                       for change in paragraph.changes if low <= change.start <= high and change.start < len(text)]
            spans = [Span(span.comment_id, max(span.start, low) - low, min(span.end, high) - low)
                     for span in paragraph.spans if span.start < high and span.end > low]
            self.reading.fields[path] = FieldText(path, piece, "", changes, spans, paragraph.deleted)
            paragraph.paths.append(path)
            at = high + len(" — ")

    # --- entries added and removed ----------------------------------------------------

    def removal(self, object_path: str, author: Person, date, untracked: bool = False) -> None:
        if any(item.kind == Suggestion.Kind.REMOVE_ENTRY and item.path == object_path
               and item.status == Suggestion.Status.OPEN for item in self.suggestions):
            self.plan.recognized += 1
            return
        self.plan.items.append(Planned(kind=Suggestion.Kind.REMOVE_ENTRY, path=object_path,
                                       section=self._section(object_path), author=author, date=date,
                                       quote=self._entry_text(object_path), untracked=untracked))

    def _entry_text(self, object_path: str) -> str:
        block = self.blocks.get(object_path)
        return str(block.lead.value) if block is not None and block.lead is not None else ""

    def addition(self, paragraph, neighbour_path: str, author: Person, date, untracked: bool) -> None:
        """A new paragraph in a list: a new entry of its neighbour's kind, in its scope."""
        object_path = neighbour_path.split(".", 1)[0]
        kind = KINDS_BY_KEY.get(object_path.split(":", 1)[0])
        block = self.blocks.get(object_path)
        text = paragraph.accepted.strip()
        for ending in (" (may)",):
            text = text.removesuffix(ending)
        if kind is None or block is None or not text:
            self.plan.unmatched.append(Unmatched(self._section(neighbour_path), paragraph.accepted,
                                                 "a new paragraph that is not in a list of entries"))
            return
        parts = text.split(" — ", len(kind.text_fields) - 1)
        values = dict(zip(kind.text_fields, parts))
        if kind.group_by:
            values[kind.group_by] = getattr(block.obj, kind.group_by)
        if any(item.kind == Suggestion.Kind.ADD_ENTRY and item.status == Suggestion.Status.OPEN
               and item.entry_kind == kind.key and item.quote == parts[0] for item in self.suggestions):
            self.plan.recognized += 1
            return
        group_id = block.obj.group_id
        scope = f"group:{group_id}" if group_id else f"proposal:{self.proposal.pk}"
        self.plan.items.append(Planned(
            kind=Suggestion.Kind.ADD_ENTRY, path=scope, section=self._section(object_path), author=author,
            date=date, quote=parts[0], entry_kind=kind.key, entry_values=values, untracked=untracked))

    def untracked_removals(self) -> None:
        """An entry whose paragraph is gone without a tracked change: the reviewer deleted it
        with Track Changes off. Only believed where the file kept its bookmarks (a client
        that drops them would otherwise seem to delete everything, see plan_import)."""
        if self.as_of is None:
            return
        # Entries made after the export were never in the file.
        until = self.as_of + timedelta(seconds=1)
        expected = {path for path, block in self.blocks.items() if block.obj.created_at < until}
        came_back = {path.split(".", 1)[0] for path in self.reading.fields}
        # Those matched neither by bookmark nor by their words (matched before this) are gone.
        if not expected:
            return
        for object_path in sorted(expected - came_back):
            self.removal(object_path, self.editor, None, untracked=True)

    def _known_addition(self, text: str) -> bool:
        first = text.strip().split(" — ", 1)[0]
        return any(item.kind == Suggestion.Kind.ADD_ENTRY and item.status == Suggestion.Status.OPEN
                   and item.quote == first for item in self.suggestions)

    def _own_words(self) -> set[str]:
        """The paragraphs the export writes that are not the proposal's fields: headings,
        the Committee's questions, labels, notes. A paragraph that is none of these and has
        no bookmark was written by the reviewer."""
        proposal = self.proposal
        words = {f"A recommendation to the SOC Policy Committee for the {proposal.revision_cycle} revision",
                 "Other titles under discussion:", "Comments on text no longer in the proposal"}
        for block in self.outline.blocks:
            if block.kind in ("heading", "prompt", "label", "empty"):
                words.add(f"{block.number} {block.text}".strip())
        return words

    def lists(self) -> None:
        """New paragraphs: after an entry (or before the first), new entries of that list;
        after a section's text, more of that text; anywhere else, reported."""
        paragraphs, own = self.reading.paragraphs, self._own_words()

        self._new_rows(paragraphs)

        def is_new(paragraph) -> bool:
            if paragraph.paths or paragraph.in_table or not paragraph.accepted.strip():
                return False
            if paragraph.inserted:
                return True
            # Typed with Track Changes off: not ours, and not a heading or the review note.
            return (paragraph.original.strip() not in own and not paragraph.style.startswith(("Heading", "Title"))
                    and not paragraph.original.startswith(("Review copy:", "“")))

        index = 0
        while index < len(paragraphs):
            if not is_new(paragraphs[index]):
                index += 1
                continue
            run = [paragraphs[index]]
            while index + len(run) < len(paragraphs) and is_new(paragraphs[index + len(run)]):
                run.append(paragraphs[index + len(run)])
            before = paragraphs[index - 1] if index else None
            after = paragraphs[index + len(run)] if index + len(run) < len(paragraphs) else None
            self._new_paragraphs(run, before, after)
            index += len(run)

    def _new_rows(self, paragraphs) -> None:
        """A row added to a table (a workforce figure, a related occupation) is reported:
        its cells are not matched to an entry's fields yet."""
        cells: list[str] = []
        for paragraph in [*paragraphs, None]:
            if paragraph is not None and paragraph.in_table and paragraph.inserted and not paragraph.paths:
                cells.append(paragraph.accepted.strip())
                continue
            if any(cells) and not self._known_addition(" — ".join(cells)):
                self.plan.unmatched.append(Unmatched("", " | ".join(cell for cell in cells if cell),
                                                     "a new table row: add it as an entry by hand"))
            cells = []

    def _new_paragraphs(self, run, before, after) -> None:
        change = next((item for paragraph in run for item in paragraph.changes if item.text), None)
        author = self._person(change.author) if change is not None else self.editor
        date = change.date if change is not None else None
        untracked = not run[0].inserted
        entry = next((item for item in (before, after) if item is not None and item.paths
                      and item.paths[0].split(":", 1)[0] in KINDS_BY_KEY and item.style == "ListBullet"), None)
        if entry is not None:
            for paragraph in run:
                self.addition(paragraph, entry.paths[0], author, date, untracked=untracked)
            return
        section = before.paths[-1] if before is not None and before.paths else ""
        if section and "." in section and section in self.current and section.split(":", 1)[0] not in KINDS_BY_KEY:
            now = self.current[section]
            was = self._was(section, now)
            text = "\n" + "\n".join(paragraph.accepted for paragraph in run)
            self._suggest(section, was, now, len(was), len(was), text, author, date, untracked=untracked)
            return
        for paragraph in run:
            if paragraph.inserted and self._known_addition(paragraph.accepted):
                self.plan.recognized += 1
            else:
                self.plan.unmatched.append(Unmatched(self._section(section) if section else "", paragraph.accepted,
                                                     "a new paragraph that is not in a list or a section's text"))

    def _was(self, path: str, now: str) -> str:
        """A field as the file had it before the reviewer: as exported (else as it is now),
        written the export's way."""
        return _written(self.exported.get(path, now))

    @staticmethod
    def _to_exported(was: str, original: str, start: int, end: int) -> tuple[int | None, int | None]:
        if was == original:
            return start, end
        anchor = map_exactly(anchor_at(original, start, end), original, was)
        return (anchor.start, anchor.end) if anchor is not None else (None, None)


def plan_import(proposal, package, *, text_matching: bool = False) -> Plan:
    """What importing the file would create. ValidationError when it is not an export of
    this proposal, unless text matching is asked for."""
    reading = read_review(package.parts, package.trees)
    ours, as_of = _source(reading, proposal)
    if not ours and not text_matching:
        origin = reading.properties.get(PROPOSAL_PROPERTY, "").partition(" ")[2]
        source = (f"It was exported from another proposal (“{origin}”)" if origin
                  else "It does not say which proposal it was exported from")
        raise ValidationError(
            f"This file is not an export of this proposal. {source}, so its paragraphs cannot be matched by "
            "their bookmarks. Check that it is the right file; if it is, choose it again, tick “Match by text "
            "only” and preview it.",
            code="other_proposal",
        )
    exported = texts_as_of(proposal, as_of) if ours and as_of is not None else {}
    planner = _Planner(proposal, reading, text_matching=not ours, as_of=as_of if ours else None, exported=exported)
    bookmarked = bool(reading.fields)
    planner.match_by_text(foreign=not ours)
    for path, found in list(reading.fields.items()):
        planner.field(path, found)
    if ours and bookmarked:
        planner.untracked_removals()
    planner.lists()
    planner.comments()
    return planner.plan

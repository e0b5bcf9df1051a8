"""The review at a glance: which section of the document each thread and suggestion is in,
and how many open ones each section has. Pure Python over the outline and the lists it is
given: no queries of its own.

A section is a heading of the contents (levels 1 and 2). A thread on task:42.text is in
the section of task:42 when the field itself is not shown apart."""

from dataclasses import dataclass

from comments.models import Suggestion, Thread
from occupations.kinds import KINDS_BY_KEY, kind_for
from occupations.outline import Block, Outline


def _object_path(path: str) -> str:
    return path.partition(".")[0]


def sections_of(outline: Outline) -> dict[str, Block]:
    """Each object path and field path the outline shows -> the contents heading it is
    under, in document order. A path shown both as a top-level block and as a row (a group:
    its heading, and its row of the classification table) belongs where its own block is.
    Paths before the first heading (the title) are in no section."""
    contents = {id(heading) for heading in outline.contents}
    found: dict[str, tuple[int, Block | None]] = {}  # path -> (0 block / 1 row, heading)
    order: dict[str, int] = {}

    def note(path: str, heading: Block | None, is_row: int) -> None:
        if not path:
            return
        order.setdefault(path, len(order))
        if path not in found or found[path][0] > is_row:
            found[path] = (is_row, heading)

    heading = None
    for block in outline.blocks:
        if id(block) in contents:
            heading = block
        note(block.path, heading, 0)
        note(block.text_path, heading, 0)
        for row in block.rows:
            note(row.path, heading, 1)
            note(row.text_path, heading, 1)
            for value in row.fields:
                note(value.path, heading, 1)
    return {
        path: found[path][1]
        for path in sorted(order, key=order.get)
        if found[path][1] is not None
    }


def section_of(sections: dict[str, Block], path: str) -> Block | None:
    """The section of a thread's or suggestion's path: its own, else its object's."""
    return sections.get(path) or sections.get(_object_path(path))


def section_of_suggestion(outline: Outline, sections: dict[str, Block], suggestion: Suggestion) -> Block | None:
    """A suggested new entry is not in the document yet: it belongs to its kind's item."""
    if suggestion.kind == Suggestion.Kind.ADD_ENTRY:
        anchor = f"item-{kind_for(suggestion.entry_kind).item}"
        return next((heading for heading in outline.contents if heading.anchor == anchor), None)
    return section_of(sections, suggestion.path)


def discussion_ids(suggestions) -> set[int]:
    return {suggestion.thread_id for suggestion in suggestions if suggestion.thread_id}


def is_discussion(thread: Thread, discussions: set[int]) -> bool:
    """Whether the thread is a suggestion's own discussion: known from the suggestions
    given, or from thread.suggestion when it was fetched with the thread."""
    if thread.pk in discussions:
        return True
    return Thread.suggestion.is_cached(thread) and hasattr(thread, "suggestion")


def place_of(thread: Thread) -> str:
    """The id of the thread's card on the proposal's page; a suggestion's discussion sits
    on the suggestion's card."""
    suggestion = getattr(thread, "suggestion", None) if thread.pk else None
    return f"suggestion-{suggestion.pk}" if suggestion is not None else f"thread-{thread.pk}"


def quote_of(anchored: Thread | Suggestion) -> str:
    """The words a thread or suggestion is about, as written when it is detached; for one
    without a span, what it covers (the entry's first words, where about_entries found
    them)."""
    if anchored.has_span:
        return anchored.original_quote if anchored.is_detached else anchored.quote
    if "." in anchored.path:
        return "Whole text"
    if anchored.path.startswith("proposal:"):
        return "Whole proposal"
    entry = getattr(anchored, "about_entry", None)
    return f"Whole {entry[0]}: “{entry[1]}”" if entry else "Whole entry"


def excerpt(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def entry_words(proposal, paths) -> dict[str, tuple[str, str]]:
    """For each path of a whole entry (task:42), its kind's label and first words, from one
    query per kind of entry concerned."""
    wanted: dict = {}
    for path in paths:
        prefix, _, pk = path.partition(":")
        if "." not in path and prefix in KINDS_BY_KEY and pk.isdigit():
            wanted.setdefault(prefix, set()).add(int(pk))
    found = {}
    for prefix, pks in wanted.items():
        kind = KINDS_BY_KEY[prefix]
        for pk, text in kind.model.objects.filter(proposal=proposal, pk__in=pks).values_list("pk", kind.text_fields[0]):
            found[f"{prefix}:{pk}"] = (kind.label, excerpt(text or ""))
    return found


def about_entries(proposal, items) -> None:
    """For each thread or suggestion on a whole entry, which one: item.about_entry =
    (its kind's label, its first words). "On the whole entry" alone never said which, and
    a card is not always beside it."""
    whole = [item for item in items if not item.has_span]
    words = entry_words(proposal, {item.path for item in whole})
    for item in whole:
        if item.path in words:
            item.about_entry = words[item.path]


@dataclass
class SectionCounts:
    threads: int = 0  # open threads, questions and action items included
    questions: int = 0
    actions: int = 0  # open action items not done
    suggestions: int = 0

    def __bool__(self) -> bool:
        return bool(self.threads or self.suggestions)

    @property
    def label(self) -> str:
        """In words, for screen readers: "2 open threads, 1 question, 3 suggestions"."""
        parts = []
        for count, one, many in (
            (self.threads, "open thread", "open threads"),
            (self.questions, "question", "questions"),
            (self.actions, "action item", "action items"),
            (self.suggestions, "suggestion", "suggestions"),
        ):
            if count:
                parts.append(f"{count} {one if count == 1 else many}")
        return ", ".join(parts)


def section_counts(outline: Outline, threads, suggestions) -> dict[str, SectionCounts]:
    """Open review work per section, keyed by the heading's anchor; only sections that
    have some. Detached threads and suggestions are not in the document, so they count
    nowhere (the Review page lists them); neither do threads that discuss a suggestion
    (pass all the suggestions, or threads fetched with select_related("suggestion"))."""
    sections = sections_of(outline)
    discussions = discussion_ids(suggestions)
    counts: dict[str, SectionCounts] = {}

    def counts_for(path: str, heading: Block | None = None) -> SectionCounts | None:
        heading = heading or section_of(sections, path)
        if heading is None:
            return None
        return counts.setdefault(heading.anchor, SectionCounts())

    for thread in threads:
        if thread.status != Thread.Status.OPEN or thread.is_detached or is_discussion(thread, discussions):
            continue
        section = counts_for(thread.path)
        if section is None:
            continue
        section.threads += 1
        if thread.kind == Thread.Kind.QUESTION:
            section.questions += 1
        elif thread.kind == Thread.Kind.ACTION and not thread.is_done:
            section.actions += 1
    for suggestion in suggestions:
        if suggestion.status != Suggestion.Status.OPEN or suggestion.is_detached:
            continue
        section = counts_for(suggestion.path, section_of_suggestion(outline, sections, suggestion))
        if section is not None:
            section.suggestions += 1
    return counts

"""What the review copy puts on the document: each open thread as a Word comment with its
replies, each open suggestion as a tracked change, each placed on the block of the outline
that shows its path. What cannot be a tracked change (an outdated suggestion, one that
overlaps another) becomes a comment that says what was suggested, so nothing is left out."""

from collections import defaultdict
from dataclasses import dataclass, field

from comments.models import Suggestion, Thread
from comments.page import page_suggestions, page_threads
from documents.fields import Change, CommentRange, Revision
from documents.wordml import date
from occupations.kinds import kind_for
from occupations.members import display_name


@dataclass
class Message:
    author: str
    date: str
    paragraphs: list[str]

    @property
    def initials(self) -> str:
        letters = "".join(word[0] for word in self.author.replace(".", " ").split() if word[:1].isalpha())
        return (letters[:3] or self.author[:1] or "?").upper()


@dataclass
class WordThread:
    """A Word comment and its replies (one level, as in Word); ids are given when its
    range is written, in document order."""

    messages: list[Message]
    done: bool = False
    ids: list[int] = field(default_factory=list)


@dataclass
class Addition:
    """A suggested new entry: its kind, its fields' text in reading order, and who."""

    entry_kind: object
    values: list[str]
    revision: Revision
    thread: WordThread | None


@dataclass
class Placement:
    """Keyed by field path: changes and comment ranges. Keyed by the block (its id()):
    comments on the whole block, an entry's suggested removal, new entries after a list."""

    changes: dict = field(default_factory=lambda: defaultdict(list))
    ranges: dict = field(default_factory=lambda: defaultdict(list))
    whole: dict = field(default_factory=lambda: defaultdict(list))
    removals: dict = field(default_factory=dict)
    additions: dict = field(default_factory=lambda: defaultdict(list))
    unplaced: list = field(default_factory=list)  # (the words it was about, WordThread)

    def has_notes(self, block) -> bool:
        key = id(block)
        return bool(self.whole.get(key) or self.removals.get(key) or self.additions.get(key)
                    or any(self.changes.get(path) or self.ranges.get(path) for path in _field_paths(block)))


def _field_paths(block) -> list[str]:
    paths = [item.path for item in block.fields]
    if block.text_path and block.kind != "heading":
        paths.append(block.text_path)
    return paths


_KIND_PREFIX = {Thread.Kind.QUESTION: "Question", Thread.Kind.ACTION: "Action item"}


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()] or [""]


def _thread_messages(thread, lead: str = "") -> list[Message]:
    messages = []
    for comment in thread.comments.all():
        text = "(Comment deleted)" if comment.is_deleted else comment.text
        messages.append(Message(author=comment.author_label, date=date(comment.created_at), paragraphs=_lines(text)))
    if not messages:
        return []
    prefix = _KIND_PREFIX.get(thread.kind, "")
    if thread.kind == Thread.Kind.ACTION:
        details = []
        if thread.assignee_id:
            details.append(f"for {display_name(thread.assignee)}")
        if thread.is_done:
            details.append("done")
        if details:
            prefix += f" ({', '.join(details)})"
    if lead:
        prefix = f"{lead} ({prefix.lower()})" if prefix else lead
    if prefix:
        messages[0].paragraphs[0] = f"{prefix}: {messages[0].paragraphs[0]}"
    return messages


def _quote(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return f"“{text[:limit]}{'…' if len(text) > limit else ''}”"


def _described(suggestion, why: str) -> WordThread:
    """A suggestion that cannot be a tracked change, said in words."""
    if suggestion.kind == Suggestion.Kind.REPLACE:
        if not suggestion.quote:
            what = f"insert {_quote(suggestion.replacement)}"
        elif not suggestion.replacement:
            what = f"delete {_quote(suggestion.quote)}"
        else:
            what = f"replace {_quote(suggestion.quote)} with {_quote(suggestion.replacement)}"
    elif suggestion.kind == Suggestion.Kind.REMOVE_ENTRY:
        what = f"remove the entry {_quote(suggestion.original_quote or suggestion.quote)}"
    else:
        what = f"add the entry {_quote(suggestion.quote)}"
    text = f"Suggested change ({why}): {what}"
    messages = [Message(author=suggestion.author_label, date=date(suggestion.created_at), paragraphs=[text])]
    discussion = getattr(suggestion, "discussion", None)
    if discussion is not None:
        messages += _thread_messages(discussion)
    return WordThread(messages=messages)


def _blocks_by_path(outline) -> tuple[dict, dict, dict]:
    """The block that shows each object and each field; the lists and tables of each
    kind in each scope (by choice too); each item's heading."""
    by_path, lists, headings = {}, {}, {}
    for block in outline.walk():
        # A group's title is written in the classification table, where the groups are
        # listed together; its heading further on shows it as it stands.
        text_path = "" if block.kind == "heading" else block.text_path
        for path in (block.path, text_path, *(item.path for item in block.fields)):
            if path and path not in by_path:
                by_path[path] = block
        if block.kind in ("list", "table") and block.entry_kind is not None and block.rows:
            group_id = block.rows[0].obj.group_id
            lists[(block.entry_kind.key, group_id, block.choice)] = block
            lists.setdefault((block.entry_kind.key, group_id, None), block)
        if block.kind == "heading" and block.item is not None and block.level == 2:
            headings[block.item.item] = block
    return by_path, lists, headings


def _field_text(block, path: str) -> str | None:
    for item in block.fields:
        if item.path == path:
            return item.value if isinstance(item.value, str) else None
    if block.text_path == path:
        return block.text
    return None


class _Placer:
    def __init__(self, outline, placement: Placement):
        self.placement = placement
        self.by_path, self.lists, self.headings = _blocks_by_path(outline)
        self.taken = defaultdict(list)  # field path -> spans changed so far

    def whole(self, path: str, thread: WordThread, quote: str) -> None:
        block = self.by_path.get(path) or self.by_path.get(path.split(".", 1)[0])
        if block is None:
            self.placement.unplaced.append((quote, thread))
            return
        text = _field_text(block, path)
        if text is not None:
            self.placement.ranges[path].append(CommentRange(0, len(text), thread))
        else:
            self.placement.whole[id(block)].append(thread)

    def thread(self, thread, word_thread: WordThread) -> None:
        if thread.is_detached:
            self.placement.unplaced.append((thread.original_quote or thread.quote, word_thread))
            return
        block = self.by_path.get(thread.path)
        text = _field_text(block, thread.path) if block is not None else None
        if thread.start is not None and text is not None and text[thread.start:thread.end] == thread.quote:
            self.placement.ranges[thread.path].append(CommentRange(thread.start, thread.end, word_thread))
        else:
            self.whole(thread.path, word_thread, thread.original_quote or thread.quote)

    def removal(self, suggestion, discussion: WordThread | None) -> None:
        block = self.by_path.get(suggestion.path)
        if block is None or block.kind != "entry" or block.entry_kind is None:
            self.placement.unplaced.append((suggestion.original_quote, _described(suggestion, "its entry is gone")))
            return
        if id(block) in self.placement.removals:
            self.whole(suggestion.path, _described(suggestion, "also suggested by another reviewer"), "")
            return
        self.placement.removals[id(block)] = Revision(suggestion.author_label, date(suggestion.created_at))
        if discussion is not None:
            self.placement.whole[id(block)].append(discussion)

    def replacement(self, suggestion, discussion: WordThread | None) -> None:
        block = self.by_path.get(suggestion.path)
        text = _field_text(block, suggestion.path) if block is not None else None
        if text is None:
            self.placement.unplaced.append((suggestion.original_quote, _described(suggestion, "its text is gone")))
            return
        start, end = suggestion.start, suggestion.end
        # Outdated: its words changed underneath it (an insertion has no words to compare),
        # so it cannot be accepted as it stands, in the application or in Word.
        if start is None or suggestion.is_outdated or text[start:end] != suggestion.quote:
            self.whole(suggestion.path, _described(suggestion, "the words have changed since"), "")
            return
        if id(block) in self.placement.removals:
            self.placement.ranges[suggestion.path].append(
                CommentRange(start, end, _described(suggestion, "in an entry suggested for removal")))
            return
        if any(start < other_end and other_start < end or other_start < start < other_end
               for other_start, other_end in self.taken[suggestion.path]):
            self.placement.ranges[suggestion.path].append(
                CommentRange(start, end, _described(suggestion, "it overlaps another suggestion")))
            return
        self.taken[suggestion.path].append((start, end))
        revision = Revision(suggestion.author_label, date(suggestion.created_at))
        self.placement.changes[suggestion.path].append(Change(start, end, suggestion.replacement, revision))
        if discussion is not None:
            self.placement.ranges[suggestion.path].append(CommentRange(start, end, discussion, wraps_changes=True))

    def addition(self, suggestion, discussion: WordThread | None) -> None:
        try:
            kind = kind_for(suggestion.entry_kind)
        except LookupError:
            self.placement.unplaced.append(("", _described(suggestion, "of a kind no longer known")))
            return
        group_id = int(suggestion.path.split(":")[1]) if suggestion.path.startswith("group:") else None
        choice = str(suggestion.entry_values.get(kind.group_by, "")) if kind.group_by else ""
        block = (self.lists.get((kind.key, group_id, choice)) or self.lists.get((kind.key, group_id, None))
                 or self.headings.get(kind.item))
        values = [str(suggestion.entry_values.get(name, "") or "") for name in kind.text_fields]
        revision = Revision(suggestion.author_label, date(suggestion.created_at))
        self.placement.additions[id(block)].append(Addition(kind, values, revision, discussion))


def review_placement(outline, *, include_resolved: bool = False) -> Placement:
    """Open threads and suggestions of the outline's proposal, placed on its blocks.
    Three queries: threads (with people), their comments, open suggestions."""
    proposal = outline.proposal
    threads = page_threads(proposal)
    suggestions = page_suggestions(proposal)
    by_pk = {thread.pk: thread for thread in threads}
    placement = Placement()
    placer = _Placer(outline, placement)

    def discussion_of(suggestion) -> WordThread | None:
        thread = by_pk.get(suggestion.thread_id)
        messages = _thread_messages(thread, lead="On the suggested change") if thread is not None else []
        return WordThread(messages=messages) if messages else None

    # Removals first: a change of words inside an entry suggested for removal is said in
    # a comment, since a run cannot be deleted twice.
    ordered = sorted(suggestions, key=lambda item: (item.kind != Suggestion.Kind.REMOVE_ENTRY, item.created_at, item.pk))
    for suggestion in ordered:
        suggestion.discussion = by_pk.get(suggestion.thread_id)
        discussion = discussion_of(suggestion)
        if suggestion.kind == Suggestion.Kind.REMOVE_ENTRY:
            placer.removal(suggestion, discussion)
        elif suggestion.kind == Suggestion.Kind.ADD_ENTRY:
            placer.addition(suggestion, discussion)
        else:
            placer.replacement(suggestion, discussion)

    for thread in threads:
        if thread.suggestion_pk is not None:
            continue
        resolved = thread.status == Thread.Status.RESOLVED
        if resolved and not include_resolved:
            continue
        messages = _thread_messages(thread)
        if messages:
            placer.thread(thread, WordThread(messages=messages, done=resolved))
    return placement

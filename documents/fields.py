"""One field's text as Word runs and paragraphs, with what the review copy puts on it:
comment ranges at exact offsets and tracked changes (a deletion of a span, an insertion at
an offset). Offsets are code points of the field's text, as everywhere in the review layer.

A field written as paragraphs (a section's text) breaks at each line; written inline (an
entry's field, a table cell) its lines break with `w:br`. Blank lines of a section are not
written, as on the page; what was anchored in them moves to the next paragraph."""

from dataclasses import dataclass, field

from documents.wordml import escape, run


@dataclass(frozen=True)
class Revision:
    """Who made a tracked change, and when (already in Word's form)."""

    author: str
    date: str


@dataclass
class Change:
    """Replace [start, end) by text: a deletion, an insertion at end, or both."""

    start: int
    end: int
    text: str
    revision: Revision


@dataclass
class CommentRange:
    """A Word comment (with its replies) over [start, end). One that wraps changes (the
    discussion of a suggestion) also takes in the insertion at its end."""

    start: int
    end: int
    thread: object  # documents.review.WordThread
    wraps_changes: bool = False


class Para:
    """One paragraph being written: its content, and whether it must stay (it shows text
    or a change); a paragraph mark that is itself a tracked change is `mark`."""

    __slots__ = ("parts", "keep", "mark")

    def __init__(self):
        self.parts: list[str] = []
        self.keep = False
        self.mark = ""

    def add(self, xml: str, keep: bool = False) -> None:
        if xml:
            self.parts.append(xml)
        self.keep = self.keep or keep

    def events(self) -> list[str]:
        """What is not text: bookmarks, comment ranges and references."""
        return [part for part in self.parts
                if not (part.startswith("<w:r>") and "<w:commentReference" not in part)]


class Ids:
    """Ids in document order: bookmarks have their own; revisions and comments share one
    sequence, so none of them collide (LibreOffice reads them as one)."""

    def __init__(self):
        self.bookmark = 0
        self.annotation = 0
        self.threads: list = []  # Word comment threads, in the order their ranges start

    def next_bookmark(self) -> int:
        self.bookmark += 1
        return self.bookmark

    def next_annotation(self) -> int:
        value = self.annotation
        self.annotation += 1
        return value

    def revision(self, kind: str, revision: Revision) -> str:
        return (f'<w:{kind} w:id="{self.next_annotation()}" w:author="{escape(revision.author)}" '
                f'w:date="{revision.date}"')

    def comment_start(self, thread) -> str:
        thread.ids = [self.next_annotation() for _ in thread.messages]
        self.threads.append(thread)
        return "".join(f'<w:commentRangeStart w:id="{number}"/>' for number in thread.ids)

    @staticmethod
    def comment_end(thread) -> str:
        # Every range end before every reference: Word keeps replies attached that way.
        ends = "".join(f'<w:commentRangeEnd w:id="{number}"/>' for number in thread.ids)
        return ends + "".join(f'<w:r><w:commentReference w:id="{number}"/></w:r>' for number in thread.ids)


@dataclass
class _Points:
    plain_ends: dict = field(default_factory=dict)
    wrap_starts: dict = field(default_factory=dict)
    inserts: dict = field(default_factory=dict)
    wrap_ends: dict = field(default_factory=dict)
    plain_starts: dict = field(default_factory=dict)


def write_field(ids: Ids, text: str, *, changes=(), ranges=(), rpr: str = "", inline: bool = False) -> list[Para]:
    """The paragraphs of one field (one, if inline). Changes must not overlap."""
    if not changes and not ranges and "\n" not in text:
        para = Para()
        para.add(run(text, rpr), keep=bool(text.strip()))
        return [para]
    length = len(text)
    points = {0, length}
    at = _Points()
    for change in changes:
        points.update((change.start, change.end))
        if change.text:
            at.inserts.setdefault(change.end, []).append(change)
    for comment in ranges:
        points.update((comment.start, comment.end))
        if comment.wraps_changes:
            at.wrap_starts.setdefault(comment.start, []).append(comment)
            at.wrap_ends.setdefault(comment.end, []).append(comment)
        elif comment.start == comment.end:
            at.plain_starts.setdefault(comment.start, []).append(comment)
        else:
            at.plain_starts.setdefault(comment.start, []).append(comment)
            at.plain_ends.setdefault(comment.end, []).append(comment)
    newline = text.find("\n")
    while newline != -1:
        points.update((newline, newline + 1))
        newline = text.find("\n", newline + 1)
    ordered = sorted(point for point in points if 0 <= point <= length)
    deletions = sorted((change for change in changes if change.end > change.start), key=lambda c: c.start)

    paras = [Para()]
    deletion_index = 0
    for index, point in enumerate(ordered):
        para = paras[-1]
        for comment in at.plain_ends.get(point, ()):
            para.add(ids.comment_end(comment.thread))
        for comment in at.wrap_starts.get(point, ()):
            para.add(ids.comment_start(comment.thread))
        for change in at.inserts.get(point, ()):
            for number, part in enumerate(change.text.split("\n")):
                if number:
                    if inline:
                        paras[-1].add(f'{ids.revision("ins", change.revision)}><w:r><w:br/></w:r></w:ins>', keep=True)
                    else:
                        paras[-1].mark = ids.revision("ins", change.revision) + "/>"
                        paras[-1].keep = True
                        paras.append(Para())
                if part:
                    paras[-1].add(f'{ids.revision("ins", change.revision)}>{run(part, rpr)}</w:ins>', keep=True)
        para = paras[-1]
        for comment in at.wrap_ends.get(point, ()):
            para.add(ids.comment_end(comment.thread))
        for comment in at.plain_starts.get(point, ()):
            para.add(ids.comment_start(comment.thread))
            if comment.start == comment.end:
                para.add(ids.comment_end(comment.thread))
        if index + 1 == len(ordered):
            break
        end = ordered[index + 1]
        if end == point:
            continue
        while deletion_index < len(deletions) and deletions[deletion_index].end <= point:
            deletion_index += 1
        deletion = None
        if deletion_index < len(deletions) and deletions[deletion_index].start <= point:
            deletion = deletions[deletion_index]
        segment = text[point:end]
        if segment == "\n":
            if inline:
                xml = "<w:r><w:br/></w:r>"
                para.add(f'{ids.revision("del", deletion.revision)}>{xml}</w:del>' if deletion else xml,
                         keep=bool(deletion))
            else:
                if deletion:
                    para.mark = ids.revision("del", deletion.revision) + "/>"
                    para.keep = True
                paras.append(Para())
            continue
        if deletion:
            para.add(f'{ids.revision("del", deletion.revision)}>{run(segment, rpr, deleted=True)}</w:del>',
                     keep=True)
        else:
            para.add(run(segment, rpr), keep=bool(segment.strip()))
    return paras if inline else _without_blank_lines(paras)


def _without_blank_lines(paras: list[Para]) -> list[Para]:
    """Blank lines are not written; what was anchored in one moves to the next paragraph
    (or, at the end, to the one before)."""
    if all(para.keep for para in paras):
        return paras
    kept: list[Para] = []
    carried: list[str] = []
    after_change = False
    for para in paras:
        # A blank line right after a tracked paragraph break stays: without it, accepting
        # or rejecting that break would join the wrong paragraphs.
        if para.keep or after_change:
            after_change = bool(para.mark)
            para.parts[:0] = carried
            carried = []
            kept.append(para)
        else:
            carried += para.events()
            after_change = False
    if not kept:
        para = Para()
        para.parts = carried
        return [para]
    kept[-1].parts += carried
    return kept

"""A reviewed .docx read back for the import: each field's text (the export wraps every field
in a bookmark naming its path) before and after the tracked changes, with the changes and
comment ranges on it in offsets of its original text; every paragraph, for matching by text
where a client dropped the bookmarks; the comments and their threads; the properties.

The body is walked once, in document order, into one flat list of text segments, each
original, inserted or deleted, a paragraph mark being a "\\n" segment of its own. Bookmarks
and comment ranges are positions in that list, so a field or a comment that crosses
paragraphs needs nothing special: each is a slice of the list."""

import functools
import posixpath
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import accumulate

from lxml import etree

from documents.bookmarks import path_for_name

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DC = "http://purl.org/dc/elements/1.1/"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
# The core properties read: who last saved the file is, in Word, the reviewer.
CORE = {**{f"{{{DC}}}{name}": name for name in ("title", "subject", "creator", "description")},
        f"{{{CP}}}lastModifiedBy": "lastModifiedBy"}


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


P, PPR, RPR, R, TR, T, BR = (_w(name) for name in ("p", "pPr", "rPr", "r", "tr", "t", "br"))
BOOKMARK_START, BOOKMARK_END = _w("bookmarkStart"), _w("bookmarkEnd")
RANGE_START, RANGE_END, REFERENCE = _w("commentRangeStart"), _w("commentRangeEnd"), _w("commentReference")
ID, NAME, AUTHOR, DATE = _w("id"), _w("name"), _w("author"), _w("date")
NORMAL, INSERTED, DELETED = 0, 1, 2  # flags: inserted and then deleted (3) is in neither text
REVISIONS = {_w("ins"): INSERTED, _w("moveTo"): INSERTED, _w("del"): DELETED, _w("moveFrom"): DELETED}
# What holds runs, whose text is read: a hyperlink, a content control, a simple field's result...
INLINE = {_w(name) for name in ("hyperlink", "smartTag", "sdt", "sdtContent", "fldSimple", "customXml", "dir", "bdo")}
BLOCKS, TABLE = {_w(name) for name in ("tbl", "tc", "sdt", "sdtContent", "customXml")}, {_w("tbl"), _w("tc")}
TEXT = {T, _w("delText")}  # instrText and delInstrText are field codes, not text
SIGNS = {_w("tab"): "\t", _w("ptab"): "\t", _w("cr"): "\n", _w("noBreakHyphen"): "-"}  # softHyphen, sym: nothing
SEPARATORS = (" — ", " (may)")  # what the export writes between an entry's fields, and after them


@dataclass
class Change:
    start: int  # the deleted span [start, end) of the original text (empty for an insertion)
    end: int
    text: str  # what is inserted there ("" for a deletion)
    author: str
    date: datetime | None


@dataclass
class Span:
    comment_id: str
    start: int
    end: int


@dataclass
class FieldText:
    path: str
    original: str
    accepted: str
    changes: list[Change]
    spans: list[Span]
    removed: bool  # its paragraphs deleted with their marks: the entry's removal


@dataclass
class WordComment:
    id: str
    author: str
    initials: str
    date: datetime | None
    text: str
    para_id: str | None  # w14:paraId of its last paragraph
    parent_id: str | None = None
    done: bool = False  # its thread's root is marked done
    anchored: bool = False  # False: no range (a bare reference), it belongs to its paragraph


@dataclass
class Paragraph:
    index: int
    style: str
    original: str
    accepted: str
    paths: list[str]
    inserted: bool  # a new paragraph (see _paragraphs)
    deleted: bool  # a paragraph removed (see _paragraphs)
    changes: list[Change]  # its tracked mark is one character more: Change(n, n + 1, "") or (n, n, "\n")
    spans: list[Span]
    in_table: bool


@dataclass
class Reading:
    fields: dict[str, FieldText]
    paragraphs: list[Paragraph]
    comments: dict[str, WordComment]
    comment_paragraph: dict[str, int]
    properties: dict[str, str]


def _parse(data: bytes):
    # Never a DTD, an entity or the network: the file comes from outside.
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))


@functools.lru_cache(maxsize=4096)  # a reviewer's changes share a few dates
def _date(value: str | None) -> datetime | None:
    """w:date as an aware datetime; one without a zone is taken as UTC (LibreOffice writes its
    local time with a Z: it is kept as written)."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _mark_of(properties) -> tuple[int, tuple | None]:
    """A paragraph mark's (w:pPr/w:rPr) or a table row's (w:trPr) own revision."""
    for child in properties if properties is not None else ():
        if child.tag in REVISIONS:
            return REVISIONS[child.tag], (child.get(AUTHOR, ""), child.get(DATE))
    return NORMAL, None


class _Body:
    """document.xml walked: segments (kind, text, the revision's (author, date)); paragraphs
    (first segment, mark segment, style, in a table); and where each bookmark and comment
    mark stands (the index of the segment after it). Then read in slices."""

    def __init__(self, document):
        self.segments, self.paragraphs = [], []
        self.bookmark_names, self.starts, self.ends = {}, {}, {}
        self.comments = {RANGE_START: {}, RANGE_END: {}, REFERENCE: {}}
        self.block(document.find(_w("body")), (NORMAL, None), False)
        if not self.paragraphs:  # positions need a paragraph to stand in
            self.paragraph(etree.Element(P), (NORMAL, None), False)
        # original[i]: the characters of the original text before segment i
        self.original = [0, *accumulate(0 if kind == INSERTED else len(text) for kind, text, _ in self.segments)]
        self.firsts = [first for first, *_ in self.paragraphs]

    def marker(self, element) -> None:
        tag, at = element.tag, len(self.segments)
        if tag == BOOKMARK_START:
            self.bookmark_names[element.get(ID)] = name = element.get(NAME, "")
            self.starts.setdefault(name, []).append(at)
        elif tag == BOOKMARK_END and element.get(ID) in self.bookmark_names:
            self.ends.setdefault(self.bookmark_names[element.get(ID)], []).append(at)
        elif tag in self.comments:
            self.comments[tag].setdefault(element.get(ID), at)

    def block(self, element, row: tuple, in_table: bool) -> None:
        for child in element:
            if child.tag == P:
                self.paragraph(child, row, in_table)
            elif child.tag == TR:  # a row inserted or deleted takes its cells' paragraph marks along
                mark = _mark_of(child.find(_w("trPr")))
                self.block(child, mark if mark[0] else row, True)
            elif child.tag in BLOCKS:
                self.block(child, row, in_table or child.tag in TABLE)
            else:
                self.marker(child)

    def paragraph(self, element, row: tuple, in_table: bool) -> None:
        first, style, mark = len(self.segments), "", row
        properties = element.find(PPR)
        if properties is not None:  # its w:pPrChange (a change of format) is not read
            style = next((item.get(_w("val"), "") for item in properties.iterfind(_w("pStyle"))), "")
            own = _mark_of(properties.find(RPR))
            mark = own if own[0] else row
        for child in element:
            if child.tag != PPR:
                self.inline(child, NORMAL, None)
        self.paragraphs.append((first, len(self.segments), style, in_table))
        self.segments.append((mark[0], "\n", mark[1]))

    def inline(self, element, kind: int, revision) -> None:
        tag = element.tag
        if tag == R:
            for child in element:
                if child.tag in TEXT:
                    text = child.text
                elif child.tag == BR:  # a line break; a page or column break is layout, not text
                    text = "\n" if child.get(_w("type"), "textWrapping") == "textWrapping" else ""
                else:
                    text = SIGNS.get(child.tag)
                    if child.tag == REFERENCE:
                        self.marker(child)
                if text and kind != INSERTED | DELETED:
                    self.segments.append((kind, text, revision))
        elif tag in REVISIONS or tag in INLINE:
            if tag in REVISIONS:
                kind, revision = kind | REVISIONS[tag], (element.get(AUTHOR, ""), element.get(DATE))
            for child in element:
                self.inline(child, kind, revision)
        else:
            self.marker(element)

    def paragraph_at(self, position: int) -> int:
        return max(0, bisect_right(self.firsts, position) - 1)

    def bounds(self, index: int) -> tuple[int, int]:
        return self.paragraphs[index][0], self.paragraphs[index][1]

    def read(self, start: int, end: int, tail: int = 0) -> tuple[str, str, list[Change]]:
        """The original and accepted text of segments [start, end) and `tail` original
        characters more; the changes, adjacent deletions and insertions of one author being
        one change (a replacement), whatever their ids."""
        original, accepted, changes, at, current, index = [], [], [], 0, None, start
        while index < end or tail > 0 and index < len(self.segments):
            kind, text, revision = self.segments[index]
            if index >= end and kind != INSERTED:
                text = text[:tail]
                tail -= len(text)
            index += 1
            if kind == NORMAL:
                original.append(text)
                accepted.append(text)
                at, current = at + len(text), None
                continue
            if current is None or current.author != revision[0]:
                current = Change(at, at, "", revision[0], _date(revision[1]))
                changes.append(current)
            if kind == DELETED:
                original.append(text)
                at = current.end = at + len(text)
            else:
                accepted.append(text)
                current.text += text
        return "".join(original), "".join(accepted), changes

    def field_range(self, starts: list[int], ends: list[int], texts: list[str]) -> tuple[int, int, int]:
        """(start, end, tail) of a field: from the first start of its name to the last end
        (LibreOffice writes a bookmark that crosses paragraphs as a start in each paragraph,
        the first without an end), put back where a client moved it. Our fields begin at
        their paragraph's start or after " — ", and end at its end or before " — " or
        " (may)"; LibreOffice writes a bookmark's end one character early in a paragraph
        where a comment ends before it. So an end one character short of such a boundary is
        moved to it (the tail takes that character where it is inside a segment); a start
        at most one character into its paragraph is moved to the paragraph's start; an end
        just past an untracked paragraph mark is moved back before it. Text a reviewer added
        at the edge of a paragraph (Word leaves it outside the bookmark) is taken in too."""
        start = min(starts)
        first, mark = self.bounds(self.paragraph_at(start))
        end = max(ends) if ends else mark
        if self.original[start] - self.original[first] <= 1:
            start = first
        index = self.paragraph_at(end)
        first, mark = self.bounds(index)
        if end == first and start < first and self.segments[first - 1][0] == NORMAL:
            return start, first - 1, 0
        rest = texts[index][self.original[end] - self.original[first]:]
        if len(rest) <= 1:
            return start, max(start, mark), 0
        return start, max(start, end), int(rest[1:].startswith(SEPARATORS))

    def clip(self, span: tuple[int, int], within: tuple[int, int, int]) -> tuple[int, int] | None:
        """A comment range's part in a field or paragraph, in its original offsets; None
        when it does not reach inside (a range that only touches its edge)."""
        (start, end), (low, high, tail) = span, within
        if not (max(start, low) < min(end, high + bool(tail)) or start == end and low <= start <= high):
            return None
        base = self.original[low]
        return self.original[max(start, low)] - base, min(self.original[end], self.original[high] + tail) - base


def _paragraphs(body: _Body) -> list[Paragraph]:
    """Each paragraph, new when none of its text is original and its mark or, outside
    tables, the mark before it is inserted: we write a new paragraph with its own mark
    inserted, Word inserts the mark before it (the one Enter typed at the end of the line
    before). Deleted when all of its text is, with its mark or with the mark before it
    (selected from the end of the line before, which keeps its text)."""
    paragraphs, before = [], (NORMAL, True, False)  # the mark before: its kind, in a table, its text kept
    for index, (first, mark, style, in_table) in enumerate(body.paragraphs):
        original, accepted, changes = body.read(first, mark + 1)  # with its mark, which may be a change
        kind, outside = body.segments[mark][0], not (in_table or before[1])
        original = original if kind == INSERTED else original[:-1]
        accepted = accepted if kind == DELETED else accepted[:-1]
        inserted = not original and (kind == INSERTED or outside and before[0] == INSERTED)
        deleted = (kind == DELETED or outside and before[0] == DELETED and before[2]) \
            and all(body.segments[at][0] == DELETED for at in range(first, mark))
        paragraphs.append(Paragraph(index, style, original, accepted, [], inserted, deleted, changes, [], in_table))
        before = kind, in_table, bool(accepted)
    return paragraphs


def _fields(body: _Body, paragraphs: list[Paragraph]) -> tuple[dict[str, FieldText], dict[str, tuple]]:
    """A field for every bookmark of ours (not a reviewer's own, such as _GoBack), and its range."""
    fields, ranges, texts = {}, {}, [paragraph.original for paragraph in paragraphs]
    for name, starts in body.starts.items():
        path = path_for_name(name)
        if path is None:
            continue
        ranges[path] = start, end, tail = body.field_range(starts, body.ends.get(name, []), texts)
        covered = range(body.paragraph_at(start), body.paragraph_at(end) + 1)
        for index in covered:
            paragraphs[index].paths.append(path)
        fields[path] = FieldText(path, *body.read(start, end, tail), [],
                                 all(paragraphs[index].deleted for index in covered))
    return fields, ranges


def _comments(comments_xml, extended_xml) -> dict[str, WordComment]:
    """comments.xml, threaded by commentsExtended.xml where it says so (keyed by the paraId
    of each comment's last paragraph). LibreOffice writes it only for resolved comments and
    without parents; Google Docs not at all: their comments are each a thread of one."""
    found, by_para, links = {}, {}, {}
    for element in comments_xml.iter(_w("comment")) if comments_xml is not None else ():
        paragraphs = element.findall(P)
        para_id = paragraphs[-1].get(f"{{{W14}}}paraId") if paragraphs else None
        found[element.get(ID)] = by_para[para_id] = WordComment(
            element.get(ID), element.get(AUTHOR, ""), element.get(_w("initials"), ""), _date(element.get(DATE)),
            "\n".join(_shown(paragraph) for paragraph in paragraphs), para_id)
    for item in extended_xml.iter(f"{{{W15}}}commentEx") if extended_xml is not None else ():
        links[item.get(f"{{{W15}}}paraId")] = (item.get(f"{{{W15}}}paraIdParent"), item.get(f"{{{W15}}}done") == "1")
    for comment in found.values():
        parent_para, comment.done = links.get(comment.para_id, (None, False))
        parent = by_para.get(parent_para) if parent_para else None
        comment.parent_id = parent.id if parent is not None and parent is not comment else None
    for comment in found.values():  # a reply is done when its thread is
        if comment.parent_id is not None:
            comment.done = found[comment.parent_id].done
    return found


def _shown(paragraph) -> str:
    """A comment's paragraph as shown: its deleted text and its annotationRef are not text."""
    return "".join(part.text or "" if part.tag == T else SIGNS.get(part.tag, "\n")
                   for part in paragraph.iter(T, BR, *SIGNS))


def _place_comments(body: _Body, paragraphs, fields, ranges, comments) -> dict[str, int]:
    """Each comment's paragraph, and its range's spans in the paragraphs and fields it
    reaches. A comment with no range (a bare reference) belongs to its paragraph alone."""
    starts, ends, references = (body.comments[tag] for tag in (RANGE_START, RANGE_END, REFERENCE))
    placed = {}
    for number in sorted(dict.fromkeys([*starts, *references]), key=lambda n: starts.get(n, references.get(n))):
        at = starts.get(number, references.get(number))
        placed[number] = body.paragraph_at(at)
        if number not in starts:
            continue
        if number in comments:
            comments[number].anchored = True
        span = (at, max(at, ends.get(number, references.get(number, body.bounds(placed[number])[1]))))
        for index in range(placed[number], body.paragraph_at(span[1]) + 1):
            clipped = body.clip(span, (*body.bounds(index), 0))
            if clipped is not None:
                paragraphs[index].spans.append(Span(number, *clipped))
            for path in paragraphs[index].paths:
                clipped = body.clip(span, ranges[path])
                if clipped is not None and not any(item.comment_id == number for item in fields[path].spans):
                    fields[path].spans.append(Span(number, *clipped))
    return placed


def _part_names(parts: dict[str, bytes], tree) -> dict[str, str]:
    """The main document and its comment parts, by their relationships (any name will do),
    else by the names Word gives them."""
    names = {"officeDocument": "word/document.xml", "comments": "word/comments.xml",
             "commentsExtended": "word/commentsExtended.xml"}
    for kinds in (("officeDocument",), ("comments", "commentsExtended")):  # the package's, then the document's
        folder, _, base = (names["officeDocument"] if "comments" in kinds else "").rpartition("/")
        rels = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
        for item in tree(rels).iter(f"{{{RELS}}}Relationship") if rels in parts else ():
            target, kind = item.get("Target", ""), item.get("Type", "").rpartition("/")[2]
            name = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            if kind in kinds and name in parts:
                names[kind] = name
    return names


def _properties(parts: dict[str, bytes], tree) -> dict[str, str]:
    """The core properties, and the custom ones the export writes (which proposal, as of when)."""
    core = tree("docProps/core.xml") if "docProps/core.xml" in parts else ()
    found = {CORE[element.tag]: element.text or "" for element in core if element.tag in CORE}
    custom = tree("docProps/custom.xml") if "docProps/custom.xml" in parts else None
    for item in custom.iter(f"{{{CUSTOM}}}property") if custom is not None else ():
        found[item.get("name", "")] = "".join(item.itertext())
    return found


def read_review(parts: dict[str, bytes], trees: dict | None = None) -> Reading:
    """The parts of a .docx (name -> bytes) read for the import; trees: those parts already
    parsed (the upload's checks parsed them), so that no part is parsed twice."""
    trees = dict(trees or {})

    def tree(name: str):
        if name not in trees:
            trees[name] = _parse(parts[name])
        return trees[name]

    names = _part_names(parts, tree)
    body = _Body(tree(names["officeDocument"]))
    paragraphs = _paragraphs(body)
    fields, ranges = _fields(body, paragraphs)
    comments = _comments(*(tree(names[kind]) if names[kind] in parts else None
                           for kind in ("comments", "commentsExtended")))
    placed = _place_comments(body, paragraphs, fields, ranges, comments)
    return Reading(fields, paragraphs, comments, placed, _properties(parts, tree))

"""Reading a .docx the way Word shows it, for the export's tests (and the import's).

python-docx's `Paragraph.text` skips runs inside `w:ins` and every `w:delText`, so a
reviewed paragraph reads wrong there; these helpers walk the XML instead and read a
document in one of two views:

- "original": the text before the tracked changes (runs outside `w:ins`, plus the
  `w:delText` of deletions; a paragraph whose mark was inserted runs on into the next);
- "accepted": the text with every change accepted (runs outside `w:del`, inserted text
  included; a paragraph whose mark was deleted runs on into the next).

Tabs read as "\\t", line breaks (`w:br`) as "\\n", and paragraphs are joined by "\\n"."""

import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
W16CID = "http://schemas.microsoft.com/office/word/2016/wordml/cid"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = {"w": W, "r": R, "w14": W14, "w15": W15, "w16cid": W16CID, "ct": CT, "pr": PR}

ORIGINAL, ACCEPTED = "original", "accepted"
BUILT_IN_STYLES = {"Title", "Heading1", "Heading2", "Heading3", "ListBullet", "TableGrid", "Normal"}

# What XML 1.0 cannot hold (and the carriage return, which a parser reads as a line feed).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ud800-\udfff\ufffe\uffff]")


def w(tag: str) -> str:
    """'w:t' -> '{namespace}t'."""
    prefix, _, name = tag.partition(":")
    return f"{{{NS[prefix]}}}{name}"


def xml_clean(text: str) -> str:
    """Text as a .docx can carry it: what XML 1.0 cannot hold dropped."""
    return _NOT_XML.sub("", text)


def without_blank_lines(text: str) -> str:
    """Sections are written a paragraph per line, and their blank lines are not written."""
    return "\n".join(line for line in text.split("\n") if line.strip())


def parse_part(data: bytes):
    return etree.fromstring(data)


def wrap_body(paragraphs_xml: str):
    """Paragraphs' XML (w: prefix) parsed inside a w:document's body."""
    return etree.fromstring(
        f'<w:document xmlns:w="{W}" xmlns:r="{R}" xmlns:w14="{W14}"><w:body>{paragraphs_xml}</w:body></w:document>'
    )


# --- Text in a view ----------------------------------------------------------------------


def _inside(element, tag: str) -> bool:
    return any(ancestor.tag == w(tag) for ancestor in element.iterancestors())


def paragraph_mark(paragraph) -> str:
    """'ins' or 'del' when the paragraph's mark is itself a tracked change, else ''."""
    for kind in ("ins", "del"):
        if paragraph.find(f"w:pPr/w:rPr/w:{kind}", NS) is not None:
            return kind
    return ""


def row_mark(row) -> str:
    """'ins' or 'del' when a table row is a tracked change (w:trPr), else ''."""
    for kind in ("ins", "del"):
        if row.find(f"w:trPr/w:{kind}", NS) is not None:
            return kind
    return ""


def _own_text(element, view: str) -> str:
    """What one element contributes to the text in this view."""
    tag = element.tag
    if tag == w("w:t"):
        if view == ORIGINAL and _inside(element, "w:ins"):
            return ""
        if view == ACCEPTED and _inside(element, "w:del"):
            return ""
        return element.text or ""
    if tag == w("w:delText"):
        return (element.text or "") if view == ORIGINAL else ""
    if tag in (w("w:tab"), w("w:br")) and element.getparent() is not None and element.getparent().tag == w("w:r"):
        if view == ORIGINAL and _inside(element, "w:ins"):
            return ""
        if view == ACCEPTED and _inside(element, "w:del"):
            return ""
        return "\t" if tag == w("w:tab") else "\n"
    return ""


def _paragraph_end(paragraph, view: str) -> str:
    """The separator after a paragraph: none where its mark is an insertion (original
    view) or a deletion (accepted view), since the paragraph runs on into the next."""
    mark = paragraph_mark(paragraph)
    if (view == ORIGINAL and mark == "ins") or (view == ACCEPTED and mark == "del"):
        return ""
    return "\n"


def events(root, view: str = ORIGINAL):
    """The document in order as ("text", str), ("element", element) and ("end", separator)
    events, the last at each paragraph's end."""
    for action, element in etree.iterwalk(root, events=("start", "end")):
        if action == "start":
            if not isinstance(element.tag, str):
                continue
            text = _own_text(element, view)
            if text:
                yield "text", text
            else:
                yield "element", element
        elif element.tag == w("w:p"):
            yield "end", _paragraph_end(element, view)


def text_of(element, view: str = ORIGINAL) -> str:
    """An element's text in a view; paragraphs joined by "\\n" (no separator after the last)."""
    out = [(kind, text) for kind, text in events(element, view) if kind != "element"]
    if out and out[-1][0] == "end":
        out.pop()
    return "".join(text for _, text in out)


def paragraphs_text(paragraphs, view: str = ORIGINAL) -> str:
    """Several paragraphs' text, each followed by its separator, without the last one's."""
    out = []
    for paragraph in paragraphs:
        out.append("".join(_own_text(element, view) for element in paragraph.iter() if isinstance(element.tag, str)))
        out.append(_paragraph_end(paragraph, view))
    if out:
        out.pop()
    return "".join(out)


def _spans(root, view: str, start_tag: str, end_tag: str, key) -> dict:
    """The text between each start element and its end, keyed by key(element)."""
    open_spans: dict = {}
    found: dict = {}
    for kind, value in events(root, view):
        if kind != "element":
            for parts in open_spans.values():
                parts.append(value)
        elif value.tag == w(start_tag):
            open_spans[key(value)] = []
        elif value.tag == w(end_tag):
            name = key(value)
            if name in open_spans:
                found[name] = "".join(open_spans.pop(name))
    return found


def bookmarked_text(root, view: str = ORIGINAL) -> dict[str, str]:
    """Each bookmark's text, by its name."""
    names = {mark.get(w("w:id")): mark.get(w("w:name")) for mark in root.iter(w("w:bookmarkStart"))}
    spans = _spans(root, view, "w:bookmarkStart", "w:bookmarkEnd", lambda element: element.get(w("w:id")))
    return {names[number]: text for number, text in spans.items()}


def anchored_text(root, view: str = ORIGINAL) -> dict[str, str]:
    """Each comment's anchored text (between its commentRangeStart and commentRangeEnd),
    by its id."""
    return _spans(root, view, "w:commentRangeStart", "w:commentRangeEnd", lambda element: element.get(w("w:id")))


def bookmark_names(root) -> list[str]:
    return [mark.get(w("w:name")) for mark in root.iter(w("w:bookmarkStart"))]


def elements_in_bookmark(root, name: str) -> list:
    """Every element that starts between the bookmark's start and its end."""
    number = next(mark.get(w("w:id")) for mark in root.iter(w("w:bookmarkStart")) if mark.get(w("w:name")) == name)
    inside, found = False, []
    for element in root.iter():
        if element.tag == w("w:bookmarkStart") and element.get(w("w:id")) == number:
            inside = True
        elif element.tag == w("w:bookmarkEnd") and element.get(w("w:id")) == number:
            return found
        elif inside:
            found.append(element)
    raise AssertionError(f"The bookmark {name} has no end")


def enclosing(element, tag: str):
    """The nearest ancestor with this tag (w:p, w:tr, w:tbl), or None."""
    return next((ancestor for ancestor in element.iterancestors() if ancestor.tag == w(tag)), None)


def bookmark_start(root, name: str):
    return next(mark for mark in root.iter(w("w:bookmarkStart")) if mark.get(w("w:name")) == name)


def style_of(paragraph) -> str:
    style = paragraph.find("w:pPr/w:pStyle", NS)
    return style.get(w("w:val")) if style is not None else ""


def style_ids(root) -> set[str]:
    """Every paragraph, character and table style the document names."""
    return {element.get(w("w:val")) for tag in ("w:pStyle", "w:rStyle", "w:tblStyle") for element in root.iter(w(tag))}


@dataclass
class Revision:
    kind: str  # "ins" or "del"
    id: str
    author: str
    date: str
    text: str  # the inserted text, or the deleted text
    element: object = None


def revisions(root) -> list[Revision]:
    """Every w:ins and w:del in document order, paragraph marks and table rows included
    (those have no text)."""
    found = []
    for element in root.iter(w("w:ins"), w("w:del")):
        kind = "ins" if element.tag == w("w:ins") else "del"
        text = "".join(_own_text(inner, ORIGINAL if kind == "del" else ACCEPTED) for inner in element.iter())
        found.append(Revision(kind, element.get(w("w:id")), element.get(w("w:author")), element.get(w("w:date")),
                              text, element))
    return found


def body_blocks(root) -> list:
    """The body's paragraphs and tables, in order."""
    body = root.find("w:body", NS)
    return [child for child in body if child.tag in (w("w:p"), w("w:tbl"))]


def table_rows(table) -> list[list[str]]:
    """A table's rows as lists of cell texts (accepted view)."""
    return [[text_of(cell, ACCEPTED) for cell in row.findall("w:tc", NS)] for row in table.findall("w:tr", NS)]


# --- The package -----------------------------------------------------------------------


@dataclass
class WordComment:
    id: str
    author: str
    initials: str
    date: str
    paragraphs: list[str]
    para_ids: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class CommentThread:
    """A Word comment and its replies, as commentsExtended.xml links them."""

    comments: list[WordComment] = field(default_factory=list)
    done: bool = False

    @property
    def ids(self) -> list[str]:
        return [comment.id for comment in self.comments]

    @property
    def text(self) -> str:
        return "\n".join(comment.text for comment in self.comments)


class Docx:
    """A .docx's parts, parsed on demand."""

    def __init__(self, data: bytes):
        self.data = data
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.names = archive.namelist()
            self.parts = {name: archive.read(name) for name in self.names}

    def xml(self, name: str):
        return parse_part(self.parts[name])

    @cached_property
    def document(self):
        return self.xml("word/document.xml")

    @cached_property
    def python_docx(self):
        import docx

        return docx.Document(io.BytesIO(self.data))

    @property
    def blocks(self) -> list:
        return body_blocks(self.document)

    def paragraphs(self) -> list:
        """The body's own paragraphs (not those in tables)."""
        return [block for block in self.blocks if block.tag == w("w:p")]

    def tables(self) -> list:
        return [block for block in self.blocks if block.tag == w("w:tbl")]

    def content_types(self) -> dict[str, str]:
        root = self.xml("[Content_Types].xml")
        return {item.get("PartName"): item.get("ContentType") for item in root.iter(f"{{{CT}}}Override")}

    def relationships(self, source: str = "word/document.xml") -> list[tuple[str, str, str]]:
        folder, _, name = source.rpartition("/")
        rels = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
        root = self.xml(rels)
        return [(item.get("Id"), item.get("Type"), item.get("Target")) for item in root.iter(f"{{{PR}}}Relationship")]

    def comments(self) -> list[WordComment]:
        if "word/comments.xml" not in self.parts:
            return []
        found = []
        for comment in self.xml("word/comments.xml").iter(w("w:comment")):
            paragraphs = comment.findall("w:p", NS)
            found.append(WordComment(
                id=comment.get(w("w:id")), author=comment.get(w("w:author")), initials=comment.get(w("w:initials")),
                date=comment.get(w("w:date")),
                paragraphs=[text_of(paragraph, ACCEPTED) for paragraph in paragraphs],
                para_ids=[paragraph.get(w("w14:paraId")) for paragraph in paragraphs],
            ))
        return found

    def comments_extended(self) -> dict[str, tuple[str | None, str | None]]:
        """paraId -> (paraIdParent, done); empty when the part is missing."""
        if "word/commentsExtended.xml" not in self.parts:
            return {}
        root = self.xml("word/commentsExtended.xml")
        return {item.get(w("w15:paraId")): (item.get(w("w15:paraIdParent")), item.get(w("w15:done")))
                for item in root.iter(w("w15:commentEx"))}

    def threads(self) -> list[CommentThread]:
        """Comments grouped into threads by their replies' paraIdParent, in comments.xml order."""
        extended = self.comments_extended()
        threads: list[CommentThread] = []
        by_root: dict[str, CommentThread] = {}
        for comment in self.comments():
            last = comment.para_ids[-1]
            parent, done = extended.get(last, (None, None))
            if parent is None:
                thread = CommentThread(done=done == "1")
                threads.append(thread)
                by_root[last] = thread
            else:
                thread = by_root[parent]
            thread.comments.append(comment)
        return threads

    def thread_with(self, words: str) -> CommentThread:
        """The one thread whose text holds these words."""
        matching = [thread for thread in self.threads() if words in thread.text]
        assert len(matching) == 1, f"{len(matching)} threads say {words!r}: {[t.text for t in self.threads()]}"
        return matching[0]

    def anchored(self, view: str = ORIGINAL) -> dict[str, str]:
        return anchored_text(self.document, view)

    def bookmarks(self, view: str = ORIGINAL) -> dict[str, str]:
        return bookmarked_text(self.document, view)

    def revisions(self) -> list[Revision]:
        return revisions(self.document)

    def annotation_ids(self) -> list[str]:
        """The ids of every tracked change and every comment (each comment once)."""
        return ([revision.id for revision in self.revisions()]
                + [start.get(w("w:id")) for start in self.document.iter(w("w:commentRangeStart"))])

    def settings(self):
        return self.xml("word/settings.xml")

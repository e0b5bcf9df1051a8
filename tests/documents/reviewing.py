"""A reviewer in Word, for tests: edits made to an exported .docx the way Word writes them
(tracked insertions and deletions, comments with replies, resolved threads, bullets added
and deleted, text changed with Track Changes off), then the file saved again."""

import io
import zipfile
from copy import deepcopy

from lxml import etree

from documents.bookmarks import name_for_path

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DATE = "2026-11-20T10:00:00Z"


def w(name: str) -> str:
    return f"{{{W}}}{name}"


class Reviewer:
    """reviewer = Reviewer(exported_bytes); reviewer.insert(...); data = reviewer.save()"""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.parts = {name: archive.read(name) for name in archive.namelist()}
        self.document = etree.fromstring(self.parts["word/document.xml"])
        self.comments = etree.fromstring(self.parts.get(
            "word/comments.xml", f'<w:comments xmlns:w="{W}" xmlns:w14="{W14}"/>'.encode()))
        self.extended = etree.fromstring(self.parts.get(
            "word/commentsExtended.xml", f'<w15:commentsEx xmlns:w15="{W15}"/>'.encode()))
        self.next_id = 9000
        self.next_para = 0x7000

    # --- finding words ----------------------------------------------------------------

    def _paragraphs_of(self, path: str) -> list:
        name = name_for_path(path)
        start = next(mark for mark in self.document.iter(w("bookmarkStart")) if mark.get(w("name")) == name)
        number = start.get(w("id"))
        first = next(start.iterancestors(w("p")))
        found, paragraph = [first], first
        while not any(end.get(w("id")) == number for end in paragraph.iter(w("bookmarkEnd"))):
            paragraph = paragraph.getnext()
            found.append(paragraph)
        return found

    def _split(self, path: str, words: str):
        """The run holding `words` in the field, split so that the words are a run of their own."""
        for paragraph in self._paragraphs_of(path):
            for text in paragraph.iter(w("t")):
                if text.text and words in text.text and text.getparent().getparent().tag != w("ins"):
                    run = text.getparent()
                    before, _, after = text.text.partition(words)
                    pieces = []
                    for piece in (before, words, after):
                        copy = deepcopy(run)
                        copy.find(w("t")).text = piece
                        pieces.append(copy)
                    for copy in pieces:
                        run.addprevious(copy)
                    run.getparent().remove(run)
                    for copy in (pieces[0], pieces[2]):
                        if not copy.find(w("t")).text:
                            copy.getparent().remove(copy)
                    return pieces[1]
        raise AssertionError(f"{words!r} is not in {path}")

    def _id(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    def _revision(self, kind: str, author: str):
        return etree.Element(w(kind), {w("id"): self._id(), w("author"): author, w("date"): DATE})

    # --- tracked changes ----------------------------------------------------------------

    def insert(self, path: str, after: str, text: str, author: str) -> None:
        run = self._split(path, after)
        inserted = self._revision("ins", author)
        new = deepcopy(run)
        new.find(w("t")).text = text
        new.find(w("t")).set(XML_SPACE, "preserve")
        inserted.append(new)
        run.addnext(inserted)

    def delete(self, path: str, words: str, author: str) -> None:
        run = self._split(path, words)
        deleted = self._revision("del", author)
        run.addprevious(deleted)
        deleted.append(run)
        run.find(w("t")).tag = w("delText")

    def insert_in_insertion(self, path: str, after: str, text: str, author: str) -> None:
        """Typing inside someone else's tracked insertion: Word splits it around a new one."""
        for paragraph in self._paragraphs_of(path):
            for found in paragraph.iter(w("t")):
                inserted = found.getparent().getparent()
                if inserted.tag == w("ins") and found.text and after in found.text:
                    cut = found.text.index(after) + len(after)
                    head, tail = found.text[:cut], found.text[cut:]
                    found.text = head
                    new = self._revision("ins", author)
                    run = deepcopy(found.getparent())
                    run.find(w("t")).text = text
                    run.find(w("t")).set(XML_SPACE, "preserve")
                    new.append(run)
                    inserted.addnext(new)
                    if tail:
                        rest = deepcopy(inserted)
                        rest.find(f".//{w('t')}").text = tail
                        new.addnext(rest)
                    return
        raise AssertionError(f"No insertion says {after!r} in {path}")

    def replace_untracked(self, path: str, old: str, new: str) -> None:
        run = self._split(path, old)
        run.find(w("t")).text = new

    def delete_paragraph(self, path: str, author: str) -> None:
        """A whole bullet deleted with Track Changes on: its runs and its mark."""
        [paragraph] = self._paragraphs_of(path)
        for run in list(paragraph.iterchildren(w("r"))):
            deleted = self._revision("del", author)
            run.addprevious(deleted)
            deleted.append(run)
            for text in run.iter(w("t")):
                text.tag = w("delText")
        properties = paragraph.find(w("pPr"))
        marks = properties.find(w("rPr"))
        if marks is None:
            marks = etree.SubElement(properties, w("rPr"))
        marks.append(self._revision("del", author))

    def add_paragraph_after(self, path: str, text: str, author: str | None) -> None:
        """A new bullet after the one holding path: tracked (author) or typed with Track
        Changes off (None). Word marks the new paragraph's mark as inserted."""
        paragraph = self._paragraphs_of(path)[-1]
        new = etree.Element(w("p"))
        found = paragraph.find(w("pPr"))
        properties = deepcopy(found) if found is not None else etree.Element(w("pPr"))
        for old in properties.findall(w("rPr")):
            properties.remove(old)
        new.append(properties)
        run = etree.SubElement(etree.Element("x"), w("r"))
        etree.SubElement(run, w("t"), {XML_SPACE: "preserve"}).text = text
        if author is None:
            new.append(run)
        else:
            etree.SubElement(properties, w("rPr")).append(self._revision("ins", author))
            inserted = self._revision("ins", author)
            inserted.append(run)
            new.append(inserted)
        paragraph.addnext(new)

    # --- comments -------------------------------------------------------------------------

    def _comment(self, author: str, text: str, parent_para: str | None = None, done: bool = False) -> tuple[str, str]:
        number, self.next_para = self._id(), self.next_para + 1
        para = f"{self.next_para:08X}"
        comment = etree.SubElement(self.comments, w("comment"),
                                   {w("id"): number, w("author"): author, w("date"): DATE, w("initials"): author[:2]})
        paragraph = etree.SubElement(comment, w("p"), {f"{{{W14}}}paraId": para})
        etree.SubElement(etree.SubElement(paragraph, w("r")), w("t")).text = text
        attributes = {f"{{{W15}}}paraId": para, f"{{{W15}}}done": "1" if done else "0"}
        if parent_para:
            attributes[f"{{{W15}}}paraIdParent"] = parent_para
        etree.SubElement(self.extended, f"{{{W15}}}commentEx", attributes)
        return number, para

    def comment(self, path: str, words: str, author: str, text: str, replies=(), done: bool = False) -> None:
        run = self._split(path, words)
        number, para = self._comment(author, text, done=done)
        numbers = [number] + [self._comment(who, said, parent_para=para)[0] for who, said in replies]
        for item in numbers:
            run.addprevious(etree.Element(w("commentRangeStart"), {w("id"): item}))
        after = run
        for item in numbers:
            end = etree.Element(w("commentRangeEnd"), {w("id"): item})
            after.addnext(end)
            after = end
        for item in numbers:
            reference = etree.Element(w("r"))
            etree.SubElement(reference, w("commentReference"), {w("id"): item})
            after.addnext(reference)
            after = reference

    def comment_bare(self, path: str, author: str, text: str) -> None:
        """A comment with no range: only its reference, at the end of the field's paragraph
        (as LibreOffice writes a comment on a point)."""
        paragraph = self._paragraphs_of(path)[-1]
        number, _ = self._comment(author, text)
        run = etree.SubElement(paragraph, w("r"))
        etree.SubElement(run, w("commentReference"), {w("id"): number})

    def delete_paragraph_untracked(self, path: str) -> None:
        [paragraph] = self._paragraphs_of(path)
        paragraph.getparent().remove(paragraph)

    def add_row_after_last_row(self, *cells: str, author: str = "") -> None:
        """A row added at the end of the document's last table, as Word tracks it: the row
        and each cell's text inserted. Cells not given stay empty."""
        *values, author = (*cells, author) if author else cells
        table = list(self.document.iter(w("tbl")))[-1]
        row = deepcopy(table.findall(w("tr"))[-1])
        for mark in list(row.iter(w("bookmarkStart"), w("bookmarkEnd"), w("commentRangeStart"),
                                  w("commentRangeEnd"))):
            mark.getparent().remove(mark)
        properties = row.find(w("trPr"))
        if properties is None:
            properties = etree.SubElement(row, w("trPr"))
            row.insert(0, properties)
        properties.append(self._revision("ins", author))
        texts = [*values, *[""] * 9]
        for cell, text in zip(row.findall(w("tc")), [texts[0], "", "", texts[1]]):
            paragraphs = cell.findall(w("p"))
            for extra in paragraphs[1:]:
                cell.remove(extra)
            paragraph = paragraphs[0]
            for child in list(paragraph):
                if child.tag != w("pPr"):
                    paragraph.remove(child)
            if text:
                inserted = self._revision("ins", author)
                run = etree.SubElement(inserted, w("r"))
                etree.SubElement(run, w("t"), {XML_SPACE: "preserve"}).text = text
                paragraph.append(inserted)
        table.append(row)

    def _exported(self, words: str):
        for comment in self.comments.iter(w("comment")):
            if words in "".join(comment.itertext()):
                return comment
        raise AssertionError(f"No comment says {words!r}")

    def reply(self, words: str, author: str, text: str) -> None:
        """A reply to the comment that says `words`, anchored where it is."""
        root = self._exported(words)
        root_para = root.findall(w("p"))[-1].get(f"{{{W14}}}paraId")
        number, _ = self._comment(author, text, parent_para=root_para)
        root_id = root.get(w("id"))
        end = next(item for item in self.document.iter(w("commentRangeEnd")) if item.get(w("id")) == root_id)
        start = next(item for item in self.document.iter(w("commentRangeStart")) if item.get(w("id")) == root_id)
        start.addnext(etree.Element(w("commentRangeStart"), {w("id"): number}))
        end.addnext(etree.Element(w("commentRangeEnd"), {w("id"): number}))
        reference = next(item for item in self.document.iter(w("commentReference")) if item.get(w("id")) == root_id)
        run = etree.Element(w("r"))
        etree.SubElement(run, w("commentReference"), {w("id"): number})
        reference.getparent().addnext(run)

    def resolve(self, words: str) -> None:
        root = self._exported(words)
        para = root.findall(w("p"))[-1].get(f"{{{W14}}}paraId")
        item = next(item for item in self.extended if item.get(f"{{{W15}}}paraId") == para)
        item.set(f"{{{W15}}}done", "1")

    def drop_bookmarks(self) -> None:
        """What a client that keeps no bookmarks (Google Docs) sends back."""
        for mark in list(self.document.iter(w("bookmarkStart"), w("bookmarkEnd"))):
            mark.getparent().remove(mark)

    # --- saving ---------------------------------------------------------------------------

    def save(self, last_modified_by: str = "") -> bytes:
        self.parts["word/document.xml"] = etree.tostring(self.document, xml_declaration=True, encoding="UTF-8")
        self.parts["word/comments.xml"] = etree.tostring(self.comments, xml_declaration=True, encoding="UTF-8")
        self.parts["word/commentsExtended.xml"] = etree.tostring(self.extended, xml_declaration=True,
                                                                 encoding="UTF-8")
        if last_modified_by:
            core = self.parts["docProps/core.xml"].decode()
            start, end = core.index("<cp:lastModifiedBy>"), core.index("</cp:lastModifiedBy>")
            self.parts["docProps/core.xml"] = (core[:start] + f"<cp:lastModifiedBy>{last_modified_by}"
                                               + core[end:]).encode()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in self.parts.items():
                archive.writestr(name, content)
        return out.getvalue()

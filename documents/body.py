"""The document's body, block by block from the outline (the one source of document
order): headings, paragraphs, bulleted entries and tables, in Word's built-in styles.
Every field's text is wrapped in a bookmark naming its path. With a placement (the review
copy) the threads are comments and the suggestions tracked changes."""

from collections.abc import Iterator

from documents.bookmarks import name_for_path
from documents.fields import Change, Ids, Para, Revision, write_field
from documents.review import Placement
from documents.wordml import run

BOLD, ITALIC = "<w:b/>", "<w:i/>"
TEXT_WIDTH = 9360  # twentieths of a point: US Letter less one-inch margins
SECTION = (
    '<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter"/>'
    '<w:pgSz w:w="12240" w:h="15840"/>'
    '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="720" w:footer="720" w:gutter="0"/>'
    "</w:sectPr>"
)
CELL_SPACING = '<w:spacing w:before="40" w:after="40"/>'
NARROW_COLUMNS = {"Code": 1300, "Number": 1300, "Year": 900, "Level": 2300}


class Lines:
    """The paragraphs of one block being written, in order; a field written as
    paragraphs may add several."""

    def __init__(self, ids: Ids):
        self.ids = ids
        self.paras = [Para()]

    def add(self, xml: str, keep: bool = False) -> None:
        self.paras[-1].add(xml, keep)

    def text(self, text: str, rpr: str = "", removal: Revision | None = None) -> None:
        if removal is not None and text:
            self.add(f'{self.ids.revision("del", removal)}>{run(text, rpr, deleted=True)}</w:del>', keep=True)
        else:
            self.add(run(text, rpr), keep=bool(text.strip()))

    def field(self, path: str, text: str, *, changes=(), ranges=(), rpr: str = "", inline: bool = True) -> None:
        number = self.ids.next_bookmark()
        self.add(f'<w:bookmarkStart w:id="{number}" w:name="{name_for_path(path)}"/>')
        written = write_field(self.ids, text, changes=changes, ranges=ranges, rpr=rpr, inline=inline)
        first = written[0]
        self.paras[-1].parts += first.parts
        self.paras[-1].keep = self.paras[-1].keep or first.keep
        if len(written) > 1:
            self.paras[-1].mark = first.mark
            self.paras += written[1:]
        self.add(f'<w:bookmarkEnd w:id="{number}"/>')

    def xml(self, style: str = "", ppr: str = "") -> str:
        out = []
        for para in self.paras:
            properties = (f'<w:pStyle w:val="{style}"/>' if style else "") + ppr
            if para.mark:
                properties += f"<w:rPr>{para.mark}</w:rPr>"
            out.append(f"<w:p>{'<w:pPr>' + properties + '</w:pPr>' if properties else ''}{''.join(para.parts)}</w:p>")
        return "".join(out)


def _column_widths(columns: list[str]) -> list[int]:
    narrow = {index: NARROW_COLUMNS[name] for index, name in enumerate(columns) if name in NARROW_COLUMNS}
    wide = [index for index in range(len(columns)) if index not in narrow]
    share = (TEXT_WIDTH - sum(narrow.values())) // max(1, len(wide))
    return [narrow.get(index, share) for index in range(len(columns))]


def _table_xml(columns: list[str], rows: list[tuple[str, list[str]]]) -> str:
    """A Table Grid table with a repeating header row; rows are (trPr content, cells' XML)."""
    widths = _column_widths(columns)
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    header = "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
        f'<w:p><w:pPr><w:keepNext/>{CELL_SPACING}</w:pPr>{run(name, BOLD)}</w:p></w:tc>'
        for name, width in zip(columns, widths)
    )
    body = "".join(
        f"<w:tr><w:trPr><w:cantSplit/>{properties}</w:trPr>"
        + "".join(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{cell}</w:tc>'
                  for cell, width in zip(cells, widths))
        + "</w:tr>"
        for properties, cells in rows
    )
    return (
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
        f'<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{header}</w:tr>{body}</w:tbl>'
        # Word needs a paragraph between two tables and after the last one before a heading
        "<w:p/>"
    )


class BodyWriter:
    def __init__(self, outline, placement: Placement | None, ids: Ids):
        self.outline = outline
        self.placement = placement or Placement()
        self.ids = ids
        self.review = placement is not None

    # --- what sits on a block -------------------------------------------------------

    def _whole(self, block) -> list:
        return self.placement.whole.get(id(block), [])

    def _field(self, lines: Lines, path: str, text: str, *, removal: Revision | None = None, **kwargs) -> None:
        changes = self.placement.changes.get(path, ())
        if removal is not None and text:
            changes = [Change(0, len(text), "", removal)]
        lines.field(path, text, changes=changes, ranges=self.placement.ranges.get(path, ()), **kwargs)

    def _open(self, lines: Lines, block) -> None:
        for thread in self._whole(block):
            lines.add(self.ids.comment_start(thread))

    def _close(self, lines: Lines, block) -> None:
        for thread in self._whole(block):
            lines.add(self.ids.comment_end(thread))

    def _has_marks(self, path: str) -> bool:
        return bool(self.placement.changes.get(path) or self.placement.ranges.get(path))

    # --- blocks ---------------------------------------------------------------------

    def visible(self) -> list:
        """Blank sections are left out (a section with a comment on it stays)."""
        blocks = [block for block in self.outline.blocks
                  if not (block.kind == "paragraph" and not block.text.strip()
                          and not self.placement.has_notes(block))]
        kept = []
        for index, block in enumerate(blocks):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if (block.kind == "heading" and block.level == 1 and not block.path
                    and (following is None or following.kind == "heading" and following.level == 1)):
                continue
            # A group with nothing written under it is a row of the table already; a
            # heading of its own would only stand empty.
            if (block.kind == "heading" and block.path.startswith("group:") and block.text_path
                    and not (following is not None and following.path == block.path)
                    and not self._whole(block)):
                continue
            kept.append(block)
        return kept

    def chunks(self, *, review_note: str = "") -> Iterator[str]:
        pending_additions = []
        for block in self.visible():
            method = getattr(self, f"_{block.kind}")
            yield method(block)
            if block.kind == "title":
                yield self._subtitle(review_note)
            if block.kind == "heading" and block.item is not None and block.level == 2:
                pending_additions = self.placement.additions.get(id(block), [])
            elif block.kind == "prompt" and pending_additions:
                yield "".join(self._addition_paragraph(addition) for addition in pending_additions)
                pending_additions = []
        if self.placement.unplaced:
            yield self._appendix()
        yield SECTION

    def _subtitle(self, review_note: str) -> str:
        proposal = self.outline.proposal
        lines = Lines(self.ids)
        lines.text(f"A recommendation to the SOC Policy Committee for the {proposal.revision_cycle} revision")
        out = lines.xml()
        if review_note:
            note = Lines(self.ids)
            note.text(review_note, ITALIC)
            out += note.xml()
        return out

    def _title(self, block) -> str:
        lines = Lines(self.ids)
        self._open(lines, block)
        self._field(lines, block.text_path, block.text)
        self._close(lines, block)
        return lines.xml("Title")

    def _heading(self, block) -> str:
        lines = Lines(self.ids)
        # A heading that stands for an object (a group, an item's narrative not yet
        # written) is bookmarked with its path: a comment a reviewer puts on it comes back
        # to that object.
        number = self.ids.next_bookmark() if block.path else 0
        if number:
            lines.add(f'<w:bookmarkStart w:id="{number}" w:name="{name_for_path(block.path)}"/>')
        self._open(lines, block)
        style = f"Heading{block.level}"
        if block.text_path and block.obj is not None:  # a group: its title is written in the table
            lines.text(f"{block.obj.code} {block.obj.title}".strip())
        else:
            lines.text(f"{block.number} {block.text}".strip())
        self._close(lines, block)
        if number:
            lines.add(f'<w:bookmarkEnd w:id="{number}"/>')
        return lines.xml(style)

    def _paragraph(self, block) -> str:
        options = block.text_path.endswith(".title_options")
        out = ""
        if options:
            label = Lines(self.ids)
            label.text("Other titles under discussion:", ITALIC)
            out = label.xml(ppr="<w:keepNext/>")
        lines = Lines(self.ids)
        self._open(lines, block)
        self._field(lines, block.text_path, block.text, inline=False)
        self._close(lines, block)
        return out + lines.xml("ListBullet" if options else "")

    def _prompt(self, block) -> str:
        lines = Lines(self.ids)
        lines.text(block.text, ITALIC)
        return lines.xml()

    def _label(self, block) -> str:
        lines = Lines(self.ids)
        lines.text(block.text, BOLD)
        return lines.xml(ppr="<w:keepNext/>")

    def _empty(self, block) -> str:
        lines = Lines(self.ids)
        lines.text(block.text, ITALIC)
        return lines.xml()

    def _list(self, block) -> str:
        out = [self._entry_paragraph(entry) for entry in block.rows]
        out += [self._addition_paragraph(addition) for addition in self.placement.additions.get(id(block), [])]
        return "".join(out)

    def _entry_paragraph(self, entry) -> str:
        removal = self.placement.removals.get(id(entry))
        lines = Lines(self.ids)
        self._open(lines, entry)
        shown = [item for index, item in enumerate(entry.fields)
                 if index == 0 or item.value or self._has_marks(item.path)]
        several = len(shown) > 1  # a name in bold only when a description follows it
        for index, item in enumerate(shown):
            if index:
                lines.text(" — ", removal=removal)
            self._field(lines, item.path, str(item.value or ""), removal=removal,
                        rpr=BOLD if several and index == 0 else "")
        if entry.is_may:
            lines.text(" (may)", ITALIC, removal=removal)
        self._close(lines, entry)
        if removal is not None:
            lines.paras[-1].mark = self.ids.revision("del", removal) + "/>"
        return lines.xml("ListBullet")

    def _inserted(self, lines: Lines, text: str, revision: Revision, rpr: str = "") -> None:
        written = write_field(self.ids, "", changes=[Change(0, 0, text, revision)], rpr=rpr, inline=True)[0]
        lines.add("".join(written.parts), keep=True)

    def _addition_paragraph(self, addition) -> str:
        lines = Lines(self.ids)
        if addition.thread is not None:
            lines.add(self.ids.comment_start(addition.thread))
        values = [value for value in addition.values if value] or [""]
        for index, value in enumerate(values):
            if index:
                self._inserted(lines, " — ", addition.revision)
            self._inserted(lines, value, addition.revision, BOLD if len(values) > 1 and index == 0 else "")
        if addition.thread is not None:
            lines.add(self.ids.comment_end(addition.thread))
        lines.paras[-1].mark = self.ids.revision("ins", addition.revision) + "/>"
        return lines.xml("ListBullet")

    def _table(self, block) -> str:
        if block.entry_kind is None:
            return self._classification(block)
        kind = block.entry_kind
        rows = [self._entry_row(entry) for entry in block.rows]
        for addition in self.placement.additions.get(id(block), []):
            rows.append(self._addition_row(kind, addition))
        return _table_xml(block.columns, rows)

    def _classification(self, block) -> str:
        rows = []
        for row in block.rows:
            cells = []
            for index, cell in enumerate(row.cells):
                lines = Lines(self.ids)
                if index == 2 and row.text_path:
                    self._field(lines, row.text_path, row.text)
                else:
                    lines.text(cell or "—")  # a code not yet assigned
                indent = f'<w:ind w:left="{row.level * 240}"/>' if index == 2 and row.level else ""
                cells.append(lines.xml(ppr=CELL_SPACING + indent))
            rows.append(("", cells))
        return _table_xml(block.columns, rows)

    def _entry_row(self, entry) -> tuple[str, list[str]]:
        removal = self.placement.removals.get(id(entry))
        kind = entry.entry_kind
        cells = []
        extra = [item for item in entry.fields[1:]
                 if item.name not in kind.columns and (item.value or self._has_marks(item.path))]
        items = entry.cell_items
        for index, (cell, path) in enumerate(items):
            lines = Lines(self.ids)
            if index == 0:
                self._open(lines, entry)
            if path:
                self._field(lines, path, str(cell), removal=removal)
            else:
                lines.text(cell, removal=removal)
            last = index == len(items) - 1
            if last:
                for item in extra:
                    lines.paras.append(Para())
                    self._field(lines, item.path, str(item.value or ""), removal=removal, rpr=ITALIC)
                self._close(lines, entry)
            if removal is not None:
                lines.paras[-1].mark = self.ids.revision("del", removal) + "/>"
            cells.append(lines.xml(ppr=CELL_SPACING))
        properties = self.ids.revision("del", removal) + "/>" if removal is not None else ""
        return properties, cells

    def _addition_row(self, kind, addition) -> tuple[str, list[str]]:
        values = dict(zip(kind.text_fields, addition.values))
        cells = []
        for index, name in enumerate(kind.columns):
            lines = Lines(self.ids)
            if index == 0 and addition.thread is not None:
                lines.add(self.ids.comment_start(addition.thread))
            self._inserted(lines, values.get(name, ""), addition.revision)
            if index == len(kind.columns) - 1 and addition.thread is not None:
                lines.add(self.ids.comment_end(addition.thread))
            lines.paras[-1].mark = self.ids.revision("ins", addition.revision) + "/>"
            cells.append(lines.xml(ppr=CELL_SPACING))
        return self.ids.revision("ins", addition.revision) + "/>", cells

    def _appendix(self) -> str:
        heading = Lines(self.ids)
        heading.text("Comments on text no longer in the proposal")
        out = [heading.xml("Heading1")]
        for quote, thread in self.placement.unplaced:
            lines = Lines(self.ids)
            lines.add(self.ids.comment_start(thread))
            lines.text(f"“{quote}”" if quote else "(no words quoted)", ITALIC)
            lines.add(self.ids.comment_end(thread))
            out.append(lines.xml())
        return "".join(out)


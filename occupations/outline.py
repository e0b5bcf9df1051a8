"""The outline: a proposal as an ordered list of blocks, each with a stable path.
Document order, numbering and headings are decided here and nowhere else; the web page
renders these blocks, the Word export writes them, the importer maps paragraphs back.

Queries: one for the groups, one for the narratives, one per entry kind, whatever the
proposal's size."""

from collections import defaultdict
from dataclasses import dataclass, field

from occupations.kinds import ITEMS, EntryKind, ItemDefinition, entry_path
from occupations.models import Narrative, OccupationGroup, Proposal


@dataclass
class FieldValue:
    name: str
    label: str
    path: str
    value: object


@dataclass
class Block:
    """kind: title, heading, paragraph, prompt, label, list, table, empty; a list's and a
    table's rows are entry blocks."""

    kind: str
    anchor: str = ""
    path: str = ""  # the object this block shows (task:42), if it is one
    text: str = ""
    level: int = 0  # heading level 1-3, or the tree depth of a classification row
    text_path: str = ""  # the field whose text this is (proposal:1.background)
    fields: list[FieldValue] = field(default_factory=list)
    entry_kind: EntryKind | None = None
    obj: object = None
    columns: list[str] = field(default_factory=list)
    rows: list["Block"] = field(default_factory=list)
    number: str = ""
    cells: list[str] = field(default_factory=list)  # a table row's cells, as shown
    cell_paths: list[str] = field(default_factory=list)  # each cell's field path, if it shows text as written
    notes: list = field(default_factory=list)  # filled by the page, not the outline
    css_class: str = ""  # set by the page's annotations (a suggested removal, say)
    inserted: list = field(default_factory=list)  # rows an annotation adds at a list's end, as safe HTML
    item: ItemDefinition | None = None  # an information item's heading, and its scopes'
    choice: str = ""  # a list sub-headed by a choice: that choice's value
    narrative: object = None  # an item's (or a scope's) heading: its narrative, if any

    @property
    def lead(self) -> FieldValue | None:
        """An entry's first field (its name or text); the rest follow it, if written."""
        return self.fields[0] if self.fields else None

    @property
    def rest(self) -> list[FieldValue]:
        return [item for item in self.fields[1:] if item.value]

    @property
    def cell_items(self) -> list[tuple[str, str]]:
        """(cell, path) for a table row; the path is empty for cells that are not text."""
        return list(zip(self.cells, self.cell_paths or [""] * len(self.cells)))

    @property
    def is_may(self) -> bool:
        return bool(getattr(self.obj, "is_may", False))

    @property
    def paragraphs(self) -> list[str]:
        return [part for part in self.text.split("\n") if part.strip()]


@dataclass
class Outline:
    proposal: Proposal
    blocks: list[Block]
    groups: list[OccupationGroup]  # in tree order, each with .depth

    @property
    def contents(self) -> list[Block]:
        """Headings for a table of contents: sections and their items."""
        return [block for block in self.blocks if block.kind == "heading" and block.level <= 2]

    def walk(self):
        """Every block: the top-level ones in order, then the rows of lists and tables."""
        yield from self.blocks
        for block in self.blocks:
            yield from block.rows


def _tree_order(groups: list[OccupationGroup]) -> list[OccupationGroup]:
    children = defaultdict(list)
    for group in groups:
        children[group.parent_id].append(group)
    ordered = []

    def visit(parent_id, depth):
        for group in children.get(parent_id, []):
            group.depth = depth
            ordered.append(group)
            visit(group.pk, depth + 1)

    visit(None, 0)
    return ordered


def _group_heading(group: OccupationGroup) -> str:
    return f"{group.code} {group.title}" if group.code else group.title


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 10000:
        return f"{value:,}"
    return str(value)


def entry_block(kind: EntryKind, entry) -> Block:
    fields = [
        FieldValue(name, kind.field_label(name), entry_path(entry, name), getattr(entry, name))
        for name in kind.text_fields
    ]
    return Block(
        kind="entry",
        anchor=entry_path(entry).replace(":", "-"),
        path=entry_path(entry),
        fields=fields,
        entry_kind=kind,
        obj=entry,
        cells=[_cell(getattr(entry, name)) for name in kind.columns],
        cell_paths=[entry_path(entry, name) if name in kind.text_fields and isinstance(getattr(entry, name), str)
                    else "" for name in kind.columns],
    )


def _list_block(kind: EntryKind, entries, choice: str = "") -> Block:
    return Block(kind="list", entry_kind=kind, choice=choice,
                 rows=[entry_block(kind, entry) for entry in entries])


def _text_block(path: str, field_name: str, text: str, obj=None) -> Block:
    """A paragraph (or several, one per line) holding the text of one field."""
    return Block(
        kind="paragraph",
        text=text,
        path=path,
        text_path=f"{path}.{field_name}",
        anchor=f"{path}-{field_name}".replace(":", "-"),
        obj=obj,
    )


def _narrative_blocks(proposal: Proposal, field_name: str, heading: str, anchor: str) -> list[Block]:
    """A section of the proposal's own text. Blank, it still has its place (an empty
    paragraph) so it can be written; the Word export leaves blank sections out."""
    text = getattr(proposal, field_name)
    return [
        Block(kind="heading", level=1, text=heading, anchor=anchor),
        _text_block(f"proposal:{proposal.pk}", field_name, text, obj=proposal),
    ]


def _classification_blocks(proposal: Proposal, groups: list[OccupationGroup]) -> list[Block]:
    blocks = [Block(kind="heading", level=1, text="Proposed classification", anchor="classification")]
    if not groups:
        blocks.append(Block(kind="empty", text="No groups proposed yet."))
        return blocks
    table = Block(
        kind="table",
        anchor="classification-table",
        columns=["Level", "Code", "Title"],
        rows=[
            Block(
                kind="entry",
                path=f"group:{group.pk}",
                level=group.depth,
                obj=group,
                anchor=f"classification-row-{group.pk}",
                cells=[group.get_level_display(), group.code, group.title],
                text=group.title,
                text_path=f"group:{group.pk}.title",
            )
            for group in groups
        ],
    )
    blocks.append(table)
    for group in groups:
        blocks.append(
            Block(
                kind="heading",
                level=2 if group.level in ("major", "minor") else 3,
                text=_group_heading(group),
                anchor=f"group-{group.pk}",
                path=f"group:{group.pk}",
                text_path=f"group:{group.pk}.title",
                obj=group,
            )
        )
        for name in ("title_options", "definition"):
            if getattr(group, name).strip():
                blocks.append(_text_block(f"group:{group.pk}", name, getattr(group, name), obj=group))
    return blocks


def _scope_blocks(item: ItemDefinition, narrative, entries_by_kind: dict) -> list[Block]:
    """The narrative and entries of one item for one scope (the proposal or a group)."""
    blocks = []
    if narrative is not None and narrative.text.strip():
        blocks.append(_text_block(f"narrative:{narrative.pk}", "text", narrative.text, obj=narrative))
    present = [kind for kind in item.kinds if entries_by_kind.get(kind.key)]
    for kind in present:
        entries = entries_by_kind[kind.key]
        if len(item.kinds) > 1:
            blocks.append(Block(kind="label", text=kind.label_plural.capitalize()))
        if kind.layout == "table":
            blocks.append(
                Block(
                    kind="table",
                    entry_kind=kind,
                    columns=[kind.field_label(name).capitalize() for name in kind.columns],
                    rows=[entry_block(kind, entry) for entry in entries],
                )
            )
            continue
        if kind.group_by:
            choice_field = kind.model._meta.get_field(kind.group_by)
            order = [value for value, _ in choice_field.choices]
            labels = dict(choice_field.choices)
            by_choice = defaultdict(list)
            for entry in entries:
                by_choice[getattr(entry, kind.group_by)].append(entry)
            for value in order:
                if by_choice.get(value):
                    blocks.append(Block(kind="label", text=str(labels[value])))
                    blocks.append(_list_block(kind, by_choice[value], choice=value))
            continue
        blocks.append(_list_block(kind, entries))
    return blocks


def _blank_narrative_path(narrative) -> str:
    """A narrative with no text yet has no paragraph: its heading stands for it, so notes
    written about the item still have a place."""
    if narrative is not None and not narrative.text.strip():
        return f"narrative:{narrative.pk}"
    return ""


def _items_blocks(proposal, groups, narratives, entries) -> list[Block]:
    blocks = [Block(kind="heading", level=1, text="Input requested by the SOC Policy Committee",
                    anchor="committee-input")]
    blocks.append(_text_block(f"proposal:{proposal.pk}", "committee_input", proposal.committee_input, obj=proposal))
    for number, item in enumerate(ITEMS, start=1):
        blocks.append(
            Block(
                kind="heading",
                level=2,
                number=f"{number}.",
                text=item.title,
                anchor=f"item-{item.item}",
                path=_blank_narrative_path(narratives.get((item.item, None))),
                item=item,
                narrative=narratives.get((item.item, None)),
            )
        )
        blocks.append(Block(kind="prompt", text=item.prompt))
        item_blocks = _scope_blocks(
            item, narratives.get((item.item, None)), entries.get((item.item, None), {})
        )
        for group in groups:
            narrative = narratives.get((item.item, group.pk))
            scope = _scope_blocks(item, narrative, entries.get((item.item, group.pk), {}))
            if scope or narrative is not None:
                heading = Block(
                    kind="heading",
                    level=3,
                    text=f"{group.get_level_display()}: {_group_heading(group)}",
                    anchor=f"item-{item.item}-group-{group.pk}",
                    path=_blank_narrative_path(narratives.get((item.item, group.pk))),
                    obj=group,
                    item=item,
                    narrative=narrative,
                )
                item_blocks += [heading, *scope]
        blocks += item_blocks or [Block(kind="empty", text="Nothing written yet.")]
    return blocks


def proposal_outline(proposal: Proposal) -> Outline:
    groups = _tree_order(list(OccupationGroup.objects.filter(proposal=proposal)))
    narratives = {
        (narrative.item, narrative.group_id): narrative
        for narrative in Narrative.objects.filter(proposal=proposal)
    }
    entries: dict = defaultdict(lambda: defaultdict(list))
    for item in ITEMS:
        for kind in item.kinds:
            for entry in kind.model.objects.filter(proposal=proposal).order_by("position", "id"):
                entries[(item.item, entry.group_id)][kind.key].append(entry)
    return _outline(proposal, groups, narratives, entries)


def proposal_headings(proposal: Proposal) -> Outline:
    """The outline's sections and items (its contents) without their text and entries, in
    one query: for a list of sections beside a part of the page drawn again."""
    groups = _tree_order(list(OccupationGroup.objects.filter(proposal=proposal)))
    return _outline(proposal, groups, {}, defaultdict(lambda: defaultdict(list)))


def _outline(proposal: Proposal, groups: list, narratives: dict, entries: dict) -> Outline:
    blocks = [
        Block(
            kind="title",
            text=proposal.title,
            anchor="top",
            path=f"proposal:{proposal.pk}",
            text_path=f"proposal:{proposal.pk}.title",
            obj=proposal,
        )
    ]
    blocks += _narrative_blocks(proposal, "introduction", "Introduction", "introduction")
    blocks += _narrative_blocks(proposal, "meeting_goals", "Goals", "goals")
    blocks += _narrative_blocks(proposal, "background", "Background", "background")
    blocks += _classification_blocks(proposal, groups)
    blocks += _items_blocks(proposal, groups, narratives, entries)
    return Outline(proposal=proposal, blocks=blocks, groups=groups)

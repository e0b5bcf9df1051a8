import pytest

from occupations import services
from occupations.kinds import ENTRY_KINDS, ITEMS, kind_for
from occupations.outline import proposal_outline
from occupations.sample import fill_proposal

OUTLINE_QUERIES = 2 + len(ENTRY_KINDS)  # groups, narratives, one per entry kind


def headings(outline, level):
    return [f"{b.number} {b.text}".strip() for b in outline.blocks if b.kind == "heading" and b.level == level]


def test_it_orders_the_document_like_the_submission(proposal, owner):
    proposal.introduction = "Why we meet."
    proposal.background = "The 2028 revision."
    proposal.save()
    outline = proposal_outline(proposal)
    assert outline.blocks[0].kind == "title"
    assert outline.blocks[0].text_path == f"proposal:{proposal.pk}.title"
    assert headings(outline, 1) == [
        "Introduction", "Goals", "Background", "Proposed classification",
        "Input requested by the SOC Policy Committee",
    ]
    assert headings(outline, 2) == [f"{n}. {item.title}" for n, item in enumerate(ITEMS, start=1)]


def test_it_keeps_a_place_to_write_every_section_of_an_empty_proposal(proposal):
    outline = proposal_outline(proposal)
    assert headings(outline, 1)[:3] == ["Introduction", "Goals", "Background"]
    blank = [b.text_path for b in outline.blocks if b.kind == "paragraph" and not b.text]
    assert blank == [f"proposal:{proposal.pk}.{name}"
                     for name in ("introduction", "meeting_goals", "background", "committee_input")]
    empties = [b for b in outline.blocks if b.kind == "empty"]
    # "No groups proposed yet." and one "Nothing written yet." per item
    assert len(empties) == 1 + len(ITEMS)


def test_it_puts_groups_in_tree_order_with_paths(proposal, owner):
    major = services.group_create(proposal=proposal, level="major", code="29-0000", title="Health", by=owner)
    second = services.group_create(proposal=proposal, parent=major, level="minor", code="29-9000",
                                   title="Second minor", by=owner, position=2)
    first = services.group_create(proposal=proposal, parent=major, level="minor", code="29-2000",
                                  title="First minor", by=owner, position=1)
    broad = services.group_create(proposal=proposal, parent=first, level="broad", code="29-2010",
                                  title="Under first", by=owner)
    outline = proposal_outline(proposal)
    table = next(b for b in outline.blocks if b.anchor == "classification-table")
    assert [row.path for row in table.rows] == [f"group:{g.pk}" for g in (major, first, broad, second)]
    assert [row.level for row in table.rows] == [0, 1, 2, 1]
    assert table.rows[2].cells == ["Broad occupation", "29-2010", "Under first"]
    group_headings = [b for b in outline.blocks if b.kind == "heading" and b.path.startswith("group:")]
    assert [b.text for b in group_headings] == [
        "29-0000 Health", "29-2000 First minor", "29-2010 Under first", "29-9000 Second minor",
    ]
    assert group_headings[2].text_path == f"group:{broad.pk}.title"


def test_it_places_entries_under_their_item_and_group_with_field_paths(proposal, owner):
    minor = services.group_create(proposal=proposal, level="minor", title="Health IT", by=owner)
    task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, group=minor,
                                 text="Analyze and interpret data.", by=owner)
    skill = services.entry_create(entry_kind=kind_for("skill"), proposal=proposal,
                                  name="Active Listening", by=owner)
    outline = proposal_outline(proposal)
    blocks = outline.blocks
    scope = next(i for i, b in enumerate(blocks) if b.anchor == f"item-nature_of_work-group-{minor.pk}")
    assert blocks[scope].text == "Minor group: Health IT"
    task_list = next(b for b in blocks[scope:] if b.kind == "list")
    assert task_list.rows[0].path == f"task:{task.pk}"
    assert [f.path for f in task_list.rows[0].fields] == [f"task:{task.pk}.text"]
    ksa = next(i for i, b in enumerate(blocks) if b.anchor == "item-ksa")
    skill_list = next(b for b in blocks[ksa:] if b.kind == "list")
    assert [f.path for f in skill_list.rows[0].fields] == [f"skill:{skill.pk}.name", f"skill:{skill.pk}.description"]


def test_it_sub_heads_entries_by_their_category(proposal, owner):
    tool = kind_for("tool")
    services.entry_create(entry_kind=tool, proposal=proposal, kind="technology", category="Medical software", by=owner)
    services.entry_create(entry_kind=tool, proposal=proposal, kind="tool", category="Tablets", by=owner)
    outline = proposal_outline(proposal)
    start = next(i for i, b in enumerate(outline.blocks) if b.anchor == "item-tools")
    end = next(i for i, b in enumerate(outline.blocks) if b.anchor == "item-resources")
    section = outline.blocks[start:end]
    assert [(b.kind, b.text) for b in section if b.kind == "label"] == [("label", "Tools"), ("label", "Technology")]
    lists = [b for b in section if b.kind == "list"]
    assert [row.fields[0].value for b in lists for row in b.rows] == ["Tablets", "Medical software"]


def test_it_shows_workforce_figures_as_a_table(proposal, owner):
    services.entry_create(entry_kind=kind_for("workforce_figure"), proposal=proposal,
                          description="Health IT job postings", number=434292, year=2013,
                          source="Schwartz, 2013", by=owner)
    outline = proposal_outline(proposal)
    table = next(b for b in outline.blocks if b.kind == "table" and b.entry_kind and b.entry_kind.key == "workforce_figure")
    assert table.columns == ["What is counted", "Number", "Year", "Source"]
    assert table.rows[0].cells == ["Health IT job postings", "434,292", "2013", "Schwartz, 2013"]


@pytest.mark.parametrize("size", [10, 500])
def test_it_builds_the_outline_in_a_fixed_number_of_queries(proposal, owner, size, django_assert_num_queries):
    fill_proposal(proposal, owner, size)
    with django_assert_num_queries(OUTLINE_QUERIES):
        outline = proposal_outline(proposal)
    entry_paths = [row.path for block in outline.blocks for row in block.rows if not row.path.startswith("group:")]
    assert len(entry_paths) == size
    assert len(set(entry_paths)) == size


def test_it_gives_every_text_a_unique_path(proposal, owner):
    fill_proposal(proposal, owner, 60)
    outline = proposal_outline(proposal)
    paths = [b.text_path for b in outline.walk() if b.text_path and b.kind != "heading"]
    paths += [f.path for b in outline.walk() for f in b.fields]
    assert len(paths) == len(set(paths))

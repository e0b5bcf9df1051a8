"""The submission document (documents.export.export_docx without review): opened with
python-docx and read as XML, it is the proposal as the outline orders it, in Word's
built-in styles, every field bookmarked with its path, and nothing of the review layer."""

import pytest
from django.db import connection

from documents.bookmarks import name_for_path, path_for_name
from documents.export import export_docx
from occupations import selectors, services
from occupations.entries import Task, WorkforceFigure
from occupations.kinds import ENTRY_KINDS, kind_for
from occupations.members import display_name
from occupations.models import Membership, Proposal
from occupations.outline import proposal_outline
from occupations.sample import fill_proposal
from tests.documents.docx_reading import (
    ACCEPTED, BUILT_IN_STYLES, NS, Docx, bookmark_names, bookmark_start, enclosing, paragraphs_text, style_ids,
    style_of, table_rows, text_of, w, without_blank_lines, xml_clean,
)

SECTIONS = {
    "introduction": "Health informatics joins clinical care and information technology.\n\nThis proposal asks for it.",
    "meeting_goals": "Agree on the tasks.\nAgree on the title.",
    "background": "The 2018 SOC placed this work in 29-9021 and 15-1211.",
    "committee_input": "The Committee asks for the following items.",
}
SECTION_FIELDS = ("introduction", "meeting_goals", "background", "committee_input", "text", "title_options",
                  "definition")


def export(proposal, **options) -> Docx:
    return Docx(export_docx(Proposal.objects.get(pk=proposal.pk), **options).read())


def make_full(proposal, owner):
    """Every section written, two entries of every kind, a classification of eight groups
    (one not yet coded, one made after its cousins), narratives for the whole proposal and
    for a group."""
    proposal = services.object_update(proposal, values=SECTIONS, base_version=proposal.version, by=owner)
    major, minor, broads = fill_proposal(proposal, owner, 2 * len(ENTRY_KINDS))
    services.group_create(proposal=proposal, parent=broads[0], level="detailed", code="29-9011",
                          title="Clinical Informatics Specialists", title_options="Clinical Analysts\nInformaticists",
                          definition="Apply informatics to clinical care.\n\nMay supervise.", by=owner)
    second = services.group_create(proposal=proposal, level="major", code="15-0000", title="Computer occupations",
                                   by=owner)
    services.group_create(proposal=proposal, parent=broads[1], level="detailed", title="Unnamed for now", by=owner)
    services.group_create(proposal=proposal, parent=major, level="minor", code="29-2000", title="Technologists",
                          by=owner)
    services.narrative_set(proposal=proposal, item="nature_of_work", text="Workers do these things.", by=owner)
    services.narrative_set(proposal=proposal, item="tools", group=minor, text="Tools of the minor group.", by=owner)
    Task.objects.filter(proposal=proposal, position=0).update(is_may=True)
    WorkforceFigure.objects.filter(proposal=proposal).update(number=123456, year=2023)
    return Proposal.objects.get(pk=proposal.pk), second


@pytest.fixture
def full(proposal, owner):
    return make_full(proposal, owner)[0]


def entries_of(proposal):
    for kind in ENTRY_KINDS:
        for entry in kind.model.objects.filter(proposal=proposal).order_by("pk"):
            yield kind, entry


def _written_under(block) -> bool:
    """A group's heading is written when something is written under it (its other titles,
    its definition); every group is a row of the classification table anyway."""
    group = block.obj
    return bool(group.title_options.strip() or group.definition.strip())


def test_it_writes_the_headings_of_the_outline_in_its_order_and_levels(full):
    outline = proposal_outline(full)
    expected = [(f"Heading {block.level}", f"{block.number} {block.text}".strip())
                for block in outline.blocks if block.kind == "heading"
                and not (block.path.startswith("group:") and not _written_under(block))]
    assert ("Heading 3", "29-9011 Clinical Informatics Specialists") in expected
    assert ("Heading 2", "29-0000 Healthcare") not in expected
    document = export(full).python_docx
    found = [(paragraph.style.name, paragraph.text) for paragraph in document.paragraphs
             if paragraph.style.name.startswith("Heading")]
    assert found == expected
    assert ("Heading 3", "29-9011 Clinical Informatics Specialists") in found
    assert ("Heading 2", "29-9000 Health IT") not in found  # nothing written under it
    assert [text for style, text in found if style == "Heading 1"] == [
        "Introduction", "Goals", "Background", "Proposed classification",
        "Input requested by the SOC Policy Committee",
    ]


def test_it_writes_each_groups_title_bookmarked_in_the_classification_table(full):
    document = export(full)
    groups = proposal_outline(full).groups
    for group in groups:
        name = name_for_path(f"group:{group.pk}.title")
        assert document.bookmarks()[name] == group.title
        assert enclosing(bookmark_start(document.document, name), "w:tbl") is not None


def test_it_opens_with_the_title_and_what_the_document_is(full):
    document = export(full).python_docx
    title, subtitle = document.paragraphs[:2]
    assert (title.style.name, title.text) == ("Title", "Health Informatics Occupations")
    assert "2028 SOC" in subtitle.text
    assert sum(paragraph.style.name == "Title" for paragraph in document.paragraphs) == 1


def test_it_writes_every_entry_once_as_a_bullet_or_a_table_row(full):
    docx = export(full)
    root = docx.document
    bullets = [paragraphs_text([paragraph]) for paragraph in docx.paragraphs() if style_of(paragraph) == "ListBullet"]
    rows = [row for table in docx.tables() for row in table_rows(table)]
    checked = set()
    for kind, entry in entries_of(full):
        values = [str(getattr(entry, name) or "") for name in kind.text_fields]
        if kind.layout == "list":
            line = " — ".join(value for value in values if value) + (" (may)" if getattr(entry, "is_may", False) else "")
            assert bullets.count(line) == 1, (kind.key, line)
        else:
            cells = []
            for name in kind.columns:
                value = getattr(entry, name)
                cells.append(f"{value:,}" if isinstance(value, int) and value >= 10000 else str(value or ""))
            if kind.key == "workforce_figure":
                cells[-1] += f"\n{entry.citation}"
            assert rows.count(cells) == 1, (kind.key, cells)
        for name in kind.text_fields:
            start = bookmark_start(root, name_for_path(f"{kind.key}:{entry.pk}.{name}"))
            if kind.layout == "list":
                assert style_of(enclosing(start, "w:p")) == "ListBullet"
            else:
                table = enclosing(start, "w:tbl")
                assert enclosing(start, "w:tr") is not None
                assert table.find("w:tblPr/w:tblStyle", NS).get(w("w:val")) == "TableGrid"
        checked.add(kind.key)
    assert checked == {kind.key for kind in ENTRY_KINDS}
    assert "123,456" in [cell for row in rows for cell in row]


def test_it_tabulates_the_classification_in_tree_order(full):
    docx = export(full)
    table = docx.tables()[0]
    heading = docx.blocks[docx.blocks.index(table) - 1]
    assert text_of(heading) == "Proposed classification"
    assert table.find("w:tr/w:trPr/w:tblHeader", NS) is not None
    assert table_rows(table) == [
        ["Level", "Code", "Title"],
        ["Major group", "29-0000", "Healthcare"],
        ["Minor group", "29-9000", "Health IT"],
        ["Broad occupation", "29-9010", "Broad 1"],
        ["Detailed occupation", "29-9011", "Clinical Informatics Specialists"],
        ["Broad occupation", "29-9020", "Broad 2"],
        ["Detailed occupation", "—", "Unnamed for now"],
        ["Minor group", "29-2000", "Technologists"],
        ["Major group", "15-0000", "Computer occupations"],
    ]


def test_it_uses_only_words_built_in_styles(full):
    docx = export(full)
    used = style_ids(docx.document)
    assert used <= BUILT_IN_STYLES
    assert {"Title", "Heading1", "Heading2", "Heading3", "ListBullet", "TableGrid"} <= used
    defined = {style.get(w("w:styleId")) for style in docx.xml("word/styles.xml").iter(w("w:style"))}
    assert used <= defined
    names = {paragraph.style.name for paragraph in docx.python_docx.paragraphs}
    assert names <= {"Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "Normal"}


def test_it_numbers_the_pages_in_the_footer(full):
    docx = export(full)
    instructions = "".join(text.text for text in docx.xml("word/footer1.xml").iter(w("w:instrText")))
    assert instructions.split() == ["PAGE", "NUMPAGES"]
    reference = docx.document.find("w:body/w:sectPr/w:footerReference", NS)
    target = {rid: (kind, target) for rid, kind, target in docx.relationships()}[reference.get(f"{{{NS['r']}}}id")]
    assert target[0].endswith("/footer") and target[1] == "footer1.xml"
    assert docx.python_docx.sections[0].footer.paragraphs[0].text.startswith("Page ")


def test_it_fills_the_documents_properties(full, owner, member_of):
    later = member_of(Membership.Role.COORDINATOR, "second")
    properties = export(full).python_docx.core_properties
    assert properties.title == "Health Informatics Occupations"
    assert properties.author == display_name(owner) == "Owner Tester"
    assert properties.author != display_name(later)
    assert properties.subject == "2028 SOC"


def test_it_says_which_proposal_and_which_text_it_was_made_from(full):
    """Custom properties, which Word and LibreOffice keep: the import matches a reviewed
    copy to its proposal, and finds the text as it was exported in the history."""
    from documents.export import AS_OF_PROPERTY, COPY_PROPERTY, PROPOSAL_PROPERTY

    def custom(docx):
        root = docx.xml("docProps/custom.xml")
        ns = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
        return {item.get("name"): item[0].text for item in root.iter(f"{ns}property")}

    properties = custom(export(full))
    assert properties[PROPOSAL_PROPERTY] == f"{full.pk} {full.slug}"
    assert properties[COPY_PROPERTY] == "submission"
    latest = max(kind.model.objects.filter(proposal=full).latest("updated_at").updated_at for kind in ENTRY_KINDS)
    assert properties[AS_OF_PROPERTY] >= latest.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert custom(export(full, review=True))[COPY_PROPERTY] == "review"


def test_it_is_a_word_2013_document_without_track_changes(full):
    settings = export(full).settings()
    modes = [setting.get(w("w:val")) for setting in settings.iter(w("w:compatSetting"))
             if setting.get(w("w:name")) == "compatibilityMode"]
    assert modes == ["15"]
    assert settings.find("w:trackRevisions", NS) is None


def test_it_carries_nothing_of_the_review(full, owner, reviewer):
    from comments import services as review
    from comments import suggesting

    task = Task.objects.filter(proposal=full).first()
    review.thread_start(proposal=full, by=reviewer, path=f"task:{task.pk}.text", text="Which tasks?")
    suggesting.suggestion_replace(proposal=full, by=reviewer, path=f"task:{task.pk}.text", start=0, end=4,
                              replacement="Job")
    docx = export(full)
    assert not [name for name in docx.names if "comments" in name or "people" in name]
    assert not [name for name in docx.content_types() if "comments" in name or "people" in name]
    assert not [target for _, _, target in docx.relationships() if "comments" in target or "people" in target]
    for tag in ("w:ins", "w:del", "w:delText", "w:commentRangeStart", "w:commentReference"):
        assert next(docx.document.iter(w(tag)), None) is None, tag
    assert docx.bookmarks(ACCEPTED)[name_for_path(f"task:{task.pk}.text")] == task.text


def test_it_bookmarks_every_field_once_with_its_text(full):
    docx = export(full)
    names = bookmark_names(docx.document)
    assert len(names) == len(set(names))
    starts = {mark.get(w("w:id")) for mark in docx.document.iter(w("w:bookmarkStart"))}
    ends = [mark.get(w("w:id")) for mark in docx.document.iter(w("w:bookmarkEnd"))]
    assert sorted(ends) == sorted(starts)
    texts = docx.bookmarks(ACCEPTED)
    for name in names:
        path = path_for_name(name)
        assert path is not None, name
        if "." not in path:
            # A heading that stands for an object: a group with text under it.
            group = full.groups.get(pk=int(path.split(":")[1]))
            assert path.startswith("group:") and texts[name] == f"{group.code} {group.title}".strip()
            continue
        expected = selectors.text_at(full, path)
        assert expected is not None, path
        if path.rsplit(".", 1)[1] in SECTION_FIELDS:
            assert without_blank_lines(texts[name]) == without_blank_lines(expected), path
        else:
            assert texts[name] == expected, path
    # ... and every text there is to read back has its bookmark.
    wanted = {f"proposal:{full.pk}.{name}" for name in ("title", *SECTIONS)}
    wanted |= {f"{kind.key}:{entry.pk}.{name}" for kind, entry in entries_of(full)
               for name in kind.text_fields if getattr(entry, name)}
    wanted |= {f"group:{group.pk}.title" for group in full.groups.all()}
    wanted |= {f"narrative:{narrative.pk}.text" for narrative in full.narratives.all()}
    assert wanted <= {path_for_name(name) for name in names}


def test_it_writes_the_same_bytes_every_time(full, monkeypatch):
    """Nothing in the file comes from the clock: a day later, the same bytes."""
    import datetime

    from django.utils import timezone

    first = export_docx(full).read()
    review = export_docx(full, review=True).read()
    tomorrow = timezone.now() + datetime.timedelta(days=1, seconds=7)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    assert export_docx(Proposal.objects.get(pk=full.pk)).read() == first
    assert export_docx(Proposal.objects.get(pk=full.pk), review=True).read() == review
    assert first != review


def test_it_leaves_blank_sections_out(proposal, owner):
    Proposal.objects.filter(pk=proposal.pk).update(introduction="", meeting_goals="  \n \n", background="Written.",
                                                   committee_input="")
    docx = export(proposal)
    headings = [paragraph.text for paragraph in docx.python_docx.paragraphs if paragraph.style.name == "Heading 1"]
    assert headings == ["Background", "Proposed classification", "Input requested by the SOC Policy Committee"]
    paths = {path_for_name(name) for name in bookmark_names(docx.document)}
    for name in ("introduction", "meeting_goals", "committee_input"):
        assert f"proposal:{proposal.pk}.{name}" not in paths
    assert f"proposal:{proposal.pk}.background" in paths
    # No empty paragraph stands where a section would be.
    blocks = docx.blocks
    background = next(index for index, block in enumerate(blocks) if text_of(block) == "Background")
    assert text_of(blocks[background + 1]) == "Written."


# PostgreSQL's text cannot hold NUL at all (SQLite's can): each database is tried with
# every control character it can store.
NASTY = ("".join(chr(code) for code in range(0 if connection.vendor != "postgresql" else 1, 0x20))
         + "\ufffe\uffff\x7f<&>\"'" + "]]><!-- --><w:t>")


def test_it_writes_any_text_the_database_may_hold_as_xml_word_can_read(proposal, owner):
    """Text that came in around the services (an import, the admin, an old row) may hold
    control characters XML cannot carry; the file still parses, and shows the rest.
    (Lone surrogates cannot be stored in PostgreSQL, so they are not tried.)"""
    major = services.group_create(proposal=proposal, level="major", code="29-0000", title="Health", by=owner)
    task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text="x", by=owner)
    skill = services.entry_create(entry_kind=kind_for("skill"), proposal=proposal, name="x", by=owner)
    figure = services.entry_create(entry_kind=kind_for("workforce_figure"), proposal=proposal, description="x",
                                   by=owner)
    long_section = ("A long paragraph of words. " * 40 + "\n") * 9 + "End."
    long_entry = ("y" * 99 + " ") * 100
    assert len(long_entry) == 10_000 and len(long_section) > 9_000
    Proposal.objects.filter(pk=proposal.pk).update(
        title=f"Title {NASTY}", introduction=f"Before {NASTY} after\n{NASTY}\n\nLast", background=long_section,
        revision_cycle="2028 <SOC> & co",
    )
    type(major).objects.filter(pk=major.pk).update(title=f"Group {NASTY}", definition=NASTY)
    Task.objects.filter(pk=task.pk).update(text=f"Task {NASTY}")
    # A name is a CharField of 300 (PostgreSQL holds it to that); a description is text.
    type(skill).objects.filter(pk=skill.pk).update(name=f"{NASTY}\n{NASTY}", description=long_entry)
    WorkforceFigure.objects.filter(pk=figure.pk).update(description=NASTY, citation=long_entry)
    proposal = Proposal.objects.get(pk=proposal.pk)

    for review in (False, True):
        docx = export(proposal, review=review)
        for name in docx.names:
            if name.endswith((".xml", ".rels")):
                docx.xml(name)  # raises if the part is not well-formed
        docx.python_docx  # opens
        texts = docx.bookmarks(ACCEPTED)
        for name in bookmark_names(docx.document):
            path = path_for_name(name)
            if "." not in path:
                continue  # a group's heading: its title is checked in the table
            expected = xml_clean(selectors.text_at(proposal, path))
            if path.rsplit(".", 1)[1] in SECTION_FIELDS:
                assert without_blank_lines(texts[name]) == without_blank_lines(expected), path
            else:
                assert texts[name] == expected, path
        assert texts[name_for_path(f"skill:{skill.pk}.description")] == long_entry
        assert docx.python_docx.core_properties.title == xml_clean(f"Title {NASTY}")
        assert docx.python_docx.core_properties.subject == "2028 <SOC> & co"

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from docx import Document

from occupations.models import Proposal


def test_it_prints_the_page_time_for_each_size_and_leaves_nothing_behind(db, capsys):
    call_command("benchmark", sizes="5,20", repeat=2, only="page")
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.strip() and line.split()[0].isdigit()]
    assert [row[0] for row in rows] == ["5", "20"]
    assert all(float(row[1]) > 0 for row in rows)
    assert rows[0][4] == rows[1][4]  # the same number of queries at both sizes
    assert all(float(row[6]) > 0 and int(row[7]) < int(row[4]) for row in rows)  # kept: fewer queries
    assert all(float(row[8]) > 0 and int(row[9]) <= 5 for row in rows)  # an unchanged reload: a 304, few queries
    assert all(float(row[10]) > 0 and float(row[12]) > 0 for row in rows)  # a save's answer, a live question
    assert not Proposal.objects.exists()


def test_it_says_what_is_wrong_with_its_sizes(db):
    with pytest.raises(CommandError, match="whole numbers"):
        call_command("benchmark", sizes="ten")


def _export_rows(out: str) -> list[list[str]]:
    """The export table's rows, as [ours, naive, floor, ratio] groups of columns."""
    return [[part.split() for part in line.split("|")] for line in out.splitlines()
            if line.strip() and line.split()[0].isdigit()]


def test_it_measures_the_word_export_beside_python_docx_and_leaves_nothing_behind(db, capsys):
    call_command("benchmark", "--only", "export", "--export-sizes", "20", "--repeat", "1")
    out = capsys.readouterr().out
    assert "Proposal page" not in out  # --only export: no page table
    assert "Word export, review copy" in out
    header = next(line for line in out.splitlines() if line.split()[:1] == ["entries"])
    for column in ("paras", "threads", "read ms", "write ms", "queries", "peak MiB", "KiB", "naive ms",
                   "floor ms", "write/floor", "1st byte ms", "last ms"):
        assert column in header
    [[ours, naive, floor, ratio, served]] = _export_rows(out)
    entries, paras, threads, read, write, queries, peak, kib = ours
    assert (entries, threads) == ("20", "4")  # one thread per five entries
    assert int(paras) > 20
    assert float(read) > 0 and float(write) > 0 and float(peak) > 0 and float(kib) > 0
    read_queries, write_queries = queries.split("+")
    assert int(read_queries) > 0 and write_queries == "0"  # everything is read before writing starts
    assert all(float(value) > 0 for value in naive + floor)
    assert abs(float(ratio[0]) - float(write) / float(floor[0])) <= 0.02 + 0.1 / float(floor[0])
    first_byte, last_byte = served
    assert float(first_byte) > 0 and float(last_byte) > 0
    assert not Proposal.objects.exists()
    assert not get_user_model().objects.filter(username="benchmark-coordinator").exists()


def test_it_runs_the_page_table_the_export_and_the_import_by_default_and_says_which_sections_there_are(
        db, capsys):
    call_command("benchmark", "--sizes", "5", "--export-sizes", "5", "--import-sizes", "5", "--consensus-entries", "5",
                 "--consensus-raters", "2", "--repeat", "1")
    out = capsys.readouterr().out
    assert out.index("Proposal page") < out.index("Word export") < out.index("Word import")
    assert "Consensus: a round on 5 entries rated by 2 members" in out
    with pytest.raises(CommandError, match="page, reference, export, import, upload, consensus"):
        call_command("benchmark", "--only", "pages")


def _import_rows(out: str) -> list[list[list[str]]]:
    """The import table's rows, as [what, preview, apply] groups of columns."""
    return [[part.split() for part in line.split("|")] for line in out.splitlines()
            if line.strip() and line.split()[0].isdigit()]


def test_it_measures_the_import_of_a_reviewed_copy_and_leaves_nothing_behind(db, capsys):
    from comments.models import Suggestion, Thread
    from documents.models import ReviewImport

    call_command("benchmark", "--only", "import", "--import-sizes", "40", "--repeat", "2")
    out = capsys.readouterr().out
    assert "Proposal page" not in out and "Word export" not in out
    assert "Word import of a reviewed review copy" in out
    header = next(line for line in out.splitlines() if line.split()[:1] == ["entries"])
    for column in ("KiB", "changes", "comments", "planned", "made", "known", "unmatched", "read ms", "preview ms",
                   "queries", "MiB", "apply ms"):
        assert column in header
    [[what, previewed, applied]] = _import_rows(out)
    entries, kib, changes, comments, planned, made, known, unmatched = what
    # 40 entries: an insertion per ten, a comment per twenty; eight exported threads, each
    # with a reply, recognised (sixteen comments), none created again.
    assert (entries, changes, comments) == ("40", "4", "2")
    assert (planned, made, known, unmatched) == ("6", "6", "16", "0")
    read, preview, preview_queries, preview_peak = previewed
    assert float(read) > 0 and float(preview) > 0 and int(preview_queries) > 0 and float(preview_peak) > 0
    apply, apply_queries, apply_peak = applied
    assert float(apply) > 0 and int(apply_queries) > 0 and float(apply_peak) > 0
    assert float(kib) > 0
    assert not Proposal.objects.exists()
    assert not (ReviewImport.objects.exists() or Suggestion.objects.exists() or Thread.objects.exists())


def test_the_reviewed_copy_holds_what_the_import_section_says(db, owner, proposal):
    """Its insertions are by the non-member and its comments by the member, on entries'
    fields, as read back."""
    from documents import benchmark, services
    from documents.export import export_docx
    from documents.reading import read_review
    from occupations.sample import fill_proposal

    fill_proposal(proposal, owner, 40)
    benchmark.add_threads(proposal, owner)
    data, changes, comments = benchmark.reviewed_copy(export_docx(proposal, review=True).read(), "owner")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        reading = read_review({name: archive.read(name) for name in archive.namelist()})
    found = [(change.text, change.author) for field in reading.fields.values() for change in field.changes]
    assert found == [(benchmark.INSERTED, benchmark.REVIEWER)] * changes == [(" (reviewed)", "Dana Outside")] * 4
    new = [comment for comment in reading.comments.values() if comment.text == benchmark.COMMENTED]
    assert len(new) == comments == 2 and {comment.author for comment in new} == {"owner"}
    assert all(comment.anchored for comment in new)
    _, plan = services.review_import_preview(proposal=proposal, by=owner, data=data, name="reviewed.docx")
    assert sorted((str(item.kind), item.author.name, item.author.user) for item in plan.items) == (
        [("replace", "Dana Outside", None)] * 4 + [("thread", "owner", owner)] * 2)


def test_the_references_write_the_paragraphs_the_export_writes(db, owner, proposal):
    from documents import benchmark
    from documents.export import export_docx
    from occupations.outline import proposal_outline
    from occupations.sample import fill_proposal

    fill_proposal(proposal, owner, 30)
    texts = [text for text, _ in benchmark.paragraphs(proposal_outline(proposal))]
    document = Document(io.BytesIO(export_docx(proposal).read()))
    written = [paragraph.text for paragraph in document.paragraphs]
    written += [paragraph.text for table in document.tables for row in table.rows for cell in row.cells
                for paragraph in cell.paragraphs]
    missing = [text for text in texts if text and text not in written]
    assert not missing
    assert len([text for text in texts if text]) == len([text for text in written if text])
    floor = Document(io.BytesIO(benchmark.floor(benchmark.paragraphs(proposal_outline(proposal)))))
    assert [paragraph.text for paragraph in floor.paragraphs] == texts
    assert floor.paragraphs[0].style.name == "Title"


def test_it_measures_refusing_an_inflated_file_beside_opening_a_review_copy(db, capsys):
    call_command("benchmark", "--only", "upload", "--upload-size", "20", "--repeat", "1")
    out = capsys.readouterr().out
    assert "Upload of a reviewed file" in out and "Word import" not in out
    rows = [line for line in out.splitlines() if line.startswith(("review copy", "inflated"))]
    assert [row.split()[-1] for row in rows] == ["opened", "part_too_large", "part_too_large"]
    assert all(float(row.split()[-3]) > 0 for row in rows)  # each took some time
    assert not Proposal.objects.exists()

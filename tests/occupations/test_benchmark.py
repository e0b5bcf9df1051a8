import io

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
    assert 0 < float(first_byte) <= float(last_byte)
    assert not Proposal.objects.exists()
    assert not get_user_model().objects.filter(username="benchmark-coordinator").exists()


def test_it_runs_the_page_table_and_the_export_by_default_and_says_which_sections_there_are(db, capsys):
    call_command("benchmark", "--sizes", "5", "--export-sizes", "5", "--repeat", "1")
    out = capsys.readouterr().out
    assert out.index("Proposal page") < out.index("Word export")
    with pytest.raises(CommandError, match="page, export"):
        call_command("benchmark", "--only", "pages")


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

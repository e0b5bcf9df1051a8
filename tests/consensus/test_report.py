"""consensus_report and the download: one row per entry in the document's order, as CSV
and as a spreadsheet that LibreOffice opens."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from consensus import services
from occupations import services as proposals
from occupations.entries import Task
from tests.documents.clients import program, soffice_convert

pytestmark = pytest.mark.django_db

HEADER = ["path", "section", "kind", "text", "raters", "relevant_pct", "importance_mean", "importance_sd",
          "importance_iqr", "class", "agreed"]


@pytest.fixture
def closed_round(proposal, owner, health_it, member_of):
    tasks = list(Task.objects.filter(group=health_it).order_by("position", "id"))
    round_ = services.round_open(proposal=proposal, by=owner, entry_kind="task", group=health_it)
    people = [owner] + [member_of("reviewer", username=f"r{number}") for number in range(4)]
    for person, value in zip(people, (3, 4, 4, 5, 2)):
        services.rating_set(round_=round_, by=person, path=f"task:{tasks[0].pk}", relevant="yes", importance=value)
    services.rating_set(round_=round_, by=owner, path=f"task:{tasks[2].pk}", relevant="no", reason="Trainers do it.")
    services.round_close(round_=round_, by=owner)
    return round_, tasks


def read_csv(path):
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_it_writes_a_csv_row_per_entry_in_order(closed_round, proposal, tmp_path):
    round_, tasks = closed_round
    out = tmp_path / "round.csv"
    call_command("consensus_report", proposal.pk, "--format", "csv", "--out", str(out))
    table = read_csv(out)
    assert table[0] == HEADER
    assert [row[0] for row in table[1:]] == [f"task:{task.pk}" for task in tasks]
    first = dict(zip(HEADER, table[1]))
    assert first == {"path": f"task:{tasks[0].pk}",
                     "section": "Nature of work performed — Health Information Technology (Health IT)",
                     "kind": "task", "text": "Analyze and interpret data.", "raters": "5", "relevant_pct": "100.0",
                     "importance_mean": "3.6", "importance_sd": "1.02", "importance_iqr": "1.0", "class": "Core",
                     "agreed": "yes"}
    assert dict(zip(HEADER, table[2]))["class"] == "Too few ratings"
    assert dict(zip(HEADER, table[3]))["class"] == "Too few ratings"


def test_a_deleted_entry_keeps_its_row(closed_round, proposal, owner, tmp_path):
    round_, tasks = closed_round
    path = f"task:{tasks[0].pk}"
    proposals.object_delete(tasks[0], by=owner)
    out = tmp_path / "round.csv"
    call_command("consensus_report", proposal.pk, "--round", "1", "--format", "csv", "--out", str(out))
    rows = {row[0]: dict(zip(HEADER, row)) for row in read_csv(out)[1:]}
    gone = rows[path]
    assert gone["text"] == "Analyze and interpret data. (deleted)" and gone["class"] == "Core"


def test_its_spreadsheet_opens_in_openpyxl_and_libreoffice(closed_round, proposal, tmp_path):
    round_, tasks = closed_round
    out = tmp_path / "round.xlsx"
    call_command("consensus_report", proposal.pk, "--format", "xlsx", "--out", str(out))
    sheet = load_workbook(out).active
    values = list(sheet.values)
    assert list(values[0]) == HEADER and len(values) == 4
    assert values[1][4:] == (5, 100.0, 3.6, 1.02, 1.0, "Core", "yes")
    # a second reader: LibreOffice Calc, back to CSV
    converted = soffice_convert(program("soffice", "libreoffice-calc-nogui"), out,
                                "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path)  # 76: UTF-8
    again = list(csv.reader(io.StringIO(converted.read_text(encoding="utf-8"))))
    assert again[0] == HEADER and again[1][9] == "Core" and again[1][3] == "Analyze and interpret data."


@pytest.mark.parametrize("arguments, message", [
    (["--round", "7"], "has no round 7"),
    ([], "has no closed round yet"),
])
def test_it_says_why_it_writes_nothing(proposal, owner, health_it, tmp_path, arguments, message):
    services.round_open(proposal=proposal, by=owner, entry_kind="task")
    with pytest.raises(CommandError, match=message):
        call_command("consensus_report", proposal.pk, *arguments, "--out", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="still open"):
        call_command("consensus_report", proposal.pk, "--round", "1", "--out", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="No proposal"):
        call_command("consensus_report", 999999, "--out", str(tmp_path / "x.csv"))
    assert not (tmp_path / "x.csv").exists()


def report_url(proposal, number, format):
    return reverse("round_report", args=[proposal.pk, number, format])


def test_every_member_downloads_the_results_and_an_outsider_gets_404(client, closed_round, proposal, observer,
                                                                     outsider):
    client.force_login(observer)
    sheet = client.get(report_url(proposal, 1, "xlsx"))
    assert sheet.status_code == 200
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert 'filename="proposal-' in sheet["Content-Disposition"]
    assert load_workbook(io.BytesIO(sheet.content)).active["J2"].value == "Core"
    text = client.get(report_url(proposal, 1, "csv")).content.decode("utf-8-sig")
    assert text.startswith(",".join(HEADER))
    page = client.get(reverse("round_list", args=[proposal.pk])).content.decode()
    assert report_url(proposal, 1, "xlsx") in page
    assert client.get(report_url(proposal, 1, "pdf")).status_code == 404
    assert client.get(report_url(proposal, 2, "csv")).status_code == 404
    client.force_login(outsider)
    assert client.get(report_url(proposal, 1, "xlsx")).status_code == 404


def test_an_open_rounds_results_are_not_there_yet(client, proposal, owner, health_it):
    services.round_open(proposal=proposal, by=owner, entry_kind="task")
    client.force_login(owner)
    answer = client.get(report_url(proposal, 1, "csv"), follow=True)
    assert "Round 1 is still open: its results come when it closes." in answer.content.decode()

"""Add BLS figure: a workforce figure from BLS's national employment estimates, through the
normal write (history), with its source and citation, in the Word export like any figure."""

import io

import pytest
from django.urls import reverse
from docx import Document
from lxml import html as lxml_html

from documents.export import export_docx
from occupations import bls
from occupations.entries import WorkforceFigure
from occupations.models import Proposal

pytestmark = pytest.mark.django_db

SOURCE = "U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, May 2025"


def add(client, proposal, data, **params):
    url = reverse("bls_figure_add", args=[proposal.pk])
    if params:
        url += "?" + "&".join(f"{name}={value}" for name, value in params.items())
    return client.post(url, data)


def test_an_editor_adds_the_national_figure_of_an_occupation(client, reference_data, proposal, editor):
    client.force_login(editor)
    answer = add(client, proposal, {"code": "29-9021", "sector": ""})
    figure = WorkforceFigure.objects.get(proposal=proposal)
    assert answer.status_code == 302 and answer["Location"].endswith(f"#workforce_figure-{figure.pk}")
    assert (figure.description, figure.number, figure.year, figure.source) == (
        "Health Information Technologists and Medical Registrars", 38100, 2025, SOURCE)
    assert figure.citation == ("SOC 29-9021 Health Information Technologists and Medical Registrars; all industries; "
                               "national employment, May 2025.")
    record = figure.history.get()
    assert (record.history_type, record.history_user) == ("+", editor)


def test_a_sector_figure_says_its_sector(client, reference_data, proposal, owner):
    client.force_login(owner)
    add(client, proposal, {"code": "15-1200", "sector": "62--63"})
    figure = WorkforceFigure.objects.get(proposal=proposal)
    assert (figure.description, figure.number) == (
        "Computer Occupations, Sector 62 - Health Care and Social Assistance", 156600)
    assert "NAICS Sector 62 - Health Care and Social Assistance (62--63)" in figure.citation


@pytest.mark.parametrize("data, said", [
    ({"code": "11-1031"}, "BLS published no employment figure for 11-1031 Legislators"),
    ({"code": "99-9999"}, "99-9999 is not a code of the 2018 SOC or of BLS's estimates."),
    ({"code": "nurse"}, "Give a SOC code like 29-9021."),
    ({"code": ""}, "This field is required."),
    ({"code": "29-9021\x00"}, "Null characters are not allowed."),
    ({"code": "29-9021", "sector": "nonsense"}, "Select a valid choice."),
])
def test_what_bls_did_not_publish_or_a_wrong_code_is_said_and_nothing_invented(
        client, reference_data, proposal, editor, data, said):
    client.force_login(editor)
    answer = add(client, proposal, {"sector": "", **data})
    assert answer.status_code == 400
    assert said in answer.content.decode().replace("&#x27;", "'")
    assert not WorkforceFigure.objects.exists()
    if data["code"] and "\x00" not in data["code"]:  # what was typed stays in the form
        page = lxml_html.fromstring(answer.content.decode())
        assert page.xpath('//input[@name="code"]/@value') == [data["code"]]


def test_an_estimate_bls_did_not_release_is_refused_with_its_footnote(reference_data, proposal, owner):
    from reference.models import Estimate

    hidden = Estimate.objects.filter(sector_code="62--63", employment=None).exclude(employment_note="").first()
    with pytest.raises(Exception) as refused:
        bls.figure_add(proposal=proposal, by=owner, code=hidden.soc_code, sector_code="62--63")
    assert "BLS did not publish the employment of" in str(refused.value) and "Estimate not released." in str(
        refused.value)


def test_only_editors_and_coordinators_see_and_use_it(client, reference_data, proposal, reviewer, observer, outsider):
    url = reverse("bls_figure_add", args=[proposal.pk])
    for person, status in ((reviewer, 403), (observer, 403), (outsider, 404)):
        client.force_login(person)
        assert client.get(url).status_code == status
        assert add(client, proposal, {"code": "29-9021", "sector": ""}).status_code == status
    assert not WorkforceFigure.objects.exists()
    client.logout()
    assert client.get(url).status_code == 302


def test_the_figure_and_its_source_are_in_the_word_export(client, reference_data, proposal, owner):
    client.force_login(owner)
    add(client, proposal, {"code": "29-9021", "sector": ""})
    document = Document(io.BytesIO(export_docx(Proposal.objects.get(pk=proposal.pk)).read()))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    row = next(row for row in rows if row[0] == "Health Information Technologists and Medical Registrars")
    assert row[1:3] == ["38,100", "2025"]
    assert row[3].startswith(SOURCE) and "SOC 29-9021" in row[3]


def test_the_workforce_item_offers_it_to_writers_only(client, reference_data, proposal, owner, reviewer):
    client.force_login(owner)
    add(client, proposal, {"code": "29-2072", "sector": ""})
    url = reverse("bls_figure_add", args=[proposal.pk])
    page = client.get(reverse("proposal_detail", args=[proposal.pk])).content.decode()
    assert f'href="{url}"' in page
    client.force_login(reviewer)
    page = client.get(reverse("proposal_detail", args=[proposal.pk])).content.decode()
    assert "Add BLS figure" not in page and f'href="{url}"' not in page


def test_it_reads_a_figure_in_four_queries(reference_data, django_assert_max_num_queries):
    bls.figure_values("29-9021")  # the footnotes, read once per process
    with django_assert_max_num_queries(4):  # the releases, the sectors, the SOC title, the estimate
        values = bls.figure_values("15-1200", "62--63")
    assert values["number"] == 156600
    assert values["description"] == "Computer Occupations, Sector 62 - Health Care and Social Assistance"

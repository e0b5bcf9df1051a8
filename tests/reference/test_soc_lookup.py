"""soc_lookup: the 2018 SOC's occupations by code, words and job title, with BLS's
national figures, their year, source and footnotes in words."""

import json

import pytest
from django.core.management import CommandError, call_command

from reference import selectors
from reference.models import Release

pytestmark = pytest.mark.django_db


def lookup(capsys, *args) -> str:
    call_command("soc_lookup", *args)
    return capsys.readouterr().out


def test_a_code_shows_the_occupation_with_its_national_figures(reference_data, capsys):
    out = lookup(capsys, "29-9021")
    assert out.startswith("29-9021  Health Information Technologists and Medical Registrars  (detailed occupation")
    assert "29-0000 Healthcare Practitioners and Technical Occupations > 29-9000 Other Healthcare Practitioners " \
           "and Technical Occupations > 29-9020 Health Information Technologists and Medical Registrars" in out
    assert "Definition: Apply knowledge of healthcare and information systems" in out
    assert "Employment: 38,100 (May 2025); median wage $68,020 a year" in out
    assert "Source: U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, May 2025" in out
    assert "Job titles: Cancer Registrar" in out


def test_words_match_titles_definitions_and_job_titles(reference_data, capsys):
    assert "29-9021  Health Information Technologists and Medical Registrars" in lookup(capsys, "registrar")
    first = lookup(capsys, "Database", "Administrator").split("\n\n")[0]
    assert first.startswith("15-1242  Database Administrators  (detailed occupation; found by title)")
    # words only a job title has: "Cancer Registrar" is coded to 29-9021
    assert lookup(capsys, "cancer registrar").startswith(
        "29-9021  Health Information Technologists and Medical Registrars  (detailed occupation; "
        "found by job title “Cancer Registrar”)")
    # words only a definition has
    hits, _ = selectors.search("abstract followup information")
    assert [hit.occupation.code for hit in hits] == ["29-9021"] and hits[0].why_words == "definition"


def test_a_code_prefix_lists_the_groups_in_order_and_hyphens_are_normalised(reference_data, capsys):
    hits, total = selectors.search("15-124")
    assert [hit.occupation.code for hit in hits] == ["15-1240", "15-1241", "15-1242", "15-1243", "15-1244"]
    assert [hit.occupation.code for hit in selectors.search("151242")[0]] == ["15-1242"]
    assert [hit.occupation.code for hit in selectors.search("29\u20102072")[0]] == ["29-2072"]
    assert selectors.search("15")[1] == len([hit for hit in selectors.search("15", limit=500)[0]])
    out = lookup(capsys, "15", "--limit", "3")
    assert out.startswith("15-0000  Computer and Mathematical Occupations  (major group")
    assert "more (--limit" in out


def test_json_has_every_field(reference_data, capsys):
    [found] = json.loads(lookup(capsys, "29-9021", "--json"))
    assert (found["code"], found["level"], found["employment"], found["median_wage"], found["year"],
            found["period"]) == ("29-9021", "detailed", 38100, 68020, 2025, "May 2025")
    assert found["source"] == "U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, May 2025"
    assert [group["code"] for group in found["hierarchy"]] == ["29-0000", "29-9000", "29-9020"]
    assert "Cancer Registrar" in found["direct_match_titles"]


def test_figures_bls_did_not_publish_are_said_so(reference_data, capsys):
    out = lookup(capsys, "11-1031")  # Legislators: no OEWS figure of its own
    assert "Employment: BLS published no national figure of its own for this code (OEWS May 2025)." in out
    actors = lookup(capsys, "27-2011")  # employment, but an hourly-paid wage not published
    assert "Employment: 55,000 (May 2025); median wage not published" in actors
    assert "Note: Wages for some occupations that do not generally work year-round" in actors


def test_it_says_what_is_wrong(db, reference_data, capsys):
    assert lookup(capsys, "zzzqqq") == "Nothing in the 2018 SOC matches 'zzzqqq'.\n"
    with pytest.raises(CommandError, match="Say what to look for"):
        call_command("soc_lookup", "  ")
    with pytest.raises(CommandError, match="--limit"):
        call_command("soc_lookup", "nurse", "--limit", "0")


def test_it_asks_for_the_load_first(db):
    Release.objects.all().delete()
    with pytest.raises(CommandError, match="load_reference"):
        call_command("soc_lookup", "29-9021")


def test_a_search_reads_a_fixed_number_of_queries(reference_data, django_assert_max_num_queries):
    selectors.search("nurse")  # the process's copy of the classification, read once
    for query in ("15", "nurse", "Database Administrator", "29-9021"):
        with django_assert_max_num_queries(3):  # the releases, the job titles, the figures
            hits, total = selectors.search(query)
        assert hits and all(hit.hierarchy or hit.occupation.level == "major" for hit in hits)
        with django_assert_max_num_queries(2):
            assert [hit.occupation.code for hit in selectors.search(query, titles=False)[0]] == [
                hit.occupation.code for hit in hits]


def test_a_search_after_a_reload_reads_the_new_release(reference_data):
    from reference import loading

    before = selectors.search("registrar")[0]
    loading.load(force=True)
    release = Release.objects.get(kind=Release.Kind.SOC)
    after = selectors.search("registrar")[0]
    assert [hit.occupation.code for hit in after] == [hit.occupation.code for hit in before]
    assert {hit.occupation.release_id for hit in after} == {release.pk}
    assert all(type(hit.occupation).objects.filter(pk=hit.occupation.pk).exists() for hit in after)
    assert [group.code for group in after[0].hierarchy] == ["29-0000", "29-9000", "29-9020"]

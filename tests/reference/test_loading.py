"""load_reference: the shipped 2018 SOC and OEWS May 2025 files into the database, whole,
once; a damaged file refused with where and what, the loaded release left as it was."""

import re
import shutil

import pytest
from django.core.management import CommandError, call_command

from reference import loading
from reference.models import Estimate, Footnote, MatchTitle, Occupation, Release

pytestmark = pytest.mark.django_db


def test_it_loads_every_group_of_the_2018_soc_and_the_national_figures(capsys):
    call_command("load_reference", "--force")
    out = capsys.readouterr().out
    assert "2018 Standard Occupational Classification: loaded (23 major, 98 minor, 459 broad, 867 detailed, " \
           "6,520 direct-match titles)" in out
    soc = Release.objects.get(key="soc-2018")
    counts = {level: Occupation.objects.filter(release=soc, level=level).count() for level in Occupation.Level.values}
    assert counts == {"major": 23, "minor": 98, "broad": 459, "detailed": 867}
    assert MatchTitle.objects.count() == 6520
    oews = Release.objects.get(key="oews-2025-05")
    assert oews.source == "U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, May 2025"
    assert (oews.year, oews.period) == (2025, "May 2025")
    assert Estimate.objects.filter(release=oews, sector_code="").count() == 1104
    registrars = Estimate.objects.get(release=oews, sector_code="", soc_code="29-9021")
    assert (registrars.employment, registrars.median_wage) == (38100, 68020)
    in_health_care = Estimate.objects.get(release=oews, sector_code="62--63", soc_code="15-1200")
    assert (in_health_care.sector, in_health_care.employment) == ("Sector 62 - Health Care and Social Assistance", 156600)
    assert Footnote.objects.get(release=oews, code="8").text == "Estimate not released."


def test_it_knows_the_hierarchy():
    loading.load()
    dba = Occupation.objects.select_related("parent__parent__parent").get(code="15-1242")
    assert dba.title == "Database Administrators" and dba.level == "detailed"
    assert [dba.parent.code, dba.parent.parent.code, dba.parent.parent.parent.code] == ["15-1240", "15-1200", "15-0000"]
    assert dba.parent.parent.parent.parent is None
    # the physicians' broad occupation, 29-1210, holds 29-1211 to 29-1229
    assert Occupation.objects.get(code="29-1221").parent.code == "29-1210"
    assert Occupation.objects.get(code="29-9021").definition.startswith("Apply knowledge of healthcare and information systems")
    assert not Occupation.objects.exclude(level="detailed").exclude(definition="").exists()
    assert not Occupation.objects.filter(parent=None).exclude(level="major").exists()


def test_a_second_load_changes_nothing(capsys, django_assert_max_num_queries):
    loading.load()
    before = list(Occupation.objects.order_by("id").values_list("id", "code"))
    with django_assert_max_num_queries(2):  # the releases' checksums, no write
        call_command("load_reference")
    assert capsys.readouterr().out.count(": unchanged (checked in") == 2
    assert list(Occupation.objects.order_by("id").values_list("id", "code")) == before
    call_command("load_reference", "--force")
    assert Occupation.objects.count() == 1447 and Release.objects.count() == 2


def _broken_figure(text: str) -> str:
    return text.replace("Medical Registrars,38100,", "Medical Registrars,38,100,")


@pytest.mark.parametrize("name, damage, said", [
    ("soc2018/definitions.csv", lambda data: data.replace(b"detailed,15-1242,", b"detailled,15-1242,"),
     r"line \d+: level 'detailled' is not one of major, minor, broad, detailed\."),
    ("oews2025/national.csv", lambda data: _broken_figure(data.decode()).encode(),
     r"line \d+: 9 fields where 8 are expected\."),
    ("oews2025/national_by_sector.csv", lambda data: data[:len(data) // 2], r"line \d+: "),
    ("soc2018/direct_match_titles.csv", lambda data: data.replace(b"15-1242,", b"15-1249,", 1),
     r"line \d+: 15-1249 is not a detailed occupation of definitions\.csv\."),
    ("oews2025/footnotes.csv", lambda data: b"\xff\xfe" + data, r": not UTF-8 text \(byte 0\)\."),
    ("oews2025/national.csv", lambda data: data.replace(b"soc_code,title,", b"code,title,", 1),
     r": the first line should be soc_code,title,"),
])
def test_a_damaged_file_is_refused_saying_where_and_the_loaded_release_stays(tmp_path, name, damage, said):
    loading.load()
    loaded = {release.key: release.checksum for release in Release.objects.all()}
    data = tmp_path / "data"
    shutil.copytree(loading.DATA, data)
    path = data / name
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(CommandError) as refused:
        call_command("load_reference", "--data", str(data))
    message = str(refused.value)
    assert message.startswith(f"Reference data not loaded: {path}")
    assert re.search(said, message), message
    assert {release.key: release.checksum for release in Release.objects.all()} == loaded
    assert Occupation.objects.count() == 1447 and Estimate.objects.filter(sector_code="").count() == 1104


def test_a_missing_file_is_said(tmp_path):
    Release.objects.all().delete()
    data = tmp_path / "data"
    shutil.copytree(loading.DATA, data)
    (data / "soc2018" / "definitions.csv").unlink()
    with pytest.raises(CommandError, match="definitions.csv: No such file or directory"):
        call_command("load_reference", "--data", str(data))
    assert not Release.objects.exists()

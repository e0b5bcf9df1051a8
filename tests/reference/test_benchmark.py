"""`manage.py benchmark --only reference`: the search's server time and the load's."""

import pytest
from django.core.management import call_command

from reference.benchmark import QUERIES
from reference.models import Occupation

pytestmark = pytest.mark.django_db


def test_it_times_each_search_and_the_load_and_leaves_the_data_as_it_was(reference_data, capsys):
    call_command("benchmark", "--only", "reference", "--repeat", "1")
    out = capsys.readouterr().out
    rows = {line[:24].strip(): line[24:].split() for line in out.splitlines() if line[:24].strip() in QUERIES}
    assert list(rows) == list(QUERIES)
    assert all(int(found) > 0 and float(page) > 0 and float(search) > 0 for found, page, _, search in rows.values())
    assert rows["29-9021"][0] == "1" and rows["Database Administrator"][0] == "3"
    assert "slowest search page:" in out and "(goal: at most 20 ms:" in out
    assert "load_reference: " in out and "with nothing changed (2 queries)" in out
    assert Occupation.objects.count() == 1447

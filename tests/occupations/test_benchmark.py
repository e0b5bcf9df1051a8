import pytest
from django.core.management import CommandError, call_command

from occupations.models import Proposal


def test_it_prints_the_page_time_for_each_size_and_leaves_nothing_behind(db, capsys):
    call_command("benchmark", sizes="5,20", repeat=2)
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.strip() and line.split()[0].isdigit()]
    assert [row[0] for row in rows] == ["5", "20"]
    assert all(float(row[1]) > 0 for row in rows)
    assert rows[0][4] == rows[1][4]  # the same number of queries at both sizes
    assert not Proposal.objects.exists()


def test_it_says_what_is_wrong_with_its_sizes(db):
    with pytest.raises(CommandError, match="whole numbers"):
        call_command("benchmark", sizes="ten")

"""`manage.py benchmark --only consensus`: a round on every entry of a generated proposal,
rated by every member; the page with results beside the page without."""

from django.contrib.auth import get_user_model
from django.core.management import call_command

from consensus.models import Rating, Round
from occupations.models import Proposal


def test_it_measures_a_rated_proposal_and_leaves_nothing_behind(db, capsys):
    call_command("benchmark", "--only", "consensus", "--consensus-entries", "24", "--consensus-raters", "6",
                 "--repeat", "1")
    out = capsys.readouterr().out
    assert "a round on 24 entries rated by 6 members (144 ratings)" in out
    rows = {line[:34].strip(): line[34:].split() for line in out.splitlines()
            if line.startswith(("page,", "results", "report"))}
    assert list(rows) == ["page, no round: first", "page, no round: after an edit", "page, round open: after an edit",
                          "results of the round", "report as a spreadsheet", "page, with results: first",
                          "page, with results: after an edit"]
    assert all(float(row[0]) > 0 for row in rows.values())
    assert int(rows["results of the round"][3]) == 3  # three queries, whatever the number of ratings
    assert int(rows["page, with results: first"][4]) > int(rows["page, no round: first"][4])  # KiB: the results
    classes = dict(part.rsplit(" ", 1) for part in out.split("classes: ")[1].splitlines()[0].split(", "))
    assert set(classes) == {"Core", "Supplemental", "Contested", "Not relevant"}  # a spread of opinions
    assert sum(int(count) for count in classes.values()) == 24
    assert "page with results / without, first:" in out
    assert not Proposal.objects.exists() and not Round.objects.exists() and not Rating.objects.exists()
    assert not get_user_model().objects.filter(username__startswith="benchmark-").exists()

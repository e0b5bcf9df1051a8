"""The Delphi second round: a closed round's contested entries (and, if asked, those with
too few ratings) rated again, each beside its first round's result."""

import csv

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from lxml import html as lxml_html

from consensus import selectors, services
from consensus.models import Round
from occupations.entries import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def first(proposal, owner, health_it, member_of):
    """Round 1 closed: the first task Core, the second Contested (3 of 6), the third unrated."""
    tasks = list(Task.objects.filter(group=health_it).order_by("position", "id"))
    round_ = services.round_open(proposal=proposal, by=owner, entry_kind="task", group=health_it, anonymous=False)
    people = [member_of("reviewer", username=f"r{number}") for number in range(6)]
    for number, person in enumerate(people):
        services.rating_set(round_=round_, by=person, path=f"task:{tasks[0].pk}", relevant="yes", importance=4)
        services.rating_set(round_=round_, by=person, path=f"task:{tasks[1].pk}",
                            relevant="yes" if number < 3 else "no", importance=3 if number < 3 else None,
                            reason="" if number < 3 else "Not informatics.")
    return services.round_close(round_=round_, by=owner), tasks, people


def test_round_two_rates_only_the_contested_entries(first, owner, proposal):
    round_, tasks, people = first
    again = services.round_open_again(round_=round_, by=owner)
    assert (again.number, again.follows, again.anonymous) == (2, round_, False)
    assert again.scope_label == "Contested entries of round 1: Tasks of Health Information Technology (Health IT)"
    assert [entry.pk for _, entry in selectors.entries_in_scope(again)] == [tasks[1].pk]
    with pytest.raises(ValidationError) as refused:
        services.rating_set(round_=again, by=people[0], path=f"task:{tasks[0].pk}", relevant="yes", importance=5)
    assert refused.value.code == "not_in_round"
    services.rating_set(round_=again, by=people[0], path=f"task:{tasks[1].pk}", relevant="yes", importance=5)


def test_with_too_few_ratings_too(first, owner):
    round_, tasks, people = first
    again = services.round_open_again(round_=round_, by=owner, too_few=True)
    assert [entry.pk for _, entry in selectors.entries_in_scope(again)] == [tasks[1].pk, tasks[2].pk]


def test_it_refuses_an_open_round_and_one_with_nothing_contested(proposal, owner, health_it, first):
    round_, tasks, people = first
    open_round = services.round_open(proposal=proposal, by=owner, entry_kind="task", group=health_it)
    with pytest.raises(ValidationError) as refused:
        services.round_open_again(round_=open_round, by=owner)
    assert refused.value.code == "round_open"
    services.round_close(round_=open_round, by=owner)  # nobody rated: all too few, none contested
    with pytest.raises(ValidationError) as refused:
        services.round_open_again(round_=open_round, by=owner)
    assert refused.value.code == "nothing_contested"
    assert Round.objects.count() == 2


def test_only_a_coordinator_opens_round_two(first, member_of):
    round_, tasks, people = first
    with pytest.raises(PermissionDenied):
        services.round_open_again(round_=round_, by=people[0])


def test_the_pages_show_round_two_beside_round_ones_result(client, first, owner, proposal):
    round_, tasks, people = first
    client.force_login(owner)
    answer = client.post(reverse("round_again", args=[proposal.pk, 1]), follow=True)
    assert "Round 2 is open: Contested entries of round 1" in answer.content.decode()
    assert "(1 entry)" in answer.content.decode()
    client.force_login(people[0])
    doc = lxml_html.fromstring(client.get(reverse("proposal_detail", args=[proposal.pk])).content.decode())
    assert doc.xpath(f'//*[@id="rating-2-task-{tasks[1].pk}"]')
    assert not doc.xpath(f'//*[@id="rating-2-task-{tasks[0].pk}"]')
    rate = lxml_html.fromstring(client.get(reverse("round_rate", args=[proposal.pk, 2])).content.decode())
    before = rate.xpath('string(//*[contains(@class, "rate-before")])')
    assert "The panel's result in round 1:" in before and "Contested" in before and "50% relevant" in before
    assert "Not informatics." in before and "R3 Tester" in before  # a named round names its raters
    client.force_login(people[1])
    assert client.post(reverse("round_again", args=[proposal.pk, 1])).status_code == 403


@pytest.fixture
def second(first, owner):
    """Round 2 closed: the contested task now Core (5 of 6 say relevant, importance 4)."""
    round_, tasks, people = first
    again = services.round_open_again(round_=round_, by=owner)
    for number, person in enumerate(people):
        services.rating_set(round_=again, by=person, path=f"task:{tasks[1].pk}",
                            relevant="yes" if number < 5 else "no", importance=4 if number < 5 else None,
                            reason="" if number < 5 else "Still not informatics.")
    return services.round_close(round_=again, by=owner), tasks, people


def test_it_shows_how_each_entry_moved_between_rounds(client, second, proposal):
    again, tasks, people = second
    client.force_login(people[0])
    doc = lxml_html.fromstring(client.get(reverse("proposal_detail", args=[proposal.pk])).content.decode())
    moved = doc.xpath(f'string(//*[@id="task-{tasks[1].pk}"]//*[contains(@class, "rating-movement")])')
    assert moved.split() == "Rounds 1 → 2 · Contested → Core · relevant 50% → 83% · importance 3.0 → 4.0".split()
    badge = doc.xpath(f'string(//*[@id="task-{tasks[1].pk}"]//*[contains(@class, "result-badge")])')
    assert badge == "Core"
    # the task round 2 did not rate keeps its round 1 result, with no movement
    assert not doc.xpath(f'//*[@id="task-{tasks[0].pk}"]//*[contains(@class, "rating-movement")]')
    listing = lxml_html.fromstring(client.get(reverse("round_list", args=[proposal.pk])).content.decode())
    assert listing.xpath('string(//*[@id="round-2"]//*[contains(@class, "round-moved")])') == \
        "Since round 1: 1 Contested → Core."


def test_every_round_is_reported_and_round_two_with_round_ones_figures(client, second, proposal, tmp_path):
    again, tasks, people = second
    out = tmp_path / "round1.csv"
    call_command("consensus_report", proposal.pk, "--round", "1", "--out", str(out))
    first_rows = out.read_text(encoding="utf-8-sig").splitlines()
    assert "round_1_class" not in first_rows[0] and len(first_rows) == 1 + 3
    call_command("consensus_report", proposal.pk, "--round", "2", "--out", str(out))
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [(row["path"], row["round_1_class"], row["round_1_relevant_pct"], row["class"]) for row in rows] == [
        (f"task:{tasks[1].pk}", "Contested", "50.0", "Core")]

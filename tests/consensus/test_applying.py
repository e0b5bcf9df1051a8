"""A closed round's results turned into the text: Core tasks required, Supplemental ones
"may", Not relevant ones suggested for removal; reviewed first, applied through the
version-checked write, the history saying which round."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from lxml import html as lxml_html

from comments.models import Suggestion
from consensus import applying, services
from occupations import services as occupations
from occupations.entries import Task
from occupations.kinds import kind_for

pytestmark = pytest.mark.django_db


def _rate(round_, people, task, answers: str, importance: int):
    for person, answer in zip(people, answers):
        services.rating_set(round_=round_, by=person, path=f"task:{task.pk}", relevant="yes" if answer == "y" else "no",
                            importance=importance if answer == "y" else None,
                            reason="" if answer == "y" else "Not this occupation.")


@pytest.fixture
def rated(proposal, owner, health_it, member_of):
    """Round 1 closed on Health IT's four tasks: the first Core (but a "may" statement
    now), the second Supplemental, the third Not relevant, the fourth Contested (and a
    "may" statement now)."""
    occupations.entry_create(entry_kind=kind_for("task"), proposal=proposal, group=health_it,
                             text="Lead the informatics team.", by=owner)
    tasks = list(Task.objects.filter(group=health_it).order_by("position", "id"))
    for task in (tasks[0], tasks[3]):
        occupations.object_update(task, values={"is_may": True}, base_version=task.version, by=owner)
    people = [member_of("reviewer", username=f"r{number}") for number in range(5)]
    round_ = services.round_open(proposal=proposal, by=owner, entry_kind="task", group=health_it)
    _rate(round_, people, tasks[0], "yyyyy", 4)
    _rate(round_, people, tasks[1], "yyyyy", 2)
    _rate(round_, people, tasks[2], "ynnnn", 3)
    _rate(round_, people, tasks[3], "yynnn", 3)
    return services.round_close(round_=round_, by=owner), tasks, people


def _task(task) -> Task:
    return Task.objects.get(pk=task.pk)


def test_it_lists_each_class_as_its_change(rated):
    round_, tasks, people = rated
    plan = applying.plan(round_)
    assert [(change.entry.pk, change.action, change.result.kind) for change in plan.changes] == [
        (tasks[0].pk, "required", "Core"), (tasks[1].pk, "may", "Supplemental"),
        (tasks[2].pk, "remove", "Not relevant")]
    assert (plan.settled, plan.undecided) == (0, 1)  # the contested task is left as it is
    assert "100% relevant (5 yes, 0 no)" in plan.changes[0].figures


def test_applying_changes_the_text_and_the_history_says_which_round(rated, owner):
    round_, tasks, people = rated
    chosen = [change.value for change in applying.plan(round_).changes]
    outcome = applying.apply(round_=round_, by=owner, chosen=chosen)
    assert len(outcome.applied) == 3 and not outcome.conflicts
    assert (_task(tasks[0]).is_may, _task(tasks[1]).is_may) == (False, True)
    assert _task(tasks[0]).history.first().history_change_reason == "From rating round 1: Core"
    assert _task(tasks[1]).history.first().history_change_reason == "From rating round 1: Supplemental"
    removal = Suggestion.objects.get(path=f"task:{tasks[2].pk}", kind=Suggestion.Kind.REMOVE_ENTRY)
    assert removal.status == Suggestion.Status.OPEN and removal.created_by == owner
    assert "From rating round 1: Not relevant (5 raters · 20% relevant" in removal.thread.comments.first().text
    assert Task.objects.filter(pk=tasks[2].pk).exists()  # the group decides
    again = applying.plan(round_)
    assert again.changes == [] and again.settled == 3
    assert applying.apply(round_=round_, by=owner, chosen=chosen).gone  # twice changes nothing


def test_a_second_round_applies_each_entrys_latest_result(rated, owner):
    round_, tasks, people = rated
    second = services.round_open_again(round_=round_, by=owner)
    _rate(second, people, tasks[3], "yyyyn", 4)
    second = services.round_close(round_=second, by=owner)
    plan = applying.plan(second)
    assert [(change.entry.pk, change.round.number) for change in plan.changes] == [
        (tasks[0].pk, 1), (tasks[1].pk, 1), (tasks[2].pk, 1), (tasks[3].pk, 2)]
    applying.apply(round_=second, by=owner, chosen=[change.value for change in plan.changes])
    assert _task(tasks[3]).is_may is False
    assert _task(tasks[3]).history.first().history_change_reason == "From rating round 2: Core"
    assert applying.plan(second).undecided == 0  # every task now Core or "may", or up for removal


def test_an_entry_edited_since_the_round_closed_is_shown_and_skipped_unless_chosen(client, rated, owner, editor):
    round_, tasks, people = rated
    occupations.object_update(tasks[1], values={"text": "Design and test informatics solutions."},
                              base_version=tasks[1].version, by=editor)
    plan = applying.plan(round_)
    edited = [change for change in plan.changes if change.edited is not None]
    assert [change.entry.pk for change in edited] == [tasks[1].pk]
    client.force_login(editor)
    page = lxml_html.fromstring(client.get(reverse("round_apply", args=[round_.proposal_id, 1])).content.decode())
    boxes = {box.get("value").split("@")[0]: box.get("checked") is not None for box in page.xpath('//input[@name="change"]')}
    assert boxes == {f"task:{tasks[0].pk}": True, f"task:{tasks[1].pk}": False, f"task:{tasks[2].pk}": True}
    assert "Edited since round 1 closed, by Editor Tester" in page.xpath(
        f'string(//*[@id="apply-task{tasks[1].pk}"])')
    # sent as the form sends it: the edited task unticked, so untouched
    answer = client.post(reverse("round_apply", args=[round_.proposal_id, 1]),
                         {"change": [change.value for change in plan.changes if change.edited is None]}, follow=True)
    assert "Applied 2 changes: 1 made required, 1 suggested for removal." in answer.content.decode()
    assert _task(tasks[1]).is_may is False
    # ticked, it is applied
    applying.apply(round_=round_, by=editor, chosen=[edited[0].value])
    assert _task(tasks[1]).is_may is True


def test_a_concurrent_edit_is_a_conflict_shown_as_for_edits(client, rated, owner, editor):
    round_, tasks, people = rated
    reviewed = [change.value for change in applying.plan(round_).changes]
    # while the editor reads the list, the coordinator rewrites the Supplemental task
    occupations.object_update(tasks[1], values={"text": "Design, build and test informatics solutions."},
                              base_version=tasks[1].version, by=owner)
    client.force_login(editor)
    answer = client.post(reverse("round_apply", args=[round_.proposal_id, 1]), {"change": reviewed})
    assert answer.status_code == 409
    page = lxml_html.fromstring(answer.content.decode())
    alert = page.xpath('string(//*[contains(@class, "conflict")])')
    assert "Not applied: Design informatics solutions." not in alert  # it names the task as it is now
    assert "saved this task" in alert and "Design, build and test informatics solutions." in alert
    assert page.xpath('//*[contains(@class, "conflict-mine")]//text()')[-1].strip() == "Design informatics solutions."
    assert _task(tasks[1]).is_may is False  # not applied
    assert _task(tasks[0]).is_may is False  # the others were
    # listed again, now with the words saved since, to review and apply
    assert [change.entry.pk for change in applying.plan(round_).changes] == [tasks[1].pk]


def test_only_editors_and_coordinators_apply(client, rated, proposal, editor, outsider, observer):
    round_, tasks, people = rated
    url = reverse("round_apply", args=[proposal.pk, 1])
    client.force_login(people[0])
    assert client.get(url).status_code == 403
    assert client.post(url, {"change": [f"task:{tasks[0].pk}@{tasks[0].version}"]}).status_code == 403
    with pytest.raises(PermissionDenied):
        applying.apply(round_=round_, by=people[0], chosen=[change.value for change in applying.plan(round_).changes])
    client.force_login(observer)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(editor)
    assert client.get(url).status_code == 200
    assert _task(tasks[0]).is_may is True
    listing = client.get(reverse("round_list", args=[proposal.pk])).content.decode()
    assert f'href="{url}"' in listing
    client.force_login(people[0])
    assert f'href="{url}"' not in client.get(reverse("round_list", args=[proposal.pk])).content.decode()


def test_an_open_round_has_nothing_to_apply(client, proposal, owner, health_it):
    services.round_open(proposal=proposal, by=owner, entry_kind="task", group=health_it)
    client.force_login(owner)
    answer = client.get(reverse("round_apply", args=[proposal.pk, 1]), follow=True)
    assert "Round 1 is still open" in answer.content.decode()


def test_a_malformed_or_stale_form_applies_nothing_and_says_so(client, rated, proposal, editor):
    round_, tasks, people = rated
    client.force_login(editor)
    answer = client.post(reverse("round_apply", args=[proposal.pk, 1]),
                         {"change": ["junk", f"task:{tasks[0].pk}@x", "task:999999@1", "\x00@@"]}, follow=True)
    assert answer.status_code == 200
    assert "4 changes were no longer needed" in answer.content.decode()
    assert _task(tasks[0]).is_may is True
    answer = client.post(reverse("round_apply", args=[proposal.pk, 1]), {}, follow=True)
    assert "Nothing was ticked: nothing applied." in answer.content.decode()

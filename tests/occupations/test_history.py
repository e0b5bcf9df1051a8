"""Reading history: every version of one object, and a proposal's recent changes."""

import pytest

from occupations import history, services
from occupations.diffs import DELETE, EQUAL, INSERT, Piece
from occupations.kinds import kind_for
from occupations.models import Narrative, OccupationGroup, Proposal

TASK = kind_for("task")


def _task(proposal, by, text="Analyze clinical data to improve outcomes."):
    return services.entry_create(entry_kind=TASK, proposal=proposal, by=by, text=text)


def _edit(obj, by, **values):
    return services.object_update(obj, values=values, base_version=obj.version, by=by)


def test_it_lists_an_objects_versions_newest_first_with_word_diffs_and_users(proposal, owner, editor):
    task = _task(proposal, owner)
    task = _edit(task, editor, text="Analyze clinical data to improve patient outcomes.")
    task = _edit(task, owner, is_may=True)

    versions = history.object_records(type(task), task.pk, proposal)

    assert [(v.version, v.label, v.who) for v in versions] == [
        (3, "Changed", owner), (2, "Changed", editor), (1, "Created", owner),
    ]
    flag, = versions[0].changes
    assert (flag.name, flag.is_text, flag.old, flag.new) == ("is_may", False, "no", "yes")
    text, = versions[1].changes
    assert text.is_text and text.label == "text"
    assert list(text.pieces) == [
        Piece(EQUAL, "Analyze clinical data to improve "), Piece(INSERT, "patient "),
        Piece(EQUAL, "outcomes."),
    ]
    created_text = versions[2].changes[0]
    assert list(created_text.pieces) == [Piece(INSERT, "Analyze clinical data to improve outcomes.")]
    assert all(v.path == f"task:{task.pk}" for v in versions)
    assert versions[0].what == "task “Analyze clinical data to improve patient outcomes.”"


def test_it_shows_codes_and_choices_as_old_and_new(proposal, owner):
    group = services.group_create(proposal=proposal, level="major", code="29-0000", title="Healthcare", by=owner)
    group = _edit(group, owner, code="15-0000", title="Healthcare practitioners")

    newest = history.object_records(OccupationGroup, group.pk, proposal)[0]

    by_name = {change.name: change for change in newest.changes}
    assert (by_name["code"].old, by_name["code"].new, by_name["code"].is_text) == ("29-0000", "15-0000", False)
    assert by_name["title"].is_text
    created = history.object_records(OccupationGroup, group.pk, proposal)[1]
    level = next(change for change in created.changes if change.name == "level")
    assert level.new == "Major group"


def test_it_labels_restores_and_keeps_the_history_of_a_deleted_object(proposal, owner, editor):
    task = _task(proposal, owner, text="Old words.")
    task = _edit(task, owner, text="New words.")
    first = task.history.get(version=1)
    services.object_restore(task, record=first, by=editor)
    task.refresh_from_db()
    pk = task.pk
    deletion = services.object_delete(task, by=owner)

    versions = history.object_records(type(task), pk, proposal)
    assert [v.label for v in versions] == ["Deleted", "Restored version 1", "Changed", "Created"]
    assert versions[1].who == editor
    assert [(p.op, p.text) for p in versions[0].changes[0].pieces] == [(DELETE, "Old words.")]

    services.deletion_undo(deletion, proposal=proposal, by=editor)
    assert history.object_records(type(task), pk, proposal)[0].label == "Deletion undone"


def test_it_keeps_to_the_proposal_it_is_asked_about(proposal, owner):
    other = services.proposal_create(title="Another proposal", created_by=owner)
    task = _task(other, owner)
    assert history.object_records(type(task), task.pk, proposal) == []
    assert history.object_records(Proposal, other.pk, proposal) == []
    assert [v.label for v in history.object_records(Proposal, proposal.pk, proposal)] == ["Created"]


def test_recent_changes_merge_every_kind_newest_first(proposal, owner, editor):
    group = services.group_create(proposal=proposal, level="major", code="29-0000", title="Healthcare", by=owner)
    task = _task(proposal, editor)
    skill = services.entry_create(entry_kind=kind_for("skill"), proposal=proposal, name="Writing", by=editor)
    narrative = services.narrative_set(proposal=proposal, item="nature_of_work", text="They work.", by=owner)
    skill_pk = skill.pk
    _edit(task, owner, text="Analyze clinical data to improve patient outcomes.")
    _edit(proposal, editor, introduction="Why this proposal.")
    services.object_delete(skill, by=owner)

    changes = history.recent_changes(proposal)

    summary = [(c.label, c.path, c.who) for c in changes]
    assert summary[:4] == [
        ("Deleted", f"skill:{skill_pk}", owner),
        ("Changed", f"proposal:{proposal.pk}", editor),
        ("Changed", f"task:{task.pk}", owner),
        ("Created", f"narrative:{narrative.pk}", owner),
    ]
    assert ("Created", f"group:{group.pk}", owner) in summary
    assert summary[-1] == ("Created", f"proposal:{proposal.pk}", owner)
    assert any(c.what == "membership of Owner Tester" for c in changes)
    times = [c.when for c in changes]
    assert times == sorted(times, reverse=True)

    task_change = changes[2]
    assert task_change.what == "task “Analyze clinical data to improve patient outcomes.”"
    assert [(p.op, p.text) for p in task_change.changes[0].pieces] == [
        (EQUAL, "Analyze clinical data to improve "), (INSERT, "patient "), (EQUAL, "outcomes."),
    ]
    intro = changes[1].changes[0]
    assert intro.label == "introduction and purpose" and intro.is_text


def test_recent_changes_page_back_with_before(proposal, owner):
    for n in range(5):
        _task(proposal, owner, text=f"Task {n}.")
    first_page = history.recent_changes(proposal, limit=3)
    second_page = history.recent_changes(proposal, limit=3, before=first_page[-1].when)
    assert [c.what for c in first_page] == ["task “Task 4.”", "task “Task 3.”", "task “Task 2.”"]
    assert [c.what for c in second_page][:2] == ["task “Task 1.”", "task “Task 0.”"]


def test_recent_changes_shorten_long_diffs(proposal, owner):
    words = " ".join(f"word{n}" for n in range(60))
    task = _task(proposal, owner, text=words)
    _edit(task, owner, text=words.replace("word30", "changed"))
    diff = history.recent_changes(proposal, limit=1)[0].changes[0].pieces
    text = "".join(piece.text for piece in diff)
    assert text.startswith("… ") and text.endswith(" …")
    assert "word30" in text and "changed" in text and "word0 " not in text
    assert len(text) < 120


def _many_changes(proposal, owner, count: int):
    """count changes spread over tasks, skills, groups and narratives."""
    group = services.group_create(proposal=proposal, level="major", code="29-0000", title="G", by=owner)
    skill = services.entry_create(entry_kind=kind_for("skill"), proposal=proposal, name="S", by=owner)
    task = _task(proposal, owner, text="T0")
    narrative = services.narrative_set(proposal=proposal, item="licensing", text="N0", by=owner)
    objects = [(task, "text"), (skill, "name"), (group, "title"), (narrative, "text")]
    for n in range(count):
        obj, field = objects[n % len(objects)]
        obj = _edit(obj, owner, **{field: f"{field} {n}"})
        objects[n % len(objects)] = (obj, field)


@pytest.mark.parametrize("count", [10, 200])
def test_recent_changes_take_a_fixed_number_of_queries(proposal, owner, count, django_assert_max_num_queries):
    _many_changes(proposal, owner, count)
    tables = len(history.history_models())
    with django_assert_max_num_queries(2 * tables):
        changes = history.recent_changes(proposal, limit=100)
        # Everything a page shows is loaded: users, diffs, descriptions.
        [(c.who_name, c.what, c.changes) for c in changes]
    assert len(changes) == min(100, count + 6)
    assert sum(bool(c.changes) for c in changes) >= min(count, 90)


def test_narratives_and_memberships_read_well(proposal, owner, member_of):
    member = member_of("reviewer", "rita")
    services.membership_set(proposal=proposal, user=member, role="editor", by=owner)
    group = services.group_create(proposal=proposal, level="major", code="29-0000", title="G", by=owner)
    services.narrative_set(proposal=proposal, group=group, item="licensing", text="Depends.", by=owner)
    changes = history.recent_changes(proposal)
    assert changes[0].what == "text of “Licensing” of a group"
    role = next(c for c in changes if c.what == "membership of Rita Tester" and c.label == "Changed")
    assert (role.changes[0].old, role.changes[0].new) == ("Reviewer", "Editor")
    assert role.path == ""
    assert Narrative.objects.get().pk == history.object_records(
        Narrative, Narrative.objects.get().pk, proposal)[0].object_id

"""Threads and suggestions follow the text through the proposal's own writes: edits,
restores, deletes and undo. Nothing is ever dropped."""

import pytest

from comments.anchoring import anchor_at
from comments.models import Suggestion, Thread
from occupations import services
from occupations.kinds import kind_for
from occupations.entries import Task

TEXT = "Analyze and interpret clinical data to improve health systems services."


@pytest.fixture
def task(proposal, owner):
    return services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text=TEXT, by=owner)


def on_span(model, task, quote, **fields):
    start = TEXT.index(quote)
    anchor = anchor_at(TEXT, start, start + len(quote))
    return model.objects.create(
        proposal=task.proposal, path=f"task:{task.pk}.text", start=anchor.start, end=anchor.end,
        quote=anchor.quote, original_quote=anchor.quote, prefix=anchor.prefix, suffix=anchor.suffix, **fields)


def edit(task, text, by):
    return services.object_update(Task.objects.get(pk=task.pk), values={"text": text},
                                  base_version=Task.objects.get(pk=task.pk).version, by=by)


def test_it_moves_a_thread_with_its_words_when_text_before_them_changes(task, editor):
    thread = on_span(Thread, task, "clinical data")
    edit(task, "Collect, analyze and interpret clinical data to improve health systems services.", editor)
    thread.refresh_from_db()
    new_text = Task.objects.get(pk=task.pk).text
    assert (thread.quote, thread.is_detached) == ("clinical data", False)
    assert new_text[thread.start:thread.end] == "clinical data"
    assert thread.start == TEXT.index("clinical data") + len("Collect, a") - 1


def test_it_detaches_a_thread_whose_words_are_gone_and_keeps_its_quote(task, editor):
    thread = on_span(Thread, task, "clinical data")
    edit(task, "Improve health systems services.", editor)
    thread.refresh_from_db()
    assert thread.is_detached
    assert thread.original_quote == "clinical data"


def test_it_marks_a_suggestion_outdated_when_its_span_changes_underneath(task, editor):
    suggestion = on_span(Suggestion, task, "clinical data", replacement="patient data")
    untouched = on_span(Suggestion, task, "health systems", replacement="health care systems")
    edit(task, TEXT.replace("clinical data", "clinical and claims data"), editor)
    suggestion.refresh_from_db()
    untouched.refresh_from_db()
    assert suggestion.is_outdated
    assert not untouched.is_outdated
    new_text = Task.objects.get(pk=task.pk).text
    assert new_text[untouched.start:untouched.end] == "health systems"


def test_it_follows_a_restore_from_history(task, editor):
    thread = on_span(Thread, task, "health systems")
    edit(task, "Improve " + TEXT, editor)
    services.object_restore(Task.objects.get(pk=task.pk), record=task.history.get(version=1), by=editor)
    thread.refresh_from_db()
    assert (thread.start, thread.quote, thread.is_detached) == (TEXT.index("health systems"), "health systems", False)


def test_it_detaches_threads_of_a_deleted_entry_and_undo_brings_them_back(task, editor):
    span = on_span(Thread, task, "clinical data")
    whole = Thread.objects.create(proposal=task.proposal, path=f"task:{task.pk}")
    suggestion = on_span(Suggestion, task, "clinical data", replacement="patient data")
    deletion = services.object_delete(Task.objects.get(pk=task.pk), by=editor)
    for item in (span, whole, suggestion):
        item.refresh_from_db()
    assert span.is_detached and whole.is_detached and suggestion.is_outdated
    assert Thread.objects.filter(proposal=task.proposal).count() == 2  # never dropped
    services.deletion_undo(deletion, proposal=task.proposal, by=editor)
    span.refresh_from_db()
    whole.refresh_from_db()
    assert not span.is_detached and not whole.is_detached
    assert TEXT[span.start:span.end] == "clinical data"


def test_it_detaches_threads_below_a_removed_group(proposal, owner, editor):
    group = services.group_create(proposal=proposal, level="minor", title="Health IT", by=owner)
    task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, group=group, text=TEXT, by=owner)
    on_group = Thread.objects.create(proposal=proposal, path=f"group:{group.pk}.title")
    on_task = on_span(Thread, task, "clinical data")
    services.object_delete(group, by=editor)
    assert all(thread.is_detached for thread in Thread.objects.filter(pk__in=[on_group.pk, on_task.pk]))

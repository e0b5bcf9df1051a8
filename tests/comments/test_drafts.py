"""The notes of a Word draft become review threads, each with the note as its first
comment, anchored to the words it quotes; none is ever dropped, and none is made twice."""

import pytest

from comments.drafts import threads_from_draft_notes
from comments.models import Comment, Thread
from occupations import services
from occupations.entries import Task
from occupations.kinds import kind_for
from occupations.models import DraftNote

TEXT = "Develop or implement policies to ensure the privacy of protected health information."


@pytest.fixture
def task(proposal, owner):
    return services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text=TEXT, by=owner)


def note_on(task, **fields):
    return services.draft_note_add(proposal=task.proposal, **fields)


def test_it_anchors_a_note_with_a_quote_to_those_words(task):
    note_on(task, path=f"task:{task.pk}.text", quote="protected health information", kind="question",
            text="Do we mean health information?", author_name="Connie White Delaney", position=3)
    [thread] = threads_from_draft_notes(task.proposal)
    thread.refresh_from_db()
    assert TEXT[thread.start:thread.end] == thread.quote == "protected health information"
    assert thread.original_quote == thread.quote
    assert thread.prefix.endswith("the privacy of ") and thread.suffix == "."
    assert (thread.kind, thread.position, thread.is_detached) == ("question", 3, False)
    assert thread.author_label == "Connie White Delaney" and thread.created_by is None
    comment = thread.comments.get()
    assert (comment.author_label, comment.text) == ("Connie White Delaney", "Do we mean health information?")


def test_it_puts_a_note_without_a_quote_on_the_whole_entry_in_the_drafts_name(task):
    note_on(task, path=f"task:{task.pk}", kind="action", text="Seems redundant to first task.")
    [thread] = threads_from_draft_notes(task.proposal)
    thread.refresh_from_db()
    assert (thread.path, thread.start, thread.end, thread.quote) == (f"task:{task.pk}", None, None, "")
    assert not thread.is_detached
    assert thread.kind == "action"
    assert thread.author_label == thread.comments.get().author_label == "Focus group draft"


def test_it_keeps_a_note_whose_words_are_gone_as_a_detached_thread_with_its_quote(task, owner):
    note_on(task, path=f"task:{task.pk}.text", quote="protected health information", text="Only PHI?")
    services.object_update(Task.objects.get(pk=task.pk), values={"text": "Keep the data safe."},
                           base_version=Task.objects.get(pk=task.pk).version, by=owner)
    [thread] = threads_from_draft_notes(task.proposal)
    thread.refresh_from_db()
    assert thread.is_detached
    assert thread.quote == thread.original_quote == "protected health information"
    assert thread.comments.get().text == "Only PHI?"


def test_it_keeps_a_note_on_an_entry_that_is_gone_as_a_detached_thread(task, owner):
    path = f"task:{task.pk}"
    services.object_delete(Task.objects.get(pk=task.pk), by=owner)
    note_on(task, path=path, text="Seems redundant.")
    [thread] = threads_from_draft_notes(task.proposal)
    assert thread.is_detached and thread.path == path


def test_it_keeps_the_drafts_order_and_makes_nothing_twice(task):
    for position, text in [(2, "second"), (1, "first"), (3, "third")]:
        note_on(task, path=f"task:{task.pk}", text=text, position=position)
    threads = threads_from_draft_notes(task.proposal)
    assert [t.comments.get().text for t in threads] == ["first", "second", "third"]
    assert threads_from_draft_notes(task.proposal) == []
    assert Thread.objects.count() == Comment.objects.count() == 3
    assert not DraftNote.objects.exists()


def test_it_leaves_other_proposals_notes_alone(task, owner):
    other = services.proposal_create(title="Another proposal", created_by=owner)
    services.draft_note_add(proposal=other, path=f"proposal:{other.pk}", text="Not yet.")
    note_on(task, path=f"task:{task.pk}", text="Now.")
    threads_from_draft_notes(task.proposal)
    assert list(Thread.objects.values_list("proposal", flat=True)) == [task.proposal.pk]
    assert DraftNote.objects.get().proposal == other

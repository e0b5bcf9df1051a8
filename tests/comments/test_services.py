"""The review layer's writes (comments/services.py, comments/suggesting.py): threads and
their comments, resolving, action items, and suggestions from making to deciding, with
the access rules each one enforces. Every change to the proposal's text goes through
occupations.services, as a user's would."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments import services as review

from comments import suggesting
from comments.models import Comment, Suggestion, Thread
from occupations import services
from occupations.entries import JobTitle, Task
from occupations.kinds import kind_for
from occupations.models import Membership

TEXT = "Analyze and interpret clinical data to improve health systems services."
Role = Membership.Role


@pytest.fixture
def task(proposal, owner):
    return services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text=TEXT, by=owner)


@pytest.fixture
def coordinator(owner):
    return owner


def path(task, field="text"):
    return f"task:{task.pk}.{field}" if field else f"task:{task.pk}"


def span(quote, text=TEXT, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return {"start": start, "end": start + len(quote)}


def text_of(task):
    return Task.objects.get(pk=task.pk).text


def edit(task, text, by):
    current = Task.objects.get(pk=task.pk)
    return services.object_update(current, values={"text": text}, base_version=current.version, by=by)


def comment_on(task, by, quote="clinical data", text="Which data?", **kwargs):
    return review.thread_start(proposal=task.proposal, by=by, path=path(task), text=text,
                               quote=quote, **span(quote), **kwargs)


def suggest(task, by, quote, replacement, **kwargs):
    text = text_of(task)
    return suggesting.suggestion_replace(proposal=task.proposal, by=by, path=path(task),
                                     replacement=replacement, quote=quote, **span(quote, text), **kwargs)


def code_of(error_info) -> str:
    return error_info.value.code


def fresh(item):
    item.refresh_from_db()
    return item


# thread_start ---------------------------------------------------------------------------

def test_it_starts_a_thread_on_a_span_with_its_quote_and_context(task, reviewer):
    thread = comment_on(task, reviewer, text="Which data exactly?")
    thread = fresh(thread)
    start = TEXT.index("clinical data")
    assert (thread.start, thread.end) == (start, start + len("clinical data"))
    assert thread.quote == thread.original_quote == "clinical data"
    assert thread.prefix == TEXT[:start][-32:]
    assert thread.suffix == TEXT[start + len("clinical data"):][:32]
    assert thread.path == f"task:{task.pk}.text"
    assert (thread.kind, thread.status, thread.created_by, thread.is_detached) == (
        Thread.Kind.COMMENT, Thread.Status.OPEN, reviewer, False)
    assert [(c.author, c.text) for c in thread.comments.all()] == [(reviewer, "Which data exactly?")]


def test_it_starts_a_thread_on_a_whole_entry(task, reviewer):
    thread = review.thread_start(proposal=task.proposal, by=reviewer, path=path(task, ""),
                                 text="Is this a task or a work activity?", kind=Thread.Kind.QUESTION)
    thread = fresh(thread)
    assert (thread.path, thread.start, thread.end, thread.quote) == (f"task:{task.pk}", None, None, "")
    assert thread.kind == Thread.Kind.QUESTION
    assert thread.comments.get().text == "Is this a task or a work activity?"


def test_it_starts_a_thread_on_the_whole_proposal_but_not_on_another(proposal, reviewer, owner):
    thread = review.thread_start(proposal=proposal, by=reviewer, path=f"proposal:{proposal.pk}",
                                 text="Others?")
    assert (fresh(thread).path, thread.start) == (f"proposal:{proposal.pk}", None)
    other = services.proposal_create(title="Another proposal", created_by=owner)
    with pytest.raises(ValidationError) as error:
        review.thread_start(proposal=proposal, by=reviewer, path=f"proposal:{other.pk}", text="Others?")
    assert code_of(error) == "gone"


def test_it_starts_a_thread_on_a_point_when_only_start_is_given(task, reviewer):
    thread = review.thread_start(proposal=task.proposal, by=reviewer, path=path(task), text="Add more here",
                                 start=7)
    assert (thread.start, thread.end, thread.quote) == (7, 7, "")


def test_it_finds_the_quote_nearby_when_the_text_changed_since_the_page_loaded(task, reviewer, editor):
    old = span("clinical data")  # what the reviewer's page had
    edit(task, "Collect, analyze and interpret clinical data to improve health systems services.", editor)
    thread = review.thread_start(proposal=task.proposal, by=reviewer, path=path(task), text="Which data?",
                                 quote="clinical data", **old)
    text = text_of(task)
    assert text[thread.start:thread.end] == "clinical data"
    assert thread.start == text.index("clinical data") != old["start"]
    assert thread.original_quote == "clinical data"


def test_it_refuses_a_selection_whose_words_are_gone_since_the_page_loaded(task, reviewer, editor):
    old = span("clinical data")
    edit(task, "Analyze and interpret patient records to improve health systems services.", editor)
    with pytest.raises(ValidationError) as error:
        review.thread_start(proposal=task.proposal, by=reviewer, path=path(task), text="Which data?",
                            quote="clinical data", **old)
    assert code_of(error) == "moved"
    assert not Thread.objects.exists()


def test_it_refuses_a_selection_outside_the_text(task, reviewer):
    with pytest.raises(ValidationError) as error:
        review.thread_start(proposal=task.proposal, by=reviewer, path=path(task), text="Hm",
                            start=5, end=len(TEXT) + 10)
    assert code_of(error) == "outside"


@pytest.mark.parametrize("text, code", [("", "empty"), ("   \n\t ", "empty"), ("x" * 10_001, "too_long")])
def test_it_refuses_empty_or_too_long_comments(task, reviewer, text, code):
    with pytest.raises(ValidationError) as error:
        comment_on(task, reviewer, text=text)
    assert code_of(error) == code
    assert not Thread.objects.exists()


def test_it_accepts_a_comment_of_exactly_the_limit(task, reviewer):
    thread = comment_on(task, reviewer, text="x" * 10_000)
    assert len(thread.comments.get().text) == 10_000


def test_it_cleans_control_characters_from_a_comment(task, reviewer):
    thread = comment_on(task, reviewer, text="  Which\x00 data\x07?\tAnd\r\nwhen?\x1b  ")
    assert thread.comments.get().text == "Which data? And\nwhen?"


def test_it_refuses_an_unknown_kind(task, reviewer):
    with pytest.raises(ValidationError) as error:
        comment_on(task, reviewer, kind="rant")
    assert code_of(error) == "kind"


def test_it_assigns_an_action_item_to_a_member(task, reviewer, editor):
    thread = comment_on(task, reviewer, text="Get exact numbers from BLS", kind=Thread.Kind.ACTION,
                        assignee=editor)
    assert fresh(thread).assignee == editor
    assert thread.is_done is False


def test_it_refuses_to_assign_an_action_item_to_someone_outside_the_proposal(task, reviewer, outsider):
    with pytest.raises(ValidationError) as error:
        comment_on(task, reviewer, kind=Thread.Kind.ACTION, assignee=outsider)
    assert code_of(error) == "not_member"
    assert not Thread.objects.exists()


@pytest.mark.parametrize("bad_path", ["task:999999.text", "task:999999", "nonsense:1.text", "task:abc"])
def test_it_refuses_a_thread_on_a_path_that_does_not_exist(task, reviewer, bad_path):
    with pytest.raises(ValidationError) as error:
        review.thread_start(proposal=task.proposal, by=reviewer, path=bad_path, text="Hm",
                            start=0 if bad_path.endswith(".text") else None,
                            end=3 if bad_path.endswith(".text") else None)
    assert code_of(error) == "gone"
    assert not Thread.objects.exists()


def test_it_refuses_a_thread_on_another_proposals_entry(task, reviewer, owner):
    other = services.proposal_create(title="Another proposal", created_by=owner)
    with pytest.raises(ValidationError) as error:
        review.thread_start(proposal=other, by=owner, path=path(task), text="Hm", start=0, end=7)
    assert code_of(error) == "gone"


def test_it_refuses_a_thread_from_an_observer_or_an_outsider(task, observer, outsider):
    for user in (observer, outsider):
        with pytest.raises(PermissionDenied):
            comment_on(task, user)
    assert not Thread.objects.exists()


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.EDITOR, Role.COORDINATOR])
def test_it_lets_reviewers_editors_and_coordinators_start_threads(task, member_of, role):
    user = member_of(role, username=f"a-{role}")
    thread = comment_on(task, user)
    assert Thread.objects.get(pk=thread.pk).created_by == user


# comment_add / comment_edit / comment_delete --------------------------------------------

def test_it_adds_replies_in_order(task, reviewer, editor):
    thread = comment_on(task, reviewer, text="Which data?")
    review.comment_add(thread=thread, by=editor, text="Claims and EHR data.")
    review.comment_add(thread=thread, by=reviewer, text="Thanks.")
    assert [(c.author, c.text) for c in thread.comments.all()] == [
        (reviewer, "Which data?"), (editor, "Claims and EHR data."), (reviewer, "Thanks.")]


def test_it_refuses_a_reply_from_an_observer_and_an_empty_reply(task, reviewer, observer):
    thread = comment_on(task, reviewer)
    with pytest.raises(PermissionDenied):
        review.comment_add(thread=thread, by=observer, text="Me too")
    with pytest.raises(ValidationError) as error:
        review.comment_add(thread=thread, by=reviewer, text=" \x00 ")
    assert code_of(error) == "empty"
    assert thread.comments.count() == 1


def test_it_lets_the_author_edit_a_comment_and_records_when(task, reviewer):
    comment = comment_on(task, reviewer, text="Which data?").comments.get()
    assert comment.edited_at is None
    review.comment_edit(comment=comment, by=reviewer, text="Which clinical data?")
    comment = fresh(comment)
    assert comment.text == "Which clinical data?"
    assert comment.edited_at is not None


def test_it_leaves_edited_at_alone_when_the_text_did_not_change(task, reviewer):
    comment = comment_on(task, reviewer, text="Which data?").comments.get()
    review.comment_edit(comment=comment, by=reviewer, text="  Which data?  ")
    assert fresh(comment).edited_at is None


def test_it_refuses_to_let_anyone_but_the_author_edit_or_delete_a_comment(task, reviewer, editor, owner):
    comment = comment_on(task, reviewer, text="Which data?").comments.get()
    for user in (editor, owner):
        with pytest.raises(PermissionDenied):
            review.comment_edit(comment=comment, by=user, text="Changed by someone else")
        with pytest.raises(PermissionDenied):
            review.comment_delete(comment=comment, by=user)
    comment = fresh(comment)
    assert (comment.text, comment.is_deleted, comment.edited_at) == ("Which data?", False, None)


def test_it_refuses_an_author_who_is_no_longer_allowed_to_comment(task, member_of, owner):
    former = member_of(Role.REVIEWER, username="former")
    comment = comment_on(task, former).comments.get()
    services.membership_set(proposal=task.proposal, user=former, role=Role.OBSERVER, by=owner)
    with pytest.raises(PermissionDenied):
        review.comment_edit(comment=comment, by=former, text="Changed")


def test_it_removes_the_thread_when_its_only_comment_is_deleted(task, reviewer):
    thread = comment_on(task, reviewer)
    remaining = review.comment_delete(comment=thread.comments.get(), by=reviewer)
    assert remaining is None
    assert not Thread.objects.filter(pk=thread.pk).exists()
    assert not Comment.objects.exists()


def test_it_leaves_a_deleted_first_comment_in_place_when_it_has_replies(task, reviewer, editor):
    thread = comment_on(task, reviewer, text="Which data?")
    first = thread.comments.get()
    review.comment_add(thread=thread, by=editor, text="Claims and EHR data.")
    remaining = review.comment_delete(comment=first, by=reviewer)
    assert remaining.pk == thread.pk
    first = fresh(first)
    assert (first.is_deleted, first.text) == (True, "")
    assert [(c.author, c.text, c.is_deleted) for c in thread.comments.all()] == [
        (reviewer, "", True), (editor, "Claims and EHR data.", False)]


def test_it_refuses_to_edit_or_delete_a_deleted_comment_again(task, reviewer, editor):
    thread = comment_on(task, reviewer)
    first = thread.comments.get()
    review.comment_add(thread=thread, by=editor, text="A reply")
    review.comment_delete(comment=first, by=reviewer)
    with pytest.raises(PermissionDenied):
        review.comment_edit(comment=fresh(first), by=reviewer, text="Back again")
    assert fresh(first).text == ""


def test_it_deletes_a_reply_and_keeps_the_thread(task, reviewer, editor):
    thread = comment_on(task, reviewer, text="Which data?")
    reply = review.comment_add(thread=thread, by=editor, text="Oops, wrong thread")
    assert review.comment_delete(comment=reply, by=editor).pk == thread.pk
    assert Thread.objects.filter(pk=thread.pk).exists()
    assert fresh(reply).text == ""
    assert thread.comments.filter(is_deleted=False).get().text == "Which data?"


# thread_resolve -------------------------------------------------------------------------

def test_it_lets_a_reviewer_resolve_and_reopen_their_own_thread(task, reviewer):
    thread = comment_on(task, reviewer)
    review.thread_resolve(thread=thread, by=reviewer)
    thread = fresh(thread)
    assert (thread.status, thread.resolved_by) == (Thread.Status.RESOLVED, reviewer)
    assert thread.resolved_at is not None
    review.thread_resolve(thread=thread, by=reviewer, resolved=False)
    assert fresh(thread).status == Thread.Status.OPEN


def test_it_refuses_a_reviewer_resolving_someone_elses_thread(task, reviewer, member_of):
    other = member_of(Role.REVIEWER, username="other-reviewer")
    thread = comment_on(task, other)
    with pytest.raises(PermissionDenied):
        review.thread_resolve(thread=thread, by=reviewer)
    thread = fresh(thread)
    assert (thread.status, thread.resolved_by, thread.resolved_at) == (Thread.Status.OPEN, None, None)


@pytest.mark.parametrize("role", [Role.EDITOR, Role.COORDINATOR])
def test_it_lets_editors_and_coordinators_resolve_anyones_thread(task, reviewer, member_of, role):
    decider = member_of(role, username=f"a-{role}")
    thread = comment_on(task, reviewer)
    review.thread_resolve(thread=thread, by=decider)
    thread = fresh(thread)
    assert (thread.status, thread.resolved_by) == (Thread.Status.RESOLVED, decider)
    review.thread_resolve(thread=thread, by=decider, resolved=False)
    assert fresh(thread).status == Thread.Status.OPEN


def test_it_refuses_an_observer_or_outsider_resolving(task, reviewer, observer, outsider):
    thread = comment_on(task, reviewer)
    for user in (observer, outsider):
        with pytest.raises(PermissionDenied):
            review.thread_resolve(thread=thread, by=user)
    assert fresh(thread).status == Thread.Status.OPEN


# thread_action --------------------------------------------------------------------------

def test_it_assigns_and_reassigns_an_action_item(task, reviewer, editor, member_of):
    colleague = member_of(Role.REVIEWER, username="colleague")
    thread = comment_on(task, reviewer, kind=Thread.Kind.ACTION)
    assert thread.assignee is None
    review.thread_action(thread=thread, by=reviewer, assignee=colleague)
    assert fresh(thread).assignee == colleague
    review.thread_action(thread=thread, by=editor, assignee=None)
    assert fresh(thread).assignee is None


def test_it_refuses_assigning_an_action_item_to_a_non_member(task, reviewer, outsider):
    thread = comment_on(task, reviewer, kind=Thread.Kind.ACTION)
    with pytest.raises(ValidationError) as error:
        review.thread_action(thread=thread, by=reviewer, assignee=outsider)
    assert code_of(error) == "not_member"
    assert fresh(thread).assignee is None


def test_it_lets_the_assignee_mark_an_action_item_done(task, editor, member_of):
    doer = member_of(Role.REVIEWER, username="doer")
    thread = comment_on(task, editor, kind=Thread.Kind.ACTION, assignee=doer)
    review.thread_action(thread=thread, by=doer, is_done=True)
    assert fresh(thread).is_done is True
    review.thread_action(thread=thread, by=doer, is_done=False)
    assert fresh(thread).is_done is False


def test_it_refuses_others_marking_an_action_item_done_or_reassigning_it(task, editor, member_of, observer):
    doer = member_of(Role.REVIEWER, username="doer")
    bystander = member_of(Role.REVIEWER, username="bystander")
    thread = comment_on(task, editor, kind=Thread.Kind.ACTION, assignee=doer)
    for user in (bystander, observer):
        with pytest.raises(PermissionDenied):
            review.thread_action(thread=thread, by=user, is_done=True)
    with pytest.raises(PermissionDenied):
        review.thread_action(thread=thread, by=bystander, assignee=bystander)
    with pytest.raises(PermissionDenied):
        review.thread_action(thread=thread, by=doer, assignee=bystander)  # the assignee only marks done
    thread = fresh(thread)
    assert (thread.assignee, thread.is_done) == (doer, False)


def test_it_refuses_an_action_on_a_thread_that_is_not_an_action_item(task, reviewer, editor):
    thread = comment_on(task, reviewer)
    with pytest.raises(ValidationError) as error:
        review.thread_action(thread=thread, by=editor, is_done=True)
    assert code_of(error) == "not_action"
    assert fresh(thread).is_done is False


# suggestion_replace ---------------------------------------------------------------------

def test_it_suggests_replacing_a_span(task, reviewer):
    suggestion = fresh(suggest(task, reviewer, "clinical data", "patient data"))
    start = TEXT.index("clinical data")
    assert (suggestion.kind, suggestion.status, suggestion.is_outdated) == (
        Suggestion.Kind.REPLACE, Suggestion.Status.OPEN, False)
    assert (suggestion.start, suggestion.end) == (start, start + len("clinical data"))
    assert suggestion.quote == suggestion.original_quote == "clinical data"
    assert suggestion.replacement == "patient data"
    assert suggestion.created_by == reviewer
    assert suggestion.thread is None
    assert text_of(task) == TEXT  # a suggestion never changes the text by itself


def test_it_suggests_an_insertion_at_an_empty_span_and_keeps_its_edge_spaces(task, reviewer):
    at = TEXT.index(" to improve")
    suggestion = suggesting.suggestion_replace(proposal=task.proposal, by=reviewer, path=path(task),
                                           start=at, end=at, quote="", replacement=" and claims\t")
    suggestion = fresh(suggestion)
    assert (suggestion.start, suggestion.end, suggestion.quote) == (at, at, "")
    assert suggestion.replacement == " and claims "


def test_it_suggests_a_deletion_with_an_empty_replacement(task, reviewer):
    suggestion = fresh(suggest(task, reviewer, " clinical", ""))
    assert (suggestion.quote, suggestion.replacement) == (" clinical", "")


def test_it_refuses_a_suggestion_that_changes_nothing(task, reviewer):
    with pytest.raises(ValidationError) as error:
        suggest(task, reviewer, "clinical data", "clinical data")
    assert code_of(error) == "unchanged"
    at = TEXT.index(" to")
    with pytest.raises(ValidationError) as error:
        suggesting.suggestion_replace(proposal=task.proposal, by=reviewer, path=path(task), start=at, end=at,
                                  replacement="")
    assert code_of(error) == "unchanged"
    assert not Suggestion.objects.exists()


def test_it_refuses_a_suggestion_that_makes_the_text_too_long(task, proposal, reviewer, owner):
    with pytest.raises(ValidationError) as error:
        suggest(task, reviewer, "clinical data", "x" * 5_000)
    assert code_of(error) == "too_long"
    title = services.entry_create(entry_kind=kind_for("job_title"), proposal=proposal, title="Informaticist",
                                  by=owner)
    with pytest.raises(ValidationError) as error:
        suggesting.suggestion_replace(proposal=proposal, by=reviewer, path=f"job_title:{title.pk}.title",
                                  start=0, end=len("Informaticist"), replacement="y" * 301)
    assert code_of(error) == "too_long"
    assert not Suggestion.objects.exists()


def test_it_opens_a_discussion_with_the_suggestions_note(task, reviewer):
    suggestion = suggest(task, reviewer, "clinical data", "patient data", note="The seed says patient.")
    thread = fresh(suggestion).thread
    assert thread is not None and thread.path == path(task) and thread.start is None
    assert [(c.author, c.text) for c in thread.comments.all()] == [(reviewer, "The seed says patient.")]


def test_it_refuses_a_suggestion_from_an_observer_or_outsider(task, observer, outsider):
    for user in (observer, outsider):
        with pytest.raises(PermissionDenied):
            suggest(task, user, "clinical data", "patient data")
    assert not Suggestion.objects.exists()


def test_it_refuses_a_suggestion_on_a_field_that_is_not_there(task, reviewer):
    for bad_path in (f"task:{task.pk}.nope", f"task:{task.pk}", "task:999999.text", f"task:{task.pk}.is_may"):
        with pytest.raises(ValidationError) as error:
            suggesting.suggestion_replace(proposal=task.proposal, by=reviewer, path=bad_path, start=0, end=1,
                                      replacement="x")
        assert code_of(error) == "gone"


def test_it_refuses_a_suggestion_on_a_selection_whose_words_changed(task, reviewer, editor):
    old = span("clinical data")
    edit(task, "Analyze and interpret patient records to improve health systems services.", editor)
    with pytest.raises(ValidationError) as error:
        suggesting.suggestion_replace(proposal=task.proposal, by=reviewer, path=path(task), quote="clinical data",
                                  replacement="EHR data", **old)
    assert code_of(error) == "moved"


# suggestions_from_edit ------------------------------------------------------------------

def from_edit(task, by, new_text, base_text=TEXT, **kwargs):
    return suggesting.suggestions_from_edit(proposal=task.proposal, by=by, path=path(task), base_text=base_text,
                                        new_text=new_text, **kwargs)


def applied(text, suggestions):
    """The text with the suggestions applied, last span first."""
    for item in sorted(suggestions, key=lambda s: -s.start):
        text = text[:item.start] + item.replacement + text[item.end:]
    return text


def test_it_makes_one_suggestion_per_changed_run_of_words(task, reviewer):
    new = "Analyze and interpret patient data to improve public health services."
    made = from_edit(task, reviewer, new)
    assert [(s.quote, s.replacement) for s in made] == [("clinical", "patient"), ("health systems", "public health")]
    for item in made:
        assert TEXT[item.start:item.end] == item.quote == item.original_quote
        assert item.created_by == reviewer and item.status == Suggestion.Status.OPEN
    assert applied(TEXT, made) == new
    assert text_of(task) == TEXT


def test_it_makes_suggestions_for_insertions_and_deletions(task, reviewer):
    new = "Analyze and interpret clinical and claims data to improve health services."
    made = from_edit(task, reviewer, new, note="Two changes")
    assert len(made) == 2
    insertion, deletion = made
    assert (insertion.quote, insertion.start == insertion.end) == ("", True)
    assert (insertion.start, insertion.replacement) == (TEXT.index("data"), "and claims ")
    assert (deletion.quote, deletion.replacement) == ("systems ", "")
    assert applied(TEXT, made) == new
    assert made[0].thread.comments.get().text == "Two changes"
    assert made[1].thread is None


def test_it_carries_an_edit_onto_text_changed_elsewhere_meanwhile(task, reviewer, editor):
    edit(task, "Collect, analyze and interpret clinical data to improve health systems services.", editor)
    made = from_edit(task, reviewer, TEXT.replace("clinical", "patient"))  # made on the old text
    current = text_of(task)
    (suggestion,) = made
    assert current[suggestion.start:suggestion.end] == suggestion.quote == "clinical"
    assert suggestion.replacement == "patient"
    assert applied(current, made) == "Collect, analyze and interpret patient data to improve health systems services."


def test_it_refuses_an_edit_of_words_someone_changed_meanwhile(task, reviewer, editor):
    edit(task, TEXT.replace("clinical", "claims"), editor)
    with pytest.raises(ValidationError) as error:
        from_edit(task, reviewer, TEXT.replace("clinical", "patient"))
    assert code_of(error) == "moved"
    assert not Suggestion.objects.exists()


def test_it_takes_a_multi_line_edit_as_a_browser_posts_it(proposal, owner, reviewer):
    text = "Analyze clinical data.\nReport to the board."
    task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text=text, by=owner)
    made = from_edit(task, reviewer, base_text=text.replace("\n", "\r\n"),
                     new_text=text.replace("\n", "\r\n").replace("clinical", "patient"))
    assert [(s.quote, s.replacement, s.start) for s in made] == [("clinical", "patient", text.index("clinical"))]


def test_it_refuses_an_edit_that_changes_nothing(task, reviewer):
    with pytest.raises(ValidationError) as error:
        from_edit(task, reviewer, TEXT + "  \t")
    assert code_of(error) == "unchanged"


def test_it_refuses_an_edit_from_an_observer(task, observer):
    with pytest.raises(PermissionDenied):
        from_edit(task, observer, TEXT.replace("clinical", "patient"))


def test_it_refuses_an_edit_past_the_fields_limit(task, reviewer):
    with pytest.raises(ValidationError) as error:
        from_edit(task, reviewer, TEXT + " " + "x" * 5_000)
    assert code_of(error) == "too_long"


# suggestion_accept ----------------------------------------------------------------------

def test_it_applies_an_accepted_suggestion_with_history_and_a_new_version(task, reviewer, editor):
    suggestion = suggest(task, reviewer, "clinical data", "patient data")
    before = Task.objects.get(pk=task.pk).version
    suggesting.suggestion_accept(suggestion=suggestion, by=editor)
    saved = Task.objects.get(pk=task.pk)
    assert saved.text == TEXT.replace("clinical data", "patient data")
    assert saved.version == before + 1
    record = saved.history.order_by("-history_id").first()
    assert record.text == saved.text and record.history_user == editor
    assert record.history_change_reason == "Accepted a suggestion by Reviewer Tester"
    suggestion = fresh(suggestion)
    assert (suggestion.status, suggestion.decided_by) == (Suggestion.Status.ACCEPTED, editor)
    assert suggestion.decided_at is not None


def test_it_keeps_other_threads_and_suggestions_on_their_words_when_one_is_accepted(task, reviewer, editor):
    before = comment_on(task, reviewer, quote="interpret")
    after = comment_on(task, reviewer, quote="health systems")
    overlapping = comment_on(task, editor, quote="clinical data to improve")
    later = suggest(task, editor, "services", "service lines")
    earlier = suggest(task, editor, "Analyze", "Study")
    accepted = suggest(task, reviewer, "clinical data", "clinical and claims data")
    suggesting.suggestion_accept(suggestion=accepted, by=editor)
    text = text_of(task)
    assert text == TEXT.replace("clinical data", "clinical and claims data")
    for thread in (before, after):
        thread = fresh(thread)
        assert not thread.is_detached and text[thread.start:thread.end] == thread.quote
    assert fresh(before).quote == "interpret" and fresh(after).quote == "health systems"
    overlapping = fresh(overlapping)
    assert overlapping.is_detached or text[overlapping.start:overlapping.end] == overlapping.quote
    for suggestion in (later, earlier):
        suggestion = fresh(suggestion)
        assert not suggestion.is_outdated
        assert text[suggestion.start:suggestion.end] == suggestion.quote
    suggesting.suggestion_accept(suggestion=later, by=editor)
    suggesting.suggestion_accept(suggestion=earlier, by=editor)
    assert text_of(task) == "Study and interpret clinical and claims data to improve health systems service lines."


def test_it_refuses_accepting_a_suggestion_that_makes_the_text_too_long_after_another(task, reviewer, editor):
    # Each suggestion fits the task's limit (5,000 characters) on its own; both together
    # do not, and the second must not be applied beyond the limit an editor's own edit has.
    first = suggest(task, reviewer, "Analyze", "A" * 2_600)
    second = suggest(task, reviewer, "services", "S" * 2_600)
    suggesting.suggestion_accept(suggestion=first, by=editor)
    after_first = text_of(task)
    with pytest.raises(ValidationError) as error:
        suggesting.suggestion_accept(suggestion=second, by=editor)
    assert code_of(error) == "too_long"
    assert text_of(task) == after_first
    assert len(after_first) <= 5_000
    assert fresh(second).status == Suggestion.Status.OPEN


def test_it_accepts_suggestions_on_a_groups_and_the_proposals_text(proposal, owner, reviewer, editor):
    group = services.group_create(proposal=proposal, level="broad", title="Clinical Health IT", by=owner,
                                  definition="Apply informatics to clinical care.")
    proposal = services.object_update(proposal, values={"introduction": "This proposal asks for a new minor group."},
                                      base_version=proposal.version, by=owner)
    on_group = suggesting.suggestion_replace(proposal=proposal, by=reviewer, path=f"group:{group.pk}.definition",
                                         start=6, end=17, quote="informatics", replacement="health informatics")
    on_proposal = suggesting.suggestion_replace(proposal=proposal, by=reviewer,
                                            path=f"proposal:{proposal.pk}.introduction", start=24, end=41,
                                            quote="a new minor group", replacement="two new occupations")
    suggesting.suggestion_accept(suggestion=on_group, by=editor)
    suggesting.suggestion_accept(suggestion=on_proposal, by=editor)
    group.refresh_from_db()
    proposal.refresh_from_db()
    assert group.definition == "Apply health informatics to clinical care."
    assert proposal.introduction == "This proposal asks for two new occupations."


def test_it_keeps_a_thread_off_words_inserted_right_after_it(task, reviewer, editor):
    thread = comment_on(task, reviewer, quote="clinical data")
    at = TEXT.index(" to improve")
    insertion = suggesting.suggestion_replace(proposal=task.proposal, by=reviewer, path=path(task), start=at, end=at,
                                          quote="", replacement=" and claims records")
    suggesting.suggestion_accept(suggestion=insertion, by=editor)
    text = text_of(task)
    assert text == TEXT.replace("clinical data", "clinical data and claims records")
    thread = fresh(thread)
    assert (thread.quote, text[thread.start:thread.end], thread.is_detached) == (
        "clinical data", "clinical data", False)


def test_it_detaches_a_thread_on_words_an_accepted_suggestion_replaced_and_keeps_it(task, reviewer, editor):
    thread = comment_on(task, reviewer, quote="clinical data", text="Which data?")
    accepted = suggest(task, editor, "clinical data", "EHR extracts")
    suggesting.suggestion_accept(suggestion=accepted, by=editor)
    thread = fresh(thread)
    assert thread.is_detached
    assert thread.original_quote == "clinical data"
    assert thread.comments.get().text == "Which data?"


def test_it_refuses_an_outdated_suggestion(task, reviewer, editor):
    suggestion = suggest(task, reviewer, "clinical data", "patient data")
    Suggestion.objects.filter(pk=suggestion.pk).update(is_outdated=True)
    with pytest.raises(ValidationError) as error:
        suggesting.suggestion_accept(suggestion=suggestion, by=editor)
    assert code_of(error) == "outdated"
    assert text_of(task) == TEXT
    assert fresh(suggestion).status == Suggestion.Status.OPEN


def test_it_outdates_a_suggestion_whose_words_were_edited_and_refuses_it(task, reviewer, editor):
    suggestion = suggest(task, reviewer, "clinical data", "patient data")
    edited = TEXT.replace("clinical data", "clinical and claims data")
    edit(task, edited, editor)
    suggestion = fresh(suggestion)
    assert suggestion.is_outdated
    with pytest.raises(ValidationError) as error:
        suggesting.suggestion_accept(suggestion=suggestion, by=editor)
    assert code_of(error) == "outdated"
    assert text_of(task) == edited
    assert fresh(suggestion).status == Suggestion.Status.OPEN


def test_it_refuses_a_reviewer_or_observer_accepting(task, reviewer, observer):
    suggestion = suggest(task, reviewer, "clinical data", "patient data")
    for user in (reviewer, observer):
        with pytest.raises(PermissionDenied):
            suggesting.suggestion_accept(suggestion=suggestion, by=user)
    assert text_of(task) == TEXT
    assert fresh(suggestion).status == Suggestion.Status.OPEN


def test_it_refuses_accepting_a_suggestion_twice(task, reviewer, editor, owner):
    suggestion = suggest(task, reviewer, "clinical data", "patient data")
    suggesting.suggestion_accept(suggestion=suggestion, by=editor)
    version = Task.objects.get(pk=task.pk).version
    with pytest.raises(ValidationError) as error:
        suggesting.suggestion_accept(suggestion=suggestion, by=owner)
    assert code_of(error) == "decided"
    assert Task.objects.get(pk=task.pk).version == version
    assert fresh(suggestion).decided_by == editor


def test_it_creates_a_suggested_entry_in_its_group_when_accepted(proposal, reviewer, editor, owner):
    group = services.group_create(proposal=proposal, level="broad", title="Clinical Health IT", by=owner)
    suggestion = suggesting.suggestion_add_entry(proposal=proposal, by=reviewer, entry_kind="task", group=group,
                                             values={"text": "Train staff in the EHR.", "is_may": True},
                                             note="Missing duty")
    assert suggestion.kind == Suggestion.Kind.ADD_ENTRY and suggestion.quote == "Train staff in the EHR."
    assert not Task.objects.exists()
    entry = suggesting.suggestion_accept(suggestion=suggestion, by=editor)
    entry = Task.objects.get(pk=entry.pk)
    assert (entry.text, entry.is_may, entry.group, entry.proposal) == ("Train staff in the EHR.", True, group,
                                                                       proposal)
    assert fresh(suggestion).status == Suggestion.Status.ACCEPTED
    assert entry.history.count() == 1


def test_it_creates_a_suggested_entry_of_the_whole_proposal(proposal, reviewer, editor):
    suggestion = suggesting.suggestion_add_entry(proposal=proposal, by=reviewer, entry_kind="job_title",
                                             values={"title": "Clinical Informaticist"})
    suggesting.suggestion_accept(suggestion=suggestion, by=editor)
    title = JobTitle.objects.get()
    assert (title.title, title.group, title.proposal) == ("Clinical Informaticist", None, proposal)


def test_it_refuses_a_suggested_entry_whose_group_is_gone(proposal, reviewer, editor, owner):
    group = services.group_create(proposal=proposal, level="broad", title="Clinical Health IT", by=owner)
    suggestion = suggesting.suggestion_add_entry(proposal=proposal, by=reviewer, entry_kind="task", group=group,
                                             values={"text": "Train staff in the EHR."})
    services.object_delete(group, by=editor)
    with pytest.raises(ValidationError) as error:
        suggesting.suggestion_accept(suggestion=suggestion, by=editor)
    assert code_of(error) == "gone"
    assert not Task.objects.exists()
    assert fresh(suggestion).status == Suggestion.Status.OPEN


def test_it_keeps_a_suggested_entry_open_when_its_values_are_refused(proposal, reviewer, editor):
    suggestion = suggesting.suggestion_add_entry(proposal=proposal, by=reviewer, entry_kind="job_title",
                                             values={"title": "T" * 301})
    with pytest.raises(ValidationError):
        suggesting.suggestion_accept(suggestion=suggestion, by=editor)
    assert not JobTitle.objects.exists()
    assert fresh(suggestion).status == Suggestion.Status.OPEN


def test_it_deletes_a_suggested_removal_and_detaches_the_entrys_threads(task, reviewer, editor):
    span_thread = comment_on(task, reviewer)
    whole = review.thread_start(proposal=task.proposal, by=reviewer, path=path(task, ""), text="Needs to be both?")
    other_suggestion = suggest(task, editor, "health systems", "health care")
    removal = suggesting.suggestion_remove_entry(proposal=task.proposal, by=reviewer, path=path(task))
    assert suggesting.suggestion_remove_entry(proposal=task.proposal, by=reviewer, path=path(task)).pk == removal.pk
    deletion = suggesting.suggestion_accept(suggestion=removal, by=editor)
    assert deletion.label == "task (suggested by Reviewer Tester)"
    assert not Task.objects.filter(pk=task.pk).exists()
    for thread in (span_thread, whole):
        thread = fresh(thread)  # never deleted
        assert thread.is_detached
    assert fresh(span_thread).original_quote == "clinical data"
    assert span_thread.comments.count() == 1
    assert fresh(other_suggestion).is_outdated
    assert fresh(removal).status == Suggestion.Status.ACCEPTED
    assert Task.history.filter(id=task.pk, history_type="-", history_user=editor).exists()


def test_it_refuses_accepting_the_removal_of_an_entry_already_gone(task, reviewer, editor):
    removal = suggesting.suggestion_remove_entry(proposal=task.proposal, by=reviewer, path=path(task))
    services.object_delete(Task.objects.get(pk=task.pk), by=editor)
    with pytest.raises(ValidationError) as error:
        suggesting.suggestion_accept(suggestion=removal, by=editor)
    assert code_of(error) == "gone"


def test_it_refuses_a_removal_from_an_observer_or_of_an_entry_that_is_gone(task, observer, reviewer):
    with pytest.raises(PermissionDenied):
        suggesting.suggestion_remove_entry(proposal=task.proposal, by=observer, path=path(task))
    for bad_path in ("task:999999", "nonsense:1"):
        with pytest.raises(ValidationError) as error:
            suggesting.suggestion_remove_entry(proposal=task.proposal, by=reviewer, path=bad_path)
        assert code_of(error) == "gone"
    assert not Suggestion.objects.exists()


# suggestion_reject ----------------------------------------------------------------------

def test_it_lets_an_editor_reject_a_suggestion(task, reviewer, editor):
    suggestion = suggest(task, reviewer, "clinical data", "patient data")
    suggesting.suggestion_reject(suggestion=suggestion, by=editor)
    suggestion = fresh(suggestion)
    assert (suggestion.status, suggestion.decided_by) == (Suggestion.Status.REJECTED, editor)
    assert text_of(task) == TEXT


def test_it_lets_the_author_withdraw_their_own_suggestion(task, reviewer):
    suggestion = suggest(task, reviewer, "clinical data", "patient data")
    suggesting.suggestion_reject(suggestion=suggestion, by=reviewer)
    assert (fresh(suggestion).status, fresh(suggestion).decided_by) == (Suggestion.Status.REJECTED, reviewer)


def test_it_refuses_another_reviewer_rejecting_a_suggestion(task, reviewer, member_of, observer):
    other = member_of(Role.REVIEWER, username="other-reviewer")
    suggestion = suggest(task, reviewer, "clinical data", "patient data")
    for user in (other, observer):
        with pytest.raises(PermissionDenied):
            suggesting.suggestion_reject(suggestion=suggestion, by=user)
    assert fresh(suggestion).status == Suggestion.Status.OPEN


def test_it_refuses_rejecting_a_decided_suggestion(task, reviewer, editor):
    suggestion = suggest(task, reviewer, "clinical data", "patient data")
    suggesting.suggestion_accept(suggestion=suggestion, by=editor)
    with pytest.raises(ValidationError) as error:
        suggesting.suggestion_reject(suggestion=suggestion, by=editor)
    assert code_of(error) == "decided"
    assert fresh(suggestion).status == Suggestion.Status.ACCEPTED


# suggestion_rebase ----------------------------------------------------------------------

def test_it_rebases_an_outdated_suggestion_onto_its_words_and_then_accepts_it(task, reviewer, editor):
    suggestion = suggest(task, reviewer, "clinical data", "patient data")
    edit(task, TEXT.replace("clinical data", "clinical records"), editor)
    assert fresh(suggestion).is_outdated
    # The editor puts the words back and adds some before them: the suggestion's words
    # are there again, at another place.
    now = "First, analyze and interpret clinical data to improve health systems services."
    edit(task, now, editor)
    suggestion = fresh(suggestion)
    assert suggestion.is_outdated
    suggesting.suggestion_rebase(suggestion=suggestion, by=editor)
    suggestion = fresh(suggestion)
    assert not suggestion.is_outdated
    assert now[suggestion.start:suggestion.end] == suggestion.quote == "clinical data"
    assert suggestion.start == now.index("clinical data")
    suggesting.suggestion_accept(suggestion=suggestion, by=editor)
    assert text_of(task) == now.replace("clinical data", "patient data")


def test_it_rebases_an_outdated_insertion_next_to_the_words_it_was_made_beside(task, reviewer, editor):
    at = TEXT.index(" to improve")  # right after "clinical data"
    insertion = suggesting.suggestion_replace(proposal=task.proposal, by=reviewer, path=path(task), start=at, end=at,
                                          quote="", replacement=" and claims")
    now = "Collect, analyze and interpret clinical data, to improve health systems services."
    edit(task, now, editor)  # a comma typed right where the insertion goes, and words before it
    assert fresh(insertion).is_outdated
    suggesting.suggestion_rebase(suggestion=fresh(insertion), by=editor)
    insertion = fresh(insertion)
    assert not insertion.is_outdated
    assert now[:insertion.start].endswith("interpret clinical data"), now[:insertion.start]
    suggesting.suggestion_accept(suggestion=insertion, by=editor)
    assert text_of(task) == ("Collect, analyze and interpret clinical data and claims, to improve health "
                             "systems services.")


def test_it_refuses_rebasing_a_suggestion_whose_words_are_gone(task, reviewer, editor):
    suggestion = suggest(task, reviewer, "clinical data", "patient data")
    edit(task, "Improve health systems services.", editor)
    with pytest.raises(ValidationError) as error:
        suggesting.suggestion_rebase(suggestion=fresh(suggestion), by=editor)
    assert code_of(error) == "gone"
    assert fresh(suggestion).is_outdated


def test_it_refuses_a_reviewer_rebasing_and_rebasing_an_entry_suggestion(task, reviewer, editor):
    suggestion = suggest(task, reviewer, "clinical data", "patient data")
    with pytest.raises(PermissionDenied):
        suggesting.suggestion_rebase(suggestion=suggestion, by=reviewer)
    removal = suggesting.suggestion_remove_entry(proposal=task.proposal, by=reviewer, path=path(task))
    with pytest.raises(ValidationError) as error:
        suggesting.suggestion_rebase(suggestion=removal, by=editor)
    assert code_of(error) == "kind"


# suggestions_decide ---------------------------------------------------------------------

def test_it_accepts_all_of_one_authors_suggestions_in_one_field(task, reviewer, editor):
    first = suggest(task, reviewer, "Analyze", "Collect, analyze")
    second = suggest(task, reviewer, "clinical data", "patient data")
    third = suggest(task, reviewer, "health systems services", "care delivery")
    at = TEXT.index(" to improve")
    insertion = suggesting.suggestion_replace(proposal=task.proposal, by=reviewer, path=path(task), start=at, end=at,
                                          replacement=" and claims records")
    result = suggesting.suggestions_decide(suggestions=[first, second, third, insertion], by=editor, accept=True)
    assert {s.pk for s in result.done} == {first.pk, second.pk, third.pk, insertion.pk}
    assert result.skipped == []
    assert text_of(task) == "Collect, analyze and interpret patient data and claims records to improve care delivery."
    assert set(Suggestion.objects.values_list("status", flat=True)) == {Suggestion.Status.ACCEPTED}


def test_it_accepts_all_suggestions_made_in_one_suggest_mode_edit(task, reviewer, editor):
    new = "Collect, analyze and interpret patient data to improve public health systems."
    made = from_edit(task, reviewer, new)
    assert len(made) >= 2
    result = suggesting.suggestions_decide(suggestions=made, by=editor, accept=True)
    assert result.skipped == []
    assert text_of(task) == new


def test_it_accepts_all_of_one_authors_suggestions_on_the_proposals_own_text(proposal, owner, reviewer, editor):
    intro = "This proposal asks for a new minor group in major group 29-0000."
    proposal = services.object_update(proposal, values={"introduction": intro}, base_version=proposal.version,
                                      by=owner)
    made = [
        suggesting.suggestion_replace(proposal=proposal, by=reviewer, path=f"proposal:{proposal.pk}.introduction",
                                  quote=quote, replacement=replacement, **span(quote, intro))
        for quote, replacement in (("a new minor group", "two new occupations"), ("29-0000", "29-0000 (Healthcare)"))
    ]
    result = suggesting.suggestions_decide(suggestions=made, by=editor, accept=True)
    assert [(s.quote, message) for s, message in result.skipped] == []
    proposal.refresh_from_db()
    assert proposal.introduction == "This proposal asks for two new occupations in major group 29-0000 (Healthcare)."


def test_it_skips_and_reports_outdated_suggestions_when_deciding_many(task, reviewer, editor):
    good = suggest(task, reviewer, "Analyze", "Study")
    stale = suggest(task, reviewer, "clinical data", "patient data")
    edit(task, TEXT.replace("clinical data", "clinical records"), editor)
    result = suggesting.suggestions_decide(suggestions=[fresh(good), fresh(stale)], by=editor, accept=True)
    assert [s.pk for s in result.done] == [good.pk]
    assert [(s.pk, message) for s, message in result.skipped] == [
        (stale.pk, "The text under this suggestion has changed since it was made. Re-base it onto the "
                   "text as it is now, or reject it.")]
    assert text_of(task) == TEXT.replace("clinical data", "clinical records").replace("Analyze", "Study")
    assert fresh(stale).status == Suggestion.Status.OPEN


def test_it_rejects_many_suggestions(task, reviewer, editor):
    made = [suggest(task, reviewer, "Analyze", "Study"), suggest(task, reviewer, "clinical data", "patient data"),
            suggesting.suggestion_add_entry(proposal=task.proposal, by=reviewer, entry_kind="task",
                                        values={"text": "Another task."})]
    result = suggesting.suggestions_decide(suggestions=made, by=editor, accept=False)
    assert len(result.done) == 3 and result.skipped == []
    assert set(Suggestion.objects.values_list("status", flat=True)) == {Suggestion.Status.REJECTED}
    assert text_of(task) == TEXT
    assert Task.objects.count() == 1


def test_it_refuses_a_reviewer_deciding_many(task, reviewer, member_of):
    other = member_of(Role.REVIEWER, username="other-reviewer")
    made = [suggest(task, other, "Analyze", "Study")]
    with pytest.raises(PermissionDenied):
        suggesting.suggestions_decide(suggestions=made, by=reviewer, accept=True)
    assert text_of(task) == TEXT


# suggestion_discuss ---------------------------------------------------------------------

def test_it_opens_a_suggestions_discussion_and_replies_in_it(task, reviewer, editor):
    suggestion = suggest(task, reviewer, "clinical data", "patient data")
    first = suggesting.suggestion_discuss(suggestion=suggestion, by=editor, text="Why patient?")
    second = suggesting.suggestion_discuss(suggestion=suggestion, by=reviewer, text="The seed says so.")
    suggestion = fresh(suggestion)
    assert first.thread_id == second.thread_id == suggestion.thread_id
    assert Thread.objects.count() == 1
    assert [(c.author, c.text) for c in suggestion.thread.comments.all()] == [
        (editor, "Why patient?"), (reviewer, "The seed says so.")]
    assert suggestion.thread.path == path(task)


def test_it_replies_in_the_discussion_a_note_opened(task, reviewer, editor):
    suggestion = suggest(task, reviewer, "clinical data", "patient data", note="See the seed.")
    reply = suggesting.suggestion_discuss(suggestion=suggestion, by=editor, text="Agreed.")
    assert reply.thread_id == fresh(suggestion).thread_id
    assert Thread.objects.count() == 1


def test_it_keeps_a_suggestions_discussion_when_its_only_comment_is_deleted(task, reviewer):
    suggestion = suggest(task, reviewer, "clinical data", "patient data")
    comment = suggesting.suggestion_discuss(suggestion=suggestion, by=reviewer, text="Why?")
    assert review.comment_delete(comment=comment, by=reviewer) is not None
    assert fresh(suggestion).thread_id == comment.thread_id


def test_it_refuses_an_observer_discussing_a_suggestion(task, reviewer, observer):
    suggestion = suggest(task, reviewer, "clinical data", "patient data")
    with pytest.raises(PermissionDenied):
        suggesting.suggestion_discuss(suggestion=suggestion, by=observer, text="Hm")
    assert fresh(suggestion).thread is None


# Any order: no edit loses a thread ---------------------------------------------------------

VOCABULARY = ["data", "clinical", "health", "systems", "the", "records", "patient", "care", "and", "EHR"]
START = "Analyze and interpret clinical data to improve health systems and clinical data services."
WORDS = re.compile(r"\w+")

operation = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 1_000), st.sampled_from(VOCABULARY + [""])),
    st.tuples(st.just("accept"), st.integers(0, 1_000), st.none()),
    st.tuples(st.just("suggest"), st.integers(0, 1_000), st.sampled_from(VOCABULARY + [""])),
    st.tuples(st.just("comment"), st.integers(0, 1_000), st.integers(1, 3)),
    st.tuples(st.just("delete_and_undo"), st.none(), st.none()),
)


def _word(text, index, count=1):
    words = list(WORDS.finditer(text))
    if not words:
        return None
    first = words[index % len(words)]
    last = words[min(len(words) - 1, (index % len(words)) + count - 1)]
    return first.start(), last.end()


def _check_nothing_lost(proposal, task_pk, thread_pks):
    text = Task.objects.get(pk=task_pk).text
    threads = {thread.pk: thread for thread in Thread.objects.filter(proposal=proposal)}
    assert set(thread_pks) <= set(threads), "a thread was lost"
    for thread in threads.values():
        assert thread.original_quote or thread.start is None
        if thread.is_detached or thread.start is None:
            continue
        assert 0 <= thread.start <= thread.end <= len(text)
        assert text[thread.start:thread.end] == thread.quote, (thread.quote, text)
    for suggestion in Suggestion.objects.filter(proposal=proposal, status=Suggestion.Status.OPEN,
                                                is_outdated=False):
        assert text[suggestion.start:suggestion.end] == suggestion.quote, (suggestion.quote, text)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, min_size=1, max_size=8))
def test_it_never_loses_a_thread_whatever_the_order_of_edits(owner, editor, reviewer, operations):
    # The people come from fixtures (made once for all examples); the proposal is made
    # fresh in each example, since function-scoped fixtures are not reset between them.
    proposal = services.proposal_create(title="Any order", created_by=owner)
    services.membership_set(proposal=proposal, user=editor, role=Role.EDITOR, by=owner)
    services.membership_set(proposal=proposal, user=reviewer, role=Role.REVIEWER, by=owner)
    task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text=START, by=owner)
    task_path = f"task:{task.pk}.text"
    thread_pks = [
        review.thread_start(proposal=proposal, by=reviewer, path=task_path, text=f"On {quote}", quote=quote,
                            **span(quote, START, occurrence))
        .pk
        for quote, occurrence in (("clinical data", 1), ("health systems", 0), ("interpret", 0))
    ]
    for name, index, value in operations:
        current = Task.objects.get(pk=task.pk)
        text = current.text
        if name == "edit":
            found = _word(text, index)
            if found is not None:
                new = (text[:found[0]] + value + text[found[1]:]).strip() or "Empty."
                if new != text:
                    services.object_update(current, values={"text": new}, base_version=current.version,
                                           by=editor)
        elif name == "accept":
            open_ = list(Suggestion.objects.filter(proposal=proposal, status=Suggestion.Status.OPEN))
            if open_:
                chosen = open_[index % len(open_)]
                try:
                    suggesting.suggestion_accept(suggestion=chosen, by=editor)
                except ValidationError as error:
                    assert error.code == "outdated" and chosen.is_outdated
        elif name == "suggest":
            found = _word(text, index)
            if found is not None and text[found[0]:found[1]] != value:
                suggesting.suggestion_replace(proposal=proposal, by=reviewer, path=task_path, start=found[0],
                                          end=found[1], quote=text[found[0]:found[1]], replacement=value)
        elif name == "comment":
            found = _word(text, index, value)
            if found is not None:
                thread_pks.append(review.thread_start(
                    proposal=proposal, by=reviewer, path=task_path, text="Here", quote=text[slice(*found)],
                    start=found[0], end=found[1]).pk)
        else:
            deletion = services.object_delete(current, by=editor)
            services.deletion_undo(deletion, proposal=proposal, by=editor)
        _check_nothing_lost(proposal, task.pk, thread_pks)

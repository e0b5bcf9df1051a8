"""Importing a reviewed Word file: what the preview plans and what applying creates, for
files edited the way Word writes them (tests/documents/reviewing.py)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from comments import services as review

from comments import suggesting
from comments.models import Comment, Suggestion, Thread
from documents import services
from documents.export import export_docx
from documents.models import ReviewImport
from occupations import services as writing
from occupations.kinds import kind_for
from occupations.models import Proposal
from tests.documents.reviewing import Reviewer

TASKS = ("Analyze clinical data to improve care.", "Design informatics solutions for clinical teams.",
         "Train staff to use new documentation tools.", "Keep abreast of developments in informatics.")
DANA = "Dana Outside"  # a reviewer who is not a member


@pytest.fixture
def team(proposal, owner, reviewer, editor):
    """Four tasks; an exported thread with a reply, a second thread, and a suggestion."""
    tasks = [writing.entry_create(entry_kind=kind_for("task"), proposal=proposal, text=text, by=owner)
             for text in TASKS]
    first = tasks[0]
    start = first.text.index("clinical data")
    asked = review.thread_start(proposal=proposal, by=reviewer, path=f"task:{first.pk}.text", text="Which data?",
                                start=start, end=start + 13, quote="clinical data")
    review.comment_add(thread=asked, by=editor, text="Patient records.")
    other = review.thread_start(proposal=proposal, by=reviewer, path=f"task:{tasks[1].pk}", text="Too broad?")
    suggested = suggesting.suggestion_replace(proposal=proposal, by=reviewer, path=f"task:{tasks[2].pk}.text",
                                          start=0, end=5, replacement="Teach")
    return Proposal.objects.get(pk=proposal.pk), tasks, asked, other, suggested


def exported(proposal) -> bytes:
    return export_docx(Proposal.objects.get(pk=proposal.pk), review=True).read()


def preview(proposal, user, data, **options):
    return services.review_import_preview(proposal=proposal, by=user, data=data, name="reviewed.docx", **options)


def test_it_finds_nothing_new_in_the_copy_it_exported(team, owner):
    proposal, *_ = team
    review_import, plan = preview(proposal, owner, exported(proposal))
    assert plan.items == [] and plan.unmatched == []
    assert plan.recognized == 4  # two threads, a reply and a suggestion came back as they went
    assert review_import.status == ReviewImport.Status.PREVIEWED


def test_it_imports_what_a_word_reviewer_did_attributed_and_anchored(team, owner, reviewer, editor):
    proposal, tasks, asked, other, suggested = team
    word = Reviewer(exported(proposal))
    word.insert(f"task:{tasks[0].pk}.text", "Analyze", " and interpret", DANA)
    word.delete(f"task:{tasks[1].pk}.text", " for clinical teams", reviewer.get_full_name())
    word.replace_untracked(f"task:{tasks[3].pk}.text", "developments", "advances")
    word.comment(f"task:{tasks[3].pk}.text", "informatics", DANA, "Which journals?",
                 replies=[(editor.get_full_name(), "JAMIA, mostly.")])
    word.reply("Which data?", DANA, "And claims data.")
    word.resolve("Too broad?")
    data = word.save(last_modified_by=DANA)

    review_import, plan = preview(proposal, owner, data)
    kinds = sorted(str(item.kind) for item in plan.items)
    assert kinds == ["replace", "replace", "replace", "reply", "resolve", "thread"]
    assert plan.unmatched == []
    assert Suggestion.objects.count() == 1 and Thread.objects.count() == 2  # a preview creates nothing

    services.review_import_apply(review_import=review_import, by=owner)
    inserted = Suggestion.objects.get(path=f"task:{tasks[0].pk}.text")
    assert (inserted.quote, inserted.replacement, inserted.start) == ("", " and interpret", len("Analyze"))
    assert inserted.created_by is None and inserted.author_name == DANA
    assert inserted.created_at.isoformat().startswith("2026-11-20T10:00:00")
    deleted = Suggestion.objects.get(path=f"task:{tasks[1].pk}.text")
    assert (deleted.quote, deleted.replacement, deleted.created_by) == (" for clinical teams", "", reviewer)
    untracked = Suggestion.objects.get(path=f"task:{tasks[3].pk}.text")
    assert (untracked.quote, untracked.replacement, untracked.author_name) == ("developments", "advances", DANA)

    thread = Thread.objects.get(path=f"task:{tasks[3].pk}.text")
    assert thread.quote == "informatics" and thread.author_name == DANA
    assert [(c.author_label, c.text) for c in thread.comments.order_by("created_at", "id")] == [
        (DANA, "Which journals?"), (editor.get_full_name(), "JAMIA, mostly.")]
    assert list(asked.comments.order_by("id").values_list("text", flat=True)) == [
        "Which data?", "Patient records.", "And claims data."]
    other.refresh_from_db()
    assert other.status == Thread.Status.RESOLVED

    review_import.refresh_from_db()
    assert review_import.status == ReviewImport.Status.APPLIED and bytes(review_import.data) == b""
    assert review_import.summary["suggestions"] == 3 and review_import.summary["threads"] == 1

    # The same file again: everything in it is in the proposal already.
    _, again = preview(proposal, owner, data)
    assert again.items == []


def test_it_turns_bullets_deleted_and_added_into_entry_suggestions(team, owner, reviewer):
    proposal, tasks, *_ = team
    word = Reviewer(exported(proposal))
    word.delete_paragraph(f"task:{tasks[3].pk}.text", reviewer.get_full_name())
    word.add_paragraph_after(f"task:{tasks[0].pk}.text", "Teach clinicians informatics.", DANA)
    word.add_paragraph_after(f"task:{tasks[1].pk}.text", "Audit data quality.", None)
    review_import, plan = preview(proposal, owner, word.save(last_modified_by="Sam Typist"))
    services.review_import_apply(review_import=review_import, by=owner)
    removal = Suggestion.objects.get(kind=Suggestion.Kind.REMOVE_ENTRY)
    assert (removal.path, removal.created_by) == (f"task:{tasks[3].pk}", reviewer)
    added = {item.quote: item for item in Suggestion.objects.filter(kind=Suggestion.Kind.ADD_ENTRY)}
    assert set(added) == {"Teach clinicians informatics.", "Audit data quality."}
    assert added["Teach clinicians informatics."].author_name == DANA
    assert added["Audit data quality."].author_name == "Sam Typist"  # typed with Track Changes off
    assert added["Audit data quality."].entry_kind == "task"
    assert added["Audit data quality."].entry_values == {"text": "Audit data quality."}


def test_it_takes_words_typed_inside_an_exported_suggestion_as_a_suggestion_of_their_own(team, owner):
    """The review copy suggested "Train" -> "Teach"; a Word reviewer typed inside that
    insertion. Rita's suggestion stays as it was; Dana's words are hers, after "Train"."""
    proposal, tasks, _, _, suggested = team
    word = Reviewer(exported(proposal))
    word.insert_in_insertion(f"task:{tasks[2].pk}.text", "Teach", " and coach", DANA)
    review_import, plan = preview(proposal, owner, word.save())
    [item] = plan.items
    assert (item.kind, item.author.label, item.replacement) == (Suggestion.Kind.REPLACE, DANA, " and coach")
    assert (item.start, item.end) == (len("Train"), len("Train"))
    services.review_import_apply(review_import=review_import, by=owner)
    assert Suggestion.objects.filter(pk=suggested.pk, replacement="Teach", status="open").exists()
    assert Suggestion.objects.count() == 2


def test_it_refuses_a_file_of_another_proposal_unless_asked_to_match_by_text(team, owner):
    proposal, *_ = team
    elsewhere = writing.proposal_create(title="Another", created_by=owner)
    with pytest.raises(ValidationError) as refused:
        preview(elsewhere, owner, exported(proposal))
    assert refused.value.code == "other_proposal"
    assert "not an export of this proposal" in refused.value.messages[0]
    assert not ReviewImport.objects.exists()


def test_it_lets_only_editors_and_coordinators_import(team, reviewer, owner):
    proposal, *_ = team
    with pytest.raises(PermissionDenied):
        preview(proposal, reviewer, exported(proposal))
    review_import, _ = preview(proposal, owner, exported(proposal))
    with pytest.raises(PermissionDenied):
        services.review_import_apply(review_import=review_import, by=reviewer)


def test_it_creates_nothing_on_cancel_and_refuses_a_second_decision(team, owner):
    proposal, tasks, *_ = team
    word = Reviewer(exported(proposal))
    word.insert(f"task:{tasks[0].pk}.text", "Analyze", " and interpret", DANA)
    review_import, plan = preview(proposal, owner, word.save())
    services.review_import_cancel(review_import=review_import, by=owner)
    assert Suggestion.objects.count() == 1
    with pytest.raises(ValidationError):
        services.review_import_apply(review_import=review_import, by=owner)
    assert Suggestion.objects.count() == 1
    assert Comment.objects.count() == 3


def test_it_says_what_it_cannot_match_instead_of_guessing(team, owner):
    """A comment and a change on an entry deleted from the proposal since the export are
    reported, not put somewhere else."""
    proposal, tasks, *_ = team
    word = Reviewer(exported(proposal))
    word.comment(f"task:{tasks[1].pk}.text", "informatics solutions", DANA, "Name some.")
    word.insert(f"task:{tasks[1].pk}.text", "Design", " and build", DANA)
    data = word.save()
    writing.object_delete(tasks[1], by=owner)
    _, plan = preview(proposal, owner, data)
    assert plan.items == []
    reasons = sorted(item.reason for item in plan.unmatched)
    assert len(reasons) == 2 and all("no longer" in reason or "not text of the proposal" in reason
                                     or "nothing we can find" in reason for reason in reasons), reasons


def test_it_matches_paragraphs_by_their_text_where_the_bookmarks_are_gone(team, owner):
    """Google Docs keeps no bookmarks: each bullet is found by its words instead, a
    retyped one by its likeness, under the same heading."""
    proposal, tasks, *_ = team
    word = Reviewer(exported(proposal))
    word.insert(f"task:{tasks[0].pk}.text", "Analyze", " and interpret", DANA)
    word.comment(f"task:{tasks[3].pk}.text", "informatics", DANA, "Which journals?")
    word.replace_untracked(f"task:{tasks[1].pk}.text", "Design", "Design and build")
    word.drop_bookmarks()
    review_import, plan = preview(proposal, owner, word.save(last_modified_by=DANA))
    assert plan.unmatched == []
    services.review_import_apply(review_import=review_import, by=owner)
    inserted = Suggestion.objects.get(path=f"task:{tasks[0].pk}.text", replacement=" and interpret")
    assert (inserted.start, inserted.author_name) == (len("Analyze"), DANA)
    retyped = Suggestion.objects.get(path=f"task:{tasks[1].pk}.text")
    text = tasks[1].text
    assert (text[:retyped.start] + retyped.replacement + text[retyped.end:]
            == "Design and build informatics solutions for clinical teams.")
    thread = Thread.objects.get(path=f"task:{tasks[3].pk}.text")
    assert thread.quote == "informatics"


def test_it_matches_another_proposals_file_by_text_when_asked(team, owner):
    proposal, tasks, *_ = team
    elsewhere = writing.proposal_create(title="Another", created_by=owner)
    copies = [writing.entry_create(entry_kind=kind_for("task"), proposal=elsewhere, text=text, by=owner)
              for text in TASKS]
    word = Reviewer(exported(proposal))
    word.insert(f"task:{tasks[0].pk}.text", "Analyze", " and interpret", DANA)
    review_import, plan = preview(elsewhere, owner, word.save(), text_matching=True)
    assert review_import.text_matching
    # Dana's insertion, and the suggestion the export carried (new to this proposal).
    paths = {item.path for item in plan.items if item.kind == Suggestion.Kind.REPLACE}
    assert paths == {f"task:{copies[0].pk}.text", f"task:{copies[2].pk}.text"}


@pytest.mark.parametrize("tracked", [True, False])
def test_it_takes_a_paragraph_added_after_a_sections_text_as_more_of_that_text(team, owner, tracked):
    proposal, *_ = team
    proposal = writing.object_update(proposal, values={"background": "The 2018 SOC.\n\nIt placed this work in 15-1211."},
                                     base_version=proposal.version, by=owner)
    word = Reviewer(exported(proposal))
    word.add_paragraph_after(f"proposal:{proposal.pk}.background", "The 2028 revision may move it.",
                             DANA if tracked else None)
    review_import, plan = preview(proposal, owner, word.save(last_modified_by="Sam Typist"))
    [item] = plan.items
    assert (item.path, item.untracked) == (f"proposal:{proposal.pk}.background", not tracked)
    assert item.author.label == (DANA if tracked else "Sam Typist")
    services.review_import_apply(review_import=review_import, by=owner)
    suggestion = Suggestion.objects.get(path=f"proposal:{proposal.pk}.background")
    text = proposal.background
    assert (text[:suggestion.start] + suggestion.replacement + text[suggestion.end:]
            == "The 2018 SOC.\n\nIt placed this work in 15-1211.\nThe 2028 revision may move it.")


def test_it_puts_a_comment_without_a_range_on_its_paragraphs_entry(team, owner):
    proposal, tasks, *_ = team
    word = Reviewer(exported(proposal))
    word.comment_bare(f"task:{tasks[3].pk}.text", DANA, "Is this a task at all?")
    review_import, plan = preview(proposal, owner, word.save())
    [item] = plan.items
    assert (item.kind, item.path, item.start) == ("thread", f"task:{tasks[3].pk}", None)
    # the preview says which entry, in its first words
    [row] = review_import.preview["rows"]
    assert row["whole"] == "task “" + " ".join(tasks[3].text.split()[:8]) + ("…”" if len(tasks[3].text.split()) > 8
                                                                               else "”")
    services.review_import_apply(review_import=review_import, by=owner)
    assert Thread.objects.get(path=f"task:{tasks[3].pk}").comments.get().text == "Is this a task at all?"


def test_it_takes_a_bullet_deleted_with_track_changes_off_as_a_suggested_removal(team, owner):
    proposal, tasks, *_ = team
    word = Reviewer(exported(proposal))
    word.delete_paragraph_untracked(f"task:{tasks[3].pk}.text")
    review_import, plan = preview(proposal, owner, word.save(last_modified_by=DANA))
    [item] = plan.items
    assert (item.kind, item.path, item.untracked, item.author.label) == (
        Suggestion.Kind.REMOVE_ENTRY, f"task:{tasks[3].pk}", True, DANA)


def test_it_does_not_take_entries_made_after_the_export_for_deleted_ones(team, owner):
    proposal, tasks, *_ = team
    data = exported(proposal)
    later = writing.entry_create(entry_kind=kind_for("task"), proposal=proposal, text="Written later.", by=owner)
    # The export's time is to the second: 'later' is made plainly after it.
    type(later).objects.filter(pk=later.pk).update(created_at=later.created_at + timedelta(seconds=5))
    _, plan = preview(proposal, owner, data)
    assert plan.items == []


def test_it_reports_a_new_table_row_instead_of_dropping_it(team, owner):
    proposal, tasks, *_ = team
    writing.entry_create(entry_kind=kind_for("workforce_figure"), proposal=proposal, description="Nurse informaticists",
                         source="HIMSS", by=owner)
    word = Reviewer(exported(proposal))
    word.add_row_after_last_row("Health data analysts", "BLS", author=DANA)
    _, plan = preview(proposal, owner, word.save())
    assert [item.text for item in plan.unmatched] == ["Health data analysts | BLS"]
    assert "a new table row" in plan.unmatched[0].reason


def test_it_takes_comments_on_the_title_and_reports_changes_to_it(team, owner):
    """The title is the coordinator's: a Word reviewer's comment on it is a thread; their
    change to it is reported, never a suggestion."""
    proposal, *_ = team
    title = f"proposal:{proposal.pk}.title"
    word = Reviewer(exported(proposal))
    word.insert(title, "Health", " and Medical", DANA)
    word.comment(title, "Informatics", DANA, "Or Health IT?")
    review_import, plan = preview(proposal, owner, word.save(last_modified_by=DANA))
    assert [(str(item.kind), item.path) for item in plan.items] == [("thread", title)]
    assert [item.reason for item in plan.unmatched] == [
        "only a coordinator changes this, on the proposal's settings page"]
    services.review_import_apply(review_import=review_import, by=owner)
    assert Thread.objects.get(path=title).quote == "Informatics"
    assert not Suggestion.objects.filter(path=title).exists()
    assert Proposal.objects.get(pk=proposal.pk).title == "Health Informatics Occupations"


def test_it_parses_each_part_of_the_file_once(team, owner, monkeypatch):
    """The upload's checks parse the parts; the reading takes those trees, not the bytes."""
    from lxml import etree

    from documents.upload import open_review_file

    proposal, tasks, *_ = team
    word = Reviewer(exported(proposal))
    word.insert(f"task:{tasks[0].pk}.text", "Analyze", " and interpret", DANA)
    data = word.save(last_modified_by=DANA)
    parsed, real = [], etree.fromstring

    def counting(text, *args, **kwargs):
        parsed.append(bytes(text))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(etree, "fromstring", counting)
    _, plan = preview(proposal, owner, data)
    in_preview = list(parsed)
    assert [str(item.kind) for item in plan.items] == ["replace"]
    parts = open_review_file(data, "reviewed.docx").parts
    assert len(parts) > 8 and sorted(in_preview) == sorted(parts.values())


"""The review copy (export_docx(review=True)): open threads are Word comments with their
replies, open suggestions are tracked changes by their authors, Track Changes is on, and
nothing of the review is left out (what cannot be a tracked change, or has lost its text,
is still said in a comment). Threads and suggestions are made through comments.services,
as people make them."""

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection

from comments import services as review

from comments import suggesting
from comments.models import Comment, Suggestion, Thread
from documents.bookmarks import name_for_path
from documents.export import export_docx
from occupations import services
from occupations.entries import Task
from occupations.kinds import kind_for
from occupations.members import display_name
from occupations.models import Membership, Proposal
from tests.documents.docx_reading import (
    ACCEPTED, NS, ORIGINAL, Docx, bookmark_start, elements_in_bookmark, enclosing, paragraph_mark, paragraphs_text,
    row_mark, style_of, table_rows, text_of, w, without_blank_lines, xml_clean,
)

INTRODUCTION = ("Health informatics joins clinical care and information technology.\n\n"
                "This proposal asks the Committee for a new detailed occupation.")
DESIGN = "Design clinical decision support rules for electronic health records"
VALIDATE = "Validate data exchange between laboratory systems and hospitals"
TRAIN = "Train clinicians to use new documentation tools"
MONITOR = "Monitor the quality of coded data in the registry"
RETIRE = "Retire paper charts from the archive"
AUDIT = "Audit access to patient records"


def export(proposal, **options) -> Docx:
    return Docx(export_docx(Proposal.objects.get(pk=proposal.pk), review=True, **options).read())


def span(text: str, quote: str) -> dict:
    start = text.index(quote)
    return {"start": start, "end": start + len(quote), "quote": quote}


def word_date(moment) -> str:
    import datetime

    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Review:
    proposal: Proposal
    tasks: dict  # text -> Task
    skill: object
    figure: object
    related: object
    threads: dict  # name -> Thread
    suggestions: dict  # name -> Suggestion
    people: dict


@pytest.fixture
def reviewed(proposal, owner, editor, reviewer, member_of):
    """A proposal under review: threads of every kind, one resolved; suggestions of every
    kind, two of them discussed."""
    rita = member_of(Membership.Role.REVIEWER, "rita")
    proposal = services.object_update(proposal, values={"introduction": INTRODUCTION},
                                      base_version=proposal.version, by=owner)
    task = kind_for("task")
    tasks = {text: services.entry_create(entry_kind=task, proposal=proposal, text=text, by=owner)
             for text in (DESIGN, VALIDATE, TRAIN, MONITOR, RETIRE)}
    skill = services.entry_create(entry_kind=kind_for("skill"), proposal=proposal, name="Active Listening",
                                  description="Giving full attention to what other people are saying.", by=owner)
    figure = services.entry_create(entry_kind=kind_for("workforce_figure"), proposal=proposal,
                                   description="Health informatics workers", number=52000, year=2022,
                                   source="BLS", by=owner)
    related = services.entry_create(entry_kind=kind_for("related_occupation"), proposal=proposal, code="29-9021",
                                    title="Health Information Technologists", distinction="They manage records.",
                                    by=owner)
    path = lambda entry, field="text": f"task:{entry.pk}.{field}"  # noqa: E731
    threads, suggestions = {}, {}

    threads["span"] = review.thread_start(proposal=proposal, by=reviewer, path=path(tasks[DESIGN]),
                                          text="Is this the same as CDS design?\n\nSee the O*NET list.",
                                          **span(DESIGN, "clinical decision support"))
    review.comment_add(thread=threads["span"], by=editor, text="Yes, the same work.")
    review.comment_add(thread=threads["span"], by=rita, text="Then say CDS.")
    threads["entry"] = review.thread_start(proposal=proposal, by=rita, path=f"skill:{skill.pk}",
                                           text="Is listening a skill we need to name?")
    threads["row"] = review.thread_start(proposal=proposal, by=rita, path=f"workforce_figure:{figure.pk}",
                                         text="GET EXACT NUMBERS FROM BLS AND HRSA")
    threads["field"] = review.thread_start(proposal=proposal, by=reviewer,
                                           path=f"proposal:{proposal.pk}.introduction", text="Too short.")
    threads["section_span"] = review.thread_start(
        proposal=proposal, by=reviewer, path=f"proposal:{proposal.pk}.introduction", text="Across the break.",
        **span(INTRODUCTION, "technology.\n\nThis proposal"))
    threads["question"] = review.thread_start(proposal=proposal, by=rita, path=path(tasks[VALIDATE]),
                                              text="Needs to be both?", kind=Thread.Kind.QUESTION,
                                              **span(VALIDATE, "data exchange"))
    threads["action"] = review.thread_start(proposal=proposal, by=owner, path=path(tasks[MONITOR]),
                                            text="Check the registry's name.", kind=Thread.Kind.ACTION,
                                            assignee=editor, **span(MONITOR, "registry"))
    review.thread_action(thread=threads["action"], by=editor, is_done=True)
    threads["resolved"] = review.thread_start(proposal=proposal, by=reviewer, path=path(tasks[TRAIN]),
                                              text="Which clinicians?", **span(TRAIN, "clinicians"))
    review.comment_add(thread=threads["resolved"], by=editor, text="All of them.")
    review.thread_resolve(thread=threads["resolved"], by=editor)

    suggestions["replace"] = suggesting.suggestion_replace(proposal=proposal, by=rita, path=path(tasks[VALIDATE]),
                                                       replacement="lab", **span(VALIDATE, "laboratory"))
    suggesting.suggestion_discuss(suggestion=suggestions["replace"], by=editor, text="Why shorten it?")
    suggesting.suggestion_discuss(suggestion=suggestions["replace"], by=rita, text="Lab is the usual word.")
    at = TRAIN.index(" documentation")
    suggestions["insert"] = suggesting.suggestion_replace(proposal=proposal, by=reviewer, path=path(tasks[TRAIN]),
                                                      start=at, end=at, quote="", replacement=" electronic")
    suggestions["delete"] = suggesting.suggestion_replace(proposal=proposal, by=reviewer, path=path(tasks[DESIGN]),
                                                      replacement="", **span(DESIGN, " electronic"))
    suggestions["remove"] = suggesting.suggestion_remove_entry(proposal=proposal, by=reviewer,
                                                           path=f"task:{tasks[RETIRE].pk}",
                                                           note="Paper charts are gone already.")
    suggestions["add"] = suggesting.suggestion_add_entry(proposal=proposal, by=rita, entry_kind="task",
                                                     values={"text": AUDIT}, note="We need audits.")
    suggestions["remove_row"] = suggesting.suggestion_remove_entry(proposal=proposal, by=rita,
                                                               path=f"workforce_figure:{figure.pk}")
    suggestions["add_row"] = suggesting.suggestion_add_entry(
        proposal=proposal, by=reviewer, entry_kind="related_occupation",
        values={"code": "15-1211", "title": "Computer Systems Analysts", "distinction": "They build systems."})
    people = {"owner": owner, "editor": editor, "reviewer": reviewer, "rita": rita}
    return Review(Proposal.objects.get(pk=proposal.pk), tasks, skill, figure, related, threads, suggestions, people)


def word_thread(docx, thread):
    return docx.thread_with(thread.comments.order_by("created_at", "id").first().text.split("\n")[0])


# Comments -----------------------------------------------------------------------------------


def test_it_writes_a_comment_for_every_open_thread_and_every_discussed_suggestion(reviewed):
    docx = export(reviewed.proposal)
    open_threads = Thread.objects.filter(proposal=reviewed.proposal, status=Thread.Status.OPEN)
    assert len(docx.threads()) == open_threads.count() == 10  # 7 threads, 3 discussions
    assert len(docx.comments()) == Comment.objects.filter(thread__in=open_threads).count()
    assert len(list(docx.python_docx.comments)) == len(docx.comments())


def test_it_anchors_each_comment_on_the_words_of_its_thread(reviewed):
    docx = export(reviewed.proposal)
    anchored = docx.anchored(ORIGINAL)
    for name in ("span", "question", "action"):
        thread = reviewed.threads[name]
        for number in word_thread(docx, thread).ids:
            assert anchored[number] == thread.quote, name
    across = reviewed.threads["section_span"]
    for number in word_thread(docx, across).ids:
        assert without_blank_lines(anchored[number]) == without_blank_lines(across.quote)


def test_it_anchors_a_comment_on_a_whole_entry_on_its_whole_paragraph(reviewed):
    docx = export(reviewed.proposal)
    anchored = docx.anchored(ORIGINAL)
    (number,) = word_thread(docx, reviewed.threads["entry"]).ids
    start = next(item for item in docx.document.iter(w("w:commentRangeStart")) if item.get(w("w:id")) == number)
    paragraph = enclosing(start, "w:p")
    assert anchored[number] == paragraphs_text([paragraph]) \
        == "Active Listening — Giving full attention to what other people are saying."
    (number,) = word_thread(docx, reviewed.threads["row"]).ids
    figure_cells = ["Health informatics workers", "52,000", "2022", "BLS"]
    assert anchored[number].split("\n") == figure_cells
    (number,) = word_thread(docx, reviewed.threads["field"]).ids
    assert without_blank_lines(anchored[number]) == without_blank_lines(INTRODUCTION)


def test_it_threads_the_replies_under_their_comment(reviewed):
    docx = export(reviewed.proposal)
    thread = reviewed.threads["span"]
    found = word_thread(docx, thread)
    people = reviewed.people
    assert [(comment.author, comment.text) for comment in found.comments] == [
        (display_name(people["reviewer"]), "Is this the same as CDS design?\nSee the O*NET list."),
        (display_name(people["editor"]), "Yes, the same work."),
        (display_name(people["rita"]), "Then say CDS."),
    ]
    assert [comment.initials for comment in found.comments] == ["RT", "ET", "RT"]
    assert [comment.date for comment in found.comments] == [word_date(comment.created_at)
                                                             for comment in thread.comments.order_by("created_at")]
    extended = docx.comments_extended()
    root, *replies = found.comments
    assert len(root.para_ids) == 2  # the blank line between its paragraphs is not written
    assert extended[root.para_ids[-1]][0] is None
    for reply in replies:
        assert extended[reply.para_ids[-1]][0] == root.para_ids[-1]
    # Each reply has its own range and reference, over the same words.
    anchored = docx.anchored(ORIGINAL)
    assert {anchored[number] for number in found.ids} == {"clinical decision support"}
    references = [item.get(w("w:id")) for item in docx.document.iter(w("w:commentReference"))]
    assert set(found.ids) <= set(references)


def test_it_gives_every_comment_paragraph_an_id_word_keeps(reviewed):
    docx = export(reviewed.proposal)
    para_ids = [para_id for comment in docx.comments() for para_id in comment.para_ids]
    assert len(para_ids) == len(set(para_ids))
    assert all(0 < int(para_id, 16) < 0x80000000 for para_id in para_ids)
    extended = docx.comments_extended()
    assert set(extended) == {comment.para_ids[-1] for comment in docx.comments()}
    ids = docx.xml("word/commentsIds.xml")
    assert {item.get(w("w16cid:paraId")) for item in ids.iter(w("w16cid:commentId"))} == set(extended)
    people = {item.get(w("w15:author")) for item in docx.xml("word/people.xml").iter(w("w15:person"))}
    assert people == {comment.author for comment in docx.comments()}


def test_it_leaves_resolved_threads_out_unless_asked_and_then_marks_them_done(reviewed):
    resolved = reviewed.threads["resolved"]
    docx = export(reviewed.proposal)
    assert not [thread for thread in docx.threads() if "Which clinicians?" in thread.text]
    assert not any(thread.done for thread in docx.threads())

    docx = export(reviewed.proposal, include_resolved=True)
    threads = docx.threads()
    found = word_thread(docx, resolved)
    assert found.done
    assert [comment.text for comment in found.comments] == ["Which clinicians?", "All of them."]
    extended = docx.comments_extended()
    assert extended[found.comments[0].para_ids[-1]][1] == "1"
    assert {extended[comment.para_ids[-1]][1] for thread in threads for comment in thread.comments
            if thread.ids != found.ids} == {"0"}
    anchored = docx.anchored(ORIGINAL)
    assert {anchored[number] for number in found.ids} == {"clinicians"}
    assert len(threads) == 11


def test_it_says_a_question_or_an_action_item_in_the_comment(reviewed):
    docx = export(reviewed.proposal)
    question = word_thread(docx, reviewed.threads["question"])
    assert question.comments[0].text == "Question: Needs to be both?"
    action = word_thread(docx, reviewed.threads["action"])
    editor = display_name(reviewed.people["editor"])
    assert action.comments[0].text == f"Action item (for {editor}, done): Check the registry's name."


def test_it_writes_a_suggestions_discussion_as_a_comment_over_its_change(reviewed):
    docx = export(reviewed.proposal)
    suggestion = reviewed.suggestions["replace"]
    found = docx.thread_with("Why shorten it?")
    assert {docx.anchored(ORIGINAL)[number] for number in found.ids} == {suggestion.quote}
    assert {docx.anchored(ACCEPTED)[number] for number in found.ids} == {suggestion.replacement}
    addition = docx.thread_with("We need audits.")
    assert {docx.anchored(ACCEPTED)[number] for number in addition.ids} == {AUDIT}
    removal = docx.thread_with("Paper charts are gone already.")
    assert {docx.anchored(ORIGINAL)[number] for number in removal.ids} == {RETIRE}
    assert [comment.text for comment in found.comments] == [
        "On the suggested change: Why shorten it?", "Lab is the usual word."]
    assert addition.comments[0].text == "On the suggested change: We need audits."


# Tracked changes ---------------------------------------------------------------------------


def test_it_writes_each_suggested_change_of_words_by_its_author(reviewed):
    docx = export(reviewed.proposal)
    for name in ("replace", "insert", "delete"):
        suggestion = Suggestion.objects.get(pk=reviewed.suggestions[name].pk)
        inside = elements_in_bookmark(docx.document, name_for_path(suggestion.path))
        deleted = [element for element in inside if element.tag == w("w:del")]
        inserted = [element for element in inside if element.tag == w("w:ins")]
        assert "".join(text_of(element, ORIGINAL) for element in deleted) == suggestion.quote, name
        assert "".join(text_of(element, ACCEPTED) for element in inserted) == suggestion.replacement, name
        for element in deleted + inserted:
            assert element.get(w("w:author")) == suggestion.author_label, name
            assert element.get(w("w:date")) == word_date(suggestion.created_at), name
    texts = docx.bookmarks(ACCEPTED)
    assert texts[name_for_path(f"task:{reviewed.tasks[VALIDATE].pk}.text")] == VALIDATE.replace("laboratory", "lab")
    assert texts[name_for_path(f"task:{reviewed.tasks[TRAIN].pk}.text")] == \
        "Train clinicians to use new electronic documentation tools"
    assert texts[name_for_path(f"task:{reviewed.tasks[DESIGN].pk}.text")] == \
        "Design clinical decision support rules for health records"
    originals = docx.bookmarks(ORIGINAL)
    for text, task in reviewed.tasks.items():
        assert originals[name_for_path(f"task:{task.pk}.text")] == text


def test_it_marks_a_removed_entry_deleted_to_its_paragraph_mark(reviewed):
    docx = export(reviewed.proposal)
    start = bookmark_start(docx.document, name_for_path(f"task:{reviewed.tasks[RETIRE].pk}.text"))
    paragraph = enclosing(start, "w:p")
    assert style_of(paragraph) == "ListBullet"
    assert paragraph_mark(paragraph) == "del"
    mark = paragraph.find("w:pPr/w:rPr/w:del", NS)
    assert mark.get(w("w:author")) == display_name(reviewed.people["reviewer"])
    assert paragraphs_text([paragraph], ORIGINAL) == RETIRE
    assert paragraphs_text([paragraph], ACCEPTED) == ""


def test_it_adds_a_suggested_entry_as_an_inserted_bullet_after_its_list(reviewed):
    docx = export(reviewed.proposal)
    paragraphs = docx.paragraphs()
    added = [paragraph for paragraph in paragraphs if paragraphs_text([paragraph], ACCEPTED) == AUDIT]
    assert len(added) == 1
    (paragraph,) = added
    assert style_of(paragraph) == "ListBullet"
    assert paragraph_mark(paragraph) == "ins"
    assert paragraph.find("w:pPr/w:rPr/w:ins", NS).get(w("w:author")) == display_name(reviewed.people["rita"])
    assert paragraphs_text([paragraph], ORIGINAL) == ""
    before = paragraphs[paragraphs.index(paragraph) - 1]
    assert paragraphs_text([before], ORIGINAL) == RETIRE  # the last task of the list


def test_it_marks_table_rows_removed_and_added(reviewed):
    docx = export(reviewed.proposal)
    start = bookmark_start(docx.document, name_for_path(f"workforce_figure:{reviewed.figure.pk}.description"))
    row = enclosing(start, "w:tr")
    assert row_mark(row) == "del"
    assert row.find("w:trPr/w:del", NS).get(w("w:author")) == display_name(reviewed.people["rita"])
    assert [text_of(cell, ACCEPTED) for cell in row.findall("w:tc", NS)] == ["", "", "", ""]
    table = enclosing(bookmark_start(docx.document, name_for_path(f"related_occupation:{reviewed.related.pk}.code")),
                      "w:tbl")
    rows = table.findall("w:tr", NS)
    assert [row_mark(row) for row in rows] == ["", "", "ins"]
    assert table_rows(table)[2] == ["15-1211", "Computer Systems Analysts", "They build systems."]
    assert [text_of(cell, ORIGINAL) for cell in rows[2].findall("w:tc", NS)] == ["", "", ""]
    assert rows[2].find("w:trPr/w:ins", NS).get(w("w:author")) == display_name(reviewed.people["reviewer"])


def test_it_turns_track_changes_on_for_the_reviewer(reviewed):
    settings = export(reviewed.proposal).settings()
    tags = [child.tag for child in settings]
    assert w("w:trackRevisions") in tags
    assert tags.index(w("w:trackRevisions")) < tags.index(w("w:defaultTabStop"))
    modes = [setting.get(w("w:val")) for setting in settings.iter(w("w:compatSetting"))
             if setting.get(w("w:name")) == "compatibilityMode"]
    assert modes == ["15"]


def test_it_declares_the_comment_parts(reviewed):
    docx = export(reviewed.proposal)
    base = "application/vnd.openxmlformats-officedocument.wordprocessingml"
    expected = {
        "comments": ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments",
                     f"{base}.comments+xml"),
        "commentsExtended": ("http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
                             f"{base}.commentsExtended+xml"),
        "commentsIds": ("http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
                        f"{base}.commentsIds+xml"),
        "people": ("http://schemas.microsoft.com/office/2011/relationships/people", f"{base}.people+xml"),
    }
    types = docx.content_types()
    relationships = {target: kind for _, kind, target in docx.relationships()}
    ids = [rid for rid, _, _ in docx.relationships()]
    assert len(ids) == len(set(ids))
    for name, (relationship, content_type) in expected.items():
        assert f"word/{name}.xml" in docx.names
        assert types[f"/word/{name}.xml"] == content_type
        assert relationships[f"{name}.xml"] == relationship


def test_it_gives_every_change_and_comment_its_own_id(reviewed):
    docx = export(reviewed.proposal, include_resolved=True)
    ids = docx.annotation_ids()
    assert len(ids) == len(set(ids))
    comment_ids = {comment.id for comment in docx.comments()}
    assert comment_ids == {item.get(w("w:id")) for item in docx.document.iter(w("w:commentRangeStart"))}
    assert comment_ids == {item.get(w("w:id")) for item in docx.document.iter(w("w:commentRangeEnd"))}
    assert comment_ids == {item.get(w("w:id")) for item in docx.document.iter(w("w:commentReference"))}


def test_it_adds_a_suggested_entry_under_its_item_when_the_item_has_no_list_yet(reviewed):
    suggestion = suggesting.suggestion_add_entry(proposal=reviewed.proposal, by=reviewed.people["rita"],
                                             entry_kind="licensing", values={"text": "No license is required."})
    docx = export(reviewed.proposal)
    paragraphs = docx.paragraphs()
    (added,) = [paragraph for paragraph in paragraphs
                if paragraphs_text([paragraph], ACCEPTED) == "No license is required."]
    assert paragraph_mark(added) == "ins" and style_of(added) == "ListBullet"
    assert added.find("w:pPr/w:rPr/w:ins", NS).get(w("w:author")) == suggestion.author_label
    index = paragraphs.index(added)
    assert paragraphs_text([paragraphs[index - 2]]) == "8. Licensing"  # its heading, then the prompt
    assert "license" in paragraphs_text([paragraphs[index - 1]])


# What cannot be a tracked change ------------------------------------------------------------


def _edit(entry, text, by):
    current = type(entry).objects.get(pk=entry.pk)
    return services.object_update(current, values={"text": text}, base_version=current.version, by=by)


def _revisions_in(docx, path):
    return [element for element in elements_in_bookmark(docx.document, name_for_path(path))
            if element.tag in (w("w:ins"), w("w:del"))]


def test_it_says_an_outdated_replacement_in_a_comment(reviewed, owner):
    suggestion = reviewed.suggestions["replace"]
    _edit(reviewed.tasks[VALIDATE], VALIDATE.replace("laboratory", "laboratories"), owner)
    assert Suggestion.objects.get(pk=suggestion.pk).is_outdated
    docx = export(reviewed.proposal)
    assert _revisions_in(docx, suggestion.path) == []
    found = docx.thread_with("Suggested change")
    assert found.comments[0].text == "Suggested change (the words have changed since): replace “laboratory” with “lab”"
    assert found.comments[0].author == display_name(reviewed.people["rita"])
    # Its discussion goes with it.
    assert [comment.text for comment in found.comments[1:]] == ["Why shorten it?", "Lab is the usual word."]


def test_it_says_an_outdated_insertion_in_a_comment(reviewed, owner):
    """An insertion is outdated when the words either side of it change: it is said in a
    comment like any outdated suggestion, not put between the new words."""
    suggestion = reviewed.suggestions["insert"]
    _edit(reviewed.tasks[TRAIN], TRAIN.replace("new documentation", "newer documentation"), owner)
    assert Suggestion.objects.get(pk=suggestion.pk).is_outdated
    docx = export(reviewed.proposal)
    assert _revisions_in(docx, suggestion.path) == []
    found = docx.thread_with("Suggested change")
    assert found.comments[0].text == "Suggested change (the words have changed since): insert “electronic”"


def test_it_says_a_suggestion_overlapping_another_in_a_comment_over_its_words(reviewed):
    task = reviewed.tasks[MONITOR]
    path = f"task:{task.pk}.text"
    first = suggesting.suggestion_replace(proposal=reviewed.proposal, by=reviewed.people["reviewer"], path=path,
                                      replacement="standard", **span(MONITOR, "quality of coded"))
    suggesting.suggestion_replace(proposal=reviewed.proposal, by=reviewed.people["rita"], path=path,
                              replacement="codified", **span(MONITOR, "coded data"))
    docx = export(reviewed.proposal)
    found = _revisions_in(docx, path)
    assert "".join(text_of(element, ORIGINAL) for element in found if element.tag == w("w:del")) \
        == "quality of coded"
    assert "".join(text_of(element, ACCEPTED) for element in found if element.tag == w("w:ins")) == "standard"
    assert {element.get(w("w:author")) for element in found} == {first.author_label}
    assert docx.bookmarks(ACCEPTED)[name_for_path(path)] == "Monitor the standard data in the registry"
    described = docx.thread_with("overlaps another")
    assert described.comments[0].text == \
        "Suggested change (it overlaps another suggestion): replace “coded data” with “codified”"
    assert described.comments[0].author == display_name(reviewed.people["rita"])
    assert {docx.anchored(ORIGINAL)[number] for number in described.ids} == {"coded data"}


def test_it_lists_comments_on_deleted_text_at_the_end(reviewed, owner):
    thread = reviewed.threads["span"]
    services.object_delete(Task.objects.get(pk=reviewed.tasks[DESIGN].pk), by=owner)
    docx = export(reviewed.proposal)
    paragraphs = docx.paragraphs()
    headings = [paragraph for paragraph in paragraphs
                if paragraphs_text([paragraph]) == "Comments on text no longer in the proposal"]
    assert len(headings) == 1 and style_of(headings[0]) == "Heading1"
    after = paragraphs[paragraphs.index(headings[0]) + 1:]
    found = word_thread(docx, thread)
    assert len(found.comments) == 3
    starts = {item.get(w("w:id")): enclosing(item, "w:p") for item in docx.document.iter(w("w:commentRangeStart"))}
    assert all(starts[number] in after for number in found.ids)
    assert {docx.anchored(ORIGINAL)[number] for number in found.ids} == {"“clinical decision support”"}
    # The deletion suggested on the deleted task is said there too.
    described = docx.thread_with("Suggested change (its text is gone)")
    assert starts[described.ids[0]] in after
    assert not docx.document.xpath("//w:body/w:p[last()]/following-sibling::w:p", namespaces=NS)


def test_it_exports_the_same_whoever_else_belongs_to_the_proposal(reviewed, member_of):
    before = export_docx(reviewed.proposal, review=True).read()
    member_of(Membership.Role.OBSERVER, "olive")
    after = export_docx(Proposal.objects.get(pk=reviewed.proposal.pk), review=True).read()
    assert after == before


def test_its_date_is_its_texts_not_the_last_write_to_the_proposal(reviewed):
    """A member added, a comment, a rating: each moves the proposal's updated_at (its list
    sorts by it), none changes its text; the file's date, and its bytes, stay. (It was
    the proposal's updated_at: two exports a second apart around a new member differed.)"""
    before = export_docx(reviewed.proposal, review=True).read()
    later = reviewed.proposal.updated_at + datetime.timedelta(hours=1)
    Proposal.objects.filter(pk=reviewed.proposal.pk).update(updated_at=later)
    assert export_docx(Proposal.objects.get(pk=reviewed.proposal.pk), review=True).read() == before


def test_it_escapes_what_people_write_in_comments(proposal, owner, member_of):
    eve = member_of(Membership.Role.REVIEWER, "eve")
    eve.first_name, eve.last_name = '<b onclick="x()">Eve</b>', "& Co <script>"
    eve.save()
    task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text="Code <the> data & more",
                                 by=owner)
    payload = "<script>alert('x')</script> & \"quoted\" ]]> <w:t>not a run</w:t>"
    thread = review.thread_start(proposal=proposal, by=eve, path=f"task:{task.pk}.text", text=payload,
                                 **span(task.text, "<the>"))
    reply = review.comment_add(thread=thread, by=owner, text="ok")
    null = " null\x00" if connection.vendor != "postgresql" else ""  # PostgreSQL cannot store NUL
    controls = f"Bell\x07{null} escape\x1b vertical\x0b form\x0c\r\nnext" + "\ufffe"
    Comment.objects.filter(pk=reply.pk).update(text=controls)
    suggesting.suggestion_replace(proposal=proposal, by=eve, path=f"task:{task.pk}.text", replacement="<that> & <this>",
                              **span(task.text, "<the>"))
    docx = export(proposal)
    for name in docx.names:
        if name.endswith((".xml", ".rels")):
            docx.xml(name)
    found = docx.thread_with("alert")
    assert [comment.text for comment in found.comments] == [payload, xml_clean(controls).replace("\n", "\n")]
    assert found.comments[0].author == display_name(eve) == '<b onclick="x()">Eve</b> & Co <script>'
    assert {docx.anchored(ORIGINAL)[number] for number in found.ids} == {"<the>"}
    assert docx.bookmarks(ACCEPTED)[name_for_path(f"task:{task.pk}.text")] == "Code <that> & <this> data & more"
    assert {revision.author for revision in docx.revisions()} == {display_name(eve)}
    people = {item.get(w("w15:author")) for item in docx.xml("word/people.xml").iter(w("w15:person"))}
    assert display_name(eve) in people
    assert len(list(docx.python_docx.comments)) == 2

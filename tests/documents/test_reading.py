"""Reading a reviewed .docx back (documents.reading.read_review): 1. our own review copy
round-trips; 2. edits made as Word makes them (document.xml edited with lxml) are read;
3. so is a copy saved again by LibreOffice, a real second client; hand-written
WordprocessingML of every shape the other clients write is read right; 4. any field with
any suggestions written by documents.fields reads back as written; and it is quick."""

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from comments import services as review

from comments import suggesting
from comments.models import Comment, Suggestion, Thread
from documents.body import Lines
from documents.bookmarks import name_for_path, path_for_name
from documents.export import export_docx
from documents.fields import Change as WrittenChange
from documents.fields import CommentRange, Ids, Revision
from documents.reading import Change, Span, read_review
from documents.review import Message, WordThread
from occupations import services
from occupations.entries import Task
from occupations.kinds import kind_for
from occupations.members import display_name
from occupations.models import Proposal
from occupations.outline import proposal_outline
from occupations.sample import fill_proposal
from occupations.selectors import text_at
from tests.documents.clients import soffice_convert
from tests.documents.docx_reading import W, W14, W15, bookmark_names, w, without_blank_lines

INTRODUCTION = ("Health informatics joins clinical care and information technology.\n\n"
                "This proposal asks the Committee for a new detailed occupation.")
BACKGROUND = ("Health informatics specialists bridge clinical care and information technology. "
              "Employers report that the work has grown quickly over the last decade.")
DESIGN = "Design clinical decision support rules for electronic health records"
VALIDATE = "Validate data exchange between laboratory systems and hospitals"
TRAIN = "Train clinicians to use new documentation tools"
MONITOR = "Monitor the quality of coded data in the registry"
RETIRE = "Retire paper charts from the archive"
AUDIT = "Audit access to patient records"
INTERFACES = "Document interfaces between clinical systems"
REPORT = "Report coding errors to the registry"
SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


# --- files ---------------------------------------------------------------------------------

def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def parse(data: bytes):
    return etree.fromstring(data, SAFE)


def serialize(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def review_parts(proposal, **options) -> dict[str, bytes]:
    return unzip(export_docx(Proposal.objects.get(pk=proposal.pk), review=True, **options).read())


def span(text: str, quote: str) -> dict:
    start = text.index(quote)
    return {"start": start, "end": start + len(quote), "quote": quote}


def seconds(moment) -> datetime:
    return moment.astimezone(timezone.utc).replace(microsecond=0)


# --- the proposal under review -----------------------------------------------------------

@dataclass
class Reviewed:
    proposal: Proposal
    tasks: dict  # text -> Task
    skill: object
    figure: object
    threads: dict  # name -> Thread
    suggestions: dict  # name -> Suggestion
    people: dict


@pytest.fixture
def reviewed(proposal, owner, editor, reviewer):
    """Sections, tasks, a skill (name — description), a table row; open threads with
    replies, a resolved one, one on a whole entry, one across a section's paragraphs;
    suggestions of every kind, one discussed. Made as people make them."""
    proposal = services.object_update(proposal, values={"introduction": INTRODUCTION, "background": BACKGROUND},
                                      base_version=proposal.version, by=owner)
    _, minor, _ = fill_proposal(proposal, owner, 12)  # groups (the classification table), entries of every kind
    # A group with text under it: its heading is bookmarked too (with the group's path)
    minor = services.object_update(minor, values={"definition": "Workers who run clinical information systems."},
                                   base_version=minor.version, by=owner)
    task = kind_for("task")
    tasks = {text: services.entry_create(entry_kind=task, proposal=proposal, text=text, by=owner)
             for text in (DESIGN, VALIDATE, TRAIN, MONITOR, RETIRE, INTERFACES, REPORT)}
    skill = services.entry_create(entry_kind=kind_for("skill"), proposal=proposal, name="Active Listening",
                                  description="Giving full attention to what other people are saying.", by=owner)
    figure = services.entry_create(entry_kind=kind_for("workforce_figure"), proposal=proposal,
                                   description="Health informatics workers", number=52000, year=2022,
                                   source="BLS", by=owner)
    path = lambda entry, field="text": f"task:{entry.pk}.{field}"  # noqa: E731
    background = f"proposal:{proposal.pk}.background"
    threads, suggestions = {}, {}
    threads["span"] = review.thread_start(proposal=proposal, by=reviewer, path=path(tasks[DESIGN]),
                                          text="Is this the same as CDS design?",
                                          **span(DESIGN, "clinical decision support"))
    review.comment_add(thread=threads["span"], by=editor, text="Yes, the same work.")
    review.comment_add(thread=threads["span"], by=owner, text="Then say CDS.")
    threads["question"] = review.thread_start(proposal=proposal, by=editor, path=background, kind="question",
                                              text="Which employers?", **span(BACKGROUND, "Employers report"))
    threads["entry"] = review.thread_start(proposal=proposal, by=reviewer, path=f"skill:{skill.pk}",
                                           text="Is listening a skill we need to name?")
    threads["across"] = review.thread_start(proposal=proposal, by=reviewer,
                                            path=f"proposal:{proposal.pk}.introduction", text="Across the break.",
                                            **span(INTRODUCTION, "technology.\n\nThis proposal"))
    threads["resolved"] = review.thread_start(proposal=proposal, by=reviewer, path=path(tasks[TRAIN]),
                                              text="Which clinicians?", **span(TRAIN, "clinicians"))
    review.comment_add(thread=threads["resolved"], by=editor, text="All of them.")
    review.thread_resolve(thread=threads["resolved"], by=editor)

    suggestions["replace"] = suggesting.suggestion_replace(proposal=proposal, by=reviewer, path=path(tasks[VALIDATE]),
                                                       replacement="lab", **span(VALIDATE, "laboratory"))
    suggesting.suggestion_discuss(suggestion=suggestions["replace"], by=editor, text="Why shorten it?")
    at = TRAIN.index(" documentation")
    suggestions["insert"] = suggesting.suggestion_replace(proposal=proposal, by=reviewer, path=path(tasks[TRAIN]),
                                                      start=at, end=at, quote="", replacement=" electronic")
    suggestions["delete"] = suggesting.suggestion_replace(proposal=proposal, by=editor, path=background,
                                                      replacement="", **span(BACKGROUND, " over the last decade"))
    suggestions["remove"] = suggesting.suggestion_remove_entry(proposal=proposal, by=reviewer,
                                                           path=f"task:{tasks[RETIRE].pk}")
    suggestions["add"] = suggesting.suggestion_add_entry(proposal=proposal, by=editor, entry_kind="task",
                                                     values={"text": AUDIT})
    suggestions["remove_row"] = suggesting.suggestion_remove_entry(proposal=proposal, by=reviewer,
                                                               path=f"workforce_figure:{figure.pk}")
    people = {"owner": owner, "editor": editor, "reviewer": reviewer}
    return Reviewed(Proposal.objects.get(pk=proposal.pk), tasks, skill, figure, threads, suggestions, people)


def section_paths(proposal) -> set[str]:
    """Fields written a paragraph per line (their blank lines are not written)."""
    return {block.text_path for block in proposal_outline(proposal).walk() if block.kind == "paragraph"}


def expected_text(proposal, path: str, sections: set[str]) -> str:
    if "." not in path:  # a heading that stands for its group
        group = proposal.groups.get(pk=int(path.split(":")[1]))
        return f"{group.code} {group.title}".strip()
    text = text_at(proposal, path)
    return without_blank_lines(text) if path in sections else text


def comment_saying(reading, words: str):
    (found,) = [comment for comment in reading.comments.values() if words in comment.text]
    return found


def change_of(suggestion) -> tuple:
    suggestion = Suggestion.objects.get(pk=suggestion.pk)
    return (suggestion.start, suggestion.end, suggestion.replacement, suggestion.author_label,
            seconds(suggestion.created_at))


def as_tuple(change: Change) -> tuple:
    return change.start, change.end, change.text, change.author, change.date


# --- 1. our own review copy, read back -------------------------------------------------------

def test_it_reads_back_every_field_of_the_review_copy_as_the_proposal_has_it(reviewed):
    parts = review_parts(reviewed.proposal, include_resolved=True)
    reading = read_review(parts)
    names = bookmark_names(parse(parts["word/document.xml"]))
    assert set(reading.fields) == {path_for_name(name) for name in names}
    assert len(reading.fields) > 30 and any("." not in path for path in reading.fields)
    sections = section_paths(reviewed.proposal)
    for path, field in reading.fields.items():
        assert field.original == expected_text(reviewed.proposal, path, sections), path
    # The properties say where the copy came from
    assert reading.properties["title"] == "Health Informatics Occupations"
    assert reading.properties["description"] == "Review copy"
    assert reading.properties["lastModifiedBy"] == reading.properties["creator"] == "Owner Tester"
    assert reading.properties["SOC Proposal Studio copy"] == "review"
    assert reading.properties["SOC Proposal Studio proposal"].startswith(f"{reviewed.proposal.pk} ")


def test_it_reads_every_open_suggestion_as_a_change_at_its_offsets_by_its_author(reviewed):
    reading = read_review(review_parts(reviewed.proposal))
    for name in ("replace", "insert", "delete"):
        suggestion = reviewed.suggestions[name]
        field = reading.fields[suggestion.path]
        assert [as_tuple(change) for change in field.changes] == [change_of(suggestion)], name
        start, end, text, *_ = change_of(suggestion)
        assert field.accepted == field.original[:start] + text + field.original[end:]
    assert reading.fields[reviewed.suggestions["replace"].path].accepted == VALIDATE.replace("laboratory", "lab")
    untouched = reading.fields[f"task:{reviewed.tasks[MONITOR].pk}.text"]
    assert untouched.changes == [] and untouched.accepted == untouched.original == MONITOR


def test_it_reads_a_removed_entry_as_removed_and_an_added_one_as_a_new_bullet(reviewed):
    reading = read_review(review_parts(reviewed.proposal))
    removed = reading.fields[f"task:{reviewed.tasks[RETIRE].pk}.text"]
    assert removed.removed and removed.original == RETIRE and removed.accepted == ""
    reviewer = display_name(reviewed.people["reviewer"])
    assert [(change.start, change.end, change.text, change.author) for change in removed.changes] == [
        (0, len(RETIRE), "", reviewer)]
    for name in ("description", "source"):  # the removed row's cells
        assert reading.fields[f"workforce_figure:{reviewed.figure.pk}.{name}"].removed
    assert not any(field.removed for path, field in reading.fields.items()
                   if not path.startswith((f"task:{reviewed.tasks[RETIRE].pk}.", "workforce_figure:")))

    (added,) = [paragraph for paragraph in reading.paragraphs if paragraph.accepted == AUDIT]
    assert added.inserted and not added.deleted and added.style == "ListBullet"
    assert added.paths == [] and added.original == "" and not added.in_table
    assert [(change.start, change.text, change.author) for change in added.changes] == [
        (0, AUDIT + "\n", display_name(reviewed.people["editor"]))]  # its text and its paragraph mark
    (paragraph,) = [paragraph for paragraph in reading.paragraphs if paragraph.original == RETIRE]
    assert paragraph.deleted and paragraph.paths == [removed.path]
    assert reading.paragraphs[added.index - 1].original == REPORT  # the new bullet ends the list


def test_it_reads_every_thread_as_comments_with_replies_and_done_flags(reviewed):
    reading = read_review(review_parts(reviewed.proposal, include_resolved=True))
    threads = Thread.objects.filter(proposal=reviewed.proposal)
    assert len(reading.comments) == Comment.objects.filter(thread__in=threads).count() == 9
    for name, thread in reviewed.threads.items():
        messages = list(thread.comments.order_by("created_at", "id"))
        root = comment_saying(reading, messages[0].text)
        replies = [comment_saying(reading, message.text) for message in messages[1:]]
        assert root.parent_id is None and root.anchored, name
        assert root.author == display_name(messages[0].author) and root.initials
        assert root.date == seconds(messages[0].created_at)
        assert [(reply.parent_id, reply.author) for reply in replies] == [
            (root.id, display_name(message.author)) for message in messages[1:]]
        assert {comment.done for comment in (root, *replies)} == {name == "resolved"}, name
        assert root.para_id and all(reply.para_id for reply in replies)
    assert comment_saying(reading, "Which employers?").text == "Question: Which employers?"
    discussion = comment_saying(reading, "Why shorten it?")
    assert discussion.text == "On the suggested change: Why shorten it?" and discussion.parent_id is None


def test_it_reads_each_comment_range_as_spans_at_the_threads_offsets(reviewed):
    reading = read_review(review_parts(reviewed.proposal, include_resolved=True))
    for name in ("span", "question", "resolved"):
        thread = reviewed.threads[name]
        field = reading.fields[thread.path]
        ids = {comment_saying(reading, comment.text).id for comment in thread.comments.all()}
        assert {(item.comment_id, item.start, item.end) for item in field.spans} >= {
            (number, thread.start, thread.end) for number in ids}, name
        for number in ids:  # each comment is counted in the paragraph its range starts in
            assert thread.path in reading.paragraphs[reading.comment_paragraph[number]].paths
    # Across a section's paragraphs: the same words, less the blank line that is not written
    across = reviewed.threads["across"]
    (item,) = reading.fields[across.path].spans
    assert reading.fields[across.path].original[item.start:item.end] == "technology.\nThis proposal"
    # A comment on a whole entry covers each of its fields, and its paragraph
    entry = comment_saying(reading, "Is listening a skill")
    for name in ("name", "description"):
        field = reading.fields[f"skill:{reviewed.skill.pk}.{name}"]
        assert [(item.comment_id, item.start, item.end) for item in field.spans] == [
            (entry.id, 0, len(field.original))]
    paragraph = reading.paragraphs[reading.comment_paragraph[entry.id]]
    assert [(item.comment_id, item.start, item.end) for item in paragraph.spans] == [
        (entry.id, 0, len(paragraph.original))]
    # A suggestion's discussion is on the words it changes
    suggestion = reviewed.suggestions["replace"]
    discussion = comment_saying(reading, "Why shorten it?")
    assert Span(discussion.id, suggestion.start, suggestion.end) in reading.fields[suggestion.path].spans


def test_it_lists_every_paragraph_in_order_with_its_fields(reviewed):
    reading = read_review(review_parts(reviewed.proposal))
    assert [paragraph.index for paragraph in reading.paragraphs] == list(range(len(reading.paragraphs)))
    introduction = f"proposal:{reviewed.proposal.pk}.introduction"
    lines = [paragraph for paragraph in reading.paragraphs if introduction in paragraph.paths]
    assert [paragraph.original for paragraph in lines] == without_blank_lines(INTRODUCTION).split("\n")
    (skill,) = [paragraph for paragraph in reading.paragraphs if f"skill:{reviewed.skill.pk}.name" in paragraph.paths]
    assert skill.paths == [f"skill:{reviewed.skill.pk}.name", f"skill:{reviewed.skill.pk}.description"]
    assert skill.original == "Active Listening — Giving full attention to what other people are saying."
    cells = [paragraph for paragraph in reading.paragraphs if paragraph.in_table]
    assert {"Health informatics workers", "BLS", "Healthcare"} <= {paragraph.original for paragraph in cells}
    assert reading.paragraphs[0].style == "Title" and reading.paragraphs[0].paths == [
        f"proposal:{reviewed.proposal.pk}.title"]


# --- 2. edits made as Word makes them ----------------------------------------------------------

DANA, ERIN = "Dana Reviewer", "Erin Outside"
WHEN = "2026-03-04T10:20:30Z"
WHEN_DATE = datetime(2026, 3, 4, 10, 20, 30, tzinfo=timezone.utc)


def fragment(xml: str) -> list:
    """WordprocessingML elements from text written with the w: and w14: prefixes."""
    return list(etree.fromstring(f'<w:x xmlns:w="{W}" xmlns:w14="{W14}" xmlns:w15="{W15}">{xml}</w:x>', SAFE))


def paragraph_of(document, path: str):
    start = next(mark for mark in document.iter(w("w:bookmarkStart")) if mark.get(w("w:name")) == name_for_path(path))
    return next(ancestor for ancestor in start.iterancestors() if ancestor.tag == w("w:p"))


def rewrite(paragraph, xml: str) -> None:
    """The paragraph's content (all but its properties) replaced."""
    for child in list(paragraph):
        if child.tag != w("w:pPr"):
            paragraph.remove(child)
    paragraph.extend(fragment(xml))


def revision(kind: str, number: int, xml: str, author: str = DANA) -> str:
    return f'<w:{kind} w:id="{number}" w:author="{author}" w:date="{WHEN}">{xml}</w:{kind}>'


def t(text: str, deleted: bool = False) -> str:
    tag = "w:delText" if deleted else "w:t"
    return f'<w:r><{tag} xml:space="preserve">{text}</{tag}></w:r>'


def bookmarked(path: str, xml: str, number: int = 9000) -> str:
    return f'<w:bookmarkStart w:id="{number}" w:name="{name_for_path(path)}"/>{xml}<w:bookmarkEnd w:id="{number}"/>'


def word_comment(number: int, author: str, text: str, para_id: str | None) -> str:
    para = f' w14:paraId="{para_id}"' if para_id else ""
    return (f'<w:comment w:id="{number}" w:author="{author}" w:date="{WHEN}" w:initials="{author[0]}">'
            f'<w:p{para}><w:r><w:annotationRef/></w:r>{t(text)}</w:p></w:comment>')


def edited_as_in_word(reviewed) -> dict[str, bytes]:
    """The review copy as a reviewer leaves it in Word: tracked changes of her own (with
    revision ids that collide with comment ids), a comment answered by someone outside
    the group and resolved, a comment with no range, a sentence retyped with Track Changes
    off, a bullet deleted and one added (as Word does: Enter typed at the end of the bullet
    before), and Word's own _GoBack bookmark."""
    parts = review_parts(reviewed.proposal)
    document = parse(parts["word/document.xml"])
    task = lambda text: f"task:{reviewed.tasks[text].pk}.text"  # noqa: E731
    # Tracked: "quality" replaced, " weekly" typed after the end of the bullet (Word leaves
    # it outside the bookmark), and Word's _GoBack bookmark where she stopped.
    at = MONITOR.index("quality")
    rewrite(paragraph_of(document, task(MONITOR)), bookmarked(task(MONITOR), (
        t(MONITOR[:at]) + revision("del", 0, t("quality", deleted=True)) + revision("ins", 1, t("accuracy"))
        + t(MONITOR[at + len("quality"):]))) + revision("ins", 2, t(" weekly"))
        + '<w:bookmarkStart w:id="9999" w:name="_GoBack"/><w:bookmarkEnd w:id="9999"/>')
    # A comment and a reply on the same words; the thread resolved
    at = INTERFACES.index("clinical systems")
    rewrite(paragraph_of(document, task(INTERFACES)), bookmarked(task(INTERFACES), (
        t(INTERFACES[:at]) + '<w:commentRangeStart w:id="100"/><w:commentRangeStart w:id="101"/>'
        + t("clinical systems") + '<w:commentRangeEnd w:id="100"/><w:commentRangeEnd w:id="101"/>'
        + '<w:r><w:commentReference w:id="100"/></w:r><w:r><w:commentReference w:id="101"/></w:r>')))
    # A comment with no range, at the end of a bullet
    paragraph_of(document, task(VALIDATE)).extend(fragment('<w:r><w:commentReference w:id="102"/></w:r>'))
    # Track Changes off: the skill's description retyped
    description = paragraph_of(document, f"skill:{reviewed.skill.pk}.description")
    (text,) = [element for element in description.iter(w("w:t")) if element.text.startswith("Giving")]
    text.text = "Giving full attention to what people say."
    # A bullet deleted, and a new one added after the MONITOR bullet
    report = paragraph_of(document, task(REPORT))
    rewrite(report, bookmarked(task(REPORT), revision("del", 3, t(REPORT, deleted=True))))
    report.find(w("w:pPr")).extend(fragment(f'<w:rPr>{revision("del", 4, "")}</w:rPr>'))
    # (Word marks the mark that Enter typed, at the end of the bullet before, as inserted)
    monitor = paragraph_of(document, task(MONITOR))
    monitor.find(w("w:pPr")).extend(fragment(f'<w:rPr>{revision("ins", 5, "")}</w:rPr>'))
    monitor.addnext(fragment(f'<w:p><w:pPr><w:pStyle w:val="ListBullet"/></w:pPr>'
                             f'{revision("ins", 6, t("Teach coders the new rules"))}</w:p>')[0])
    parts["word/document.xml"] = serialize(document)

    comments = parse(parts["word/comments.xml"])
    comments.extend(fragment(word_comment(100, DANA, "Which systems?", "7A000001")
                             + word_comment(101, ERIN, "The lab and the pharmacy ones.", "7A000002")
                             + word_comment(102, DANA, "Check this bullet again.", None)))
    parts["word/comments.xml"] = serialize(comments)
    extended = parse(parts["word/commentsExtended.xml"])
    extended.extend(fragment('<w15:commentEx w15:paraId="7A000001" w15:done="1"/>'
                             '<w15:commentEx w15:paraId="7A000002" w15:paraIdParent="7A000001" w15:done="0"/>'))
    parts["word/commentsExtended.xml"] = serialize(extended)
    return parts


def check_word_edits(reading, reviewed, *, threaded: bool = True) -> None:
    task = lambda text: reading.fields[f"task:{reviewed.tasks[text].pk}.text"]  # noqa: E731
    monitor = task(MONITOR)
    at = MONITOR.index("quality")
    assert monitor.original == MONITOR
    assert monitor.accepted == MONITOR.replace("quality", "accuracy") + " weekly"
    assert [(change.start, change.end, change.text, change.author, change.date) for change in monitor.changes] == [
        (at, at + len("quality"), "accuracy", DANA, WHEN_DATE),
        (len(MONITOR), len(MONITOR), " weekly", DANA, WHEN_DATE)]
    assert not any(path is None or "GoBack" in path for path in reading.fields)

    root, reply = comment_saying(reading, "Which systems?"), comment_saying(reading, "The lab and the pharmacy")
    assert (root.author, root.parent_id, root.done, root.anchored) == (DANA, None, True, True)
    if threaded:
        assert (reply.author, reply.parent_id, reply.done, reply.anchored) == (ERIN, root.id, True, True)
    else:  # LibreOffice: no reply links, and only what was marked done itself is done
        assert (reply.author, reply.parent_id, reply.done, reply.anchored) == (ERIN, None, False, True)
    at = INTERFACES.index("clinical systems")
    assert {(item.comment_id, item.start, item.end) for item in task(INTERFACES).spans} == {
        (root.id, at, len(INTERFACES)), (reply.id, at, len(INTERFACES))}

    bare = comment_saying(reading, "Check this bullet again.")
    assert not bare.anchored and not any(item.comment_id == bare.id for field in reading.fields.values()
                                         for item in field.spans)
    assert reading.paragraphs[reading.comment_paragraph[bare.id]].paths == [task(VALIDATE).path]

    description = reading.fields[f"skill:{reviewed.skill.pk}.description"]
    assert description.original == description.accepted == "Giving full attention to what people say."
    assert description.changes == []

    report = task(REPORT)
    assert report.removed and report.accepted == "" and report.original == REPORT
    (added,) = [paragraph for paragraph in reading.paragraphs if paragraph.accepted == "Teach coders the new rules"]
    assert added.inserted and added.paths == [] and added.style == "ListBullet" and added.original == ""
    before = reading.paragraphs[added.index - 1]
    assert before.paths == [monitor.path] and not before.inserted  # its mark is new, not its text


def test_it_reads_what_a_reviewer_did_in_word(reviewed):
    check_word_edits(read_review(edited_as_in_word(reviewed)), reviewed)


# --- 3. LibreOffice as the second client -----------------------------------------------------

def through_libreoffice(soffice, folder, data: bytes) -> dict[str, bytes]:
    """The .docx as LibreOffice saves it again (opened and saved as Word 2007-365), with a
    profile of its own: concurrent runs must not share one."""
    source = folder / "in" / "review.docx"
    source.parent.mkdir()
    source.write_bytes(data)
    converted = soffice_convert(soffice, source, "docx:MS Word 2007 XML", folder)
    return unzip(converted.read_bytes())




def summary(field) -> tuple:
    return (field.original, field.accepted, [as_tuple(change) for change in field.changes],
            sorted((item.start, item.end) for item in field.spans), field.removed)


def comment_summary(reading) -> list[tuple]:
    return sorted((comment.author, comment.text, comment.date, comment.done, comment.anchored)
                  for comment in reading.comments.values())


@pytest.mark.libreoffice
def test_it_reads_the_review_copy_as_libreoffice_saves_it(reviewed, soffice, tmp_path):
    parts = review_parts(reviewed.proposal, include_resolved=True)
    ours = read_review(parts)
    theirs = read_review(through_libreoffice(soffice, tmp_path, zipped(parts)))
    # Every field is still found by its bookmark (none is lost), with its text, its changes
    # by their authors, and its comments' spans: LibreOffice's bookmark ends, one character
    # early after a comment, are put right.
    assert set(theirs.fields) == set(ours.fields)
    for path, field in ours.fields.items():
        assert summary(theirs.fields[path]) == summary(field), path
    # Every comment, with its author, text, date and resolved state; LibreOffice renumbers
    # them and drops the reply links (it writes no paraIdParent), so every one is a root.
    assert comment_summary(theirs) == comment_summary(ours)
    assert all(comment.parent_id is None for comment in theirs.comments.values())

    def paragraphs(reading):
        return [(paragraph.style or "Normal", paragraph.original, paragraph.accepted, paragraph.paths,
                 paragraph.inserted, paragraph.deleted, paragraph.in_table) for paragraph in reading.paragraphs]

    assert paragraphs(theirs) == paragraphs(ours)


@pytest.mark.libreoffice
def test_it_reads_a_reviewers_word_edits_as_libreoffice_saves_them(reviewed, soffice, tmp_path):
    parts = edited_as_in_word(reviewed)
    reading = read_review(through_libreoffice(soffice, tmp_path, zipped(parts)))
    check_word_edits(reading, reviewed, threaded=False)


# --- what other clients write, by hand -------------------------------------------------------

def docx(body: str, comments: str | None = None, extended: str | None = None) -> dict[str, bytes]:
    """The parts of a document with this body (w: and w14: prefixes), and comment parts if given."""
    spaces = f'xmlns:w="{W}" xmlns:w14="{W14}" xmlns:w15="{W15}"'
    parts = {"word/document.xml": f"<w:document {spaces}><w:body>{body}</w:body></w:document>".encode()}
    if comments is not None:
        parts["word/comments.xml"] = f"<w:comments {spaces}>{comments}</w:comments>".encode()
    if extended is not None:
        parts["word/commentsExtended.xml"] = f"<w15:commentsEx {spaces}>{extended}</w15:commentsEx>".encode()
    return parts


def p(xml: str, style: str = "", mark: str = "") -> str:
    properties = (f'<w:pStyle w:val="{style}"/>' if style else "") + (f"<w:rPr>{mark}</w:rPr>" if mark else "")
    return f"<w:p>{'<w:pPr>' + properties + '</w:pPr>' if properties else ''}{xml}</w:p>"


def start(name: str, number: int = 1) -> str:
    return f'<w:bookmarkStart w:id="{number}" w:name="{name}"/>'


def end(number: int = 1) -> str:
    return f'<w:bookmarkEnd w:id="{number}"/>'


def test_it_reads_text_inside_hyperlinks_smart_tags_content_controls_and_fields():
    runs = (
        '<w:hyperlink w:history="1"><w:r><w:t xml:space="preserve">Visit </w:t></w:r></w:hyperlink>'
        '<w:smartTag w:uri="urn:x" w:element="place"><w:smartTagPr/><w:r><w:t>Boston</w:t></w:r></w:smartTag>'
        '<w:sdt><w:sdtPr><w:alias w:val="When"/></w:sdtPr><w:sdtContent><w:r><w:t xml:space="preserve"> today'
        '</w:t></w:r></w:sdtContent></w:sdt>'
        '<w:fldSimple w:instr=" DATE "><w:r><w:t>(the date)</w:t></w:r></w:fldSimple>'
        # A field: its code is not text, its result is; a deleted field code neither
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText>'
        '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        f'{revision("del", 5, "<w:r><w:delInstrText> PAGE </w:delInstrText></w:r>")}'
        # Word's special characters
        '<w:r><w:t>a</w:t><w:noBreakHyphen/><w:t>b</w:t><w:softHyphen/><w:t>c</w:t>'
        '<w:sym w:font="Wingdings" w:char="F04A"/><w:cr/><w:t>d</w:t><w:tab/><w:t>e</w:t><w:br/><w:t>f</w:t>'
        '<w:br w:type="page"/></w:r>'
    )
    controlled = p(start("_task_2_text", 2) + t("In a control") + end(2))
    content_control = f"<w:sdt><w:sdtContent>{controlled}</w:sdtContent></w:sdt>"
    reading = read_review(docx(p(start("_task_1_text") + runs + end()) + content_control))
    field = reading.fields["task:1.text"]
    assert field.original == field.accepted == "Visit Boston today(the date)7a-bc\nd\te\nf"
    assert field.changes == []
    assert reading.fields["task:2.text"].original == "In a control"
    assert len(reading.paragraphs) == 2


def test_it_reads_moves_as_deletions_and_insertions_and_ignores_changes_of_format():
    move_from = revision("moveFrom", 3, t("this ", deleted=False))
    move_to = revision("moveTo", 4, t("this "), author=ERIN)
    formatted = ('<w:r><w:rPr><w:b/><w:rPrChange w:id="7" w:author="Erin" w:date="2026-03-04T10:20:30Z"><w:rPr/>'
                 '</w:rPrChange></w:rPr><w:t>bold</w:t></w:r>')
    restyled = ('<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:pPrChange w:id="8" w:author="Erin" w:date="'
                f'{WHEN}"><w:pPr><w:pStyle w:val="Normal"/></w:pPr></w:pPrChange></w:pPr>'
                f'{start("_task_3_text", 3)}{t("Restyled")}{end(3)}</w:p>')
    reading = read_review(docx(
        p(start("_task_1_text") + '<w:moveFromRangeStart w:id="1" w:name="move1"/>' + move_from
          + '<w:moveFromRangeEnd w:id="1"/>' + t("Keep ") + formatted + end())
        + p(start("_task_2_text", 2) + move_to + t("here") + end(2)) + restyled))
    first, second = reading.fields["task:1.text"], reading.fields["task:2.text"]
    assert (first.original, first.accepted) == ("this Keep bold", "Keep bold")
    assert [as_tuple(change) for change in first.changes] == [(0, 5, "", DANA, WHEN_DATE)]
    assert (second.original, second.accepted) == ("here", "this here")
    assert [as_tuple(change) for change in second.changes] == [(0, 0, "this ", ERIN, WHEN_DATE)]
    assert reading.paragraphs[2].style == "Heading1" and reading.fields["task:3.text"].changes == []


def test_it_reads_text_inserted_and_deleted_again_as_in_neither_text():
    """Erin deleted what Dana had inserted: Word nests the deletion in the insertion."""
    nested = revision("ins", 1, revision("del", 2, t("gone", deleted=True), author=ERIN))
    reading = read_review(docx(p(start("_task_1_text") + t("Stays") + nested + end())))
    field = reading.fields["task:1.text"]
    assert (field.original, field.accepted, field.changes) == ("Stays", "Stays", [])


def test_it_reads_a_bookmark_across_paragraphs_and_a_paragraph_mark_changed():
    # Dana joined the first two lines (deleted the mark and the words around it), and
    # broke the third in two; LibreOffice repeats a bookmark's start in each paragraph.
    body = (p(start("_proposal_1_background") + t("One ") + revision("del", 1, t("two", deleted=True)),
              mark=revision("del", 2, ""))
            + p(start("_proposal_1_background", 7) + revision("del", 3, t("Three ", deleted=True)) + t("four"))
            + p(t("Five"), mark=revision("ins", 4, "")) + p(t("six") + end(7)))
    field = read_review(docx(body)).fields["proposal:1.background"]
    assert field.original == "One two\nThree four\nFivesix"
    assert field.accepted == "One four\nFive\nsix"
    assert [as_tuple(change) for change in field.changes] == [
        (4, 14, "", DANA, WHEN_DATE), (23, 23, "\n", DANA, WHEN_DATE)]


def test_it_puts_a_bookmark_moved_by_one_character_back_on_its_boundary():
    """LibreOffice writes a bookmark's end one character early in a paragraph where a
    comment ends before it; a late end would take the paragraph mark in."""
    comment = '<w:commentRangeStart w:id="0"/>' + t("Act") + '<w:commentRangeEnd w:id="0"/>' \
              '<w:r><w:commentReference w:id="0"/></w:r>'
    body = (
        p(start("_skill_1_name", 1) + comment + t("ive Listenin") + end(1) + t("g — ")
          + start("_skill_1_description", 2) + t("Giving attentio") + end(2) + t("n"))
        + p(start("_task_1_text", 3) + comment.replace('"0"', '"1"').replace("Act", "Train") + t(" clinician")
            + end(3) + t("s (may)"))
        + p(start("_task_2_text", 4) + t("Ends late")) + p(end(4) + t("Next paragraph"))
        + p(t("S") + start("_task_3_text", 5) + t("tarts late") + end(5) + revision("ins", 6, t(" and more")))
    )
    comments = word_comment(0, DANA, "On it", None) + word_comment(1, DANA, "Yes", None)
    reading = read_review(docx(body, comments=comments))
    fields = {path: field.original for path, field in reading.fields.items()}
    assert fields == {"skill:1.name": "Active Listening", "skill:1.description": "Giving attention",
                      "task:1.text": "Train clinicians", "task:2.text": "Ends late", "task:3.text": "Starts late"}
    # What Word leaves outside a bookmark at the edge of its paragraph belongs to the field
    assert reading.fields["task:3.text"].accepted == "Starts late and more"
    assert reading.fields["skill:1.name"].spans == [Span("0", 0, 3)]
    assert reading.paragraphs[2].paths == ["task:2.text"] and reading.paragraphs[3].paths == []


def test_it_ignores_a_reviewers_own_bookmarks_and_reads_bookmarks_between_paragraphs():
    body = (start("_task_1_text") + p(t("Whole ") + start("_GoBack", 2) + end(2) + start("Mine", 3) + t("line"))
            + end() + end(3) + p(t("After")))
    reading = read_review(docx(body))
    assert list(reading.fields) == ["task:1.text"]
    assert reading.fields["task:1.text"].original == "Whole line"
    assert [paragraph.paths for paragraph in reading.paragraphs] == [["task:1.text"], []]


def test_it_reads_tables_with_rows_inserted_and_deleted():
    def row(mark: str, *cells: str) -> str:
        properties = f"<w:trPr>{mark}</w:trPr>" if mark else ""
        return f"<w:tr>{properties}" + "".join(f"<w:tc>{cell}</w:tc>" for cell in cells) + "</w:tr>"

    table = ("<w:tbl>" + row("", p(t("Code")), p(t("Title")))
             + row("", p(t("29-9021")), p(start("_related_occupation_1_title") + t("Kept") + end()))
             + row(revision("del", 2, ""), p(revision("del", 3, t("15-1211", deleted=True))),
                   p(start("_related_occupation_2_title", 2) + revision("del", 4, t("Gone", deleted=True)) + end(2)))
             + row(revision("ins", 5, ""), p(revision("ins", 6, t("11-9111"))), p(revision("ins", 7, t("New"))))
             + "</w:tbl>")
    reading = read_review(docx(p(t("Before")) + table + p("")))
    assert not reading.fields["related_occupation:1.title"].removed
    assert reading.fields["related_occupation:2.title"].removed
    cells = [(paragraph.original, paragraph.accepted, paragraph.inserted, paragraph.deleted)
             for paragraph in reading.paragraphs if paragraph.in_table]
    assert cells == [("Code", "Code", False, False), ("Title", "Title", False, False),
                     ("29-9021", "29-9021", False, False), ("Kept", "Kept", False, False),
                     ("15-1211", "", False, True), ("Gone", "", False, True),
                     ("", "11-9111", True, False), ("", "New", True, False)]
    assert [paragraph.in_table for paragraph in reading.paragraphs] == [False] + [True] * 8 + [False]


def test_it_reads_comments_without_a_range_and_without_comment_parts():
    body = p(start("_task_1_text") + t("Text") + end() + '<w:r><w:commentReference w:id="4"/></w:r>') + p(t("x"))
    reading = read_review(docx(body))  # no comments.xml at all
    assert reading.comments == {} and reading.comment_paragraph == {"4": 0}
    reading = read_review(docx(body, comments=word_comment(4, DANA, "Bare", "00000004")))
    (comment,) = reading.comments.values()
    assert (comment.id, comment.anchored, comment.parent_id, comment.done) == ("4", False, None, False)
    assert reading.fields["task:1.text"].spans == [] and reading.paragraphs[0].spans == []


def test_it_threads_replies_on_the_roots_range_and_reads_libreoffices_and_google_docs_parts():
    body = p(start("_task_1_text") + '<w:commentRangeStart w:id="0"/><w:commentRangeStart w:id="1"/>'
             + revision("ins", 0, t("New")) + t(" words") + '<w:commentRangeEnd w:id="0"/>'
             + '<w:commentRangeEnd w:id="1"/><w:r><w:commentReference w:id="0"/></w:r>'
             + '<w:r><w:commentReference w:id="1"/></w:r>' + end())
    comments = word_comment(0, DANA, "Why new?", "0000000A") + word_comment(1, ERIN, "Because.", "0000000B")
    word = '<w15:commentEx w15:paraId="0000000A" w15:done="1"/>' \
           '<w15:commentEx w15:paraId="0000000B" w15:paraIdParent="0000000A" w15:done="0"/>'
    libreoffice = '<w15:commentEx w15:paraId="0000000A" w15:done="1"/>'  # resolved ones only, no parents
    for extended, parent, done in ((word, "0", True), (libreoffice, None, False), (None, None, False)):
        reading = read_review(docx(body, comments, extended))
        root, reply = reading.comments["0"], reading.comments["1"]
        assert (root.parent_id, root.done, reply.parent_id, reply.done) == (None, extended is not None, parent, done)
        # Revision 0 and comment 0 are told apart; the comments' range holds the insertion
        field = reading.fields["task:1.text"]
        assert field.spans == [Span("0", 0, 6), Span("1", 0, 6)]
        assert [as_tuple(change) for change in field.changes] == [(0, 0, "New", DANA, WHEN_DATE)]
        assert (root.text, root.author, root.initials, root.date, root.para_id) == (
            "Why new?", DANA, "D", WHEN_DATE, "0000000A")


def test_it_merges_a_deletion_and_an_insertion_of_one_author_into_one_change():
    runs = (t("A ") + revision("del", 1, t("big", deleted=True)) + revision("ins", 2, t("small"))
            + revision("del", 3, t(" red", deleted=True), ERIN) + revision("ins", 4, t(" blue"), ERIN)
            + revision("ins", 5, t("!")) + t(" car"))
    changes = read_review(docx(p(start("_task_1_text") + runs + end()))).fields["task:1.text"].changes
    assert [(change.start, change.end, change.text, change.author) for change in changes] == [
        (2, 5, "small", DANA), (5, 9, " blue", ERIN), (9, 9, "!", DANA)]


def test_it_reads_dates_as_given_in_utc():
    def date_of(value: str):
        attribute = f' w:date="{value}"' if value else ""
        body = p(start("_task_1_text") + f'<w:ins w:id="1" w:author="X"{attribute}>{t("y")}</w:ins>' + end())
        return read_review(docx(body)).fields["task:1.text"].changes[0].date

    assert date_of("2026-03-04T10:20:30Z") == WHEN_DATE  # LibreOffice's local time with a Z: as written
    assert date_of("2026-03-04T10:20:30") == WHEN_DATE
    assert date_of("2026-03-04T11:20:30+01:00") == WHEN_DATE
    assert date_of("") is None and date_of("yesterday") is None


def test_it_finds_the_parts_by_their_relationships():
    parts = docx(p(start("_task_1_text") + t("Elsewhere") + end()), comments=word_comment(0, DANA, "Hi", None))
    renamed = {"word/main.xml": parts["word/document.xml"], "word/notes.xml": parts["word/comments.xml"]}
    relationship = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rels = '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}</Relationships>'
    renamed["_rels/.rels"] = rels.format(
        f'<Relationship Id="r1" Type="{relationship}/officeDocument" Target="/word/main.xml"/>').encode()
    renamed["word/_rels/main.xml.rels"] = rels.format(
        f'<Relationship Id="r1" Type="{relationship}/comments" Target="notes.xml"/>').encode()
    reading = read_review(renamed)
    assert reading.fields["task:1.text"].original == "Elsewhere" and reading.comments["0"].text == "Hi"


def test_it_never_resolves_entities():
    paragraph = p(start("_task_1_text") + "<w:r><w:t>&secret;</w:t></w:r>" + end())
    document = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
                f'<w:document xmlns:w="{W}"><w:body>{paragraph}</w:body></w:document>').encode()
    reading = read_review({"word/document.xml": document})
    assert "root:" not in reading.fields["task:1.text"].original


def test_it_reads_new_and_deleted_paragraphs_however_their_marks_are_written():
    body = (p(start("_task_1_text") + t("Ours") + end())
            + p(revision("ins", 2, t("Added by us")), "ListBullet", mark=revision("ins", 1, ""))
            + p(start("_task_2_text", 2) + t("Word's") + end(2), "ListBullet", mark=revision("ins", 3, ""))
            + p(revision("ins", 4, t("Added in Word")), "ListBullet")
            + p(start("_task_3_text", 3) + revision("del", 5, t("Deleted with its mark", deleted=True)) + end(3),
                mark=revision("del", 6, ""))
            + p(t("Before"), mark=revision("del", 7, ""))
            + p(start("_task_4_text", 4) + revision("del", 8, t("Deleted from the line before", deleted=True))
                + end(4))
            + p(t("Split ") + start("_task_5_text", 5) + t("in"), mark=revision("ins", 9, "")) + p(t("two") + end(5)))
    reading = read_review(docx(body))
    flags = [(paragraph.original, paragraph.accepted, paragraph.inserted, paragraph.deleted)
             for paragraph in reading.paragraphs]
    assert flags == [("Ours", "Ours", False, False), ("", "Added by us", True, False),
                     ("Word's", "Word's", False, False), ("", "Added in Word", True, False),
                     ("Deleted with its mark", "", False, True), ("Before", "Before", False, False),
                     ("Deleted from the line before", "", False, True),
                     ("Split in", "Split in", False, False), ("two", "two", False, False)]
    assert reading.fields["task:3.text"].removed and reading.fields["task:4.text"].removed
    assert not reading.fields["task:2.text"].removed
    split = reading.fields["task:5.text"]
    assert (split.original, split.accepted) == ("intwo", "in\ntwo")
    assert [change.text for change in reading.paragraphs[2].changes] == ["\n"]  # the mark Enter typed


# --- 4. any text, any suggestions ------------------------------------------------------------

LINE = st.text(alphabet="abcXYZ \t—é", min_size=1, max_size=10).filter(str.strip)


@st.composite
def suggested(draw):
    """A field's text, written inline (an entry's field: line breaks are w:br, between a
    name and " (may)") or as paragraphs (a section: a paragraph per line, none blank);
    suggestions that do not overlap or touch, each by its own author; comment ranges."""
    inline = draw(st.booleans())
    if inline:
        text = draw(st.text(alphabet="abcXYZ \t\n—é", max_size=30))
    else:
        text = "\n".join(draw(st.lists(LINE, min_size=1, max_size=4)))
    changes, at = [], 0
    drawn = st.tuples(st.integers(0, 6), st.integers(0, 6), st.text(alphabet="xyz \n", max_size=5))
    for gap, length, inserted in draw(st.lists(drawn, min_size=1, max_size=4)):
        begin = at + gap + (1 if changes else 0)
        if begin > len(text):
            break
        finish = min(len(text), begin + length)
        if finish > begin or inserted:
            changes.append(WrittenChange(begin, finish, inserted, Revision(f"Author {len(changes)}", WHEN)))
            at = finish
    ranges = []
    for begin, length in draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, 8)), max_size=2)):
        thread = WordThread(messages=[Message("Cara", WHEN, ["A note"])])
        ranges.append(CommentRange(begin, min(len(text), begin + length), thread))
    return inline, text, changes, ranges


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(suggested())
def test_it_reads_back_any_field_with_any_suggestions_as_written(case):
    inline, text, changes, ranges = case
    ids = Ids()
    lines = Lines(ids)
    if inline:
        lines.text("Name — ")
    lines.field("task:1.text", text, changes=changes, ranges=ranges, inline=inline)
    if inline:
        lines.text(" (may)")
    body = p(t("Before")) + lines.xml("ListBullet" if inline else "") + p(t("After"))
    reading = read_review(docx(body, comments=''.join(word_comment(number, "Cara", "A note", None)
                                                      for thread in ids.threads for number in thread.ids)))
    field = reading.fields["task:1.text"]
    accepted = text
    for change in reversed(changes):
        accepted = accepted[:change.start] + change.text + accepted[change.end:]
    assert (field.original, field.accepted) == (text, accepted)
    assert [as_tuple(change) for change in field.changes] == [
        (change.start, change.end, change.text, change.revision.author, WHEN_DATE) for change in changes]
    assert sorted((item.start, item.end) for item in field.spans) == sorted((item.start, item.end) for item in ranges)
    assert not field.removed
    assert reading.paragraphs[0].paths == reading.paragraphs[-1].paths == []


# --- size ------------------------------------------------------------------------------------

def test_it_reads_every_field_of_a_1000_entry_review_copy(proposal, owner, reviewer):
    # Its time is a figure of `manage.py benchmark --only import`, not asserted here.
    fill_proposal(proposal, owner, 1000)
    reviewed = []
    for task in Task.objects.filter(proposal=proposal).order_by("id")[:50]:
        path = f"task:{task.pk}.text"
        reviewed.append(path)
        thread = review.thread_start(proposal=proposal, by=reviewer, path=path, text="Why?",
                                     **span(task.text, "text"))
        review.comment_add(thread=thread, by=owner, text="Because.")
        suggesting.suggestion_replace(proposal=proposal, by=reviewer, path=path, replacement="words",
                                  **span(task.text, "task"))
    parts = review_parts(proposal)
    reading = read_review(parts)
    assert len(reading.fields) > 1000
    # Each task: the suggestion as one tracked change, and the thread's comment and its
    # reply each over the thread's words, as Word marks a reply.
    for path in reviewed:
        field = reading.fields[path]
        assert [change.text for change in field.changes] == ["words"]
        assert [reading.comments[item.comment_id].text for item in field.spans] == ["Why?", "Because."]
    assert sum(len(field.changes) for field in reading.fields.values()) == 50

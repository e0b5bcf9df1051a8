"""The Word export read by a second client: LibreOffice opens the review copy and the
submission document (soffice --headless --convert-to) and we look at what it made of them.

In the .odt, Word comments are `office:annotation` (author in `dc:creator`, text in
`text:p`) and tracked changes are `text:changed-region`s (`text:insertion` or
`text:deletion`, author in `office:change-info/dc:creator`). In the PDF, pdftotext finds
the words on the pages.

Skipped where LibreOffice (or poppler's pdftotext) is not installed; under CI, or with
REQUIRE_LIBREOFFICE set, a missing program fails the tests instead (.ci/run installs both)."""

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from comments import services as review

from comments import suggesting
from comments.models import Comment
from documents.export import export_docx
from occupations import services
from occupations.entries import JobTitle, Task, WorkActivity
from occupations.kinds import kind_for
from occupations.models import Proposal
from occupations.sample import fill_proposal
from tests.documents.clients import run_limited, soffice_convert

pytestmark = pytest.mark.libreoffice


ODF = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "loext": "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0",
}
OFFICE_NAME = f"{{{ODF['office']}}}name"
CHANGE_ID = f"{{{ODF['text']}}}change-id"
TEXT_ID = f"{{{ODF['text']}}}id"

BACKGROUND = ("Health informatics specialists bridge clinical care and information technology. "
              "Employers report that the work has grown quickly over the last decade.")
DESIGN = "Design clinical decision support rules for electronic health records"
VALIDATE = "Validate data exchange between laboratory systems and hospitals"
TRAIN = "Train clinicians to use new documentation tools"
NEW_TASK = "Audit access to patient records"


@pytest.fixture
def convert(soffice, tmp_path):
    """convert(export, "odt" | "pdf") -> the converted file, made by LibreOffice with a
    profile of its own (concurrent runs must not share one)."""
    counter = iter(range(1_000_000))

    def run(export, target: str) -> Path:
        number = next(counter)
        folder = tmp_path / f"conversion-{number}"
        folder.mkdir()
        source = folder / export.filename
        source.write_bytes(export.read())
        converted = soffice_convert(soffice, source, target, folder)
        return converted

    return run


def _pdf_pages(pdftotext: str, pdf: Path) -> list[str]:
    """The text of each page, with whitespace made single spaces."""
    result = run_limited([pdftotext, "-layout", str(pdf), "-"])
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    pages = result.stdout.decode().split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [_words(page) for page in pages]


def _content(odt: Path) -> etree._Element:
    with zipfile.ZipFile(odt) as archive:
        return etree.fromstring(archive.read("content.xml"))


def _text(element) -> str:
    return "".join(element.itertext())


def _span(text: str, quote: str) -> dict:
    start = text.index(quote)
    return {"start": start, "end": start + len(quote), "quote": quote}


def _words(text: str) -> str:
    return " ".join(text.split())


# --- the proposal under review ------------------------------------------------------------

@pytest.fixture
def reviewed(proposal, owner, editor, reviewer):
    """A proposal with open threads (with replies), a resolved thread, and open
    suggestions of every kind, made as users make them. Returns what was written."""
    Proposal.objects.filter(pk=proposal.pk).update(background=BACKGROUND)
    proposal.refresh_from_db()
    task = kind_for("task")
    design = services.entry_create(entry_kind=task, proposal=proposal, text=DESIGN, by=owner)
    validate = services.entry_create(entry_kind=task, proposal=proposal, text=VALIDATE, by=owner)
    train = services.entry_create(entry_kind=task, proposal=proposal, text=TRAIN, by=owner)
    services.entry_create(entry_kind=kind_for("job_title"), proposal=proposal, title="Clinical Informaticist",
                          by=owner)

    def path(entry, field="text"):
        return f"task:{entry.pk}.{field}"

    background = f"proposal:{proposal.pk}.background"
    # Open threads, each with a reply
    term = review.thread_start(proposal=proposal, by=reviewer, path=path(design), text="Is this the usual term?",
                               **_span(DESIGN, "clinical decision support"))
    review.comment_add(thread=term, by=editor, text="Yes: the 2018 manual uses it.")
    source = review.thread_start(proposal=proposal, by=editor, path=background, kind="question",
                                 text="Which employers? We need a source.", **_span(BACKGROUND, "Employers report"))
    review.comment_add(thread=source, by=owner, text="The 2024 workforce survey; I will cite it.")
    # A resolved thread: not in the review copy unless asked for
    typo = review.thread_start(proposal=proposal, by=reviewer, path=path(validate), text="Spelled right?",
                               **_span(VALIDATE, "laboratory"))
    review.thread_resolve(thread=typo, by=owner)
    # Suggestions: replace (with a note, which opens its discussion), insert, delete,
    # remove an entry, add an entry
    suggesting.suggestion_replace(proposal=proposal, by=reviewer, path=path(design), replacement="alerts",
                              note="Alerts is what clinicians call them.", **_span(DESIGN, "rules"))
    after = VALIDATE.index(" data")
    suggesting.suggestion_replace(proposal=proposal, by=reviewer, path=path(validate), start=after, end=after,
                              quote="", replacement=" and monitor")
    suggesting.suggestion_replace(proposal=proposal, by=editor, path=background, replacement="",
                              **_span(BACKGROUND, " over the last decade"))
    suggesting.suggestion_remove_entry(proposal=proposal, by=reviewer, path=f"task:{train.pk}")
    suggesting.suggestion_add_entry(proposal=proposal, by=editor, entry_kind="task", values={"text": NEW_TASK})
    names = {user.pk: user.get_full_name() for user in (owner, editor, reviewer)}  # "Editor Tester"
    comments = [(names[comment.author_id], comment.text)
                for comment in Comment.objects.filter(thread__proposal=proposal).exclude(thread=typo)
                .order_by("id")]
    resolved = [(names[comment.author_id], comment.text) for comment in typo.comments.all()]
    return proposal, comments, resolved


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _marked(content) -> dict[str, str]:
    """The body's text under each mark LibreOffice puts in it: "annotation:NAME" from a
    comment to its end, "change:ID" from an insertion's start to its end; "" for all."""
    open_marks: set[str] = set()
    pieces: dict[str, list[str]] = {"": []}

    def add(text):
        if text:
            for mark in ("", *open_marks):
                pieces.setdefault(mark, []).append(text)

    def visit(element):
        name = _local(element)
        if name == "annotation":
            open_marks.add(f"annotation:{element.get(OFFICE_NAME)}")
        elif name == "annotation-end":
            open_marks.discard(f"annotation:{element.get(OFFICE_NAME)}")
        elif name == "change-start":
            open_marks.add(f"change:{element.get(CHANGE_ID)}")
        elif name == "change-end":
            open_marks.discard(f"change:{element.get(CHANGE_ID)}")
        elif name == "s":
            add(" " * int(element.get(f"{{{ODF['text']}}}c", "1")))
        elif name == "tab":
            add("\t")
        elif name != "tracked-changes":
            add(element.text)
            for child in element:
                visit(child)
            if name in ("p", "h"):
                add("\n")
        add(element.tail)

    visit(content.find("office:body", ODF))
    return {mark: "".join(texts) for mark, texts in pieces.items()}


def _annotations(content) -> list[tuple[str, str, str]]:
    """(author, text, the words it is on) of each comment LibreOffice read, in its order."""
    marked = _marked(content)
    out = []
    for annotation in content.iterfind(".//office:annotation", ODF):
        creator = annotation.find("dc:creator", ODF)
        text = "\n".join(_text(p) for p in annotation.findall("text:p", ODF))
        name = annotation.get(OFFICE_NAME)
        out.append((creator.text if creator is not None else "", text, _words(marked.get(f"annotation:{name}", ""))))
    return out


def _changes(content) -> list[tuple[str, str, str]]:
    """(insertion | deletion | format-change, author, the words inserted or deleted) of
    each tracked change LibreOffice read."""
    marked = _marked(content)
    out = []
    for region in content.iterfind(".//text:tracked-changes/text:changed-region", ODF):
        change = region[0]
        kind = _local(change)
        creator = change.find("office:change-info/dc:creator", ODF)
        if kind == "deletion":
            holder = etree.Element("holder")
            for child in change:
                if _local(child) != "change-info":
                    holder.append(etree.fromstring(etree.tostring(child)))
            words = _words("".join(_text(p) for p in holder.iter(f"{{{ODF['text']}}}p", f"{{{ODF['text']}}}h")))
        else:
            words = _words(marked.get(f"change:{region.get(TEXT_ID)}", ""))
        out.append((kind, creator.text if creator is not None else "", words))
    return out


def test_libreoffice_reads_the_review_copys_comments_with_their_authors_and_replies(reviewed, convert):
    proposal, comments, resolved = reviewed
    content = _content(convert(export_docx(proposal, review=True), "odt"))
    found = _annotations(content)
    assert len(found) == len(comments) == 5, found
    assert sorted(author for author, _, _ in found) == sorted(author for author, _ in comments)
    for author, text in comments:
        assert any(author == found_author and text in found_text for found_author, found_text, _ in found), (
            f"{author}'s comment {text!r} is not among {found}")

    def on(text):
        return next((words for _, found_text, words in found if text in found_text), None)

    # A thread and its reply are on the thread's words
    assert on("Is this the usual term?") == on("the 2018 manual") == "clinical decision support"
    assert on("Which employers?") == on("The 2024 workforce survey") == "Employers report"
    # A question says so; the note on a suggestion says what it is about and is on its words
    texts = [text for _, text, _ in found]
    assert "Question: Which employers? We need a source." in texts
    assert "On the suggested change: Alerts is what clinicians call them." in texts
    assert on("Alerts is what") == "alerts"
    # The resolved thread is not in the review copy
    assert not any(resolved_text in text for _, resolved_text in resolved for text in texts)


def test_libreoffice_reads_the_review_copys_suggestions_as_tracked_changes_by_their_authors(reviewed, convert):
    proposal, *_ = reviewed
    content = _content(convert(export_docx(proposal, review=True), "odt"))
    changes = _changes(content)
    assert sorted(changes) == sorted([
        ("deletion", "Reviewer Tester", "rules"),
        ("insertion", "Reviewer Tester", "alerts"),
        ("insertion", "Reviewer Tester", "and monitor"),
        ("deletion", "Editor Tester", "over the last decade"),
        ("deletion", "Reviewer Tester", TRAIN),
        ("insertion", "Editor Tester", NEW_TASK),
    ]), changes
    # The accepted text reads as the proposal does, with the insertions in their places
    body = _words(_marked(content)[""])
    assert "Validate and monitor data exchange" in body
    assert "Design clinical decision support alerts for electronic health records" in body
    assert "has grown quickly." in body


def test_the_review_copy_with_resolved_threads_has_them_too(reviewed, convert):
    proposal, comments, resolved = reviewed
    content = _content(convert(export_docx(proposal, review=True, include_resolved=True), "odt"))
    found = _annotations(content)
    assert len(found) == len(comments) + len(resolved)
    for author, text in resolved:
        assert (author, text, "laboratory") in found
    # Word's "done" (commentsExtended.xml) is read as resolved; the open ones stay open
    flags = {_text(annotation.find("text:p", ODF)): annotation.get(f"{{{ODF['loext']}}}resolved")
             for annotation in content.iterfind(".//office:annotation", ODF)}
    assert flags.pop("Spelled right?") == "true"
    assert set(flags.values()) == {"false"}


def test_the_submission_document_has_no_comments_or_tracked_changes(reviewed, convert):
    proposal, *_ = reviewed
    content = _content(convert(export_docx(proposal), "odt"))
    assert content.find(".//office:annotation", ODF) is None
    assert content.find(".//text:changed-region", ODF) is None
    body = _words(_marked(content)[""])
    assert DESIGN in body and TRAIN in body and BACKGROUND in body
    assert NEW_TASK not in body and "Review copy" not in body


@pytest.fixture
def filled(proposal, owner, reviewed):
    """The reviewed proposal with 200 generated entries more."""
    fill_proposal(proposal, owner, 200)
    return proposal


@pytest.mark.parametrize("review", [False, True], ids=["submission", "review-copy"])
def test_libreoffice_lays_out_a_filled_proposal_on_several_pages(filled, convert, pdftotext, review):
    pages = _pdf_pages(pdftotext, convert(export_docx(filled, review=review), "pdf"))
    assert len(pages) > 1
    everything = " ".join(pages)
    assert "Health Informatics Occupations" in pages[0]
    samples = [
        Task.objects.filter(proposal=filled).order_by("-id").first().text,
        JobTitle.objects.filter(proposal=filled).order_by("-id").first().title,
        WorkActivity.objects.filter(proposal=filled).order_by("id").first().name,
        DESIGN.split(" rules")[0],
        "Clinical Informaticist",
    ]
    for text in samples:
        assert text in everything, f"{text!r} is not on any of the {len(pages)} pages"
    footer = re.compile(rf"Page (\d+) of {len(pages)}")
    assert [int(match.group(1)) for page in pages for match in [footer.search(page)] if match] == \
        list(range(1, len(pages) + 1))
    if review:
        assert "Review copy" in pages[0]
        assert "alerts" in everything and NEW_TASK in everything  # the changes are shown
    else:
        assert "Review copy" not in everything and NEW_TASK not in everything

"""Importing a reviewed file written by a real second client: the review copy is exported,
LibreOffice opens it and saves it as flat ODT (.fodt), a reviewer's work is added to that
XML as LibreOffice itself writes it, and LibreOffice turns the .fodt into the .docx that is
imported (soffice --convert-to 'docx:MS Word 2007 XML'). No macro: only conversions.

What LibreOffice 7.4 writes, seen by converting a .docx with w:ins/w:del and comments to
.fodt (and what the edits below copy):

- tracked changes: one `text:changed-region` per change in `text:tracked-changes` (the
  first child of `office:text`), holding `text:insertion` or `text:deletion` with
  `office:change-info` (`dc:creator`, `dc:date` in local time without a zone); in the
  text, `text:change-start`/`text:change-end` around the inserted words, and around the
  deleted words too (LibreOffice keeps them in the paragraph rather than in the region);
- comments: `office:annotation` (`dc:creator`, `dc:date`, `meta:creator-initials`,
  `text:p`) where the range starts and `office:annotation-end` of the same
  `office:name` where it ends;
- replies: LibreOffice 7.4 has no way to say that an annotation answers another (no
  `loext:parent-name`, no paraIdParent in the .docx it writes: an annotation given a
  parent comes back as a comment of its own), and it drops the reply links of the .docx it
  opens, so an exported reply comes back as a separate comment on its thread's words.

Skipped without soffice; under CI or with REQUIRE_LIBREOFFICE a missing soffice fails."""

import io
import zipfile
from itertools import count

import pytest
from lxml import etree

from comments import services as review

from comments import suggesting
from comments.models import Comment, Suggestion, Thread
from documents import services
from documents.bookmarks import name_for_path
from documents.export import export_docx
from documents.models import ReviewImport
from documents.reading import read_review
from occupations import services as writing
from occupations.kinds import kind_for
from occupations.models import Proposal
from tests.documents.clients import soffice_convert

pytestmark = pytest.mark.libreoffice


OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
DC = "http://purl.org/dc/elements/1.1/"
META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
LOEXT = "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

TASKS = ("Analyze clinical data to improve care.", "Design informatics solutions for clinical teams.",
         "Train staff to use new documentation tools.", "Keep abreast of developments in informatics.")
BACKGROUND = ("Health informatics specialists bridge clinical care and information technology.\n"
              "Employers report that the work has grown quickly over the last decade.")
DANA = "Dana Outside"  # a reviewer who is not a member
DATE = "2026-11-20T10:00:00"  # as LibreOffice writes dates: local time, no zone
REPLY_DATE = "2026-11-21T08:30:00"


def office(name: str) -> str:
    return f"{{{OFFICE}}}{name}"


def text(name: str) -> str:
    return f"{{{TEXT}}}{name}"


# --- LibreOffice ------------------------------------------------------------------------------

@pytest.fixture
def convert(soffice, tmp_path):
    """convert(data, "review.docx", "fodt") -> the bytes LibreOffice wrote, with a profile
    of its own per run (concurrent runs must not share one)."""
    runs = count()

    def run(data: bytes, name: str, target: str) -> bytes:
        number = next(runs)
        folder = tmp_path / f"conversion-{number}"
        folder.mkdir()
        source = folder / name
        source.write_bytes(data)
        converted = soffice_convert(soffice, source, target, folder)
        return converted.read_bytes()

    return run


def through_fodt(convert, data: bytes, edit=None) -> bytes:
    """The .docx opened in LibreOffice, saved as .fodt, edited there (edit(Fodt)), and
    saved as .docx again."""
    fodt = Fodt(convert(data, "review.docx", "fodt"))
    if edit is not None:
        edit(fodt)
    return convert(fodt.save(), "reviewed.fodt", "docx:MS Word 2007 XML")


# --- a reviewer in LibreOffice ----------------------------------------------------------------

class Fodt:
    """A flat ODT, edited as LibreOffice writes a reviewer's work into it."""

    def __init__(self, data: bytes):
        self.root = etree.fromstring(data)
        self.body = self.root.find(f"{office('body')}/{office('text')}")
        self.numbers = count(1)

    # finding words: a field's words are after its bookmark's start

    def _slots(self, element):
        """(element, "text" | "tail") of every piece of the element's text, in order,
        without what annotations and tracked-change regions hold."""
        yield element, "text"
        for child in element:
            if child.tag not in (office("annotation"), text("tracked-changes")):
                yield from self._slots(child)
            yield child, "tail"

    def _find(self, path: str, words: str):
        name = name_for_path(path)
        started = False
        for element, side in self._slots(self.body):
            if element.tag == text("bookmark-start") and element.get(text("name")) == name and side == "tail":
                started = True
            value = getattr(element, side) or ""
            if started and words in value:
                return element, side, value.index(words)
        raise AssertionError(f"{words!r} is not in {path} ({name})")

    def _splice(self, path: str, words: str, items: list) -> None:
        """Put items (elements, and strings that are text) in place of the words."""
        element, side, index = self._find(path, words)
        value = getattr(element, side)
        setattr(element, side, value[:index])
        rest = value[index + len(words):]
        if side == "text":
            parent, at = element, 0
        else:
            parent, at = element.getparent(), element.getparent().index(element) + 1
        last = (element, side)
        for item in items:
            if isinstance(item, str):
                setattr(last[0], last[1], (getattr(last[0], last[1]) or "") + item)
            else:
                item.tail = None
                parent.insert(at, item)
                at += 1
                last = (item, "tail")
        setattr(last[0], last[1], (getattr(last[0], last[1]) or "") + rest)

    # tracked changes

    def _region(self, kind: str, author: str, date: str) -> str:
        changes = self.body.find(text("tracked-changes"))
        if changes is None:
            changes = etree.Element(text("tracked-changes"))
            self.body.insert(0, changes)
        changes.set(text("track-changes"), "true")
        identifier = f"ct{9000 + next(self.numbers)}"
        region = etree.SubElement(changes, text("changed-region"), {XML_ID: identifier, text("id"): identifier})
        info = etree.SubElement(etree.SubElement(region, text(kind)), office("change-info"))
        etree.SubElement(info, f"{{{DC}}}creator").text = author
        etree.SubElement(info, f"{{{DC}}}date").text = date
        return identifier

    def _marks(self, identifier: str) -> tuple:
        return (etree.Element(text("change-start"), {text("change-id"): identifier}),
                etree.Element(text("change-end"), {text("change-id"): identifier}))

    def insert(self, path: str, after: str, words: str, author: str, date: str = DATE) -> None:
        start, end = self._marks(self._region("insertion", author, date))
        self._splice(path, after, [after, start, words, end])

    def delete(self, path: str, words: str, author: str, date: str = DATE) -> None:
        start, end = self._marks(self._region("deletion", author, date))
        self._splice(path, words, [start, words, end])

    # comments

    def _annotation(self, author: str, said: str, date: str) -> tuple:
        name = f"__Annotation__{9000 + next(self.numbers)}"
        annotation = etree.Element(office("annotation"), {office("name"): name, f"{{{LOEXT}}}resolved": "false"})
        etree.SubElement(annotation, f"{{{DC}}}creator").text = author
        etree.SubElement(annotation, f"{{{DC}}}date").text = date
        etree.SubElement(annotation, f"{{{META}}}creator-initials").text = "".join(
            part[0] for part in author.split())
        for line in said.split("\n"):
            etree.SubElement(annotation, text("p")).text = line
        return annotation, etree.Element(office("annotation-end"), {office("name"): name})

    def comment(self, path: str, words: str, author: str, said: str, date: str = DATE) -> str:
        annotation, end = self._annotation(author, said, date)
        self._splice(path, words, [annotation, words, end])
        return annotation.get(office("name"))

    def save(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8")


# --- the proposal -----------------------------------------------------------------------------

def make_team(proposal, owner, reviewer, editor, *, reply: bool):
    """Four tasks and a background of two paragraphs; exported: a thread (with a reply, or
    not), a thread on a whole entry, and a suggestion."""
    proposal = writing.object_update(proposal, values={"background": BACKGROUND}, base_version=proposal.version,
                                     by=owner)
    tasks = [writing.entry_create(entry_kind=kind_for("task"), proposal=proposal, text=words, by=owner)
             for words in TASKS]
    start = TASKS[0].index("clinical data")
    asked = review.thread_start(proposal=proposal, by=reviewer, path=f"task:{tasks[0].pk}.text", text="Which data?",
                                start=start, end=start + 13, quote="clinical data")
    if reply:
        review.comment_add(thread=asked, by=editor, text="Patient records.")
    other = review.thread_start(proposal=proposal, by=reviewer, path=f"task:{tasks[1].pk}", text="Too broad?")
    suggested = suggesting.suggestion_replace(proposal=proposal, by=reviewer, path=f"task:{tasks[2].pk}.text",
                                          start=0, end=5, replacement="Teach")
    return Proposal.objects.get(pk=proposal.pk), tasks, asked, other, suggested


@pytest.fixture
def team(proposal, owner, reviewer, editor):
    """Without a reply: LibreOffice drops reply links, which test_..._with_a_reply is about."""
    return make_team(proposal, owner, reviewer, editor, reply=False)


@pytest.fixture
def team_with_a_reply(proposal, owner, reviewer, editor):
    return make_team(proposal, owner, reviewer, editor, reply=True)


def exported(proposal) -> bytes:
    return export_docx(Proposal.objects.get(pk=proposal.pk), review=True).read()


def preview(proposal, user, data):
    return services.review_import_preview(proposal=proposal, by=user, data=data, name="reviewed.docx")


def made(kind_of_item) -> list:
    return sorted(str(item.kind) for item in kind_of_item)


# --- tests ----------------------------------------------------------------------------------

def test_it_imports_what_a_libreoffice_reviewer_did_on_its_words_by_its_authors(team, owner, reviewer, editor,
                                                                                 convert):
    proposal, tasks, asked, other, suggested = team
    background = f"proposal:{proposal.pk}.background"
    member = editor.get_full_name()  # "Editor Tester"

    def review_in_libreoffice(fodt: Fodt) -> None:
        fodt.insert(f"task:{tasks[0].pk}.text", "Analyze", " and interpret", DANA)
        fodt.delete(f"task:{tasks[1].pk}.text", " for clinical teams", reviewer.get_full_name())
        fodt.delete(background, " over the last decade", member)
        fodt.comment(f"task:{tasks[3].pk}.text", "informatics", DANA, "Which journals?")
        fodt.comment(background, "information technology", member, "Say which systems.\nEHRs, at least.")

    data = through_fodt(convert, exported(proposal), review_in_libreoffice)
    review_import, plan = preview(proposal, owner, data)
    assert plan.unmatched == []
    assert made(plan.items) == ["replace", "replace", "replace", "thread", "thread"], plan.items
    assert Suggestion.objects.count() == 1 and Thread.objects.count() == 2  # a preview creates nothing

    services.review_import_apply(review_import=review_import, by=owner)
    # A tracked insertion by someone who is not a member: kept as their name, with their date.
    inserted = Suggestion.objects.get(path=f"task:{tasks[0].pk}.text")
    assert (inserted.kind, inserted.start, inserted.end, inserted.quote, inserted.replacement) == (
        Suggestion.Kind.REPLACE, len("Analyze"), len("Analyze"), "", " and interpret")
    assert (inserted.created_by, inserted.author_name) == (None, DANA)
    assert inserted.created_at.isoformat().startswith("2026-11-20T10:00:00")
    # Tracked deletions by a member: theirs, on the deleted words (in a list, in a section).
    deleted = Suggestion.objects.get(path=f"task:{tasks[1].pk}.text")
    start = TASKS[1].index(" for clinical teams")
    assert (deleted.start, deleted.end, deleted.quote, deleted.replacement) == (
        start, start + len(" for clinical teams"), " for clinical teams", "")
    assert (deleted.created_by, deleted.author_name) == (reviewer, "")
    cut = Suggestion.objects.get(path=background)
    start = BACKGROUND.index(" over the last decade")
    assert (cut.start, cut.end, cut.quote, cut.replacement) == (start, start + 21, " over the last decade", "")
    assert (cut.created_by, cut.author_name) == (editor, "")
    # Comments: threads on the commented words, by a name or by a member.
    dana = Thread.objects.get(path=f"task:{tasks[3].pk}.text")
    start = TASKS[3].index("informatics")
    assert (dana.start, dana.end, dana.quote) == (start, start + len("informatics"), "informatics")
    assert (dana.created_by, dana.author_name) == (None, DANA)
    assert [(comment.author, comment.author_name, comment.text) for comment in dana.comments.all()] == [
        (None, DANA, "Which journals?")]
    theirs = Thread.objects.get(path=background)
    start = BACKGROUND.index("information technology")
    assert (theirs.start, theirs.end, theirs.quote) == (start, start + 22, "information technology")
    assert (theirs.created_by, theirs.author_name) == (editor, "")
    assert [(comment.author, comment.text) for comment in theirs.comments.all()] == [
        (editor, "Say which systems.\nEHRs, at least.")]
    assert theirs.created_at.isoformat().startswith("2026-11-20T10:00:00")
    # What went out came back, not again.
    assert list(asked.comments.values_list("text", flat=True)) == ["Which data?"]
    assert other.comments.count() == 1
    assert Suggestion.objects.filter(path=suggested.path).count() == 1

    review_import.refresh_from_db()
    assert review_import.status == ReviewImport.Status.APPLIED
    assert (review_import.summary["suggestions"], review_import.summary["threads"]) == (3, 2)

    # The same file again: everything in it is in the proposal already.
    counts = (Suggestion.objects.count(), Thread.objects.count(), Comment.objects.count())
    again, plan = preview(proposal, owner, data)
    assert plan.items == [] and plan.unmatched == []
    services.review_import_apply(review_import=again, by=owner)
    assert (Suggestion.objects.count(), Thread.objects.count(), Comment.objects.count()) == counts


def comments_read(data: bytes) -> list[tuple]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    return sorted((comment.author, comment.text, comment.parent_id) for comment in read_review(parts).comments.values())


ROUTES = {
    # opened, saved as .fodt, and that saved as .docx (the route the reviewer's edits take)
    "through fodt": lambda convert, data: through_fodt(convert, data),
    # opened and saved as .docx again
    "as docx": lambda convert, data: convert(data, "review.docx", "docx:MS Word 2007 XML"),
}


@pytest.mark.parametrize("route", ROUTES)
def test_a_libreoffice_round_trip_of_the_review_copy_imports_nothing_new(team, owner, convert, route):
    """The review copy opened in LibreOffice and saved again, untouched: its threads and
    its suggestion come back as they went."""
    proposal, *_ = team
    data = ROUTES[route](convert, exported(proposal))
    _, plan = preview(proposal, owner, data)
    assert plan.unmatched == []
    assert plan.items == []
    assert plan.recognized == 3  # two threads and a suggestion


@pytest.mark.parametrize("route", ROUTES)
def test_a_libreoffice_round_trip_of_the_review_copy_with_a_reply_imports_nothing_new(team_with_a_reply, owner,
                                                                                       convert, route):
    """LibreOffice drops the reply link of the .docx it opens ("Patient records." answers
    "Which data?"): the reply comes back as a comment of its own (no parent), on its
    thread's words, by its author. It is the exported reply, not a new thread.

    It once came back as a new thread by Editor Tester on "clinical data": a comment
    without a parent was known only as the first comment of a thread. Every comment the
    export wrote is now known by its author and text (import_threads.ThreadPlanning)."""
    proposal, tasks, asked, *_ = team_with_a_reply
    data = ROUTES[route](convert, exported(proposal))
    assert comments_read(data) == [("Editor Tester", "Patient records.", None),
                                   ("Reviewer Tester", "Too broad?", None), ("Reviewer Tester", "Which data?", None)]
    _, plan = preview(proposal, owner, data)
    assert plan.unmatched == []
    assert [(item.kind, item.path, item.quote, [message.text for message in item.messages])
            for item in plan.items] == []
    assert plan.recognized == 4  # two threads, a reply and a suggestion

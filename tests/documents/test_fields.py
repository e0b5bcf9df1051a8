"""One field's text as Word runs (documents.fields.write_field), with tracked changes and
comment ranges at exact offsets. Whatever the text and the marks on it, Word must show
the original text with the changes rejected and the new text with them accepted, and
every comment must cover the words it was made on."""

from collections import Counter

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from documents.fields import Change, CommentRange, Ids, Revision, write_field
from documents.review import Message, WordThread
from tests.documents.docx_reading import (
    ACCEPTED, ORIGINAL, NS, anchored_text, paragraph_mark, paragraphs_text, revisions, w, without_blank_lines,
    wrap_body, xml_clean,
)

RITA = Revision("Rita Reviewer", "2026-01-02T09:15:00Z")
SPECIAL = ["\n", "\n", "\n", "\t", " ", " ", "😀", "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\r",
           "\ufffe", "\uffff", "\ud800", "\udfff", "\x7f", "<", "&", ">", '"', "'", "é", "\u2028", "\x85"]
CHARACTERS = st.one_of(st.sampled_from("ab cd"), st.sampled_from(SPECIAL), st.characters())
texts = st.text(alphabet=CHARACTERS, max_size=30)


def thread(replies: int = 0) -> WordThread:
    message = Message(author="Rita Reviewer", date=RITA.date, paragraphs=["A note"])
    return WordThread(messages=[message] * (1 + replies))


def para_xml(para) -> str:
    mark = f"<w:pPr><w:rPr>{para.mark}</w:rPr></w:pPr>" if para.mark else ""
    return f"<w:p>{mark}{''.join(para.parts)}</w:p>"


def written(text, *, changes=(), ranges=(), inline=False):
    """The field's paragraphs, parsed: (root, paragraphs)."""
    paras = write_field(Ids(), text, changes=list(changes), ranges=list(ranges), inline=inline)
    if inline:
        assert len(paras) == 1
    root = wrap_body("".join(para_xml(para) for para in paras))
    return root, root.findall("w:body/w:p", NS)


def accepted(text: str, changes) -> str:
    out, position = [], 0
    for change in changes:
        out += [text[position:change.start], change.text]
        position = change.end
    out.append(text[position:])
    return "".join(out)


def shown(text: str, inline: bool) -> str:
    """What Word can show of a text: inline as it is, as paragraphs without blank lines."""
    text = xml_clean(text)
    return text if inline else without_blank_lines(text)


@st.composite
def marked_texts(draw):
    """A text, non-overlapping changes (adjacent allowed) in order, and comment ranges:
    plain ones anywhere, and for some changes a discussion wrapped around the change."""
    text = draw(texts)
    count = draw(st.integers(min_value=0, max_value=4))
    points = sorted(draw(st.lists(st.integers(min_value=0, max_value=len(text)), min_size=2 * count,
                                  max_size=2 * count)))
    changes = []
    for start, end in zip(points[::2], points[1::2]):
        replacement = draw(st.text(alphabet=CHARACTERS, max_size=8))
        if start == end and not replacement:
            continue
        changes.append(Change(start, end, replacement, RITA))
    ranges = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        start, end = sorted(draw(st.lists(st.integers(min_value=0, max_value=len(text)), min_size=2, max_size=2)))
        ranges.append(CommentRange(start, end, thread(draw(st.integers(min_value=0, max_value=2)))))
    for change in changes:
        if draw(st.booleans()):
            ranges.append(CommentRange(change.start, change.end, thread(draw(st.integers(0, 1))), wraps_changes=True))
    inline = draw(st.booleans())
    return text, changes, ranges, inline


def check_field(text, changes, ranges, inline):
    root, paragraphs = written(text, changes=changes, ranges=ranges, inline=inline)
    # (a) Word's text with every change rejected is the field's text...
    assert shown(paragraphs_text(paragraphs, ORIGINAL), inline) == shown(text, inline)
    # (b) ... and with every change accepted, the suggested text.
    assert shown(paragraphs_text(paragraphs, ACCEPTED), inline) == shown(accepted(text, changes), inline)

    # Every comment: one start, one end, one reference, in that order.
    order = {}
    counts = Counter()
    for index, element in enumerate(root.iter()):
        for tag in ("w:commentRangeStart", "w:commentRangeEnd", "w:commentReference"):
            if element.tag == w(tag):
                key = (tag, element.get(w("w:id")))
                counts[key] += 1
                order[key] = index
    comment_ids = [number for comment in ranges for number in comment.thread.ids]
    assert len(comment_ids) == len(set(comment_ids))
    for number in map(str, comment_ids):
        for tag in ("w:commentRangeStart", "w:commentRangeEnd", "w:commentReference"):
            assert counts[(tag, number)] == 1, (tag, number)
        assert order[("w:commentRangeStart", number)] < order[("w:commentRangeEnd", number)] \
            < order[("w:commentReference", number)]
    assert {number for _, number in counts} == set(map(str, comment_ids))

    # Every id is unique: tracked changes and comments share one sequence.
    revision_ids = [revision.id for revision in revisions(root)]
    assert len(revision_ids) == len(set(revision_ids))
    assert not set(revision_ids) & set(map(str, comment_ids))
    for revision in revisions(root):
        assert (revision.author, revision.date) == (RITA.author, RITA.date)

    # Each comment covers the words it was made on (as they were: insertions aside).
    anchored = anchored_text(root, ORIGINAL)
    for comment in ranges:
        for number in comment.thread.ids:
            assert shown(anchored[str(number)], inline) == shown(text[comment.start:comment.end], inline)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(marked_texts())
@example(("First\n\nSecond", [Change(5, 6, "", RITA)], [], False))
@example(("First\nSecond", [Change(5, 5, "\n", RITA)], [], False))
def test_it_shows_the_text_and_the_changes_and_the_comments_where_they_were_made(case):
    check_field(*case)


@settings(max_examples=200, deadline=None)
@given(texts, st.booleans())
def test_it_writes_any_text_without_marks_as_it_reads(text, inline):
    _, paragraphs = written(text, inline=inline)
    assert shown(paragraphs_text(paragraphs, ORIGINAL), inline) == shown(text, inline)
    assert not any(paragraph_mark(paragraph) for paragraph in paragraphs)


# Examples a reader can follow ---------------------------------------------------------------


def test_it_writes_a_replacement_as_a_deletion_then_an_insertion_by_its_author():
    root, (paragraph,) = written("Analyze clinical data.", changes=[Change(8, 16, "patient", RITA)], inline=True)
    found = revisions(root)
    assert [(revision.kind, revision.text) for revision in found] == [("del", "clinical"), ("ins", "patient")]
    assert all(revision.author == "Rita Reviewer" and revision.date == "2026-01-02T09:15:00Z" for revision in found)
    assert paragraphs_text([paragraph], ORIGINAL) == "Analyze clinical data."
    assert paragraphs_text([paragraph], ACCEPTED) == "Analyze patient data."


def test_it_writes_tabs_and_line_breaks_of_an_inline_field_as_word_does():
    root, (paragraph,) = written("one\ttwo\nthree", inline=True)
    assert paragraph.findall("w:r/w:tab", NS) and paragraph.findall("w:r/w:br", NS)
    assert paragraphs_text([paragraph], ORIGINAL) == "one\ttwo\nthree"


def test_it_writes_a_section_a_paragraph_per_line_without_its_blank_lines():
    _, paragraphs = written("First line\n\nSecond line\n   \nThird", inline=False)
    assert [paragraphs_text([paragraph]) for paragraph in paragraphs] == ["First line", "Second line", "Third"]


def test_it_moves_a_comment_made_in_a_blank_line_to_the_next_paragraph():
    comment = CommentRange(11, 11, thread())
    root, paragraphs = written("First line\n\nSecond line", ranges=[comment], inline=False)
    assert len(paragraphs) == 2
    assert paragraphs[1].find("w:commentRangeStart", NS) is not None


def test_it_marks_the_paragraph_break_of_a_deleted_line():
    root, paragraphs = written("Keep this\nDrop this\nKeep that", changes=[Change(9, 19, "", RITA)], inline=False)
    assert [paragraph_mark(paragraph) for paragraph in paragraphs] == ["del", "", ""]
    assert paragraphs_text(paragraphs, ACCEPTED) == "Keep this\nKeep that"
    assert paragraphs_text(paragraphs, ORIGINAL) == "Keep this\nDrop this\nKeep that"


def test_it_marks_the_paragraph_break_of_an_inserted_line():
    root, paragraphs = written("Keep this\nKeep that", changes=[Change(9, 9, "\nNew line", RITA)], inline=False)
    assert [paragraph_mark(paragraph) for paragraph in paragraphs] == ["ins", "", ""]
    assert paragraphs_text(paragraphs, ACCEPTED) == "Keep this\nNew line\nKeep that"
    assert paragraphs_text(paragraphs, ORIGINAL) == "Keep this\nKeep that"


def test_it_keeps_two_paragraphs_when_a_suggestion_deletes_the_blank_line_between_them():
    """Accepting the deletion of one of the two line breaks that make a blank line leaves
    two paragraphs (the blank line was never written), not one."""
    text = "First paragraph.\n\nSecond paragraph."
    for start in (16, 17):  # either line break of the two
        _, paragraphs = written(text, changes=[Change(start, start + 1, "", RITA)], inline=False)
        assert paragraphs_text(paragraphs, ACCEPTED) == "First paragraph.\nSecond paragraph.", start
        assert paragraphs_text(paragraphs, ORIGINAL).replace("\n\n", "\n") == "First paragraph.\nSecond paragraph."


def test_it_keeps_two_paragraphs_when_a_suggested_blank_line_is_rejected():
    """Rejecting a suggested blank line between two paragraphs leaves them as they were."""
    text = "First paragraph.\nSecond paragraph."
    _, paragraphs = written(text, changes=[Change(16, 16, "\n", RITA)], inline=False)
    assert paragraphs_text(paragraphs, ORIGINAL) == text
    assert without_blank_lines(paragraphs_text(paragraphs, ACCEPTED)) == text

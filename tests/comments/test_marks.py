"""A field's text drawn with its review marks, and runs that map the page back to offsets."""

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from comments.marks import render_marked
from comments.models import Suggestion, Thread

TEXT = "Health informatics specialists design systems."


def thread(pk, start, end, **fields):
    return Thread(pk=pk, start=start, end=end, **fields)


def suggestion(pk, start, end, replacement, **fields):
    return Suggestion(pk=pk, kind="replace", start=start, end=end, replacement=replacement, **fields)


def span_of(text, quote):
    start = text.index(quote)
    return start, start + len(quote)


class Page(HTMLParser):
    """What a browser builds from the HTML: the runs with the marks around each, the
    insertions, the points. Fails on a closing tag that does not match its opening one."""

    VOID = {"br"}

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.open = []  # (tag, attrs) from the outside in
        self.runs = []  # (data-o, text, threads around it, suggestions deleting it)
        self.inserted = []  # (data-suggestion, data-at, text)
        self.points = []  # data-thread of empty marks
        self.paragraphs = 0
        self.outside = ""  # text in no run and no insertion
        self.feed(html)
        self.close()
        assert not self.open, f"left open: {self.open}"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.VOID:
            return
        self.paragraphs += tag == "p"
        if "data-o" in attrs:
            threads = {a["data-thread"] for t, a in self.open if t == "mark"}
            deleted = {a["data-suggestion"] for t, a in self.open if t == "del"}
            self.runs.append([int(attrs["data-o"]), "", threads, deleted])
        if tag == "ins":
            self.inserted.append([attrs["data-suggestion"], int(attrs["data-at"]), ""])
        self.open.append((tag, attrs))

    def handle_endtag(self, tag):
        assert self.open and self.open[-1][0] == tag, f"</{tag}> closes {self.open[-1:] or 'nothing'}"
        _, attrs = self.open.pop()
        if tag == "mark" and "anchor-point" in attrs["class"]:
            self.points.append(attrs["data-thread"])

    def handle_data(self, data):
        attrs = self.open[-1][1] if self.open else {}
        if "data-o" in attrs:
            self.runs[-1][1] += data
        elif any(t == "ins" for t, _ in self.open):
            self.inserted[-1][2] += data
        else:
            self.outside += data

    @property
    def text(self):
        return "".join(run[1] for run in self.runs)


# Plain text


def test_it_draws_unmarked_text_as_one_run():
    assert render_marked(TEXT) == f'<span data-o="0">{TEXT}</span>'


def test_it_draws_an_empty_field_as_nothing():
    assert render_marked("") == ""
    assert render_marked("  \n ", paragraphs=True) == ""


def test_it_shows_markup_in_the_text_as_text():
    html = render_marked("<script>alert(1)</script> & co")
    assert "<script>" not in html
    assert Page(html).runs[0][1] == "<script>alert(1)</script> & co"


def test_it_keeps_each_newline_in_its_run_and_breaks_the_line_after_it():
    text = "First line\nSecond line\n\nFourth"
    assert render_marked(text) == (
        '<span data-o="0">First line\n</span><br><span data-o="11">Second line\n</span><br>'
        '<span data-o="23">\n</span><br><span data-o="24">Fourth</span>'
    )


def test_it_keeps_a_carriage_return_that_a_browser_would_otherwise_turn_into_a_newline():
    html = render_marked("one\r\ntwo")
    assert html == '<span data-o="0">one&#13;\n</span><br><span data-o="5">two</span>'
    assert Page(html).text == "one\r\ntwo"


# Threads


def test_it_highlights_a_thread_span():
    start, end = span_of(TEXT, "specialists design")
    html = render_marked(TEXT, threads=[thread(7, start, end)])
    assert html == (
        '<span data-o="0">Health informatics </span>'
        '<mark class="anchor" data-thread="7"><span data-o="19">specialists design</span></mark>'
        '<span data-o="37"> systems.</span>'
    )


def test_it_draws_a_thread_on_a_point_as_an_empty_mark_there():
    html = render_marked(TEXT, threads=[thread(3, 7, 7)])
    assert html == (
        '<span data-o="0">Health </span><mark class="anchor anchor-point" data-thread="3"></mark>'
        '<span data-o="7">informatics specialists design systems.</span>'
    )


def test_it_marks_a_resolved_thread_so_it_can_be_hidden_and_the_active_one_to_stand_out():
    html = render_marked(TEXT, threads=[thread(1, 0, 6, status="resolved"), thread(2, 7, 18)], active=2)
    assert '<mark class="anchor anchor-resolved" data-thread="1">' in html
    assert '<mark class="anchor anchor-active" data-thread="2">' in html


def test_it_leaves_out_threads_on_the_whole_field_or_detached():
    whole = Thread(pk=1, start=None, end=None)
    detached = thread(2, 0, 6, is_detached=True)
    assert render_marked(TEXT, threads=[whole, detached]) == f'<span data-o="0">{TEXT}</span>'


def test_it_nests_threads_that_cross_each_other():
    page = Page(render_marked("abcdefghij", threads=[thread(1, 2, 6), thread(2, 4, 8)]))
    assert [(o, text, threads) for o, text, threads, _ in page.runs] == [
        (0, "ab", set()), (2, "cd", {"1"}), (4, "ef", {"1", "2"}), (6, "gh", {"2"}), (8, "ij", set())]


# Suggestions


def test_it_shows_a_replacement_as_a_deletion_then_an_insertion():
    start, end = span_of(TEXT, "systems")
    html = render_marked(TEXT, suggestions=[suggestion(4, start, end, "tools")])
    assert html == (
        '<span data-o="0">Health informatics specialists design </span>'
        '<del class="suggested-del" data-suggestion="4"><span data-o="38">systems</span></del>'
        '<ins class="suggested-ins" data-suggestion="4" data-at="45">tools</ins>'
        '<span data-o="45">.</span>'
    )


def test_it_shows_an_insertion_alone_and_a_deletion_alone():
    insert_at = TEXT.index("systems")
    html = render_marked(TEXT, suggestions=[suggestion(1, insert_at, insert_at, "health "),
                                            suggestion(2, 0, 7, "")])
    assert html == (
        '<del class="suggested-del" data-suggestion="2"><span data-o="0">Health </span></del>'
        '<span data-o="7">informatics specialists design </span>'
        '<ins class="suggested-ins" data-suggestion="1" data-at="38">health </ins>'
        '<span data-o="38">systems.</span>'
    )


def test_it_shows_markup_in_a_replacement_as_text():
    html = render_marked(TEXT, suggestions=[suggestion(1, 0, 6, "<script>alert(1)</script>")])
    assert "<script>" not in html
    assert Page(html).inserted == [["1", 6, "<script>alert(1)</script>"]]
    assert Page(html).text == TEXT


def test_it_marks_an_outdated_suggestion_and_leaves_out_decided_ones_and_other_kinds():
    html = render_marked(TEXT, suggestions=[
        suggestion(1, 0, 6, "Clinical", is_outdated=True),
        suggestion(2, 7, 18, "x", status="accepted"),
        suggestion(3, 7, 18, "y", status="rejected"),
        Suggestion(pk=4, kind="remove_entry", start=None, end=None),
    ])
    assert '<del class="suggested-del suggestion-outdated" data-suggestion="1">' in html
    assert '<ins class="suggested-ins suggestion-outdated" data-suggestion="1" data-at="6">' in html
    assert 'data-suggestion="2"' not in html and 'data-suggestion="3"' not in html
    assert 'data-suggestion="4"' not in html


def test_it_nests_a_thread_over_part_of_a_suggestion():
    text = "one two three four"
    html = render_marked(text, threads=[thread(9, *span_of(text, "one two"))],
                         suggestions=[suggestion(5, *span_of(text, "two three"), "2 3")])
    assert html == (
        '<mark class="anchor" data-thread="9"><span data-o="0">one </span>'
        '<del class="suggested-del" data-suggestion="5"><span data-o="4">two</span></del></mark>'
        '<del class="suggested-del" data-suggestion="5"><span data-o="7"> three</span></del>'
        '<ins class="suggested-ins" data-suggestion="5" data-at="13">2 3</ins>'
        '<span data-o="13"> four</span>'
    )


def test_it_keeps_an_insertion_inside_a_thread_that_goes_on_across_it():
    text = "one two three"
    html = render_marked(text, threads=[thread(1, 0, len(text))], suggestions=[suggestion(2, 4, 4, "and ")])
    assert html == (
        '<mark class="anchor" data-thread="1"><span data-o="0">one </span>'
        '<ins class="suggested-ins" data-suggestion="2" data-at="4">and </ins>'
        '<span data-o="4">two three</span></mark>'
    )


def test_it_ignores_marks_that_do_not_fit_the_text():
    items = [thread(1, 0, len(TEXT) + 1), thread(2, 8, 4), thread(3, -1, 2), thread(4, "a", 3)]
    suggestions = [suggestion(5, 40, 99, "x"), suggestion(6, 5, 2, "y")]
    assert render_marked(TEXT, threads=items, suggestions=suggestions) == f'<span data-o="0">{TEXT}</span>'


# Characters outside the Basic Multilingual Plane


def test_it_counts_an_emoji_as_one_character_as_python_does():
    text = "We 😀 love 👩‍⚕️ nurses"
    start, end = span_of(text, "nurses")
    page = Page(render_marked(text, threads=[thread(1, start, end)]))
    assert page.runs[-1][:3] == [start, "nurses", {"1"}]
    assert start == 15  # 😀 is one code point; 👩‍⚕️ is four (woman, joiner, staff, variation)


# Paragraphs


def test_it_draws_each_line_as_a_paragraph_and_skips_blank_ones():
    text = "First paragraph.\n\n   \nSecond paragraph.\n"
    html = render_marked(text, paragraphs=True)
    assert html == (
        '<p><span data-o="0">First paragraph.</span></p>'
        '<p><span data-o="22" data-gap="&#10;&#10;   &#10;">Second paragraph.</span></p>'
    )


def test_it_needs_no_gap_attribute_when_only_newlines_part_paragraphs():
    html = render_marked("One.\n\nTwo.", paragraphs=True)
    assert html == '<p><span data-o="0">One.</span></p><p><span data-o="6">Two.</span></p>'


def test_it_closes_a_mark_at_the_end_of_a_paragraph_and_reopens_it_in_the_next():
    text = "First paragraph.\nSecond paragraph."
    start, end = span_of(text, "paragraph.\nSecond")
    html = render_marked(text, threads=[thread(1, start, end)], paragraphs=True)
    assert html == (
        '<p><span data-o="0">First </span><mark class="anchor" data-thread="1">'
        '<span data-o="6">paragraph.</span></mark></p>'
        '<p><mark class="anchor" data-thread="1"><span data-o="17">Second</span></mark>'
        '<span data-o="23"> paragraph.</span></p>'
    )


def test_it_shows_a_thread_on_a_blank_line_as_a_point_in_the_next_paragraph():
    text = "One.\n\n\nTwo."
    html = render_marked(text, threads=[thread(1, 5, 6)], paragraphs=True)
    assert html == (
        '<p><span data-o="0">One.</span></p>'
        '<p><mark class="anchor anchor-point" data-thread="1"></mark><span data-o="7">Two.</span></p>'
    )


def test_it_shows_a_suggestion_to_write_into_an_empty_field():
    html = render_marked("", suggestions=[suggestion(1, 0, 0, "New text")], paragraphs=True)
    assert html == '<p><ins class="suggested-ins" data-suggestion="1" data-at="0">New text</ins></p>'


# Any text, any marks


ALPHABET = st.sampled_from(list("ab  .\n\t\r<&>\"'") + ["😀", "é", "\u00a0", "👩‍⚕️"])


@st.composite
def marked_text(draw):
    text = "".join(draw(st.lists(ALPHABET, max_size=30)))
    n = len(text)

    def span():
        a, b = draw(st.integers(0, n)), draw(st.integers(0, n))
        return min(a, b), max(a, b)

    threads = [thread(i, *span(), status=draw(st.sampled_from(["open", "resolved"])))
               for i in range(draw(st.integers(0, 4)))]
    suggestions = [suggestion(10 + i, *span(), draw(st.sampled_from(["", "x", "<b>\n&", "😀"])))
                   for i in range(draw(st.integers(0, 3)))]
    return text, threads, suggestions


def covers(item, o, length):
    return item.start <= o and o + length <= item.end


def crosses(item, o, length):
    """Has a boundary strictly inside the run: marks would then be drawn wrong."""
    return o < item.start < o + length or o < item.end < o + length


@settings(max_examples=400, deadline=None)
@given(marked_text())
def test_it_maps_every_run_to_its_own_place_in_the_text(case):
    text, threads, suggestions = case
    page = Page(render_marked(text, threads=threads, suggestions=suggestions))
    assert page.text == text  # every character, newlines included, once and in order
    assert page.outside == ""
    position = 0
    for o, run, around, deleted in page.runs:
        assert o == position and text[o:o + len(run)] == run
        position += len(run)
        spans = [t for t in threads if t.start < t.end]
        drawn = threads + [s for s in suggestions if s.start < s.end or s.replacement]
        assert not any(crosses(item, o, len(run)) for item in drawn)
        assert around == {str(t.pk) for t in spans if covers(t, o, len(run))}
        assert deleted == {str(s.pk) for s in suggestions if s.start < s.end and covers(s, o, len(run))}
    assert sorted(page.points) == sorted(str(t.pk) for t in threads if t.start == t.end)
    assert [(s, at, t) for s, at, t in page.inserted] == [
        (str(s.pk), s.end, s.replacement) for s in sorted(suggestions, key=lambda s: (s.end, s.pk))
        if s.replacement]


@settings(max_examples=400, deadline=None)
@given(marked_text())
def test_it_maps_every_run_of_every_paragraph_and_loses_no_mark(case):
    text, threads, suggestions = case
    page = Page(render_marked(text, threads=threads, suggestions=suggestions, paragraphs=True))
    # The runs hold exactly the lines that are not blank, without their newlines.
    kept = []
    position = 0
    for line in text.split("\n"):
        if line.strip():
            kept.extend(range(position, position + len(line)))
        position += len(line) + 1
    assert [o + i for o, run, _, _ in page.runs for i in range(len(run))] == kept
    assert page.text == "".join(text[i] for i in kept)
    assert page.paragraphs == len([line for line in text.split("\n") if line.strip()]) or (
        page.paragraphs == 1 and not kept)
    for o, run, around, _ in page.runs:
        assert text[o:o + len(run)] == run
        assert around == {str(t.pk) for t in threads if t.start < t.end and covers(t, o, len(run))}
    # A thread is highlighted or, when its words are all skipped, a point: never missing.
    drawn = {pk for _, _, around, _ in page.runs for pk in around} | set(page.points)
    assert drawn == {str(t.pk) for t in threads}
    assert sorted(s for s, _, _ in page.inserted) == sorted(str(s.pk) for s in suggestions if s.replacement)


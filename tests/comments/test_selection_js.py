"""A selection made in Chromium on text drawn by render_marked comes back as the path and
the offsets Python counts (code points), with the words it covers."""

from pathlib import Path

import pytest
from django.conf import settings

from comments.marks import render_marked
from comments.models import Suggestion, Thread

pytestmark = pytest.mark.browser

SCRIPT = Path(settings.BASE_DIR) / "static" / "js" / "review-selection.js"

TASK = "Health informatics 😀 specialists design systems.\nThey work with clinicians."
NARRATIVE = "First paragraph here.\n\nSecond 😀 paragraph.\n  \nThird one."
TOOL = "Electronic health record software\r\nand more."

# Finds the text node (not in a suggested insertion) that holds a phrase, and makes ranges
# from phrases the way a test reads best: from the start of one phrase to the end of another.
HELPERS = """
window.pointAt = function (path, phrase, atEnd) {
  const field = document.querySelector(`[data-field="${path}"]`);
  const walker = document.createTreeWalker(field, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest("ins")) continue;
    const i = node.data.indexOf(phrase);
    if (i >= 0) return [node, atEnd ? i + phrase.length : i];
  }
  throw new Error(`No text node in ${path} holds ${phrase}`);
};
window.phraseRange = function (from, to) {
  const range = document.createRange();
  range.setStart(...pointAt(from[0], from[1], false));
  range.setEnd(...pointAt(to[0], to[1], true));
  return range;
};
"""


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context(viewport={"width": 900, "height": 700})
    page = context.new_page()
    task = render_marked(
        TASK,
        threads=[Thread(pk=1, start=TASK.index("specialists"), end=TASK.index(" systems"))],
        suggestions=[Suggestion(pk=2, kind="replace", start=TASK.index("systems"),
                                end=TASK.index("systems") + 7, replacement="tools")],
    )
    narrative = render_marked(
        NARRATIVE, paragraphs=True,
        threads=[Thread(pk=3, start=NARRATIVE.index("here"), end=NARRATIVE.index("paragraph."))],
    )
    page.set_content(
        "<!doctype html><html><head><meta charset='utf-8'></head><body>"
        f"<div data-field='task:1.text'>{task}</div>"
        f"<div data-field='narrative:2.text'>{narrative}</div>"
        f"<div data-field='tool:3.name'>{render_marked(TOOL)}</div>"
        "<h2>Not a field</h2></body></html>"
    )
    page.add_script_tag(path=str(SCRIPT))
    page.add_script_tag(content=HELPERS)
    yield page
    context.close()


def selected(page, start, end):
    """What ReviewSelection says of a range from the start of one phrase to the end of
    another; each is (field path, phrase)."""
    return page.evaluate("([a, b]) => ReviewSelection.fromRange(phraseRange(a, b))", [start, end])


def expected(path, text, quote_from, quote_to):
    start = text.index(quote_from)
    end = text.index(quote_to) + len(quote_to)
    return {"path": path, "start": start, "end": end, "quote": text[start:end]}


def test_it_gives_the_offsets_of_words_selected_in_one_run(page):
    result = selected(page, ("task:1.text", "informatics"), ("task:1.text", "informatics"))
    assert result == {"path": "task:1.text", "start": 7, "end": 18, "quote": "informatics"}


def test_it_counts_an_emoji_before_the_selection_as_one_character(page):
    result = selected(page, ("task:1.text", "design"), ("task:1.text", "design"))
    assert result == expected("task:1.text", TASK, "design", "design")
    assert result["start"] == 33  # 34 UTF-16 units in the browser


def test_it_selects_across_a_highlight_and_an_emoji(page):
    result = selected(page, ("task:1.text", "informatics"), ("task:1.text", "specialists"))
    assert result == expected("task:1.text", TASK, "informatics", "specialists")
    assert result["quote"] == "informatics 😀 specialists"


def test_it_selects_across_a_line_break(page):
    result = selected(page, ("task:1.text", "design"), ("task:1.text", "They"))
    assert result["quote"] == "design systems.\nThey"
    assert result == expected("task:1.text", TASK, "design", "They")


def test_it_leaves_a_suggested_insertion_out_of_the_quote(page):
    result = selected(page, ("task:1.text", "design"), ("task:1.text", "."))
    assert result == expected("task:1.text", TASK, "design", "systems.")
    assert "tools" not in result["quote"]


def test_it_ends_a_selection_that_ends_inside_an_insertion_where_the_insertion_goes(page):
    result = page.evaluate("""() => {
        const range = document.createRange();
        range.setStart(...pointAt("task:1.text", "design", false));
        range.setEnd(document.querySelector("ins.suggested-ins").firstChild, 2);
        return ReviewSelection.fromRange(range);
    }""")
    assert result == expected("task:1.text", TASK, "design", "systems")


def test_it_gives_a_point_for_a_selection_of_only_inserted_text(page):
    result = page.evaluate("""() => {
        const range = document.createRange();
        range.selectNodeContents(document.querySelector("ins.suggested-ins"));
        return ReviewSelection.fromRange(range);
    }""")
    at = TASK.index("systems") + 7
    assert result == {"path": "task:1.text", "start": at, "end": at, "quote": ""}


def test_it_selects_across_paragraphs_with_the_newlines_between_them(page):
    result = selected(page, ("narrative:2.text", "paragraph"), ("narrative:2.text", "Second"))
    assert result == expected("narrative:2.text", NARRATIVE, "paragraph here", "Second")
    assert result["quote"] == "paragraph here.\n\nSecond"


def test_it_quotes_a_blank_line_of_spaces_between_paragraphs_exactly(page):
    result = selected(page, ("narrative:2.text", "paragraph."), ("narrative:2.text", "Third"))
    assert result == expected("narrative:2.text", NARRATIVE, "paragraph.", "Third")
    assert result["quote"] == "paragraph.\n  \nThird"


def test_it_takes_a_whole_paragraph_selected_by_triple_click_without_the_break(page):
    result = page.evaluate("""() => {
        const paragraphs = document.querySelectorAll('[data-field="narrative:2.text"] p');
        const range = document.createRange();
        range.setStart(paragraphs[1], 0);
        range.setEnd(paragraphs[2], 0);
        return ReviewSelection.fromRange(range);
    }""")
    assert result == expected("narrative:2.text", NARRATIVE, "Second", "paragraph.")
    assert result["quote"] == "Second 😀 paragraph."


def click_on(page, path, phrase, count):
    """Clicks as a person does, in the middle of a phrase."""
    spot = page.evaluate("""([path, phrase]) => {
        const r = phraseRange([path, phrase], [path, phrase]).getBoundingClientRect();
        return {x: r.left + r.width / 2, y: r.top + r.height / 2};
    }""", [path, phrase])
    page.mouse.click(spot["x"], spot["y"], click_count=count)
    return page.evaluate("ReviewSelection.fromSelection()")


def test_it_takes_what_a_real_triple_click_on_a_paragraph_selects(page):
    result = click_on(page, "narrative:2.text", "First", 3)
    assert result == expected("narrative:2.text", NARRATIVE, "First", "here.")


@pytest.mark.parametrize("phrase, line", [
    ("Health", "Health informatics 😀 specialists design systems."),
    # The browser extends this one to the start of the next field.
    ("clinicians", "They work with clinicians."),
])
def test_it_takes_a_line_that_a_real_triple_click_selects_without_its_line_break(page, phrase, line):
    result = click_on(page, "task:1.text", phrase, 3)
    assert result == expected("task:1.text", TASK, line, line)


def test_it_leaves_out_the_line_break_when_a_selection_stops_at_the_next_line(page):
    result = page.evaluate("""() => {
        const range = document.createRange();
        range.setStart(...pointAt("task:1.text", "design", false));
        range.setEnd(...pointAt("task:1.text", "They", false));
        return ReviewSelection.fromRange(range);
    }""")
    assert result == expected("task:1.text", TASK, "design", "systems.")


def test_it_takes_what_a_real_double_click_selects(page):
    result = click_on(page, "task:1.text", "clinicians", 2)
    assert result == expected("task:1.text", TASK, "clinicians", "clinicians")


def test_it_gives_a_point_for_only_the_space_between_paragraphs(page):
    result = page.evaluate("""() => {
        const paragraphs = document.querySelectorAll('[data-field="narrative:2.text"] p');
        const range = document.createRange();
        range.setStart(paragraphs[0], paragraphs[0].childNodes.length);
        range.setEnd(paragraphs[1], 0);
        return ReviewSelection.fromRange(range);
    }""")
    assert result["start"] == result["end"] and result["quote"] == ""
    assert result["start"] in (len("First paragraph here."), NARRATIVE.index("Second"))


def test_it_counts_a_carriage_return_as_the_server_does(page):
    result = selected(page, ("tool:3.name", "and more"), ("tool:3.name", "and more"))
    assert result == expected("tool:3.name", TOOL, "and more", "and more")
    assert result["start"] == 35


def test_it_refuses_a_selection_across_two_fields(page):
    result = selected(page, ("task:1.text", "clinicians"), ("narrative:2.text", "First"))
    assert result == {"error": "Select text within one paragraph or entry."}


def test_it_refuses_a_selection_outside_any_field(page):
    result = page.evaluate("""() => {
        const range = document.createRange();
        range.selectNodeContents(document.querySelector("h2"));
        return ReviewSelection.fromRange(range);
    }""")
    assert "error" in result


def test_it_says_there_is_no_selection_when_nothing_is_selected(page):
    assert page.evaluate("() => { getSelection().removeAllRanges(); return ReviewSelection.fromSelection(); }") is None


def test_it_measures_where_a_selection_is_on_screen(page):
    rect = page.evaluate("""() => {
        const r = ReviewSelection.rectOf(phraseRange(["task:1.text", "design"], ["task:1.text", "design"]));
        return {left: r.left, top: r.top, width: r.width, height: r.height};
    }""")
    box = page.get_by_text("design").bounding_box()  # the run holding "design"
    assert rect["width"] > 10 and rect["height"] > 5
    assert box["x"] <= rect["left"] and rect["left"] + rect["width"] <= box["x"] + box["width"] + 1

"""Two people on one proposal in Chromium: each page follows the other's changes within
the polling interval, without a reload, and what the reader is typing stays as it is,
cursor and all."""

import re

import pytest

from tests.browser.test_editing import open_proposal, start_editing, text_field
from tests.conftest import make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WITHIN = 10_000  # ms: the page asks every 5 s


@pytest.fixture
def team(transactional_db):
    return make_team((("eli", "editor", "Eli"), ("rita", "reviewer", "Rita")),
                     ("Analyze and interpret data.", "Design informatics solutions.", "Train clinical staff."))


def start_comment(page, task):
    item = page.locator(f"#task-{task.pk}")
    item.hover()
    item.get_by_role("link", name="Comment").click()
    box = page.get_by_role("form", name="New comment").get_by_label("Comment")
    box.wait_for()
    return box


def test_a_page_follows_anothers_edit_and_keeps_what_is_being_typed(team, new_page):
    proposal, _, tasks = team
    rita = open_proposal(new_page, "rita", proposal)
    box = start_comment(rita, tasks[2])
    box.fill("I think the wording")
    rita.evaluate("document.getElementById('document').dataset.drawn = 'before'")

    eli = open_proposal(new_page, "eli", proposal)
    form = start_editing(eli, tasks[0])
    text_field(form).fill("Analyze and interpret clinical data.")
    form.get_by_role("button", name="Save").click()

    rita.locator(f"#task-{tasks[0].pk}").get_by_text("Analyze and interpret clinical data.").wait_for(timeout=WITHIN)
    assert rita.locator("#document[data-drawn='before']").count() == 1  # only the entry was drawn again
    assert box.input_value() == "I think the wording"
    rita.keyboard.type(" is too narrow")  # the cursor is still in the box, where it was
    assert box.input_value() == "I think the wording is too narrow"

    # a new entry changes the lists: the whole document comes, and the comment stays
    added = eli.locator(f"#task-{tasks[2].pk}")
    added.hover()
    added.get_by_role("link", name="Insert below").click()
    new = eli.get_by_role("form", name="New task")
    text_field(new).fill("Audit data quality.")
    new.get_by_role("button", name="Save").click()
    rita.get_by_text("Audit data quality.").wait_for(timeout=WITHIN)
    assert rita.locator("#document[data-drawn='before']").count() == 0  # drawn again whole
    assert box.input_value() == "I think the wording is too narrow"
    rita.keyboard.type(".")
    assert box.input_value() == "I think the wording is too narrow."
    rita.get_by_role("form", name="New comment").get_by_role("button", name="Comment").click()
    rita.locator(".review-card", has_text="I think the wording is too narrow.").wait_for()

    # and the comment reaches the editor's page, with the totals
    eli.locator(".review-card", has_text="I think the wording is too narrow.").wait_for(timeout=WITHIN)
    assert re.search(r"1\s+open thread", eli.locator("#review-totals").inner_text())


def test_an_entry_open_in_a_form_is_left_as_it_is(team, new_page):
    proposal, _, tasks = team
    eli = open_proposal(new_page, "eli", proposal)
    form = start_editing(eli, tasks[1])
    text_field(form).fill("My own wording, not saved yet")

    rita = open_proposal(new_page, "rita", proposal)
    box = start_comment(rita, tasks[1])
    box.fill("Is design a task of its own?")
    rita.get_by_role("form", name="New comment").get_by_role("button", name="Comment").click()
    rita.locator(".review-card", has_text="Is design a task of its own?").wait_for()

    # Eli's page learns of it, but leaves the form and its text alone
    eli.wait_for_function("() => document.getElementById('document').dataset.version > "
                          + eli.evaluate("document.getElementById('document').dataset.version"), timeout=WITHIN)
    assert text_field(form).input_value() == "My own wording, not saved yet"
    form.get_by_role("link", name="Cancel").click()  # and Cancel shows the entry as it is now, card and all
    eli.locator(f"#task-{tasks[1].pk}").locator(".review-card", has_text="Is design a task").wait_for()

"""Editors write the proposal in Chromium as people would: in place, two at once."""

import re

import pytest

from comments import services as review
from occupations import services
from occupations.entries import Task
from occupations.models import OccupationGroup
from tests.conftest import log_in, make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.fixture
def team(transactional_db):
    return make_team((("eli", "editor", "Eli"), ("edna", "editor", "Edna"), ("rita", "reviewer", "Rita")),
                     ("Analyze and interpret data.", "Design informatics solutions.", "Train clinical staff."))

def text_field(form):
    return form.get_by_role("textbox", name=re.compile(r"^Text\*?$"))

def title_field(form):
    return form.get_by_role("textbox", name=re.compile(r"^Title\*?$"))

def open_proposal(new_page, username, proposal):
    page = new_page()
    log_in(page, username)
    page.goto(f"/proposals/{proposal.pk}/")
    return page

def task_texts(page):
    return page.locator('li[data-path^="task:"] > span[data-field$=".text"]').all_inner_texts()

def start_editing(page, task):
    item = page.locator(f"#task-{task.pk}")
    item.hover()
    item.get_by_role("link", name="Edit").click()
    form = page.get_by_role("form", name="Edit task")
    text_field(form).wait_for()
    return form

def test_it_lets_an_editor_edit_a_task_in_place_and_keeps_it_after_reload(team, new_page):
    proposal, _, tasks = team
    page = open_proposal(new_page, "eli", proposal)
    form = start_editing(page, tasks[0])
    assert page.url.endswith(f"/proposals/{proposal.pk}/")  # in place: no new page
    text_field(form).fill("Analyze and interpret clinical data.")
    form.get_by_role("button", name="Save").click()
    page.locator(f"#task-{tasks[0].pk}").get_by_text("Analyze and interpret clinical data.").wait_for()
    assert page.get_by_role("form", name="Edit task").count() == 0
    page.reload()
    assert task_texts(page)[0] == "Analyze and interpret clinical data."

def test_it_cancels_an_edit_and_shows_the_text_as_it_was(team, new_page):
    proposal, _, tasks = team
    page = open_proposal(new_page, "eli", proposal)
    form = start_editing(page, tasks[1])
    text_field(form).fill("Something I do not want.")
    form.get_by_role("link", name="Cancel").click()
    page.locator(f"#task-{tasks[1].pk}").get_by_text("Design informatics solutions.").wait_for()
    assert Task.objects.get(pk=tasks[1].pk).text == "Design informatics solutions."

def test_it_adds_an_entry_below_another_and_reorders_entries(team, new_page):
    proposal, _, tasks = team
    page = open_proposal(new_page, "eli", proposal)
    first = page.locator(f"#task-{tasks[0].pk}")
    first.hover()
    first.get_by_role("link", name="Insert below").click()
    form = page.get_by_role("form", name="New task")
    text_field(form).fill("Ensure privacy and security of health data.")
    form.get_by_role("button", name="Save").click()
    page.get_by_text("Ensure privacy and security of health data.").wait_for()
    assert task_texts(page) == ["Analyze and interpret data.", "Ensure privacy and security of health data.",
                                "Design informatics solutions.", "Train clinical staff."]

    last = page.locator(f"#task-{tasks[2].pk}")
    last.hover()
    last.get_by_role("button", name="Move up").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('li[data-path^=\"task:\"]')].at(-1).id === 'task-%d'" % tasks[1].pk)
    expected = ["Analyze and interpret data.", "Ensure privacy and security of health data.",
                "Train clinical staff.", "Design informatics solutions."]
    assert task_texts(page) == expected
    page.reload()
    assert task_texts(page) == expected

def test_it_deletes_an_entry_and_undoes_it(team, new_page):
    proposal, _, tasks = team
    page = open_proposal(new_page, "eli", proposal)
    item = page.locator(f"#task-{tasks[2].pk}")
    item.hover()
    item.get_by_role("button", name="Delete").click()
    page.get_by_role("status").filter(has_text="Deleted task").wait_for()
    assert "Train clinical staff." not in task_texts(page)
    page.get_by_role("button", name="Undo").click()
    page.locator(f"#task-{tasks[2].pk}").wait_for()
    assert task_texts(page)[-1] == "Train clinical staff."

def test_it_shows_a_code_error_and_saves_once_the_code_is_fixed(team, new_page):
    proposal, people, _ = team
    services.group_create(proposal=proposal, level="major", code="29-0000", title="Healthcare Practitioners",
                          by=people["coordinator"])
    page = open_proposal(new_page, "eli", proposal)
    group = page.locator(".group-head").filter(has_text="Healthcare Practitioners")
    group.hover()
    group.get_by_role("link", name="Add a group below").click()
    form = page.get_by_role("form", name="New group")
    form.get_by_label("Level").select_option("minor")
    form.get_by_label("Code").fill("29-9020")
    title_field(form).fill("Health Information Technology")
    form.get_by_role("button", name="Save").click()
    form = page.get_by_role("form", name="New group")
    form.get_by_text("A minor group code ends in 000").wait_for()
    assert form.get_by_label("Code").input_value() == "29-9020"
    assert title_field(form).input_value() == "Health Information Technology"
    form.get_by_label("Code").fill("29-9000")
    form.get_by_role("button", name="Save").click()
    page.get_by_role("table").get_by_role("cell", name="29-9000").wait_for()
    assert OccupationGroup.objects.get(proposal=proposal, code="29-9000").title == "Health Information Technology"

def test_it_keeps_two_editors_from_overwriting_each_other(team, new_page):
    proposal, _, tasks = team
    eli = open_proposal(new_page, "eli", proposal)
    edna = open_proposal(new_page, "edna", proposal)
    eli_form = start_editing(eli, tasks[0])
    edna_form = start_editing(edna, tasks[0])
    text_field(eli_form).fill("Analyze and interpret clinical data.")
    eli_form.get_by_role("button", name="Save").click()
    eli.locator(f"#task-{tasks[0].pk}").get_by_text("Analyze and interpret clinical data.").wait_for()

    text_field(edna_form).fill("Collect, analyze and interpret data.")
    edna_form.get_by_role("button", name="Save").click()
    conflict = edna.get_by_role("alert").filter(has_text="Eli Tester saved this")
    conflict.wait_for()
    assert conflict.get_by_label("Their text, saved now").inner_text().endswith("Analyze and interpret clinical data.")
    assert conflict.get_by_label("Your text").inner_text().endswith("Collect, analyze and interpret data.")
    assert conflict.locator("ins").first.inner_text().strip() != ""
    form = edna.get_by_role("form", name="Edit task")
    assert text_field(form).input_value() == "Collect, analyze and interpret clinical data."
    assert Task.objects.get(pk=tasks[0].pk).text == "Analyze and interpret clinical data."
    form.get_by_role("button", name="Save").click()
    form.wait_for(state="detached")
    edna.locator(f"#task-{tasks[0].pk}").get_by_text("Collect, analyze and interpret clinical data.").wait_for()
    saved = Task.objects.get(pk=tasks[0].pk)
    assert (saved.text, saved.version) == ("Collect, analyze and interpret clinical data.", 3)

def test_it_keeps_what_is_typed_in_one_form_when_another_is_saved(team, new_page):
    proposal, _, tasks = team
    page = open_proposal(new_page, "eli", proposal)
    first = start_editing(page, tasks[0])
    text_field(first).fill("Half-written change, not saved yet")
    second = page.locator(f"#task-{tasks[1].pk}")
    second.hover()
    second.get_by_role("link", name="Edit").click()
    forms = page.get_by_role("form", name="Edit task")
    text_field(forms.nth(1)).fill("Design and evaluate informatics solutions.")
    page.evaluate("document.getElementById('document').dataset.drawn = 'before the save'")
    forms.nth(1).get_by_role("button", name="Save").click()
    page.locator(f"#task-{tasks[1].pk}").get_by_text("Design and evaluate informatics solutions.").wait_for()
    still_open = page.get_by_role("form", name="Edit task")
    assert still_open.count() == 1
    assert text_field(still_open).input_value() == "Half-written change, not saved yet"
    # the save's answer was its entry: the document around it was not drawn again
    assert page.locator("#document[data-drawn='before the save']").count() == 1

def test_it_shows_a_reviewer_no_edit_controls(team, new_page):
    proposal, _, tasks = team
    page = open_proposal(new_page, "rita", proposal)
    document = page.locator("#document")
    document.get_by_text("Analyze and interpret data.").wait_for()
    page.locator(f"#task-{tasks[0].pk}").hover()
    for name in ("Edit", "Insert below", "Write", "History", "Add a major group"):
        assert document.get_by_role("link", name=name, exact=True).count() == 0
    for name in ("Move up", "Move down", "Delete", "Save"):
        assert document.get_by_role("button", name=name, exact=True).count() == 0
    assert document.locator("summary", has_text="Add…").count() == 0

def test_it_edits_without_javascript_through_plain_forms(team, browser, live_server):
    proposal, _, tasks = team
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, "eli")
        page.goto(f"/proposals/{proposal.pk}/")
        page.locator(f"#task-{tasks[2].pk}").hover()  # the tools show on hover, also without JavaScript
        page.locator(f"#task-{tasks[2].pk}").get_by_role("link", name="Edit").click()
        page.get_by_role("heading", name="Edit task").wait_for()
        text_field(page).fill("Train and support clinical staff.")
        page.get_by_role("button", name="Save").click()
        page.wait_for_url(f"**/proposals/{proposal.pk}/#task-{tasks[2].pk}")
        assert "Train and support clinical staff." in task_texts(page)
    finally:
        context.close()

def test_it_keeps_the_typed_text_and_says_why_when_a_save_fails(team, new_page):
    proposal, _, tasks = team
    page = open_proposal(new_page, "eli", proposal)
    form = start_editing(page, tasks[0])
    text_field(form).fill("A long careful rewrite that must not be lost.")
    page.context.clear_cookies(name="sessionid")  # the session ends (timeout, logout in another tab)
    form.get_by_role("button", name="Save").click()
    form.get_by_role("alert").filter(has_text="You have been logged out").wait_for()
    assert text_field(form).input_value() == "A long careful rewrite that must not be lost."
    assert Task.objects.get(pk=tasks[0].pk).text == "Analyze and interpret data."

def test_it_writes_a_proposal_from_an_empty_one(team, new_page):
    """Each kind of part an editor needs: the proposal's own text, the classification, a
    narrative for a group, a list entry and a table row, from the page's own menus."""
    proposal, _, tasks = team
    for task in tasks:
        services.object_delete(task, by=None)
    page = open_proposal(new_page, "eli", proposal)

    intro = page.locator(f"#proposal-{proposal.pk}-introduction")
    intro.hover()
    intro.get_by_role("link", name="Write").click()
    form = page.get_by_role("form", name="Edit the introduction and purpose")
    form.get_by_role("textbox").fill("Health IT work is growing.\nThe group proposes new occupations.")
    form.get_by_role("button", name="Save").click()
    page.locator(f"#proposal-{proposal.pk}-introduction p").nth(1).wait_for()
    assert page.locator(f"#proposal-{proposal.pk}-introduction p").all_inner_texts() == [
        "Health IT work is growing.", "The group proposes new occupations."]

    page.get_by_role("link", name="+ Add a major group").click()
    form = page.get_by_role("form", name="New group")
    form.get_by_label("Code").fill("290000")
    title_field(form).fill("Healthcare Practitioners and Technical Occupations")
    form.get_by_role("button", name="Save").click()
    major = page.locator(".group-head").filter(has_text="Healthcare Practitioners")
    major.wait_for()
    major.hover()
    major.get_by_role("link", name="Add a group below").click()
    form = page.get_by_role("form", name="New group")
    assert form.get_by_label("Level").input_value() == "minor"
    title_field(form).fill("Health Information Technology")
    form.get_by_role("button", name="Save").click()
    page.get_by_role("table").get_by_role("cell", name="Health Information Technology").wait_for()
    minor = OccupationGroup.objects.get(proposal=proposal, level="minor")

    item = page.locator(".item-head").filter(has=page.get_by_role("heading", name="1. Nature of work performed"))
    item.locator("summary", has_text="Add…").click()
    item.get_by_role("link", name="Narrative text").click()
    form = page.get_by_role("form", name="Nature of work performed: narrative")
    form.get_by_label("Applies to").select_option(label="Health Information Technology")
    form.get_by_role("textbox").fill("Consensus on tasks performed for an informatics occupation.")
    form.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Minor group: Health Information Technology").first.wait_for()

    item.locator("summary", has_text="Add…").click()
    item.get_by_role("link", name="Task").click()
    form = page.get_by_role("form", name="New task")
    text_field(form).fill("Analyze and interpret data to improve health systems services.")
    form.get_by_label("Applies to").select_option(label="Health Information Technology")
    form.get_by_role("button", name="Save").click()
    page.get_by_text("Analyze and interpret data to improve health systems services.").wait_for()

    workforce = page.locator(".item-head").filter(has=page.get_by_role("heading", name="5. Number of jobs or workers"))
    workforce.locator("summary", has_text="Add…").click()
    workforce.get_by_role("link", name="Workforce figure").click()
    form = page.get_by_role("form", name="New workforce figure")
    form.get_by_label("What is counted").fill("Health IT-related job postings post-HITECH")
    form.get_by_label("Number").fill("434292")
    form.get_by_label("Year").fill("2013")
    form.get_by_label("Source", exact=True).fill("Schwartz, 2013")
    form.get_by_role("button", name="Save").click()
    page.get_by_role("cell", name="434,292").wait_for()

    page.reload()
    task = Task.objects.get(proposal=proposal)
    assert (task.text, task.group) == ("Analyze and interpret data to improve health systems services.", minor)
    assert page.get_by_text("Consensus on tasks performed for an informatics occupation.").is_visible()
    assert page.get_by_role("cell", name="434,292").is_visible()

def test_it_reorders_by_drag_and_drop(team, new_page):
    proposal, _, tasks = team
    page = open_proposal(new_page, "eli", proposal)
    first, last = page.locator(f"#task-{tasks[0].pk}"), page.locator(f"#task-{tasks[2].pk}")
    last.scroll_into_view_if_needed()
    last.hover()
    handle, target = last.locator(".drag-handle").bounding_box(), first.bounding_box()
    # As a hand does it: press on the handle, move in steps, let go on the top of the first.
    page.mouse.move(handle["x"] + 4, handle["y"] + 6)
    page.mouse.down()
    page.mouse.move(handle["x"] + 10, handle["y"] - 10, steps=4)
    page.mouse.move(target["x"] + 40, target["y"] + 3, steps=8)
    page.mouse.up()
    page.wait_for_function(
        "() => document.querySelector('li[data-path^=\"task:\"]').id === 'task-%d'" % tasks[2].pk)
    assert task_texts(page) == ["Train clinical staff.", "Analyze and interpret data.", "Design informatics solutions."]
    page.reload()
    assert task_texts(page)[0] == "Train clinical staff."

def test_a_long_paste_is_kept_counted_and_refused_with_a_message(team, new_page):
    proposal, _, tasks = team
    page = open_proposal(new_page, "eli", proposal)
    form = start_editing(page, tasks[0])
    field = text_field(form)
    pasted = "Collect and analyze data. " * 385  # 10,010 characters, as pasted from a long document
    field.fill(pasted)
    assert len(field.input_value()) == len(pasted)  # nothing cut off
    counter = form.locator(".field-count")
    assert "5,010 over the limit of 5,000" in counter.inner_text()
    form.get_by_role("button", name="Save").click()
    page.get_by_text("the limit is 5000").wait_for()
    form = page.get_by_role("form", name="Edit task")
    assert text_field(form).input_value() == pasted  # every character kept
    assert "over the limit" in form.locator(".field-count").inner_text()
    assert Task.objects.get(pk=tasks[0].pk).text == "Analyze and interpret data."

def test_a_new_entrys_checkbox_stays_beside_its_label_next_to_cards(team, new_page):
    proposal, people, tasks = team
    for task in tasks:  # cards taller than the list they float beside
        review.thread_start(proposal=proposal, by=people["rita"], path=f"task:{task.pk}",
                            text="A long remark about this task. " * 12)
    page = open_proposal(new_page, "eli", proposal)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("link", name="+ Add task").click()
    form = page.get_by_role("form", name="New task")
    box = form.get_by_role("checkbox").bounding_box()
    label = form.get_by_text("“may” statement").bounding_box()
    assert abs(box["y"] - label["y"]) < 40, (box, label)  # it fell hundreds of pixels below

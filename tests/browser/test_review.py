"""Reviewing in Chromium as people would: select words and comment, reply as someone else,
resolve; suggest a change in Suggest mode, accept it as an editor, and see the text change
with the other threads still on their words."""

import re

import pytest
from playwright.sync_api import expect

from comments import services as review
from comments.models import Suggestion, Thread
from occupations.entries import Task
from tests.conftest import log_in, make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.fixture
def team(transactional_db):
    return make_team((("eli", "editor", "Eli"), ("rita", "reviewer", "Rita"), ("otto", "observer", "Otto")),
                     ("Analyze and interpret data to improve health systems.",
                      "Design informatics solutions for clinical teams."))

def open_proposal(new_page, username, proposal):
    page = new_page()
    log_in(page, username)
    page.goto(f"/proposals/{proposal.pk}/")
    return page

def out_of_sight(locator) -> bool:
    """Hidden from sight on a closed card, yet focusable and read out (app.css): a clipped
    box of a pixel, which Playwright still counts as visible."""
    box = locator.bounding_box()
    return box is None or (box["width"] <= 1 and box["height"] <= 1)

def select_words(page, path: str, words: str):
    """Select words in a field the way a mouse would leave them, then let go."""
    page.evaluate(
        """([path, words]) => {
            const run = [...document.querySelectorAll(`[data-field="${path}"] [data-o]`)]
                .find((element) => element.textContent.includes(words));
            const node = run.firstChild, at = node.textContent.indexOf(words);
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            run.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
        }""",
        [path, words],
    )

def test_it_comments_on_selected_words_replies_and_resolves(team, new_page):
    proposal, people, tasks = team
    task = tasks[0]
    rita = open_proposal(new_page, "rita", proposal)
    select_words(rita, f"task:{task.pk}.text", "interpret data")
    tools = rita.get_by_role("toolbar", name="Selected text")
    tools.get_by_role("button", name="Comment").click()
    form = rita.get_by_role("form", name="New comment")
    expect(form.get_by_text("Comment on “interpret data”")).to_be_visible()
    form.get_by_label("Kind").select_option("question")
    form.get_by_label("Comment").fill("Is interpreting data a task of its own?")
    form.get_by_role("button", name="Comment").click()

    card = rita.locator(".review-card", has_text="Is interpreting data a task of its own?")
    card.wait_for()
    expect(card.get_by_text("Question")).to_be_visible()
    thread = Thread.objects.get(proposal=proposal)
    assert (thread.quote, thread.kind, thread.created_by) == ("interpret data", "question", people["rita"])
    mark = rita.locator(f'mark[data-thread="{thread.pk}"]')
    assert mark.inner_text() == "interpret data"
    # Clicking the highlight shows its card, and the other way round.
    mark.click()
    assert "review-active" in (card.get_attribute("class") or "")

    eli = open_proposal(new_page, "eli", proposal)
    eli_card = eli.locator(f"#thread-{thread.pk}")
    eli_card.click()  # a closed card offers Reply once opened
    eli_card.get_by_role("link", name="Reply").click()
    eli_card.get_by_label("Reply").fill("Yes: keep it, it is what analysts do all day.")
    eli_card.get_by_role("button", name="Reply").click()
    eli.locator(f"#thread-{thread.pk}", has_text="Yes: keep it").wait_for()

    rita.reload()
    card = rita.locator(f"#thread-{thread.pk}")
    # closed, the card says a reply follows; opened, it shows it
    expect(card.get_by_text("1 more reply")).to_be_visible()
    assert out_of_sight(card.locator(".review-comment", has_text="Yes: keep it, it is what analysts do all day."))
    card.click()
    expect(card.get_by_text("1 more reply")).to_be_hidden()
    expect(card.get_by_text("Yes: keep it, it is what analysts do all day.")).to_be_visible()
    expect(card.get_by_text("Eli Tester")).to_be_visible()
    card.get_by_role("button", name="Resolve").click()
    rita.wait_for_function(f"() => document.querySelector('#thread-{thread.pk}.status-resolved') !== null")
    expect(rita.locator(f"#thread-{thread.pk}")).to_be_hidden()  # resolved threads are hidden
    rita.get_by_label(re.compile(r"Show resolved \(1\)")).check()
    expect(rita.locator(f"#thread-{thread.pk}").get_by_text("Resolved by Rita Tester")).to_be_visible()
    thread.refresh_from_db()
    assert (thread.status, thread.resolved_by) == ("resolved", people["rita"])

def test_it_suggests_a_change_and_an_editor_accepts_it(team, new_page):
    proposal, people, tasks = team
    task = tasks[1]
    other = review.thread_start(proposal=proposal, by=people["coordinator"], path=f"task:{task.pk}.text",
                                start=task.text.index("clinical teams"), end=task.text.index("clinical teams") + 14,
                                quote="clinical teams", text="Which teams?")

    rita = open_proposal(new_page, "rita", proposal)
    rita.get_by_text("Suggesting").click()
    item = rita.locator(f"#task-{task.pk}")
    item.hover()
    item.get_by_role("link", name="Suggest edit").click()
    form = rita.get_by_role("form", name=re.compile("Suggest changes"))
    form.get_by_label("Text").fill("Design and evaluate informatics solutions for clinical teams.")
    form.get_by_label("Why (optional)").fill("Evaluation is half the work.")
    form.get_by_role("button", name="Suggest").click()
    inserted = rita.locator(f"#task-{task.pk} ins.suggested-ins")
    inserted.wait_for()
    assert inserted.inner_text() == "and evaluate "
    suggestion = Suggestion.objects.get(proposal=proposal)
    assert (suggestion.quote, suggestion.replacement) == ("", "and evaluate ")
    assert Task.objects.get(pk=task.pk).text == "Design informatics solutions for clinical teams."

    eli = open_proposal(new_page, "eli", proposal)
    card = eli.locator(f"#suggestion-{suggestion.pk}")
    expect(card.get_by_text("Evaluation is half the work.")).to_be_visible()
    card.get_by_role("button", name="Accept").click()
    eli.wait_for_function(f"() => document.querySelector('#suggestion-{suggestion.pk}') === null")
    text = eli.locator(f'[data-field="task:{task.pk}.text"]')
    assert text.inner_text() == "Design and evaluate informatics solutions for clinical teams."
    # The other thread is still on its words, moved with them.
    assert eli.locator(f'mark[data-thread="{other.pk}"]').inner_text() == "clinical teams"
    saved = Task.objects.get(pk=task.pk)
    assert (saved.text, saved.version) == ("Design and evaluate informatics solutions for clinical teams.", 2)
    assert saved.history.first().history_change_reason == "Accepted a suggestion by Rita Tester"

def test_it_suggests_by_selecting_words_and_shows_observers_no_tools(team, new_page):
    proposal, people, tasks = team
    task = tasks[0]
    rita = open_proposal(new_page, "rita", proposal)
    select_words(rita, f"task:{task.pk}.text", "improve")
    rita.get_by_role("toolbar", name="Selected text").get_by_role("button", name="Suggest").click()
    form = rita.get_by_role("form", name="Suggest a change")
    form.get_by_label("Replace with").fill("strengthen")
    form.get_by_role("button", name="Suggest").click()
    rita.locator(f"#task-{task.pk} del.suggested-del").wait_for()
    assert rita.locator(f"#task-{task.pk} del.suggested-del").inner_text() == "improve"
    assert rita.locator(f"#task-{task.pk} ins.suggested-ins").inner_text() == "strengthen"

    otto = open_proposal(new_page, "otto", proposal)
    assert otto.locator(".review-card").count() == 1  # the suggestion, to read
    card = otto.locator(".review-card")
    assert card.get_by_role("button").count() == 0
    assert otto.get_by_role("link", name="Suggest edit").count() == 0
    select_words(otto, f"task:{task.pk}.text", "health")
    expect(otto.get_by_role("toolbar", name="Selected text")).to_be_hidden()


def test_it_offers_a_comment_on_the_title_but_no_suggestion(team, new_page):
    """The title is the coordinator's (the settings page): a reviewer may comment on it."""
    proposal, people, tasks = team
    rita = open_proposal(new_page, "rita", proposal)
    tools = rita.get_by_role("toolbar", name="Selected text")
    select_words(rita, f"task:{tasks[0].pk}.text", "improve")
    expect(tools.get_by_role("button", name="Suggest")).to_be_visible()
    select_words(rita, f"proposal:{proposal.pk}.title", proposal.title.split()[0])
    expect(tools).to_be_visible()
    expect(tools.get_by_role("button", name="Suggest")).to_be_hidden()
    tools.get_by_role("button", name="Comment").click()
    form = rita.get_by_role("form", name="New comment")
    form.get_by_label("Comment").fill("Is this the name the Committee will use?")
    form.get_by_role("button", name="Comment").click()
    rita.locator(".review-card", has_text="Is this the name the Committee will use?").wait_for()
    assert Thread.objects.get(proposal=proposal).path == f"proposal:{proposal.pk}.title"

def test_a_reply_redraws_its_card_and_totals_and_keeps_another_open_form(team, new_page):
    proposal, people, tasks = team
    # long enough to be cut to its first lines until chosen: a click opens it, and only
    # then does it offer Reply
    thread = review.thread_start(proposal=proposal, by=people["eli"], path=f"task:{tasks[0].pk}",
                                 text="Keep it? " + "It overlaps the second task in several ways. " * 12)
    rita = open_proposal(new_page, "rita", proposal)
    other = rita.locator(f"#task-{tasks[1].pk}")
    other.hover()
    other.get_by_role("link", name="Comment").click()
    half = rita.get_by_role("form", name="New comment")
    half.get_by_label("Comment").fill("Half a thought about design")
    rita.evaluate("document.getElementById('document').dataset.drawn = 'before the reply'")
    card = rita.locator(f"#thread-{thread.pk}")
    assert out_of_sight(card.get_by_role("link", name="Reply"))
    card.click()
    card.get_by_role("link", name="Reply").click()
    card.get_by_label("Reply").fill("Yes, keep it.")
    card.get_by_role("button", name="Reply").click()
    rita.locator(f"#thread-{thread.pk}", has_text="Yes, keep it.").wait_for()
    # the card came back alone: the document stayed, and so did the other form and its text
    assert rita.locator("#document[data-drawn='before the reply']").count() == 1
    assert half.get_by_label("Comment").input_value() == "Half a thought about design"
    # a new thread on the entry: its row comes back with the card and the totals move
    half.get_by_role("button", name="Comment").click()
    rita.locator(".review-card", has_text="Half a thought about design").wait_for()
    expect(rita.locator("#review-totals")).to_contain_text("2 open threads")
    assert rita.locator("#document[data-drawn='before the reply']").count() == 1

def test_a_suggested_task_shows_in_its_list_beside_its_card_until_accepted(team, new_page):
    proposal, people, tasks = team
    rita = open_proposal(new_page, "rita", proposal)
    rita.set_viewport_size({"width": 1366, "height": 900})
    rita.get_by_role("link", name="+ Suggest a task").click()
    form = rita.get_by_role("form", name="Suggest a new task")
    form.get_by_label("Text").fill("Audit who reads patient records.")
    form.get_by_role("button", name="Suggest").click()
    placeholder = rita.locator("li.suggested-entry")
    placeholder.wait_for()
    suggestion = Suggestion.objects.get(proposal=proposal)
    # in the list, after the tasks, underlined and attributed like a suggested insertion
    assert rita.locator(f"#task-{tasks[-1].pk} + li.suggested-entry").count() == 1
    inserted = placeholder.locator(f'ins[data-suggestion="{suggestion.pk}"]')
    assert inserted.inner_text() == "Audit who reads patient records."
    assert inserted.evaluate("(e) => getComputedStyle(e).textDecorationLine") == "underline"
    expect(placeholder).to_contain_text("suggested by Rita Tester")
    card = rita.locator(f"#suggestion-{suggestion.pk}")
    rita.wait_for_timeout(200)
    assert abs(card.bounding_box()["y"] - inserted.bounding_box()["y"]) <= 40
    # its words and its card show each other
    inserted.click()
    expect(card).to_have_class(re.compile("review-active"))

    eli = open_proposal(new_page, "eli", proposal)
    eli.locator(f"#suggestion-{suggestion.pk}").get_by_role("button", name="Accept").click()
    eli.wait_for_function("() => document.querySelector('li.suggested-entry') === null")
    expect(eli.locator("ul.doc-list li.editable").last).to_contain_text("Audit who reads patient records.")

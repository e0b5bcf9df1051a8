"""A rating round in Chromium, by keyboard only: five reviewers rate the Health IT tasks in
the Rate view (Y/N/U, 1-5, Tab to the reason, Enter), the coordinator closes the round,
and every task shows its class."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from consensus import services as consensus
from consensus.models import Round
from occupations import services
from occupations.kinds import kind_for
from tests.conftest import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TASKS = ("Analyze and interpret clinical data.", "Order office supplies.", "Write hospital billing code.")


@pytest.fixture
def round_(transactional_db):
    User = get_user_model()
    cora = User.objects.create_user("cora", password=PASSWORD, first_name="Cora", last_name="Lead")
    proposal = services.proposal_create(title="Health Informatics Occupations", created_by=cora)
    group = services.group_create(proposal=proposal, level="major", code="29-0000", title="Health IT", by=cora)
    tasks = [services.entry_create(entry_kind=kind_for("task"), proposal=proposal, group=group, text=text, by=cora)
             for text in TASKS]
    reviewers = []
    for number in range(5):
        person = User.objects.create_user(f"rev{number}", password=PASSWORD, first_name=f"Rev{number}",
                                          last_name="Tester")
        services.membership_set(proposal=proposal, user=person, role="reviewer", by=cora)
        reviewers.append(person)
    return consensus.round_open(proposal=proposal, by=cora, entry_kind="task", group=group), tasks


def rate(page, keys: str, reason: str = ""):
    """One entry by keyboard: the relevance and importance keys, then the reason (Tab,
    Tab from the relevance), then Enter on Save."""
    # the view puts the focus on the first choice: from there on, keys only
    page.wait_for_function("() => document.activeElement && document.activeElement.name === 'relevant'")
    for key in keys:
        page.keyboard.press(key)
    if reason:
        for _ in range(10):
            if page.evaluate("() => document.activeElement.id") == "rate-reason":
                break
            page.keyboard.press("Tab")
        page.keyboard.type(reason)
        page.keyboard.press("Tab")  # on to Save
        page.keyboard.press("Enter")
    else:
        page.keyboard.press("Enter")  # on a choice: the form is sent
    page.wait_for_load_state("load")


def test_five_reviewers_rate_by_keyboard_and_the_classes_appear_when_closed(round_, new_page):
    round_, tasks = round_
    # 1: all yes, importance 4 (Core); 2: all not sure (too few); 3: 3 yes, 2 no (Contested)
    answers = [("y4", ""), ("u", ""), ("y2", "")] * 3 + [("y4", ""), ("u", ""), ("n", "Coders do that.")] * 2
    for number in range(5):
        page = new_page()
        log_in(page, f"rev{number}")
        page.goto(f"/proposals/{round_.proposal_id}/rounds/")
        page.get_by_role("link", name="one by one").focus()
        page.keyboard.press("Enter")
        for index in range(3):
            keys, reason = answers[number * 3 + index]
            expect(page.locator(".rate-words")).to_have_text(TASKS[index])
            rate(page, keys, reason)
        expect(page.locator("#rate-progress")).to_have_text("You have rated 3 of 3.")

    cora = new_page()
    log_in(cora, "cora")
    cora.goto(f"/proposals/{round_.proposal_id}/rounds/")
    cora.get_by_role("button", name="Close round 1").focus()
    cora.keyboard.press("Enter")
    expect(cora.get_by_text("Round 1 is closed.")).to_be_visible()
    cora.goto(f"/proposals/{round_.proposal_id}/")
    results = [cora.locator(f"#task-{task.pk} .rating-result") for task in tasks]
    expect(results[0]).to_contain_text("Core")
    expect(results[0]).to_contain_text("5 raters · 100% relevant (5 yes, 0 no) · importance 4.0")
    expect(results[0]).to_contain_text("panel agreed")
    expect(results[1]).to_contain_text("Too few ratings")
    expect(results[2]).to_contain_text("Contested")
    expect(results[2]).to_contain_text("60% relevant (3 yes, 2 no)")
    results[2].get_by_text("Reasons (2)").click()
    expect(results[2].get_by_text("Coders do that.").first).to_be_visible()
    # the contents' filter: only the Core task shows
    cora.get_by_role("radio", name="Core (1)").first.check()
    expect(cora.locator(f"#task-{tasks[0].pk}")).to_be_visible()
    expect(cora.locator(f"#task-{tasks[1].pk}")).to_be_hidden()
    expect(cora.locator(f"#task-{tasks[2].pk}")).to_be_hidden()
    cora.get_by_role("radio", name="All entries").first.check()
    expect(cora.locator(f"#task-{tasks[2].pk}")).to_be_visible()


def test_a_second_round_on_the_contested_task_then_apply(round_, new_page):
    """Round 1 (rated already): the first task Core, the second Supplemental, the third
    Contested and a "may" statement. In Chromium the coordinator rates the contested task
    again, a reviewer rates it by keyboard, the round closes, and the coordinator applies
    the results: the second task becomes "may", the third, now Core, required."""
    round_, tasks = round_
    User = get_user_model()
    cora, reviewers = User.objects.get(username="cora"), [User.objects.get(username=f"rev{n}") for n in range(5)]
    services.object_update(tasks[2], values={"is_may": True}, base_version=tasks[2].version, by=cora)
    for number, person in enumerate(reviewers):
        for task, relevant, importance in ((tasks[0], "yes", 4), (tasks[1], "yes", 2),
                                           (tasks[2], "yes" if number < 3 else "no", 3)):
            consensus.rating_set(round_=round_, by=person, path=f"task:{task.pk}", relevant=relevant,
                                 importance=importance if relevant == "yes" else None,
                                 reason="" if relevant == "yes" else "Coders do that.")
    consensus.round_close(round_=round_, by=cora)
    proposal_id = round_.proposal_id

    page = new_page()
    log_in(page, "cora")
    page.goto(f"/proposals/{proposal_id}/rounds/")
    page.get_by_role("button", name="Rate its contested entries again (round 1)").click()
    expect(page.get_by_text("Round 2 is open: Contested entries of round 1")).to_be_visible()

    rev = new_page()
    log_in(rev, "rev0")
    rev.goto(f"/proposals/{proposal_id}/rounds/2/rate/all/")
    expect(rev.locator(".rate-words")).to_have_text(TASKS[2])
    expect(rev.locator(".rate-before")).to_contain_text("Contested")
    rate(rev, "y4")
    expect(rev.locator("#rate-progress")).to_have_text("You have rated 1 of 1.")
    second = Round.objects.get(proposal_id=proposal_id, number=2)
    for person in reviewers[1:]:
        consensus.rating_set(round_=second, by=person, path=f"task:{tasks[2].pk}", relevant="yes", importance=4)

    page.reload()
    page.get_by_role("button", name="Close round 2").click()
    expect(page.get_by_text("Since round 1: 1 Contested → Core.")).to_be_visible()
    page.goto(f"/proposals/{proposal_id}/")
    expect(page.locator(f"#task-{tasks[2].pk} .rating-movement")).to_contain_text("Contested → Core")

    page.goto(f"/proposals/{proposal_id}/rounds/")
    page.get_by_role("link", name="Apply to the text (round 2)").click()
    rows = page.locator(".apply-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(TASKS[1])
    expect(rows.nth(0)).to_contain_text("Make it a “may” statement")
    expect(rows.nth(1)).to_contain_text("Core round 2")
    expect(rows.nth(1)).to_contain_text("Make it a required duty")
    page.get_by_role("button", name="Apply the ticked changes").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Applied 2 changes: 1 made required, 1 made “may”.")).to_be_visible()
    expect(page.locator(".apply-nothing")).to_be_visible()

    page.goto(f"/proposals/{proposal_id}/")
    expect(page.locator(f"#task-{tasks[1].pk}").get_by_text("may", exact=True)).to_be_visible()
    expect(page.locator(f"#task-{tasks[2].pk}").get_by_text("may", exact=True)).to_have_count(0)
    page.goto(f"/proposals/{proposal_id}/history/")
    expect(page.get_by_text("From rating round 2: Core").first).to_be_visible()
    expect(page.get_by_text("From rating round 1: Supplemental").first).to_be_visible()

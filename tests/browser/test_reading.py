"""A member reads the demo proposal in Chromium as a person would."""

import re

import pytest

from occupations.demo import DEMO_PASSWORD, demo_load
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    return demo_load()[0]


def test_it_lets_a_reviewer_log_in_open_the_proposal_and_jump_to_an_item(demo, new_page):
    page = new_page()
    log_in(page, "reviewer", DEMO_PASSWORD)
    page.get_by_role("link", name=demo.title).click()
    page.get_by_role("heading", level=1, name=demo.title).wait_for()
    assert page.get_by_text("You are reviewer").is_visible()

    outline = page.get_by_role("navigation", name="Proposal outline")
    outline.get_by_role("link", name="5. Number of jobs or workers").click()
    page.wait_for_function("location.hash === '#item-workforce'")
    heading = page.get_by_role("heading", name="5. Number of jobs or workers")
    page.wait_for_function(
        "el => Math.abs(el.getBoundingClientRect().top - 80) < 60", arg=heading.element_handle()
    )
    table = page.get_by_role("table").filter(has_text="What is counted")
    assert table.get_by_role("cell", name="434,292").is_visible()
    assert page.get_by_text("GET EXACT NUMBERS FROM BLS AND HRSA").is_visible()


def test_it_shows_the_classification_and_the_seeds_notes(demo, new_page):
    page = new_page()
    log_in(page, "observer", DEMO_PASSWORD)
    page.goto(f"/proposals/{demo.pk}/")
    table = page.get_by_role("table", name=re.compile("proposed groups"))
    assert table.get_by_role("row").count() == 1 + 9
    assert table.get_by_role("cell", name="29-0000").is_visible()
    # The seed's notes are review threads now, in the margin beside their text.
    comment = page.locator(".review-card", has_text="Connie White Delaney")
    assert comment.get_by_text("Consider updating to capture ACos").is_visible()


def test_it_shows_an_outsider_nothing(demo, new_page, django_user_model):
    django_user_model.objects.create_user(username="stranger", password="a-long-test-password")
    page = new_page()
    log_in(page, "stranger")
    assert page.get_by_text("not a member of any proposal yet").is_visible()
    response = page.goto(f"/proposals/{demo.pk}/")
    assert response.status == 404


def test_it_gives_a_phone_reader_the_contents_too(demo, new_page):
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "editor", DEMO_PASSWORD)
    page.goto(f"/proposals/{demo.pk}/")
    assert page.get_by_role("button", name="Log out").is_visible()
    page.locator("details > summary", has_text="Contents").click()
    page.get_by_role("navigation", name="Proposal outline").get_by_role("link", name="8. Licensing").click()
    page.wait_for_function("location.hash === '#item-licensing'")
    assert page.get_by_text("Depends on workforce role.").is_visible()

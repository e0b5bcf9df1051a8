"""In Chromium: an editor searches the 2018 SOC from the proposal's tool bar, then adds a
BLS figure to the workforce item; a reviewer is offered no such button."""

import pytest
from playwright.sync_api import expect

from occupations.demo import DEMO_PASSWORD, demo_load
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_the_reference_then_add_a_bls_figure(new_page, reference_data):
    proposal = demo_load()[0]
    page = new_page()
    log_in(page, "editor", DEMO_PASSWORD)
    page.goto(f"/proposals/{proposal.pk}/")
    page.get_by_role("navigation", name="Proposal").get_by_role("link", name="2018 SOC").click()
    page.get_by_label("Search the 2018 SOC").fill("Database Administrator")
    page.keyboard.press("Enter")
    results = page.get_by_role("list", name="Occupations found")
    expect(results.get_by_role("link").first).to_have_text("15-1242 Database Administrators")
    expect(results.locator("li").first).to_contain_text("National employment 69,990 (May 2025)")
    results.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("15-1242 Database Administrators")
    expect(page.get_by_text("Database Administration Manager")).to_be_visible()

    page.goto(f"/proposals/{proposal.pk}/")
    page.get_by_role("link", name="+ Add BLS figure").click()
    page.get_by_label("SOC code").fill("15-1242")
    page.get_by_role("button", name="Add the figure").click()
    expect(page.get_by_text("Added the BLS figure: 69,990 — Database Administrators (2025).")).to_be_visible()
    row = page.locator("tr", has_text="Database Administrators")
    expect(row).to_contain_text("69,990")
    expect(row).to_contain_text("U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, May 2025")

    reviewer = new_page()
    log_in(reviewer, "reviewer", DEMO_PASSWORD)
    reviewer.goto(f"/proposals/{proposal.pk}/")
    expect(reviewer.locator("tr", has_text="Database Administrators")).to_contain_text("69,990")
    expect(reviewer.get_by_role("link", name="+ Add BLS figure")).to_have_count(0)

"""axe-core (through axe-playwright-python, which ships it: no CDN) on the demo's proposal
page in Chromium at 1366 px, in each role, viewing and suggesting, with a card open:
nothing of impact serious or critical, so the suite fails on a new one."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from occupations.demo import DEMO_PASSWORD, demo_load
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = ("serious", "critical")


def problems(page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [f"{violation['id']} ({violation['impact']}): {node['target']} {node['failureSummary'][:160]}"
            for violation in found if violation["impact"] in SERIOUS for node in violation["nodes"]]


@pytest.mark.parametrize("role", ["coordinator", "editor", "reviewer", "observer"])
def test_the_proposal_page_has_nothing_serious_for_axe(new_page, role):
    proposal = demo_load()[0]
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, role, DEMO_PASSWORD)
    page.goto(f"/proposals/{proposal.pk}/")
    assert problems(page) == [], "viewing"
    suggesting = page.get_by_text("Suggesting")
    if suggesting.count():
        suggesting.click()
        page.wait_for_timeout(400)  # Bootstrap's buttons fade their colours for 0.15 s
        assert problems(page) == [], "suggesting"
    card = page.locator(".review-card").first
    card.click()
    page.wait_for_function("() => document.querySelector('.review-card.review-active') !== null")
    page.wait_for_timeout(400)
    assert problems(page) == [], "with a card open"


@pytest.mark.parametrize("role", ["coordinator", "reviewer", "observer"])
def test_the_rating_pages_have_nothing_serious_for_axe(new_page, role):
    from django.contrib.auth import get_user_model

    from consensus import services as consensus
    from occupations.models import OccupationGroup

    proposal = demo_load()[0]
    group = OccupationGroup.objects.get(proposal=proposal, title__startswith="Health Information Technology")
    coordinator = get_user_model().objects.get(username="coordinator")
    closed = consensus.round_open(proposal=proposal, by=coordinator, entry_kind="task", group=group)
    first = group.task_entries.order_by("position", "id").first()
    for name in ("coordinator", "editor", "reviewer"):  # Supplemental, with a reason: a change to apply
        consensus.rating_set(round_=closed, by=get_user_model().objects.get(username=name), path=f"task:{first.pk}",
                             relevant="yes", importance=2, reason="Frequent, not done by all.")
    consensus.round_close(round_=closed, by=coordinator)
    consensus.round_open(proposal=proposal, by=coordinator, entry_kind="task", group=group)
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, role, DEMO_PASSWORD)
    urls = [f"/proposals/{proposal.pk}/", f"/proposals/{proposal.pk}/rounds/"]
    if role != "observer":
        urls.append(f"/proposals/{proposal.pk}/rounds/2/rate/all/")
    if role == "coordinator":
        urls += [f"/proposals/{proposal.pk}/rounds/1/apply/",
                 f"/proposals/{proposal.pk}/rounds/1/reasons/?path=task:{first.pk}"]
    for url in urls:
        page.goto(url)
        assert problems(page) == [], url
        if url.endswith("/apply/"):
            assert page.locator(".apply-row").count() == 1


def test_the_reference_pages_have_nothing_serious_for_axe(new_page, reference_data):
    demo_load()
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "observer", DEMO_PASSWORD)
    for url in ("/reference/soc/", "/reference/soc/?q=registrar", "/reference/soc/29-9021/",
                "/reference/soc/15-1200/"):
        page.goto(url)
        assert problems(page) == [], url

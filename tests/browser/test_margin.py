"""Cards beside their words (static/js/margin.js), measured in Chromium at 1366 px on the
demo proposal: each card starts level with its words, or just under the card before it
while that one still takes the height; a clicked highlight brings its card level with it,
both in view; the cards move again when one opens and when the window changes width, and
on a narrow screen they sit under their block."""

import re

import pytest
from playwright.sync_api import expect

from occupations.demo import DEMO_PASSWORD, demo_load
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEAR = 40  # px
GAP = 8

# Where each visible margin card is and where its words are, in page coordinates. Its words:
# its first highlight, else (a note on a whole entry, group or section) the block its margin
# is drawn under.
MEASURE = """() => {
  const visible = (element) => element && element.getClientRects().length > 0;
  const found = [];
  for (const card of document.querySelectorAll('#document .review-margin > .review-card')) {
    if (!visible(card)) continue;
    const kind = card.dataset.thread ? 'thread' : 'suggestion';
    const id = card.dataset.thread || card.dataset.suggestion;
    let words = [...document.querySelectorAll(`[data-${kind}="${id}"]:not(.review-card)`)].find(visible);
    if (!words) {
      const margin = card.parentElement;
      words = margin.parentElement.matches('li, tr') ? margin.parentElement : margin.previousElementSibling;
      while (words.classList.contains('review-margin')) words = words.previousElementSibling;
      // a note on a table's row is drawn after the table, and is about that row
      words = words.querySelector(`tr[data-path="${card.dataset.about}"]`) || words;
    }
    if (words.contains(card)) words = words.querySelector('[data-field]') || words;  // its entry's text
    const box = card.getBoundingClientRect(), at = words.getClientRects()[0];
    found.push({id: card.id, top: box.top + scrollY, bottom: box.bottom + scrollY, height: box.height,
                words: at.top + scrollY, wordsBottom: at.bottom + scrollY, active: card.classList.contains('review-active')});
  }
  return found;
}"""


def open_demo(new_page, role="reviewer"):
    proposal = demo_load()[0]
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.emulate_media(reduced_motion="reduce")  # cards move at once, not gliding
    log_in(page, role, DEMO_PASSWORD)
    page.goto(f"/proposals/{proposal.pk}/")
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)
    return page


def by_words(cards):
    return sorted(cards, key=lambda card: card["words"])


def assert_no_overlap(cards):
    for before, after in zip(by_words(cards), by_words(cards)[1:]):
        assert after["top"] >= before["bottom"] - 1, f"{after['id']} overlaps {before['id']}"


@pytest.mark.parametrize("role", ["reviewer", "coordinator"])
def test_it_puts_every_card_level_with_its_words_or_under_the_card_before(new_page, role):
    page = open_demo(new_page, role)
    cards = by_words(page.evaluate(MEASURE))
    assert len(cards) >= 15  # the demo's open threads
    floor = float("-inf")
    for card in cards:
        wanted = max(card["words"], floor)
        assert abs(card["top"] - wanted) <= NEAR, f"{card['id']} is {card['top'] - wanted:.0f} px from its place"
        floor = card["top"] + card["height"] + GAP
    assert_no_overlap(cards)


def test_clicking_a_highlight_brings_its_card_level_with_it_and_both_in_view(new_page):
    page = open_demo(new_page)
    marks = page.locator("#document mark[data-thread], #document ins[data-suggestion], #document del[data-suggestion]")
    count = marks.count()
    assert count >= 3
    for index in sorted({0, count // 2, count - 1}):
        mark = marks.nth(index)
        thread = mark.get_attribute("data-thread")
        card_id = f"thread-{thread}" if thread else f"suggestion-{mark.get_attribute('data-suggestion')}"
        mark.click()
        page.wait_for_function(f"() => document.querySelector('#{card_id}.review-active') !== null")
        page.wait_for_timeout(100)
        card = next(card for card in page.evaluate(MEASURE) if card["id"] == card_id)
        assert abs(card["top"] - card["words"]) <= NEAR
        top, height = page.evaluate("[scrollY, innerHeight]")
        assert top <= card["words"] and card["wordsBottom"] <= top + height, "its words are in view"
        assert top <= card["top"] and card["bottom"] <= top + height, "its card is in view"
        assert_no_overlap(page.evaluate(MEASURE))


def test_the_cards_move_when_one_opens_and_when_the_window_narrows(new_page):
    page = open_demo(new_page)
    # the Health IT tasks: a list with more notes than room beside it
    crowded = by_words(page.evaluate(MEASURE))
    pushed = max(crowded, key=lambda card: card["top"] - card["words"])
    assert pushed["top"] - pushed["words"] > NEAR
    card = page.locator(f"#{pushed['id']}")
    card.click()
    expect(card).to_have_class(re.compile("review-active"))
    page.wait_for_timeout(100)
    now = page.evaluate(MEASURE)
    opened = next(item for item in now if item["id"] == pushed["id"])
    assert opened["height"] > pushed["height"], "a chosen card opens"
    assert abs(opened["top"] - opened["words"]) <= NEAR, "and goes level with its words"
    assert_no_overlap(now)
    # a click elsewhere closes it, and it goes back to where the rule puts it
    page.locator("#document .doc-h1").first.click()
    expect(card).not_to_have_class(re.compile("review-active"))
    page.wait_for_timeout(100)
    closed = next(item for item in page.evaluate(MEASURE) if item["id"] == pushed["id"])
    assert closed["height"] == pytest.approx(pushed["height"], abs=1)
    assert closed["top"] == pytest.approx(pushed["top"], abs=NEAR)

    page.set_viewport_size({"width": 1000, "height": 900})
    page.wait_for_timeout(200)
    for item in page.evaluate(MEASURE):
        # under its block: below its words, in the text's column
        assert item["top"] >= item["wordsBottom"] - 1, f"{item} is not under its block"
    assert page.evaluate("[...document.querySelectorAll('.review-card')].every((c) => !c.style.transform)")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.wait_for_timeout(200)
    assert_no_overlap(page.evaluate(MEASURE))
    again = next(item for item in page.evaluate(MEASURE) if item["id"] == pushed["id"])
    assert again["top"] == pytest.approx(pushed["top"], abs=NEAR)


def test_tab_goes_from_a_cards_first_link_to_its_reply_and_opens_it(new_page):
    page = open_demo(new_page)
    card = page.locator(".review-card", has=page.locator("a.review-reply-open")).filter(
        has=page.locator(".review-quote a")).first
    card_id = card.get_attribute("id")
    card.locator(".review-quote a").focus()
    page.keyboard.press("Tab")
    # not lost to the page: on the card's Reply, the card open and level with its words
    focused = page.evaluate("[document.activeElement.closest('.review-card')?.id, document.activeElement.textContent]")
    assert focused == [card_id, "Reply"]
    page.wait_for_timeout(100)
    placed = next(item for item in page.evaluate(MEASURE) if item["id"] == card_id)
    assert abs(placed["top"] - placed["words"]) <= NEAR
    assert page.locator(f"#{card_id} .review-reply-open").bounding_box()["height"] > 1

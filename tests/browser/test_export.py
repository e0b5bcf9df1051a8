"""Exporting to Word in Chromium as a coordinator would: from the proposal's tool bar to
the Export page, choosing the review copy, and opening what downloads."""

import io

import docx
import pytest
from playwright.sync_api import expect

from comments import services as review
from tests.conftest import log_in, make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team(transactional_db):
    return make_team((("rita", "reviewer", "Rita"),),
                     ("Analyze and interpret data to improve health systems.",
                      "Design informatics solutions for clinical teams."))


def test_it_downloads_the_review_copy_with_the_open_thread_as_a_word_comment(team, browser, live_server):
    proposal, people, tasks = team
    task = tasks[0]
    review.thread_start(proposal=proposal, by=people["rita"], path=f"task:{task.pk}.text", text="Which data?",
                        start=task.text.index("data"), end=task.text.index("data") + 4, quote="data")
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    try:
        page = context.new_page()
        log_in(page, "cora")
        page.goto(f"/proposals/{proposal.pk}/")
        page.get_by_role("link", name="Export to Word").click()
        expect(page.get_by_role("heading", name="Export to Word")).to_be_visible()
        expect(page.get_by_text("It carries 1 open thread and 0 open suggestions.")).to_be_visible()
        page.get_by_label("Review copy").check()
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Download .docx").click()
        download = download_info.value
        assert download.suggested_filename == f"{proposal.slug}-review-copy.docx"
        document = docx.Document(io.BytesIO(open(download.path(), "rb").read()))
    finally:
        context.close()
    assert document.paragraphs[0].text == "Health Informatics Occupations"
    [comment] = list(document.comments)
    assert comment.author == "Rita Tester"
    assert comment.text == "Which data?"
    assert any(paragraph.text == task.text for paragraph in document.paragraphs)

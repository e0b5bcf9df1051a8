"""Importing a reviewed Word file in Chromium as a coordinator would: from the proposal's
tool bar to the upload, the preview of what the file brings, Apply, and the new
suggestion and thread in the document."""

import pytest
from playwright.sync_api import expect

from comments.models import Suggestion, Thread
from documents.export import export_docx
from documents.models import ReviewImport
from occupations.models import Proposal
from tests.conftest import log_in, make_team
from tests.documents.reviewing import Reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DANA = "Dana Outside"


@pytest.fixture
def team(transactional_db):
    return make_team((("rita", "reviewer", "Rita"),),
                     ("Analyze and interpret data to improve health systems.",
                      "Design informatics solutions for clinical teams."))


def test_it_imports_a_reviewed_file_and_shows_its_suggestion_in_the_document(team, new_page, tmp_path):
    proposal, people, tasks = team
    task, other = tasks
    word = Reviewer(export_docx(Proposal.objects.get(pk=proposal.pk), review=True).read())
    word.insert(f"task:{task.pk}.text", "improve", " and measure", DANA)
    word.comment(f"task:{other.pk}.text", "clinical teams", "Rita Tester", "Which teams?")
    reviewed = tmp_path / "dana-reviewed.docx"
    reviewed.write_bytes(word.save(last_modified_by=DANA))

    page = new_page()
    log_in(page, "cora")
    page.goto(f"/proposals/{proposal.pk}/")
    page.get_by_role("link", name="Import reviewed Word files").click()
    expect(page.get_by_role("heading", name="Import reviewed Word files")).to_be_visible()
    page.get_by_label("Reviewed Word files (.docx)").set_input_files(str(reviewed))
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_role("heading", name="Preview: dana-reviewed.docx")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Applying creates 2 items, by Dana Outside, Rita Tester.")
    change = page.locator(".import-item", has=page.locator("ins", has_text="and measure"))
    expect(change).to_contain_text(DANA)
    expect(change).to_contain_text("not a member")
    thread = page.locator(".import-item", has_text="Which teams?")
    expect(thread).to_contain_text("Thread on")
    expect(thread.locator("q")).to_have_text("clinical teams")
    assert not Suggestion.objects.filter(proposal=proposal).exists()  # nothing until Apply

    page.get_by_role("button", name="Apply: create 2 items").click()
    page.wait_for_url(f"**/proposals/{proposal.pk}/")
    expect(page.get_by_role("status").first).to_contain_text(
        "Imported dana-reviewed.docx: 1 suggestion, 1 new thread.")
    suggestion = Suggestion.objects.get(proposal=proposal)
    assert (suggestion.replacement, suggestion.author_name) == (" and measure", DANA)
    inserted = page.locator(f"#task-{task.pk} ins.suggested-ins")
    expect(inserted).to_have_text(" and measure")
    card = page.locator(f"#suggestion-{suggestion.pk}")
    expect(card).to_be_visible()
    expect(card).to_contain_text(DANA)
    thread = Thread.objects.get(proposal=proposal)
    expect(page.locator(f'mark[data-thread="{thread.pk}"]')).to_have_text("clinical teams")
    assert ReviewImport.objects.get().status == ReviewImport.Status.APPLIED

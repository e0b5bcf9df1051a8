"""An editor looks at a task's history in Chromium and brings its first version back."""

import pytest

from occupations import services
from occupations.kinds import kind_for
from tests.conftest import log_in, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD = "Analyze clinical data to improve outcomes."
NEW = "Analyze clinical records to improve patient outcomes."


def test_an_editor_restores_the_first_version_of_a_task(new_page):
    owner = make_user("owner")
    editor = make_user("editor")
    proposal = services.proposal_create(title="Health Informatics", created_by=owner)
    services.membership_set(proposal=proposal, user=editor, role="editor", by=owner)
    task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, by=owner, text=OLD)
    services.object_update(task, values={"text": NEW}, base_version=1, by=editor)

    page = new_page()
    log_in(page, "editor")
    page.goto(f"/proposals/{proposal.pk}/history/")
    page.get_by_role("link", name=f"Task “{NEW}”").first.click()
    page.get_by_role("heading", level=1, name=f"History of task “{NEW}”").wait_for()

    newest = page.get_by_role("article", name="Version 2")
    assert newest.locator("del", has_text="data").is_visible()
    assert newest.locator("ins", has_text="records").is_visible()
    assert newest.get_by_text("Editor Tester").is_visible()

    page.get_by_role("button", name="Restore version 1").click()
    page.get_by_role("status").get_by_text(f"Restored version 1 of task “{NEW}”.").wait_for()
    restored = page.get_by_role("article", name="Version 3")
    assert restored.get_by_text("Restored version 1").is_visible()

    page.get_by_role("link", name="See it in the proposal").click()
    text = page.locator(f'[data-field="task:{task.pk}.text"]')
    text.wait_for()
    assert text.inner_text() == OLD

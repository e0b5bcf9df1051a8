"""The demo under its Content-Security-Policy, in Chromium: sign in, open the demo,
comment, suggest, save an edit, with no console error and no policy violation."""

import pytest

from comments.models import Suggestion, Thread
from occupations.demo import DEMO_PASSWORD, demo_load
from occupations.entries import Task
from tests.browser.test_review import select_words
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_works_under_its_policy_with_a_clean_console(new_page):
    proposal = demo_load()[0]
    page = new_page()
    problems = []
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text[:200]} at {message.location['url']}")
            if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.add_init_script("document.addEventListener('securitypolicyviolation', (event) => "
                         "console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI));")
    log_in(page, "editor", DEMO_PASSWORD)
    page.get_by_role("link", name=proposal.title).click()
    # the proposal's page, with its scripts run, before anything is selected on it
    page.wait_for_url(f"**/proposals/{proposal.pk}/")
    page.wait_for_load_state("load")
    policy = page.evaluate("() => fetch(location.href).then((r) => r.headers.get('content-security-policy'))")
    assert "script-src 'self'" in policy

    task = Task.objects.filter(proposal=proposal).order_by("position", "id").first()
    words = task.text.split()[1]
    threads = Thread.objects.count()
    select_words(page, f"task:{task.pk}.text", words)
    page.get_by_role("toolbar", name="Selected text").get_by_role("button", name="Comment").click()
    form = page.get_by_role("form", name="New comment")
    form.get_by_label("Comment").fill("Is this the Committee's word?")
    form.get_by_role("button", name="Comment").click()
    page.locator(".review-card", has_text="Is this the Committee's word?").wait_for()
    assert Thread.objects.count() == threads + 1

    page.get_by_text("Suggesting").click()
    select_words(page, f"task:{task.pk}.text", words)
    page.get_by_role("toolbar", name="Selected text").get_by_role("button", name="Suggest").click()
    form = page.get_by_role("form", name="Suggest a change")
    form.get_by_label("Replace with").fill(words.upper())
    form.get_by_role("button", name="Suggest").click()
    page.locator(f"#task-{task.pk} ins.suggested-ins").wait_for()
    assert Suggestion.objects.filter(path=f"task:{task.pk}.text", replacement=words.upper()).exists()

    page.get_by_text("Editing").click()
    item = page.locator(f"#task-{task.pk}")
    item.hover()
    item.locator("> .block-actions").get_by_role("link", name="Edit").click()
    form = page.get_by_role("form", name="Edit task")
    form.get_by_role("textbox").first.fill(task.text + " Weekly.")
    form.get_by_role("button", name="Save").click()
    page.locator(f"#task-{task.pk}").get_by_text("Weekly.").wait_for()
    assert Task.objects.get(pk=task.pk).text.endswith(" Weekly.")
    assert problems == []

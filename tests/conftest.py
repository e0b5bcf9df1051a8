import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from occupations import services
from occupations.models import Membership

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
PASSWORD = "a-long-test-password"


def make_user(username: str):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=username.title(), last_name="Tester"
    )
    return user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database with the shipped reference data (the 2018 SOC, BLS's figures)
    loaded once, as `make run` loads it. Tests that empty the database (the browser's)
    take it away; the reference_data fixture loads it again where a test needs it."""
    from reference import loading

    with django_db_blocker.unblock():
        loading.load()


@pytest.fixture
def reference_data(db):
    """The reference data, there (loaded again if a test before emptied the database)."""
    from reference import loading

    return loading.load()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Tests make many users; a quick hasher keeps them quick (real ones stay slow)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def owner(db):
    """The coordinator who created the proposal."""
    return make_user("owner")


@pytest.fixture
def outsider(db):
    return make_user("outsider")


@pytest.fixture
def proposal(owner):
    return services.proposal_create(
        title="Health Informatics Occupations", revision_cycle="2028 SOC", created_by=owner
    )


@pytest.fixture
def member_of(proposal, owner):
    """member_of("editor") -> a user who has that role in the proposal."""

    def make(role: str, username: str = ""):
        user = make_user(username or role)
        services.membership_set(proposal=proposal, user=user, role=role, by=owner)
        return user

    return make


@pytest.fixture
def editor(member_of):
    return member_of(Membership.Role.EDITOR)


@pytest.fixture
def reviewer(member_of):
    return member_of(Membership.Role.REVIEWER)


@pytest.fixture
def observer(member_of):
    return member_of(Membership.Role.OBSERVER)


# Browser tests: Playwright drives Debian's Chromium; never a browser Playwright downloads.

def _browser_required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER"))


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = (
            f"No Chromium at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "(or set CHROMIUM to its path) to run the browser tests."
        )
        if _browser_required():
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls
    # are still synchronous, so Django's async guard must stand aside.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page() -> a fresh browser context's page on the live server (its own cookies)."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1300, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def log_in(page, username: str, password: str = PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="My proposals").wait_for()


def make_team(members, task_texts):
    """A proposal coordinated by Cora, with these members ((username, role, first name),
    each "<First> Tester") and tasks: (proposal, {username or "coordinator": user}, tasks)."""
    from occupations.kinds import kind_for

    User = get_user_model()
    coordinator = User.objects.create_user("cora", password=PASSWORD, first_name="Cora", last_name="Lead")
    proposal = services.proposal_create(title="Health Informatics Occupations", created_by=coordinator)
    people = {"coordinator": coordinator}
    for username, role, first in members:
        people[username] = User.objects.create_user(username, password=PASSWORD, first_name=first, last_name="Tester")
        services.membership_set(proposal=proposal, user=people[username], role=role, by=coordinator)
    tasks = [services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text=text, by=coordinator)
             for text in task_texts]
    return proposal, people, tasks

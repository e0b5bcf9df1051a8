"""A coordinator manages the group's members in Chromium."""

import pytest
from django.contrib.auth import get_user_model

from occupations.models import Membership
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_lets_a_coordinator_invite_a_reviewer_and_make_them_editor(proposal, new_page, mailoutbox):
    page = new_page()
    log_in(page, "owner")
    page.get_by_role("link", name=proposal.title).click()
    page.get_by_role("link", name="Members").click()
    page.get_by_role("heading", level=1, name="Members").wait_for()

    adding = page.get_by_role("region", name="Add a member")
    adding.get_by_label("Username or e-mail").fill("dana.reyes@hospital.example")
    adding.get_by_label("Role").select_option("reviewer")
    adding.get_by_role("button", name="Add member").click()

    page.get_by_role("status").get_by_text("Invited dana.reyes@hospital.example as reviewer").wait_for()
    listing = page.get_by_role("list", name="Members")
    row = listing.get_by_role("listitem").filter(has_text="dana.reyes@hospital.example")
    assert row.get_by_role("combobox", name="Role of dana.reyes").input_value() == "reviewer"
    assert len(mailoutbox) == 1 and "/accounts/reset/" in mailoutbox[0].body

    row.get_by_role("combobox", name="Role of dana.reyes").select_option("editor")
    row.get_by_role("button", name="Change role of dana.reyes").click()
    page.get_by_role("status").get_by_text("dana.reyes is now editor.").wait_for()
    row = listing.get_by_role("listitem").filter(has_text="dana.reyes@hospital.example")
    assert row.get_by_role("combobox", name="Role of dana.reyes").input_value() == "editor"

    dana = get_user_model().objects.get(email="dana.reyes@hospital.example")
    assert Membership.objects.get(proposal=proposal, user=dana).role == "editor"

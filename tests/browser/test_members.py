"""A coordinator manages the group's members in Chromium."""

import pytest
from django.contrib.auth import get_user_model

from occupations.models import Membership
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_invites_someone_new_who_joins_and_is_made_editor(proposal, new_page, mailoutbox):
    """One form on the coordinator's side; on the invited person's, the e-mail's link and
    one form (their account) that accepts."""
    import re

    page = new_page()
    log_in(page, "owner")
    page.get_by_role("link", name=proposal.title).click()
    page.get_by_role("link", name="Members").click()
    page.get_by_role("heading", level=1, name="Members").wait_for()

    inviting = page.get_by_role("region", name="Invite someone")
    inviting.get_by_label("E-mail address").fill("dana.reyes@hospital.example")
    inviting.get_by_label("Role").select_option("reviewer")
    inviting.get_by_role("button", name="Invite").click()
    page.get_by_role("status").get_by_text("Invitation sent to dana.reyes@hospital.example.").wait_for()
    waiting = page.get_by_role("list", name="Invitations waiting for an answer")
    assert waiting.get_by_role("listitem").filter(has_text="dana.reyes@hospital.example").count() == 1

    link = re.search(r"https?://[^/\s]+(/invitations/\S+/)", mailoutbox[0].body).group(1)
    dana = new_page()
    dana.goto(link)
    dana.get_by_label("Username").fill("dana")
    dana.get_by_label("Password", exact=True).fill("correct-horse-2028")
    dana.get_by_label("Password confirmation").fill("correct-horse-2028")
    dana.get_by_role("button", name="Create my account and accept").click()
    dana.get_by_role("heading", name=proposal.title).first.wait_for()

    page.reload()
    listing = page.get_by_role("list", name="Members")
    row = listing.get_by_role("listitem").filter(has_text="dana.reyes@hospital.example")
    assert row.get_by_role("combobox", name="Role of dana").input_value() == "reviewer"
    row.get_by_role("combobox", name="Role of dana").select_option("editor")
    row.get_by_role("button", name="Change role of dana").click()
    page.get_by_role("status").get_by_text("dana is now editor.").wait_for()
    user = get_user_model().objects.get(email="dana.reyes@hospital.example")
    assert Membership.objects.get(proposal=proposal, user=user).role == "editor"

"""The Members page: every member sees the list; coordinators add, invite, change roles
and remove."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from occupations.models import Membership

User = get_user_model()


def list_url(proposal):
    return reverse("member_list", args=[proposal.pk])


def role_url(proposal, row):
    return reverse("member_update", args=[proposal.pk, row.pk])


def remove_url(proposal, row):
    return reverse("member_remove", args=[proposal.pk, row.pk])


def row_of(user, proposal):
    return Membership.objects.get(user=user, proposal=proposal)


def role_of(user, proposal):
    return Membership.objects.filter(user=user, proposal=proposal).values_list("role", flat=True).first()


# Seeing the list -------------------------------------------------------------------------

def test_it_shows_the_coordinator_every_member_and_the_controls(client, proposal, owner, editor):
    editor.email = "editor@example.org"
    editor.save()
    client.force_login(owner)
    response = client.get(list_url(proposal))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Owner Tester", "Editor Tester", "editor@example.org", ">editor<"):
        assert text in html
    assert 'aria-label="Remove Editor Tester"' in html
    assert 'aria-label="Change role of Editor Tester"' in html
    assert 'aria-label="Role of Editor Tester"' in html
    assert "E-mail address" in html and ">Invite</button>" in html
    assert role_url(proposal, row_of(editor, proposal)) in html
    assert remove_url(proposal, row_of(editor, proposal)) in html


@pytest.mark.parametrize("role", ["editor", "reviewer", "observer"])
def test_it_shows_other_members_the_list_without_controls(client, proposal, member_of, role):
    user = member_of(role, username=f"a-{role}")
    client.force_login(user)
    response = client.get(list_url(proposal))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Owner Tester" in html and f"A-{role.title()} Tester" in html
    assert "Change role" not in html
    assert "Remove" not in html
    assert "E-mail address" not in html


def test_it_hides_the_list_from_an_outsider(client, proposal, outsider):
    client.force_login(outsider)
    assert client.get(list_url(proposal)).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client, proposal):
    response = client.get(list_url(proposal))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Inviting: tests/occupations/test_invitations.py ----------------------------------------

@pytest.mark.parametrize("role", ["editor", "reviewer", "observer"])
def test_it_refuses_adding_to_non_coordinators(client, proposal, member_of, outsider, role):
    user = member_of(role, username=f"a-{role}")
    client.force_login(user)
    response = client.post(list_url(proposal), {"email": "outsider@example.org", "role": "coordinator"})
    assert response.status_code == 403
    assert role_of(outsider, proposal) is None


def test_it_refuses_adding_to_an_outsider(client, proposal, outsider, owner):
    client.force_login(outsider)
    response = client.post(list_url(proposal), {"email": "outsider@example.org", "role": "coordinator"})
    assert response.status_code == 404
    assert role_of(outsider, proposal) is None


# Changing roles --------------------------------------------------------------------------

def test_it_changes_a_role(client, proposal, owner, reviewer):
    client.force_login(owner)
    response = client.post(role_url(proposal, row_of(reviewer, proposal)), {"role": "editor"})
    assert response.status_code == 302
    assert response.url == list_url(proposal)
    assert role_of(reviewer, proposal) == "editor"
    assert "Reviewer Tester is now editor." in client.get(response.url).content.decode()


def test_it_refuses_to_demote_the_last_coordinator_with_a_message(client, proposal, owner):
    client.force_login(owner)
    response = client.post(role_url(proposal, row_of(owner, proposal)), {"role": "editor"}, follow=True)
    assert response.status_code == 200
    assert "Owner Tester is the only coordinator: make someone else coordinator first." in (
        response.content.decode())
    assert role_of(owner, proposal) == "coordinator"


def test_it_refuses_a_role_that_does_not_exist(client, proposal, owner, reviewer):
    client.force_login(owner)
    response = client.post(role_url(proposal, row_of(reviewer, proposal)), {"role": "admin"}, follow=True)
    assert "is not a role" in response.content.decode()
    assert role_of(reviewer, proposal) == "reviewer"


@pytest.mark.parametrize("role", ["editor", "reviewer", "observer"])
def test_it_refuses_role_changes_to_non_coordinators(client, proposal, owner, member_of, role):
    user = member_of(role, username=f"a-{role}")
    client.force_login(user)
    response = client.post(role_url(proposal, row_of(user, proposal)), {"role": "coordinator"})
    assert response.status_code == 403
    assert role_of(user, proposal) == role


def test_it_refuses_role_changes_to_an_outsider(client, proposal, owner, outsider, reviewer):
    client.force_login(outsider)
    response = client.post(role_url(proposal, row_of(reviewer, proposal)), {"role": "coordinator"})
    assert response.status_code == 404
    assert role_of(reviewer, proposal) == "reviewer"


def test_it_does_not_change_a_membership_of_another_proposal(client, proposal, owner, outsider):
    from occupations import services

    other = services.proposal_create(title="Another", created_by=outsider)
    client.force_login(owner)
    response = client.post(role_url(proposal, row_of(outsider, other)), {"role": "observer"})
    assert response.status_code == 404
    assert role_of(outsider, other) == "coordinator"


def test_it_changes_roles_only_by_post(client, proposal, owner, reviewer):
    client.force_login(owner)
    assert client.get(role_url(proposal, row_of(reviewer, proposal))).status_code == 405
    assert client.get(remove_url(proposal, row_of(reviewer, proposal))).status_code == 405


def test_it_sends_anonymous_role_changes_to_log_in(client, proposal, reviewer):
    response = client.post(role_url(proposal, row_of(reviewer, proposal)), {"role": "coordinator"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert role_of(reviewer, proposal) == "reviewer"


# Removing --------------------------------------------------------------------------------

def test_it_removes_a_member(client, proposal, owner, reviewer):
    client.force_login(owner)
    response = client.post(remove_url(proposal, row_of(reviewer, proposal)))
    assert response.status_code == 302
    assert response.url == list_url(proposal)
    assert role_of(reviewer, proposal) is None
    assert "Removed Reviewer Tester from this proposal." in client.get(response.url).content.decode()


def test_it_refuses_to_remove_the_last_coordinator_with_a_message(client, proposal, owner):
    client.force_login(owner)
    response = client.post(remove_url(proposal, row_of(owner, proposal)), follow=True)
    assert response.status_code == 200
    assert "Owner Tester is the only coordinator" in response.content.decode()
    assert role_of(owner, proposal) == "coordinator"


def test_it_lets_a_coordinator_leave_when_another_remains(client, proposal, owner, member_of):
    carl = member_of("coordinator", "carl")
    client.force_login(owner)
    response = client.post(remove_url(proposal, row_of(owner, proposal)))
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert role_of(owner, proposal) is None
    assert role_of(carl, proposal) == "coordinator"
    assert client.get(list_url(proposal)).status_code == 404


@pytest.mark.parametrize("role", ["editor", "reviewer", "observer"])
def test_it_refuses_removal_to_non_coordinators(client, proposal, owner, member_of, role):
    user = member_of(role, username=f"a-{role}")
    client.force_login(user)
    response = client.post(remove_url(proposal, row_of(owner, proposal)))
    assert response.status_code == 403
    assert role_of(owner, proposal) == "coordinator"


def test_it_refuses_removal_to_an_outsider(client, proposal, owner, outsider, reviewer):
    client.force_login(outsider)
    response = client.post(remove_url(proposal, row_of(reviewer, proposal)))
    assert response.status_code == 404
    assert role_of(reviewer, proposal) == "reviewer"

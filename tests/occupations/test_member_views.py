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
    assert "Username or e-mail" in html
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
    assert "Username or e-mail" not in html


def test_it_hides_the_list_from_an_outsider(client, proposal, outsider):
    client.force_login(outsider)
    assert client.get(list_url(proposal)).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client, proposal):
    response = client.get(list_url(proposal))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Adding ----------------------------------------------------------------------------------

def test_it_adds_an_existing_user_by_username(client, proposal, owner, outsider, mailoutbox):
    client.force_login(owner)
    response = client.post(list_url(proposal), {"identifier": "outsider", "role": "editor"})
    assert response.status_code == 302
    assert response.url == list_url(proposal)
    assert role_of(outsider, proposal) == "editor"
    assert mailoutbox == []
    page = client.get(response.url).content.decode()
    assert "Added Outsider Tester as editor." in page


def test_it_adds_an_existing_user_by_e_mail(client, proposal, owner, outsider):
    outsider.email = "outsider@example.org"
    outsider.save()
    client.force_login(owner)
    response = client.post(list_url(proposal), {"identifier": "OUTSIDER@example.org", "role": "observer"})
    assert response.status_code == 302
    assert role_of(outsider, proposal) == "observer"


def test_it_invites_an_unknown_e_mail(client, proposal, owner, mailoutbox):
    client.force_login(owner)
    response = client.post(list_url(proposal), {"identifier": " pat@clinic.example ", "role": "reviewer"})
    assert response.status_code == 302
    user = User.objects.get(email="pat@clinic.example")
    assert role_of(user, proposal) == "reviewer"
    assert len(mailoutbox) == 1
    assert "http://testserver/accounts/reset/" in mailoutbox[0].body
    page = client.get(response.url).content.decode()
    assert "Invited pat@clinic.example as reviewer" in page
    assert "pat@clinic.example" in page


def test_it_sends_the_link_again_to_someone_invited_who_has_no_password_yet(
    client, proposal, owner, outsider, mailoutbox
):
    from occupations import services

    other = services.proposal_create(title="Another proposal", created_by=outsider)
    client.force_login(outsider)
    client.post(list_url(other), {"identifier": "pat@clinic.example", "role": "reviewer"})
    client.force_login(owner)
    response = client.post(list_url(proposal), {"identifier": "PAT@clinic.example", "role": "editor"})
    assert response.status_code == 302
    pat = User.objects.get(email="pat@clinic.example")
    assert (role_of(pat, other), role_of(pat, proposal)) == ("reviewer", "editor")
    assert len(mailoutbox) == 2
    assert "Health Informatics Occupations" in mailoutbox[1].body
    assert "/accounts/reset/" in mailoutbox[1].body


def test_it_says_what_to_do_with_an_unknown_username(client, proposal, owner):
    client.force_login(owner)
    response = client.post(list_url(proposal), {"identifier": "nobody-here", "role": "editor"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No user with that username; type an e-mail address to invite someone" in html
    assert 'value="nobody-here"' in html
    assert proposal.memberships.count() == 1


def test_it_says_when_someone_is_already_a_member(client, proposal, owner, editor):
    client.force_login(owner)
    response = client.post(list_url(proposal), {"identifier": "editor", "role": "reviewer"})
    assert response.status_code == 200
    assert "Editor Tester is already a member of this proposal (editor)." in response.content.decode()
    assert role_of(editor, proposal) == "editor"


@pytest.mark.parametrize("role", ["editor", "reviewer", "observer"])
def test_it_refuses_adding_to_non_coordinators(client, proposal, member_of, outsider, role):
    user = member_of(role, username=f"a-{role}")
    client.force_login(user)
    response = client.post(list_url(proposal), {"identifier": "outsider", "role": "coordinator"})
    assert response.status_code == 403
    assert role_of(outsider, proposal) is None


def test_it_refuses_adding_to_an_outsider(client, proposal, outsider, owner):
    client.force_login(outsider)
    response = client.post(list_url(proposal), {"identifier": "outsider", "role": "coordinator"})
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

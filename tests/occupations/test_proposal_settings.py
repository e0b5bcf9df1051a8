"""Settings of a proposal: title, revision cycle, status; coordinators only; a save on top
of someone else's is a conflict that keeps what was typed."""

import pytest
from django.urls import reverse


def url(proposal):
    return reverse("proposal_settings", args=[proposal.pk])


def form_data(proposal, **changes):
    data = {"title": proposal.title, "revision_cycle": proposal.revision_cycle,
            "status": proposal.status, "version": proposal.version}
    data.update(changes)
    return data


def test_it_shows_the_coordinator_the_current_settings(client, proposal, owner):
    client.force_login(owner)
    response = client.get(url(proposal))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Health Informatics Occupations"' in html
    assert 'value="2028 SOC"' in html
    assert '<option value="draft" selected>Draft</option>' in html
    assert f'name="version" value="{proposal.version}"' in html
    assert "Save settings" in html


def test_it_saves_the_settings_and_records_who_changed_them(client, proposal, owner):
    client.force_login(owner)
    response = client.post(url(proposal), form_data(
        proposal, title="  Health IT Occupations ", revision_cycle="2028 SOC", status="in_review"))
    assert response.status_code == 302
    assert response.url == reverse("proposal_detail", args=[proposal.pk])
    old_version = proposal.version
    proposal.refresh_from_db()
    assert (proposal.title, proposal.status) == ("Health IT Occupations", "in_review")
    assert proposal.version == old_version + 1
    assert proposal.history.first().history_user == owner
    assert "Settings saved." in client.get(response.url).content.decode()


@pytest.mark.parametrize("role", ["editor", "reviewer", "observer"])
def test_it_refuses_other_members(client, proposal, member_of, role):
    user = member_of(role, username=f"a-{role}")
    client.force_login(user)
    assert client.get(url(proposal)).status_code == 403
    response = client.post(url(proposal), form_data(proposal, title="Taken over"))
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.title == "Health Informatics Occupations"


def test_it_hides_the_settings_from_an_outsider(client, proposal, outsider):
    client.force_login(outsider)
    assert client.get(url(proposal)).status_code == 404
    assert client.post(url(proposal), form_data(proposal, title="Taken over")).status_code == 404
    proposal.refresh_from_db()
    assert proposal.title == "Health Informatics Occupations"


def test_it_sends_anonymous_visitors_to_log_in(client, proposal):
    response = client.get(url(proposal))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_shows_field_errors_beside_the_fields_and_keeps_the_rest(client, proposal, owner):
    client.force_login(owner)
    response = client.post(url(proposal), form_data(
        proposal, title="   ", revision_cycle="2028 SOC, revised" + "x" * 40, status="draft"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Give the proposal a title" in html
    assert "Ensure this value has at most 40 characters" in html
    assert "2028 SOC, revised" in html
    proposal.refresh_from_db()
    assert proposal.title == "Health Informatics Occupations"


def test_it_refuses_a_status_that_does_not_exist(client, proposal, owner):
    client.force_login(owner)
    response = client.post(url(proposal), form_data(proposal, status="approved"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "draft"


def test_it_shows_a_conflict_and_keeps_what_was_typed(client, proposal, owner, member_of):
    carl = member_of("coordinator", "carl")
    base_version = proposal.version
    client.force_login(carl)
    first = client.post(url(proposal), form_data(proposal, title="Health IT Workforce"))
    assert first.status_code == 302

    client.force_login(owner)
    second = client.post(url(proposal), form_data(
        proposal, title="Clinical Informatics Occupations", version=base_version))
    assert second.status_code == 200
    html = second.content.decode()
    assert "Carl Tester changed these settings" in html
    assert "Health IT Workforce" in html  # theirs, shown
    assert 'value="Clinical Informatics Occupations"' in html  # mine, kept in the form
    proposal.refresh_from_db()
    assert proposal.title == "Health IT Workforce"
    assert f'name="version" value="{proposal.version}"' in html

    # Having seen theirs, a second Save goes through.
    third = client.post(url(proposal), form_data(
        proposal, title="Clinical Informatics Occupations", version=proposal.version))
    assert third.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Clinical Informatics Occupations"


def test_it_keeps_another_coordinators_change_to_a_field_left_alone(client, proposal, owner, member_of):
    carl = member_of("coordinator", "carl")
    base = {"title": proposal.title, "revision_cycle": proposal.revision_cycle,
            "status": proposal.status, "version": proposal.version}
    client.force_login(carl)
    assert client.post(url(proposal), {**base, "status": "in_review"}).status_code == 302
    client.force_login(owner)
    response = client.post(url(proposal), {**base, "title": "Health IT Occupations"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.title, proposal.status) == ("Health IT Occupations", "in_review")


def test_it_links_the_settings_from_the_proposal_for_coordinators_only(client, proposal, owner, editor):
    client.force_login(owner)
    assert url(proposal).encode() in client.get(reverse("proposal_detail", args=[proposal.pk])).content
    client.force_login(editor)
    assert url(proposal).encode() not in client.get(reverse("proposal_detail", args=[proposal.pk])).content


def test_it_does_not_undo_another_change_when_saving_after_a_conflict(client, proposal, owner, member_of):
    carl = member_of("coordinator", "carl")
    base = form_data(proposal)
    client.force_login(carl)
    assert client.post(url(proposal), {**base, "title": "Health IT Workforce",
                                       "status": "in_review"}).status_code == 302
    client.force_login(owner)
    response = client.post(url(proposal), {**base, "title": "Clinical Informatics Occupations"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Clinical Informatics Occupations"' in html
    assert '<option value="in_review" selected>In review</option>' in html

    form = response.context["form"]
    again = {name: form.data[name] for name in ("title", "revision_cycle", "status", "version")}
    assert client.post(url(proposal), again).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.title, proposal.status) == ("Clinical Informatics Occupations", "in_review")

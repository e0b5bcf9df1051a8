"""Starting a proposal: anyone logged in, who becomes its coordinator."""

from django.urls import reverse

from occupations.models import Membership, Proposal

URL = reverse("proposal_new")


def test_it_sends_anonymous_visitors_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert client.post(URL, {"title": "Sneaky", "revision_cycle": "2028 SOC"}).status_code == 302
    assert not Proposal.objects.exists()


def test_it_offers_the_form_with_the_current_revision_cycle(client, outsider):
    client.force_login(outsider)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="title"' in html
    assert 'value="2028 SOC"' in html
    assert "Create proposal" in html


def test_it_links_the_form_from_my_proposals(client, outsider):
    client.force_login(outsider)
    assert URL.encode() in client.get(reverse("home")).content


def test_it_creates_a_proposal_whose_creator_is_coordinator(client, outsider):
    client.force_login(outsider)
    response = client.post(URL, {"title": " Health Informatics ", "revision_cycle": "2028 SOC"})
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("proposal_detail", args=[proposal.pk])
    assert (proposal.title, proposal.revision_cycle, proposal.status) == (
        "Health Informatics", "2028 SOC", "draft")
    assert Membership.objects.get(proposal=proposal).user == outsider
    assert Membership.objects.get(proposal=proposal).role == "coordinator"
    assert proposal.history.get().history_user == outsider
    page = client.get(response.url)
    assert page.status_code == 200
    assert "You are its coordinator" in page.content.decode()


def test_it_keeps_the_revision_cycle_given(client, outsider):
    client.force_login(outsider)
    client.post(URL, {"title": "Revisiting 2018", "revision_cycle": "2018 SOC"})
    assert Proposal.objects.get().revision_cycle == "2018 SOC"


def test_it_asks_for_a_title_and_keeps_what_was_typed(client, outsider):
    client.force_login(outsider)
    response = client.post(URL, {"title": "  ", "revision_cycle": "2028 SOC (draft)"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Give the proposal a title" in html
    assert 'value="2028 SOC (draft)"' in html
    assert not Proposal.objects.exists()


def test_it_refuses_a_title_too_long(client, outsider):
    client.force_login(outsider)
    response = client.post(URL, {"title": "x" * 301, "revision_cycle": "2028 SOC"})
    assert response.status_code == 200
    assert "at most 300 characters" in response.content.decode()
    assert not Proposal.objects.exists()


def test_it_limits_new_proposals_per_person_per_hour(client, outsider, owner, settings):
    assert settings.PROPOSALS_PER_USER_PER_HOUR == 5
    settings.PROPOSALS_PER_USER_PER_HOUR = 2
    client.force_login(outsider)
    for number in range(2):
        assert client.post(reverse("proposal_new"), {"title": f"P{number}", "revision_cycle": "2028 SOC"}
                           ).status_code == 302
    refused = client.post(reverse("proposal_new"), {"title": "P3", "revision_cycle": "2028 SOC"})
    assert refused.status_code == 200
    assert "You have started 2 proposals in the last hour, the most allowed." in refused.content.decode()
    assert 'value="P3"' in refused.content.decode()  # what was typed stays
    assert Proposal.objects.filter(memberships__user=outsider).count() == 2
    client.force_login(owner)  # another person is not held up
    assert client.post(reverse("proposal_new"), {"title": "Mine", "revision_cycle": "2028 SOC"}).status_code == 302


def test_an_organisation_lets_only_staff_start_proposals(client, outsider, settings):
    settings.PROPOSAL_CREATORS = "staff"
    client.force_login(outsider)
    assert "New proposal" not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("proposal_new")).status_code == 403
    assert client.post(reverse("proposal_new"), {"title": "Lure", "revision_cycle": "2028 SOC"}).status_code == 403
    assert not Proposal.objects.exists()
    outsider.is_staff = True
    outsider.save()
    assert "New proposal" in client.get(reverse("home")).content.decode()
    assert client.post(reverse("proposal_new"), {"title": "Ours", "revision_cycle": "2028 SOC"}).status_code == 302

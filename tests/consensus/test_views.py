import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from consensus import services
from consensus.models import Round

pytestmark = pytest.mark.django_db


def rounds_url(proposal):
    return reverse("round_list", args=[proposal.pk])


def close_url(proposal, number):
    return reverse("round_close", args=[proposal.pk, number])


def test_a_coordinator_opens_a_round_on_the_health_it_tasks(client, proposal, owner, health_it):
    client.force_login(owner)
    page = client.get(rounds_url(proposal))
    assert page.status_code == 200
    doc = lxml_html.fromstring(page.content.decode())
    options = {option.text_content(): option.get("value") for option in doc.xpath('//select[@name="scope"]/option')}
    scope = options["Nature of work performed: tasks of Health Information Technology (Health IT)"]
    response = client.post(rounds_url(proposal), {"scope": scope, "anonymous": "on"}, follow=True)
    assert response.status_code == 200
    round_ = Round.objects.get(proposal=proposal)
    assert (round_.entry_kind, round_.group, round_.anonymous) == ("task", health_it, True)
    assert "Round 1 is open: Tasks of Health Information Technology (Health IT)." in response.content.decode()


def test_a_named_round_with_a_closing_date(client, proposal, owner, health_it):
    client.force_login(owner)
    when = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    client.post(rounds_url(proposal), {"scope": "nature_of_work/task/", "closes_at": when})
    round_ = Round.objects.get(proposal=proposal)
    assert not round_.anonymous
    assert timezone.localtime(round_.closes_at).strftime("%Y-%m-%dT%H:%M") == when


@pytest.mark.parametrize("data, message", [
    ({"scope": "nature_of_work/task/99999"}, "Select a valid choice"),
    ({"scope": ""}, "This field is required"),
    ({"scope": "//", "closes_at": "2001-01-01T10:00"}, "The closing date has passed"),
    ({"scope": "//", "closes_at": "not a date"}, "Enter a valid date/time"),
])
def test_bad_choices_get_a_message_and_open_nothing(client, proposal, owner, health_it, data, message):
    client.force_login(owner)
    response = client.post(rounds_url(proposal), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Round.objects.exists()


@pytest.mark.parametrize("role", ["editor", "reviewer", "observer"])
def test_others_see_the_rounds_but_may_not_open_or_close_them(client, proposal, owner, health_it, member_of, role):
    round_ = services.round_open(proposal=proposal, by=owner, entry_kind="task", group=health_it)
    client.force_login(member_of(role))
    page = client.get(rounds_url(proposal))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Round 1: Tasks of Health Information Technology (Health IT)" in text
    assert "Open the round" not in text and "Close round 1" not in text
    assert client.post(rounds_url(proposal), {"scope": "//"}).status_code == 403
    assert client.post(close_url(proposal, 1)).status_code == 403
    assert Round.objects.count() == 1 and Round.objects.get(pk=round_.pk).is_open


def test_an_outsider_gets_404_everywhere(client, proposal, owner, health_it, outsider):
    services.round_open(proposal=proposal, by=owner, entry_kind="task")
    client.force_login(outsider)
    assert client.get(rounds_url(proposal)).status_code == 404
    assert client.post(rounds_url(proposal), {"scope": "//"}).status_code == 404
    assert client.post(close_url(proposal, 1)).status_code == 404
    assert Round.objects.count() == 1


def test_a_coordinator_closes_a_round(client, proposal, owner, health_it):
    services.round_open(proposal=proposal, by=owner, entry_kind="task")
    client.force_login(owner)
    response = client.post(close_url(proposal, 1), follow=True)
    assert "Round 1 is closed." in response.content.decode()
    assert not Round.objects.get(proposal=proposal).is_open
    assert client.post(close_url(proposal, 7)).status_code == 404
    assert client.get(close_url(proposal, 1)).status_code == 405


def test_the_proposal_page_links_to_its_rounds(client, proposal, owner):
    client.force_login(owner)
    page = client.get(reverse("proposal_detail", args=[proposal.pk])).content.decode()
    assert f'href="{rounds_url(proposal)}"' in page and "Rating rounds" in page
    assert "Export to Word" in page  # each app's tool, none replacing another

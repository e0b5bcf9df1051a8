import re

import pytest
from django.urls import reverse

from occupations import services
from occupations.kinds import kind_for
from occupations.sample import fill_proposal


def url(proposal):
    return reverse("proposal_detail", args=[proposal.pk])


@pytest.mark.parametrize("role", ["coordinator", "editor", "reviewer", "observer"])
def test_it_shows_the_proposal_to_every_member(client, proposal, member_of, role):
    client.force_login(member_of(role, username=f"the-{role}"))
    response = client.get(url(proposal))
    assert response.status_code == 200
    assert proposal.title.encode() in response.content
    assert f"You are {role}".encode() in response.content


def test_it_is_not_found_for_an_outsider(client, proposal, outsider):
    client.force_login(outsider)
    assert client.get(url(proposal)).status_code == 404


def test_it_is_not_found_for_a_proposal_that_does_not_exist(client, owner):
    client.force_login(owner)
    assert client.get(reverse("proposal_detail", args=[999999])).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client, proposal):
    response = client.get(url(proposal))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url(proposal)}"


def test_it_renders_the_outline_with_jump_links(client, proposal, owner, editor):
    services.group_create(proposal=proposal, level="major", code="29-0000",
                          title="Healthcare Practitioners", by=owner)
    services.entry_create(entry_kind=kind_for("task"), proposal=proposal,
                          text="Analyze and interpret data to improve health systems.", by=owner)
    client.force_login(editor)
    html = client.get(url(proposal)).content.decode()
    assert html.count('aria-label="Proposal outline"') == 2  # the side one, and the compact one on phones
    assert 'href="#item-nature_of_work"' in html and 'id="item-nature_of_work"' in html
    assert 'href="#classification"' in html and 'id="classification"' in html
    assert "29-0000" in html and "Healthcare Practitioners" in html
    assert "Analyze and interpret data to improve health systems." in html
    assert html.index("Proposed classification") < html.index("Nature of work performed")


def test_it_escapes_what_people_wrote(client, proposal, owner):
    services.entry_create(entry_kind=kind_for("task"), proposal=proposal,
                          text='<script>alert("x")</script> & more', by=owner)
    client.force_login(owner)
    html = client.get(url(proposal)).content.decode()
    assert "<script>alert(" not in html
    assert '&lt;script&gt;alert("x")&lt;/script&gt; &amp; more' in html


def test_it_renders_a_large_proposal_in_a_fixed_number_of_queries(
    client, proposal, owner, django_assert_max_num_queries
):
    fill_proposal(proposal, owner, 1000)
    client.force_login(owner)
    # session and user, membership, outline (groups, narratives, 13 kinds), notes, members,
    # the page's tag (for a conditional answer next time), the shared cache (read, count,
    # write), the open rating rounds, and whether one is past its closing date
    with django_assert_max_num_queries(31):
        response = client.get(url(proposal))
    assert response.status_code == 200
    assert response.content.count(b"<li id=") + response.content.count(b'<tr id="workforce_figure') + \
        response.content.count(b'<tr id="related_occupation') == 1000
    # drawn once for the role: the next reader's page is read from the cache (and the
    # rating rounds are asked whether one is past its closing date)
    with django_assert_max_num_queries(7):
        again = client.get(url(proposal))
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')  # each response its own

    def document(page) -> bytes:
        html = page.content
        return token.sub(b"", html[html.index(b'<article id="document"'):html.index(b"</article>")])

    assert document(again) == document(response)

from django.urls import reverse

from occupations import services


def test_it_sends_anonymous_visitors_to_log_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_lists_the_proposals_the_user_belongs_to_with_their_role(client, proposal, editor):
    client.force_login(editor)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"My proposals" in response.content
    assert proposal.title.encode() in response.content
    assert b"You are editor" in response.content
    assert reverse("proposal_detail", args=[proposal.pk]).encode() in response.content


def test_it_does_not_list_other_peoples_proposals(client, proposal, outsider, owner):
    services.proposal_create(title="Outsider's own proposal", created_by=outsider)
    client.force_login(outsider)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert proposal.title.encode() not in response.content
    assert b"Outsider&#x27;s own proposal" in response.content


def test_it_says_so_when_the_user_has_no_proposal(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("home"))
    assert b"not a member of any proposal yet" in response.content


def test_it_lists_many_proposals_in_a_fixed_number_of_queries(
    client, owner, django_assert_max_num_queries
):
    for n in range(30):
        services.proposal_create(title=f"Proposal {n}", created_by=owner)
    client.force_login(owner)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("home"))
    assert response.content.count(b"You are coordinator") == 30


def test_it_logs_a_user_in_and_out(client, owner):
    from tests.conftest import PASSWORD

    response = client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_it_says_when_a_password_is_wrong(client, owner):
    response = client.post(reverse("login"), {"username": "owner", "password": "wrong"})
    assert response.status_code == 200
    assert b"didn\xe2\x80\x99t match" in response.content
    assert b'value="owner"' in response.content

"""The 2018 SOC reference page: for every signed-in user, search, hierarchy, figures."""

import pytest
from django.urls import reverse
from lxml import html as lxml_html

pytestmark = pytest.mark.django_db

SOC = "/reference/soc/"


def read(client, url: str, **params):
    answer = client.get(url, params)
    assert answer.status_code == 200, answer.status_code
    return lxml_html.fromstring(answer.content.decode())


def test_anonymous_users_go_to_sign_in(client, reference_data):
    for url in (SOC, SOC + "29-9021/"):
        answer = client.get(url)
        assert answer.status_code == 302 and answer["Location"].startswith(reverse("login"))


def test_any_signed_in_user_searches_by_job_title_words_and_code(client, reference_data, outsider):
    client.force_login(outsider)  # a member of no proposal: the page holds none's data
    page = read(client, SOC, q="Database Administrator")
    found = [link.text_content() for link in page.xpath('//ol[contains(@class, "soc-results")]//h2/a')]
    assert found[0] == "15-1242 Database Administrators"
    first = page.xpath('string(//ol[contains(@class, "soc-results")]/li[1])')
    assert "National employment 69,990 (May 2025)" in " ".join(first.split())
    assert "Computer Occupations" in first
    codes = read(client, SOC, q="29-90").xpath('//ol[contains(@class, "soc-results")]//h2/a/text()')
    assert codes[:3] == ["29-9000 Other Healthcare Practitioners and Technical Occupations",
                         "29-9020 Health Information Technologists and Medical Registrars",
                         "29-9021 Health Information Technologists and Medical Registrars"]
    nothing = read(client, SOC, q="zzzqqq")
    assert nothing.xpath('string(//*[@role="status"])') == "Nothing in the 2018 SOC matches “zzzqqq”."


def test_without_a_query_it_lists_the_major_groups(client, reference_data, outsider):
    client.force_login(outsider)
    majors = read(client, SOC).xpath('//ul[contains(@class, "soc-majors")]/li')
    assert len(majors) == 23 and majors[0].text_content() == "11-0000 Management Occupations"


def test_an_occupation_shows_its_hierarchy_definition_titles_and_figures(client, reference_data, reviewer):
    client.force_login(reviewer)
    page = read(client, SOC + "29-9021/")
    crumbs = [item.text_content().strip() for item in page.xpath('//ol[contains(@class, "breadcrumb")]/li')]
    assert crumbs[2:] == ["29-0000 Healthcare Practitioners and Technical Occupations",
                          "29-9000 Other Healthcare Practitioners and Technical Occupations",
                          "29-9020 Health Information Technologists and Medical Registrars", "29-9021"]
    text = " ".join(page.text_content().split())
    assert "National employment 38,100 (May 2025) · median wage $68,020 a year" in text
    assert "Mean wage $74,970 a year." in text
    assert "Source: U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, May 2025." in text
    assert "Cancer Registrar (example in the manual)" in text
    # the cross-reference in its definition is a link
    assert page.xpath('//p[contains(@class, "soc-definition")]//a/@href') == [SOC + "29-2072/"]
    group = read(client, SOC + "15-1240/")
    assert [item.text_content().split(" ")[0] for item in group.xpath('//ul[contains(@class, "soc-children")]/li')] \
        == ["15-1241", "15-1242", "15-1243", "15-1244"]
    legislators = " ".join(read(client, SOC + "11-1031/").text_content().split())
    assert "BLS published no national figure of its own for this code." in legislators


def test_odd_input_gets_an_answer_not_an_error(client, reference_data, observer):
    client.force_login(observer)
    for query in ("", " ", "\x00\x01", "a" * 5000, "%_%", "' OR 1=1 --", "29-", "—", "🙂"):
        assert client.get(SOC, {"q": query}).status_code == 200, query
    assert client.get(SOC + "99-9999/").status_code == 404
    assert client.get(SOC + "not-a-code/").status_code == 404


def test_the_proposal_page_links_to_it(client, proposal, owner):
    client.force_login(owner)
    page = read(client, reverse("proposal_detail", args=[proposal.pk]))
    assert page.xpath('//nav[@aria-label="Proposal"]//a[text()="2018 SOC"]/@href') == [SOC]


def test_a_search_reads_a_fixed_number_of_queries(client, reference_data, outsider, django_assert_max_num_queries):
    client.force_login(outsider)
    client.get(SOC, {"q": "nurse"})
    for query in ("nurse", "15", "Database Administrator"):
        # the session, the user, the releases, the figures, the inbox's count
        with django_assert_max_num_queries(5):
            assert client.get(SOC, {"q": query}).status_code == 200

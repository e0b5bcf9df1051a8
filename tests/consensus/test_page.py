"""A closed round's results on the proposal page: each entry's class, figures and
reasons, the same for every reader, names only in a named round."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import html as lxml_html

from consensus import services
from consensus.models import Rating, Round
from occupations import services as proposals
from occupations.entries import Task

pytestmark = pytest.mark.django_db


def raters(proposal, owner, count):
    people = []
    for number in range(count):
        person = get_user_model().objects.create_user(f"rater{number}", first_name=f"Rater{number}", last_name="Tester")
        proposals.membership_set(proposal=proposal, user=person, role="reviewer", by=owner)
        people.append(person)
    return people


def page(client, proposal, user):
    cache.clear()
    client.force_login(user)
    response = client.get(reverse("proposal_detail", args=[proposal.pk]))
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def result_of(doc, task):
    [entry] = doc.xpath(f'//*[@id="task-{task.pk}"]')
    found = entry.xpath('.//*[contains(@class, "rating-result")]')
    return found[0].text_content() if found else None


@pytest.mark.parametrize("anonymous", [True, False])
def test_everyone_sees_each_entrys_class_figures_and_reasons_once_closed(client, proposal, owner, health_it,
                                                                      observer, outsider, anonymous):
    tasks = list(Task.objects.filter(group=health_it).order_by("position", "id"))
    round_ = services.round_open(proposal=proposal, by=owner, entry_kind="task", group=health_it,
                                 anonymous=anonymous)
    people = raters(proposal, owner, 6)
    for person, (answer, value) in zip(people, [("yes", 3), ("yes", 5), ("yes", 1), ("yes", 3), ("no", None),
                                                ("no", None)]):
        services.rating_set(round_=round_, by=person, path=f"task:{tasks[0].pk}", relevant=answer,
                            importance=value, reason="Not informatics work." if answer == "no" else "")
    # while open, nobody sees results, nor reasons
    assert result_of(page(client, proposal, observer), tasks[0]) is None
    assert client.get(reverse("round_reasons", args=[proposal.pk, 1]) + f"?path=task:{tasks[0].pk}").status_code == 404
    services.round_close(round_=round_, by=owner)
    for reader in (observer, people[0], owner):
        text = result_of(page(client, proposal, reader), tasks[0])
        assert "Core" in text and "6 raters" in text and "67% relevant (4 yes, 2 no)" in text
        assert "importance 3.0 (sd 1.4, IQR 1.0)" in text and "no agreement" in text
        assert "Reasons (2)" in text
        # read when opened (htmx), or on a page of their own
        url = reverse("round_reasons", args=[proposal.pk, 1]) + f"?path=task:{tasks[0].pk}"
        link = page(client, proposal, reader).xpath(f'//*[@id="task-{tasks[0].pk}"]//details[@hx-get]')[0]
        assert link.get("hx-get") == url and link.get("hx-trigger") == "toggle once"
        folded = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        assert folded.count("<li>") == 2 and "Not informatics work." in folded
        assert ("Rater4 Tester" in folded) is (not anonymous)
        whole = client.get(url)
        assert whole.status_code == 200 and "Not informatics work." in whole.content.decode()
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    # an entry nobody rated says so; one outside the round shows nothing
    doc = page(client, proposal, observer)
    assert "nobody rated this entry" in result_of(doc, tasks[1])
    assert result_of(doc, Task.objects.get(proposal=proposal, group=None)) is None


def test_the_page_with_results_for_1000_entries_rated_by_30_people_reads_a_fixed_number_of_queries(
        client, proposal, owner, health_it, observer):
    round_ = services.round_open(proposal=proposal, by=owner, entry_kind="task", group=health_it)
    services.rating_set(round_=round_, by=owner, path=f"task:{Task.objects.filter(group=health_it).first().pk}",
                        relevant="unsure")
    services.round_close(round_=round_, by=owner)

    def queries() -> int:
        cache.clear()
        client.force_login(observer)
        with CaptureQueriesContext(connection) as seen:
            assert client.get(reverse("proposal_detail", args=[proposal.pk])).status_code == 200
        return len(seen)

    few = queries()
    Task.objects.bulk_create([Task(proposal=proposal, group=health_it, text=f"Task number {number}.",
                                   position=10 + number) for number in range(1000)])
    people = raters(proposal, owner, 30)
    paths = [f"task:{pk}" for pk in Task.objects.filter(group=health_it).values_list("pk", flat=True)]
    Rating.objects.bulk_create([Rating(round=round_, rater=person, path=path, relevant="yes", importance=4)
                                for person in people for path in paths], batch_size=2000)
    assert Rating.objects.count() > 30_000
    many = queries()
    assert many == few
    doc = page(client, proposal, observer)
    assert len(doc.xpath('//*[contains(@class, "rating-result")]')) == len(paths)
    assert Round.objects.get().number == 1


def test_the_contents_offer_a_filter_by_class_with_counts(client, proposal, owner, health_it, observer):
    round_ = services.round_open(proposal=proposal, by=owner, entry_kind="task", group=health_it)
    task = Task.objects.filter(group=health_it).first()
    for person in raters(proposal, owner, 5):
        services.rating_set(round_=round_, by=person, path=f"task:{task.pk}", relevant="yes", importance=4)
    doc = page(client, proposal, observer)
    assert not doc.xpath('//fieldset[contains(@class, "result-filter")]')  # nothing to filter while open
    services.round_close(round_=round_, by=owner)
    doc = page(client, proposal, observer)
    [sidebar] = doc.xpath('//nav[contains(@class, "outline-nav")]//fieldset[contains(@class, "result-filter")]')
    labels = [" ".join(label.text_content().split()) for label in sidebar.xpath(".//label")]
    assert labels == ["All entries", "Core (1)", "Too few ratings (2)"]
    assert sidebar.xpath('.//input[@data-result-filter="core"]')


def test_a_round_past_its_closing_date_shows_its_results_to_a_page_that_asks_again(client, proposal, owner,
                                                                                   health_it, observer):
    """Nobody writes when the clock closes a round: the page a reader has (its tag, its
    cached drawing) and an open page's question every few seconds still learn of it."""
    import datetime

    from django.utils import timezone

    round_ = services.round_open(proposal=proposal, by=owner, entry_kind="task", group=health_it,
                                 closes_at=timezone.now() + datetime.timedelta(hours=1))
    task = Task.objects.filter(group=health_it).first()
    for person in raters(proposal, owner, 5):
        services.rating_set(round_=round_, by=person, path=f"task:{task.pk}", relevant="yes", importance=4)
    client.force_login(observer)
    url = reverse("proposal_detail", args=[proposal.pk])
    seen = client.get(url)
    assert seen.status_code == 200 and "rating-result" not in seen.content.decode()
    counter = proposal.__class__.objects.get(pk=proposal.pk).change_count
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))  # time passes

    live = client.get(reverse("proposal_live", args=[proposal.pk]), {"since": counter}, HTTP_HX_REQUEST="true")
    assert live.status_code == 200
    again = client.get(url, HTTP_IF_NONE_MATCH=seen["ETag"])
    assert again.status_code == 200
    assert "Core" in result_of(lxml_html.fromstring(again.content.decode()), task)
    closed = Round.objects.get(pk=round_.pk)
    assert (closed.status, closed.closed_at, closed.closed_by) == ("closed", closed.closes_at, None)

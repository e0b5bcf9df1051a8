"""Rating an entry in an open round: who may, what is asked, and what others see while
the round is open (how many have rated, never the ratings)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from consensus import selectors, services
from consensus.models import Rating, Round
from occupations.entries import Task
from occupations.models import Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(proposal, owner, health_it):
    return services.round_open(proposal=proposal, by=owner, entry_kind="task", group=health_it)


@pytest.fixture
def tasks(health_it):
    return list(Task.objects.filter(group=health_it).order_by("position", "id"))


def path(task):
    return f"task:{task.pk}"


def test_a_reviewer_rates_and_changes_a_rating(round_, tasks, reviewer, proposal):
    before = Proposal.objects.get(pk=proposal.pk).change_count
    services.rating_set(round_=round_, by=reviewer, path=path(tasks[0]), relevant="yes", importance=4)
    services.rating_set(round_=round_, by=reviewer, path=path(tasks[0]), relevant="no", importance=5,
                        reason="Analysts do this, not informaticists.")
    rating = Rating.objects.get()
    assert (rating.relevant, rating.importance, rating.reason) == ("no", None, "Analysts do this, not informaticists.")
    assert Proposal.objects.get(pk=proposal.pk).change_count == before + 2
    assert selectors.progress(round_, reviewer) == (1, 3)


@pytest.mark.parametrize("role", ["editor", "coordinator"])
def test_editors_and_coordinators_rate_too(round_, tasks, member_of, owner, role):
    rater = owner if role == "coordinator" else member_of(role)
    services.rating_set(round_=round_, by=rater, path=path(tasks[1]), relevant="unsure")
    assert Rating.objects.get(rater=rater).importance is None


def test_an_observer_and_an_outsider_do_not_rate(round_, tasks, observer, outsider):
    for someone in (observer, outsider):
        with pytest.raises(PermissionDenied):
            services.rating_set(round_=round_, by=someone, path=path(tasks[0]), relevant="yes", importance=3)
    assert not Rating.objects.exists()


@pytest.mark.parametrize("values, code", [
    ({"relevant": "yes"}, "importance_required"),
    ({"relevant": "yes", "importance": 6}, "importance_required"),
    ({"relevant": "yes", "importance": 0}, "importance_required"),
    ({"relevant": "no"}, "reason_required"),
    ({"relevant": "no", "reason": "   "}, "reason_required"),
    ({"relevant": "maybe"}, "relevant_choice"),
    ({"relevant": "unsure", "reason": "x" * 2001}, "reason_long"),
])
def test_it_asks_for_what_a_rating_needs(round_, tasks, reviewer, values, code):
    with pytest.raises(ValidationError) as refused:
        services.rating_set(round_=round_, by=reviewer, path=path(tasks[0]), **values)
    assert refused.value.code == code
    assert not Rating.objects.exists()


def test_it_refuses_an_entry_the_round_does_not_rate(round_, reviewer, proposal):
    whole = Task.objects.get(proposal=proposal, group=None)  # the whole proposal's task: not in the round
    for other in (f"task:{whole.pk}", "task:999999", "work_activity:1", "nonsense", ""):
        with pytest.raises(ValidationError) as refused:
            services.rating_set(round_=round_, by=reviewer, path=other, relevant="unsure")
        assert refused.value.code == "not_in_round"


def test_a_late_rating_is_refused(round_, tasks, reviewer, owner):
    services.round_close(round_=round_, by=owner)
    with pytest.raises(ValidationError) as refused:
        services.rating_set(round_=round_, by=reviewer, path=path(tasks[0]), relevant="yes", importance=3)
    assert refused.value.code == "round_closed"
    assert "Round 1 has closed" in refused.value.message


def test_a_rating_after_the_closing_date_is_refused(round_, tasks, reviewer):
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(ValidationError) as refused:
        services.rating_set(round_=round_, by=reviewer, path=path(tasks[0]), relevant="unsure")
    assert refused.value.code == "round_closed"


# On the page -----------------------------------------------------------------------------

def page(client, proposal, user):
    client.force_login(user)
    response = client.get(reverse("proposal_detail", args=[proposal.pk]))
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def box(doc, task):
    found = doc.xpath(f'//*[@id="rating-1-task-{task.pk}"]')
    return found[0] if found else None


def test_the_page_shows_each_rater_their_own_and_everyone_only_how_many(client, proposal, round_, tasks, reviewer,
                                                                        member_of, observer):
    second = member_of("reviewer", username="second")
    services.rating_set(round_=round_, by=reviewer, path=path(tasks[0]), relevant="yes", importance=5)
    mine = box(page(client, proposal, reviewer), tasks[0]).text_content()
    assert "You: relevant, importance 5" in mine and "1 has rated" in mine and "Change" in mine
    theirs = box(page(client, proposal, second), tasks[0]).text_content()
    assert "You: not rated yet" in theirs and "1 has rated" in theirs and "importance" not in theirs
    watching = page(client, proposal, observer)
    seen = box(watching, tasks[0])
    assert "1 has rated" in seen.text_content() and "importance" not in seen.text_content()
    assert not seen.xpath('.//a[contains(@class, "rating-open")]')  # observers do not rate
    # only the round's entries: not the whole proposal's task
    whole = Task.objects.get(proposal=proposal, group=None)
    assert box(watching, whole) is None and box(watching, tasks[2]) is not None


def test_a_closed_round_leaves_no_control_on_the_page(client, proposal, round_, tasks, owner, reviewer):
    services.round_close(round_=round_, by=owner)
    assert not page(client, proposal, reviewer).xpath('//*[contains(@class, "rating-box")]')


def rate_url(proposal, number=1):
    return reverse("rating_form", args=[proposal.pk, number])


def test_a_reviewer_rates_through_the_form(client, proposal, round_, tasks, reviewer):
    client.force_login(reviewer)
    form = client.get(rate_url(proposal), {"path": path(tasks[1])}, HTTP_HX_REQUEST="true")
    assert form.status_code == 200 and "Relevant to the occupation?" in form.content.decode()
    saved = client.post(rate_url(proposal), {"path": path(tasks[1]), "relevant": "yes", "importance": "3"},
                        HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    assert "You: relevant, importance 3" in saved.content.decode()
    assert Rating.objects.get(rater=reviewer).importance == 3
    # Its own page without JavaScript: back to the entry, with a message
    done = client.post(rate_url(proposal), {"path": path(tasks[1]), "relevant": "unsure"})
    assert done.status_code == 302 and done["Location"].endswith(f"#task-{tasks[1].pk}")


def test_a_refused_rating_keeps_every_choice_on_the_screen(client, proposal, round_, tasks, reviewer, owner):
    client.force_login(reviewer)
    services.round_close(round_=round_, by=owner)
    answer = client.post(rate_url(proposal), {"path": path(tasks[0]), "relevant": "no", "reason": "Not our work."},
                         HTTP_HX_REQUEST="true")
    doc = lxml_html.fromstring(answer.content.decode())
    assert "Round 1 has closed: your rating was not saved." in doc.text_content()
    assert doc.xpath('//input[@name="relevant"][@value="no"]')[0].get("checked") is not None
    assert doc.xpath('string(//textarea[@name="reason"])') == "Not our work."
    missing = client.post(rate_url(proposal), {"path": path(tasks[0]), "relevant": "yes"})
    assert missing.status_code == 400


def test_an_observer_gets_403_and_an_outsider_404(client, proposal, round_, tasks, observer, outsider):
    client.force_login(observer)
    assert client.get(rate_url(proposal), {"path": path(tasks[0])}).status_code == 403
    assert client.post(rate_url(proposal), {"path": path(tasks[0]), "relevant": "unsure"}).status_code == 403
    client.force_login(outsider)
    assert client.get(rate_url(proposal), {"path": path(tasks[0])}).status_code == 404
    assert client.post(rate_url(proposal), {"path": path(tasks[0]), "relevant": "unsure"}).status_code == 404
    assert not Rating.objects.exists()


def test_a_round_that_is_not_there_is_404(client, proposal, round_, reviewer):
    client.force_login(reviewer)
    assert client.get(rate_url(proposal, 9), {"path": "task:1"}).status_code == 404


def test_the_rounds_page_shows_each_rater_their_progress(client, proposal, round_, tasks, reviewer, observer):
    services.rating_set(round_=round_, by=reviewer, path=path(tasks[0]), relevant="unsure")
    client.force_login(reviewer)
    text = client.get(reverse("round_list", args=[proposal.pk])).content.decode()
    assert "You have rated 1 of 3." in text and "1 member has rated." in text
    client.force_login(observer)
    text = client.get(reverse("round_list", args=[proposal.pk])).content.decode()
    assert "You have rated" not in text and "1 member has rated." in text


def test_the_page_with_an_open_round_reads_the_same_number_of_queries_however_many_ratings(
        client, proposal, round_, tasks, reviewer, member_of, django_assert_max_num_queries):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        cache.clear()
        client.force_login(reviewer)
        with CaptureQueriesContext(connection) as seen:
            assert client.get(reverse("proposal_detail", args=[proposal.pk])).status_code == 200
        return len(seen)

    few = queries()
    for number in range(8):
        rater = member_of("reviewer", username=f"rater{number}")
        for task in tasks:
            services.rating_set(round_=round_, by=rater, path=path(task), relevant="yes", importance=3)
    assert queries() == few
    with django_assert_max_num_queries(40):
        client.get(reverse("proposal_detail", args=[proposal.pk]))


# The Rate view: one entry at a time ------------------------------------------------------

def rate_all_url(proposal):
    return reverse("round_rate", args=[proposal.pk, 1])


def test_the_rate_view_goes_through_the_entries_and_starts_at_the_first_unrated(client, proposal, round_, tasks,
                                                                                reviewer):
    services.rating_set(round_=round_, by=reviewer, path=path(tasks[0]), relevant="unsure")
    client.force_login(reviewer)
    doc = lxml_html.fromstring(client.get(rate_all_url(proposal)).content.decode())
    assert doc.xpath('string(//*[contains(@class, "rate-words")])') == tasks[1].text
    assert "You have rated 1 of 3." in doc.text_content() and "Task 2 of 3" in doc.text_content()
    saved = client.post(rate_all_url(proposal), {"at": "2", "path": path(tasks[1]), "relevant": "yes",
                                                 "importance": "5"})
    assert saved.status_code == 302 and saved["Location"].endswith("?at=3")
    assert Rating.objects.get(rater=reviewer, path=path(tasks[1])).importance == 5
    # a rated entry shows its rating, to change
    again = lxml_html.fromstring(client.get(rate_all_url(proposal), {"at": "2"}).content.decode())
    assert again.xpath('//input[@name="importance"][@value="5"]')[0].get("checked") is not None


def test_the_rate_view_refuses_a_late_rating_and_keeps_the_choice(client, proposal, round_, tasks, reviewer, owner):
    services.round_close(round_=round_, by=owner)
    client.force_login(reviewer)
    answer = client.post(rate_all_url(proposal), {"at": "1", "path": path(tasks[0]), "relevant": "no",
                                                  "reason": "Not ours."})
    assert answer.status_code == 400
    doc = lxml_html.fromstring(answer.content.decode())
    assert "Round 1 has closed: your rating was not saved." in doc.text_content()
    assert doc.xpath('string(//textarea[@name="reason"])') == "Not ours."
    assert not Rating.objects.exists()


def test_the_rate_view_is_for_raters_only(client, proposal, round_, observer, outsider):
    client.force_login(observer)
    assert client.get(rate_all_url(proposal)).status_code == 403
    client.force_login(outsider)
    assert client.get(rate_all_url(proposal)).status_code == 404

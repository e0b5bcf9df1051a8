"""Sessions end after SESSION_IDLE_HOURS without a visit: a visit moves the end on,
written only once a tenth of that time has passed."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from socproposal.middleware import SESSION_MOVED
from tests.conftest import make_user


def stored(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_a_visit_moves_the_sessions_end_on_now_and_then(client, db, settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    client.force_login(make_user("ann"))
    first = stored(client).expire_date
    assert client.get("/").status_code == 200
    assert stored(client).expire_date == first  # signed in a moment ago: nothing written
    session = client.session
    session[SESSION_MOVED] -= settings.SESSION_COOKIE_AGE // 10 + 1  # as if an hour and a quarter had passed
    session.save()
    Session.objects.filter(session_key=session.session_key).update(expire_date=first - timedelta(hours=2))
    client.get("/")
    moved = stored(client).expire_date
    assert moved > first and abs(moved - (timezone.now() + timedelta(hours=12))) < timedelta(minutes=1)


def test_an_idle_session_ends(client, db):
    client.force_login(make_user("ann"))
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_a_pages_own_questions_do_not_keep_a_session_alive(client, db, settings):
    from occupations import services

    ann = make_user("ann")
    proposal = services.proposal_create(title="Health IT", revision_cycle="2028 SOC", created_by=ann)
    client.force_login(ann)
    session = client.session
    session[SESSION_MOVED] -= settings.SESSION_COOKIE_AGE // 10 + 1  # a visit is due to move its end
    session.save()
    first = stored(client).expire_date
    for _ in range(3):
        assert client.get(f"/proposals/{proposal.pk}/live/", {"since": 0}).status_code == 200
    assert stored(client).expire_date == first  # an open tab asking is not a visit
    client.get("/")
    assert stored(client).expire_date > first  # a visit is

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from consensus import selectors, services
from consensus.models import Round
from occupations.models import Proposal

pytestmark = pytest.mark.django_db


def count(proposal):
    return Proposal.objects.values_list("change_count", flat=True).get(pk=proposal.pk)


def test_it_opens_a_round_on_one_groups_tasks_numbered_in_its_proposal(proposal, owner, health_it):
    before = count(proposal)
    first = services.round_open(proposal=proposal, by=owner, entry_kind="task", group=health_it)
    second = services.round_open(proposal=proposal, by=owner, item="nature_of_work")
    assert (first.number, second.number) == (1, 2)
    assert first.item == "nature_of_work" and first.anonymous and first.is_open
    assert first.scope_label == "Tasks of Health Information Technology (Health IT)"
    assert second.scope_label == "Nature of work performed, whole proposal"
    assert [entry.text for _, entry in selectors.entries_in_scope(first)] == [
        "Analyze and interpret data.", "Design informatics solutions.", "Train clinical staff."]
    assert len(selectors.entries_in_scope(second)) == 4
    assert count(proposal) == before + 2  # open pages follow


@pytest.mark.parametrize("role", ["editor", "reviewer", "observer"])
def test_only_a_coordinator_opens_and_closes_a_round(proposal, owner, health_it, member_of, role):
    someone = member_of(role)
    with pytest.raises(PermissionDenied):
        services.round_open(proposal=proposal, by=someone, entry_kind="task")
    round_ = services.round_open(proposal=proposal, by=owner, entry_kind="task")
    with pytest.raises(PermissionDenied):
        services.round_close(round_=round_, by=someone)
    assert Round.objects.get(pk=round_.pk).is_open


def test_an_outsider_opens_nothing(proposal, outsider):
    with pytest.raises(PermissionDenied):
        services.round_open(proposal=proposal, by=outsider)
    assert not Round.objects.exists()


def test_closing_a_round_records_who_and_when_and_twice_is_once(proposal, owner, health_it):
    round_ = services.round_open(proposal=proposal, by=owner, entry_kind="task", group=health_it)
    before = count(proposal)
    closed = services.round_close(round_=round_, by=owner)
    assert closed.status == Round.Status.CLOSED and not closed.is_open
    assert closed.closed_by == owner and closed.closed_at is not None
    assert services.round_close(round_=round_, by=owner).closed_at == closed.closed_at
    assert count(proposal) == before + 1


def test_a_round_past_its_closing_date_is_closed(proposal, owner, health_it):
    round_ = services.round_open(proposal=proposal, by=owner, entry_kind="task",
                                 closes_at=timezone.now() + datetime.timedelta(hours=1))
    assert round_.is_open
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    assert not Round.objects.get(pk=round_.pk).is_open


@pytest.mark.parametrize("scope, code", [
    ({"item": "no_such_item"}, "scope_item"),
    ({"item": "licensing", "entry_kind": "task"}, "scope_kind"),
    ({"closes_at": timezone.now() - datetime.timedelta(minutes=1)}, "closes_in_past"),
])
def test_it_refuses_a_scope_that_is_not_there(proposal, owner, scope, code):
    with pytest.raises(ValidationError) as refused:
        services.round_open(proposal=proposal, by=owner, **scope)
    assert refused.value.code == code
    assert not Round.objects.exists()


def test_it_refuses_another_proposals_group(proposal, owner, health_it):
    from occupations import services as proposals
    other = proposals.proposal_create(title="Other", created_by=owner)
    with pytest.raises(ValidationError) as refused:
        services.round_open(proposal=other, by=owner, group=health_it)
    assert refused.value.code == "scope_group"


def test_a_round_on_a_deleted_group_keeps_its_name_and_rates_nothing(proposal, owner, health_it):
    round_ = services.round_open(proposal=proposal, by=owner, entry_kind="task", group=health_it)
    health_it.delete()
    round_.refresh_from_db()
    assert round_.group is None and round_.group_title == "Health Information Technology (Health IT)"
    assert selectors.entries_in_scope(round_) == []
    assert "Health IT" in str(round_)

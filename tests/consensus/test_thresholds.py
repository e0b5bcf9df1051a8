"""A proposal's own rules for results, set by its coordinator; every closed round's results follow them."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from consensus import selectors, services
from consensus.models import Thresholds
from occupations.entries import Task

pytestmark = pytest.mark.django_db


def test_a_coordinators_rules_change_the_class(client, proposal, owner, health_it, member_of):
    round_ = services.round_open(proposal=proposal, by=owner, entry_kind="task", group=health_it)
    task = Task.objects.filter(group=health_it).first()
    for number in range(3):
        services.rating_set(round_=round_, by=member_of("reviewer", username=f"r{number}"), path=f"task:{task.pk}",
                            relevant="yes", importance=3)
    services.round_close(round_=round_, by=owner)
    key = (round_.pk, f"task:{task.pk}")
    assert selectors.round_results([round_], proposal.pk)[key].kind == "Too few ratings"  # 3 of 4 who may rate
    client.force_login(owner)
    answer = client.post(reverse("round_thresholds", args=[proposal.pk]),
                         {"quorum": "3", "core_importance": "3.5", "agreement_pct": "80", "agreement_iqr": "0.5"},
                         follow=True)
    assert "The rules are saved" in answer.content.decode()
    assert "mean importance is at least 3.5" in answer.content.decode()
    assert Thresholds.objects.get(proposal=proposal).quorum == 3
    assert selectors.round_results([round_], proposal.pk)[key].kind == "Supplemental"  # mean 3.0 < 3.5


@pytest.mark.parametrize("values, message", [
    ({"quorum": "0", "core_importance": "3", "agreement_pct": "75", "agreement_iqr": "1"}, "Quorum"),
    ({"quorum": "5", "core_importance": "9", "agreement_pct": "75", "agreement_iqr": "1"}, "least mean importance"),
    ({"quorum": "5", "core_importance": "3", "agreement_pct": "101", "agreement_iqr": "1"}, "same answer"),
    ({"quorum": "five", "core_importance": "", "agreement_pct": "75", "agreement_iqr": "1"}, "Quorum"),
])
def test_bad_rules_get_a_message_and_change_nothing(client, proposal, owner, values, message):
    client.force_login(owner)
    answer = client.post(reverse("round_thresholds", args=[proposal.pk]), values, follow=True)
    text = answer.content.decode()
    assert "The rules were not saved." in text and message in text
    assert not Thresholds.objects.exists()


def test_only_a_coordinator_sets_the_rules(client, proposal, reviewer, outsider):
    values = {"quorum": "3", "core_importance": "3", "agreement_pct": "75", "agreement_iqr": "1"}
    with pytest.raises(PermissionDenied):
        services.thresholds_set(proposal=proposal, by=reviewer, quorum=3, core_importance=Decimal(3),
                                agreement_pct=75, agreement_iqr=Decimal(1))
    client.force_login(reviewer)
    assert client.post(reverse("round_thresholds", args=[proposal.pk]), values).status_code == 403
    client.force_login(outsider)
    assert client.post(reverse("round_thresholds", args=[proposal.pk]), values).status_code == 404
    assert not Thresholds.objects.exists()

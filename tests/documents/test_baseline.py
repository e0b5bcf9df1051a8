"""What a reviewed copy is compared with: the text as exported, and reviewers' names."""

import datetime

from django.utils import timezone

from documents.baseline import member_for_name, members_by_name, texts_as_of
from occupations import services
from occupations.entries import Task
from occupations.kinds import kind_for
from occupations.models import Membership, Proposal
from tests.conftest import make_user


def test_it_gives_each_fields_text_as_it_was_at_the_export(proposal, owner):
    task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text="Analyze data.", by=owner)
    proposal = services.object_update(proposal, values={"background": "First words."},
                                      base_version=proposal.version, by=owner)
    exported = timezone.now()
    later = exported + datetime.timedelta(seconds=5)
    # Edits after the export: stamp their history later than the export's second.
    task = services.object_update(Task.objects.get(pk=task.pk), values={"text": "Analyze health data."},
                                  base_version=task.version, by=owner)
    proposal = services.object_update(Proposal.objects.get(pk=proposal.pk), values={"background": "Changed."},
                                      base_version=proposal.version, by=owner)
    Task.history.filter(id=task.pk, history_date__gt=exported).update(history_date=later)
    Proposal.history.filter(id=proposal.pk, history_date__gt=exported).update(history_date=later)

    texts = texts_as_of(proposal, exported)
    assert texts[f"task:{task.pk}.text"] == "Analyze data."
    assert texts[f"proposal:{proposal.pk}.background"] == "First words."
    assert texts_as_of(proposal, later)[f"task:{task.pk}.text"] == "Analyze health data."


def test_it_leaves_out_what_did_not_exist_then(proposal, owner):
    before = timezone.now() - datetime.timedelta(days=1)
    task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text="New.", by=owner)
    assert f"task:{task.pk}.text" not in texts_as_of(proposal, before)


def test_it_knows_members_by_full_name_username_and_first_dot_last(proposal, member_of):
    reviewer = member_of(Membership.Role.REVIEWER, "rita")
    members = members_by_name(proposal)
    assert member_for_name(members, "Rita Tester") == reviewer
    assert member_for_name(members, "  rita  tester ") == reviewer
    assert member_for_name(members, "rita") == reviewer
    assert member_for_name(members, "Rita.Tester") == reviewer
    assert member_for_name(members, "Dana Outside") is None


def test_it_attributes_a_name_two_members_share_to_neither(proposal, member_of, owner):
    first = member_of(Membership.Role.REVIEWER, "sam")
    second = make_user("samuel")
    second.first_name, second.last_name = first.first_name, first.last_name
    second.save()
    services.membership_set(proposal=proposal, user=second, role="reviewer", by=owner)
    members = members_by_name(proposal)
    assert member_for_name(members, first.get_full_name()) is None
    assert member_for_name(members, "sam") == first

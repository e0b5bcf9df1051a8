import pytest
from django.core.exceptions import ValidationError

from occupations import services
from occupations.kinds import kind_for
from occupations.models import Membership, Narrative


def test_it_makes_the_creator_coordinator_and_a_unique_slug(owner):
    first = services.proposal_create(title="Health Informatics", created_by=owner)
    second = services.proposal_create(title="Health Informatics", created_by=owner)
    assert (first.slug, second.slug) == ("health-informatics", "health-informatics-2")
    assert Membership.objects.get(proposal=first, user=owner).role == "coordinator"
    assert first.status == "draft"


def test_it_records_who_made_each_change(proposal, owner, editor):
    task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal,
                                 text="Analyze data.", by=editor)
    record = task.history.get()
    assert (record.history_type, record.history_user, record.text) == ("+", editor, "Analyze data.")
    assert proposal.history.first().history_user == owner


def test_it_cleans_text_on_the_way_in(proposal, owner):
    task = services.entry_create(
        entry_kind=kind_for("task"), proposal=proposal, by=owner,
        text="  Pasted from Word\x0bwith a NUL\x00 and\r\nWindows endings\t ",
    )
    task.refresh_from_db()
    assert task.text == "Pasted from Word\nwith a NUL and\nWindows endings"
    title = services.entry_create(entry_kind=kind_for("job_title"), proposal=proposal, by=owner,
                                  title="Clinical\r\nInformatics\x07 Director")
    title.refresh_from_db()
    assert title.title == "Clinical Informatics Director"


def test_it_refuses_an_entry_that_is_empty_after_cleaning(proposal, owner):
    with pytest.raises(ValidationError) as raised:
        services.entry_create(entry_kind=kind_for("task"), proposal=proposal, by=owner, text=" \x00\t ")
    assert raised.value.message_dict["text"] == ["This field cannot be blank."]


def test_it_refuses_an_entry_for_a_group_of_another_proposal(proposal, owner):
    other = services.proposal_create(title="Other", created_by=owner)
    foreign = services.group_create(proposal=other, level="major", code="29-0000", title="Theirs", by=owner)
    with pytest.raises(ValidationError) as raised:
        services.entry_create(entry_kind=kind_for("task"), proposal=proposal, group=foreign,
                              text="Misfiled", by=owner)
    assert raised.value.message_dict["group"] == ["That group belongs to another proposal."]


def test_it_appends_entries_in_order(proposal, owner):
    kind = kind_for("skill")
    names = ["Active Listening", "Critical Thinking", "Writing"]
    for name in names:
        services.entry_create(entry_kind=kind, proposal=proposal, name=name, by=owner)
    assert list(kind.model.objects.filter(proposal=proposal).values_list("name", "position")) == [
        ("Active Listening", 1), ("Critical Thinking", 2), ("Writing", 3),
    ]


def test_it_refuses_an_implausible_year_for_a_workforce_figure(proposal, owner):
    with pytest.raises(ValidationError) as raised:
        services.entry_create(entry_kind=kind_for("workforce_figure"), proposal=proposal, by=owner,
                              description="Postings", number=10, year=20013)
    assert "Give a year between 1900 and 2100." in raised.value.messages


def test_it_keeps_one_narrative_per_item_and_scope_and_counts_versions(proposal, owner, editor):
    first = services.narrative_set(proposal=proposal, item="licensing", text="Depends on role.", by=owner)
    again = services.narrative_set(proposal=proposal, item="licensing", text="Depends on workforce role.", by=editor)
    assert first.pk == again.pk
    again.refresh_from_db()
    assert (again.text, again.version) == ("Depends on workforce role.", 2)
    assert Narrative.objects.filter(proposal=proposal, item="licensing").count() == 1
    assert [h.history_user for h in again.history.all()] == [editor, owner]


def test_it_changes_a_members_role_without_a_second_membership(proposal, owner, editor):
    services.membership_set(proposal=proposal, user=editor, role="reviewer", by=owner)
    assert Membership.objects.filter(proposal=proposal, user=editor).get().role == "reviewer"

"""The database itself refuses values outside each field's choices, and accepts every
choice the forms offer (a choice added without its constraint would fail here)."""

import pytest
from django.db import IntegrityError, transaction

from occupations import services
from occupations.entries import EducationRequirement, SupportingResource, Tool
from occupations.kinds import kind_for
from occupations.models import DraftNote, Membership, OccupationGroup, Proposal

ENTRY_CHOICES = [
    ("education", EducationRequirement, "category", {"text": "Bachelor's degree"}),
    ("resource", SupportingResource, "category", {"name": "AMIA"}),
    ("tool", Tool, "kind", {"category": "Tablets"}),
]


@pytest.mark.parametrize(("key", "model", "field", "values"), ENTRY_CHOICES)
def test_it_stores_every_choice_and_refuses_others(proposal, owner, key, model, field, values):
    for value, _ in model._meta.get_field(field).choices:
        entry = services.entry_create(entry_kind=kind_for(key), proposal=proposal, by=owner,
                                      **{field: value}, **values)
        assert getattr(entry, field) == value
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=entry.pk).update(**{field: "not-a-choice"})


def test_it_stores_every_status_role_level_and_note_kind(proposal, owner, outsider):
    for status in Proposal.Status.values:
        Proposal.objects.filter(pk=proposal.pk).update(status=status)
    for role in Membership.Role.values:
        services.membership_set(proposal=proposal, user=outsider, role=role, by=owner)
    parent = None
    for level, code in zip(OccupationGroup.Level.values, ["29-0000", "29-9000", "29-9020", "29-9021"]):
        parent = services.group_create(proposal=proposal, parent=parent, level=level, code=code,
                                       title=level, by=owner)
    for kind in DraftNote.Kind.values:
        services.draft_note_add(proposal=proposal, path=f"group:{parent.pk}", kind=kind, text="A note")
    for model, field in [(Proposal, "status"), (Membership, "role"), (OccupationGroup, "level"), (DraftNote, "kind")]:
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.update(**{field: "bogus"})

import pytest
from django.core.exceptions import ValidationError

from occupations import codes, services
from occupations.models import OccupationGroup


@pytest.mark.parametrize(
    ("level", "code"),
    [
        ("major", "29-0000"),
        ("major", "15-0000"),
        ("minor", "29-9000"),
        ("minor", "15-1200"),  # one of the two-digit minor groups
        ("minor", "51-5100"),
        ("broad", "29-9020"),
        ("broad", "15-1210"),
        ("detailed", "29-9021"),
        ("detailed", "29-9099"),  # an "All Other" residual
        ("detailed", "11-9111"),
    ],
)
def test_it_accepts_the_form_of_each_level(level, code):
    codes.validate_code_for_level(code, level)


@pytest.mark.parametrize(
    ("level", "code", "error", "says"),
    [
        ("major", "29-9000", "code_major", "ends in 0000"),
        ("minor", "29-0000", "code_minor", "29-0000 is the form of a major code"),
        ("minor", "29-9020", "code_minor", "ends in 000"),
        ("broad", "29-9000", "code_broad", "29-9000 is the form of a minor code"),
        ("broad", "29-9021", "code_broad", "like 29-9020"),
        ("detailed", "29-9020", "code_detailed", "29-9020 is the form of a broad code"),
        ("detailed", "29-0000", "code_detailed", "digit from 1 to 9"),
        ("detailed", "29-902", "code_shape", "two digits, a hyphen and four digits"),
        ("detailed", "2990210", "code_shape", "two digits, a hyphen and four digits"),
        ("broad", "AB-CD20", "code_shape", "two digits, a hyphen and four digits"),
    ],
)
def test_it_rejects_a_code_of_the_wrong_form_with_a_message(level, code, error, says):
    with pytest.raises(ValidationError) as raised:
        codes.validate_code_for_level(code, level)
    assert raised.value.code == error
    assert says in raised.value.messages[0]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [(" 29-9021 ", "29-9021"), ("299021", "29-9021"), ("29\u20139021", "29-9021"), ("", "")],
)
def test_it_normalizes_what_people_type(typed, stored):
    assert codes.normalize_code(typed) == stored


@pytest.fixture
def tree(proposal, owner):
    major = services.group_create(proposal=proposal, level="major", code="29-0000",
                                  title="Healthcare Practitioners and Technical Occupations", by=owner)
    minor = services.group_create(proposal=proposal, parent=major, level="minor", code="29-9000",
                                  title="Other Healthcare Practitioners", by=owner)
    broad = services.group_create(proposal=proposal, parent=minor, level="broad", code="29-9020",
                                  title="Health Information Technologists", by=owner)
    return major, minor, broad


def test_it_saves_a_child_whose_code_begins_with_its_parents(tree, owner, proposal):
    _, _, broad = tree
    detailed = services.group_create(proposal=proposal, parent=broad, level="detailed",
                                     code="29 9021", title="Health Informaticists", by=owner)
    detailed.refresh_from_db()
    assert detailed.code == "29-9021"
    assert detailed.parent == broad


def test_it_refuses_a_child_outside_its_parents_prefix(tree, owner, proposal):
    _, minor, _ = tree
    with pytest.raises(ValidationError) as raised:
        services.group_create(proposal=proposal, parent=minor, level="broad", code="29-2030",
                              title="Misplaced", by=owner)
    assert raised.value.message_dict["code"] == [
        "This code must begin with 29-9, like the minor group 29-9000 it belongs to."
    ]
    assert not OccupationGroup.objects.filter(title="Misplaced").exists()


def test_it_uses_two_digits_of_a_two_digit_minor_group_as_prefix(proposal, owner):
    major = services.group_create(proposal=proposal, level="major", code="15-0000", title="Computer", by=owner)
    minor = services.group_create(proposal=proposal, parent=major, level="minor", code="15-1200",
                                  title="Computer Occupations", by=owner)
    services.group_create(proposal=proposal, parent=minor, level="broad", code="15-1210",
                          title="Analysts", by=owner)
    with pytest.raises(ValidationError) as raised:
        services.group_create(proposal=proposal, parent=minor, level="broad", code="15-1110",
                              title="Wrong minor", by=owner)
    assert "must begin with 15-12" in raised.value.message_dict["code"][0]


def test_it_refuses_a_child_at_or_above_its_parents_level(tree, owner, proposal):
    _, minor, _ = tree
    with pytest.raises(ValidationError) as raised:
        services.group_create(proposal=proposal, parent=minor, level="minor", code="29-9000",
                              title="Sibling in disguise", by=owner)
    assert "cannot sit under a minor group" in raised.value.message_dict["parent"][0]


def test_it_refuses_a_code_used_twice_in_one_proposal(tree, owner, proposal):
    _, minor, _ = tree
    with pytest.raises(ValidationError) as raised:
        services.group_create(proposal=proposal, parent=minor, level="broad", code="29-9020",
                              title="Duplicate", by=owner)
    assert raised.value.message_dict["__all__"] == [
        "Another group of this proposal already has this code."
    ]


def test_it_allows_the_same_code_in_another_proposal(tree, owner):
    other = services.proposal_create(title="Another proposal", created_by=owner)
    group = services.group_create(proposal=other, level="major", code="29-0000", title="Same code", by=owner)
    assert group.pk


def test_it_allows_several_groups_without_a_code(tree, owner, proposal):
    _, minor, _ = tree
    first = services.group_create(proposal=proposal, parent=minor, level="broad", title="Clinical Health IT", by=owner)
    second = services.group_create(proposal=proposal, parent=minor, level="broad", title="Analytics", by=owner)
    assert first.code == second.code == ""
    # and a blank code does not stop its children from having codes of their own
    child = services.group_create(proposal=proposal, parent=first, level="detailed", code="29-9031",
                                  title="Clinical informaticist", by=owner)
    assert child.code == "29-9031"


def test_it_refuses_to_recode_a_group_its_children_would_no_longer_fit(tree):
    _, minor, broad = tree
    minor.code = "29-2000"
    with pytest.raises(ValidationError) as raised:
        minor.full_clean()
    assert "29-9020" in raised.value.message_dict["code"][0]


def test_it_refuses_a_parent_from_another_proposal(tree, owner):
    major, _, _ = tree
    other = services.proposal_create(title="Another proposal", created_by=owner)
    with pytest.raises(ValidationError) as raised:
        services.group_create(proposal=other, parent=major, level="minor", code="29-1000",
                              title="Stray", by=owner)
    assert "another proposal" in raised.value.message_dict["parent"][0]

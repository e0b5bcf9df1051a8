import pytest

from occupations import services
from occupations.kinds import kind_for


@pytest.fixture
def health_it(proposal, owner):
    """The Health IT minor group, with three tasks of its own, and one task of the whole
    proposal."""
    major = services.group_create(proposal=proposal, level="major", code="29-0000",
                                  title="Healthcare Practitioners and Technical Occupations", by=owner)
    group = services.group_create(proposal=proposal, level="minor", parent=major,
                                  title="Health Information Technology (Health IT)", by=owner)
    task = kind_for("task")
    for text in ("Analyze and interpret data.", "Design informatics solutions.", "Train clinical staff."):
        services.entry_create(entry_kind=task, proposal=proposal, group=group, text=text, by=owner)
    services.entry_create(entry_kind=task, proposal=proposal, text="Write the proposal.", by=owner)
    return group

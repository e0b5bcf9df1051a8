"""Generated proposals of any size, for tests and benchmarks: many entries of every kind,
made in bulk so that thousands take a moment."""

from occupations import services
from occupations.kinds import ENTRY_KINDS


def fill_proposal(proposal, owner, entries: int):
    """A minor group with two broad occupations, and `entries` entries spread over every
    kind, alternating between the whole proposal and the groups."""
    major = services.group_create(proposal=proposal, level="major", code="29-0000", title="Healthcare", by=owner)
    minor = services.group_create(proposal=proposal, parent=major, level="minor", code="29-9000",
                                  title="Health IT", by=owner)
    broads = [
        services.group_create(proposal=proposal, parent=minor, level="broad", code=f"29-90{n}0",
                              title=f"Broad {n}", by=owner)
        for n in (1, 2)
    ]
    scopes = [None, minor, *broads]
    made = {kind.key: [] for kind in ENTRY_KINDS}
    for n in range(entries):
        kind = ENTRY_KINDS[n % len(ENTRY_KINDS)]
        values = {name: f"{kind.key} {name} {n}" for name in kind.text_fields}
        if kind.key == "related_occupation":
            values["code"] = "29-9021"
        made[kind.key].append(
            kind.model(proposal=proposal, group=scopes[n % len(scopes)], position=n, **values)
        )
    for kind in ENTRY_KINDS:
        kind.model.objects.bulk_create(made[kind.key])
    return major, minor, broads

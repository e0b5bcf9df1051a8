"""The one list of what a path may name, tried with every attribute name of every model a
path can name: only the listed text fields are ever taken."""

import pytest

from occupations import paths, services
from occupations.kinds import ENTRY_KINDS, kind_for
from occupations.models import Narrative, OccupationGroup, Proposal

PREFIXES = sorted(paths.MODELS)
PROPOSAL_TEXTS = {"introduction", "meeting_goals", "background", "committee_input"}


def expected(prefix: str, purpose: str) -> set[str]:
    """The lists as the issue states them, written out here rather than read from the code."""
    if prefix == "proposal":
        return PROPOSAL_TEXTS | ({"title"} if purpose == paths.COMMENT else set())
    if prefix == "group":
        return {"title", "title_options", "definition"}
    if prefix == "narrative":
        return {"text"}
    return set(kind_for(prefix).text_fields)


def attribute_names(model) -> set[str]:
    """Every name a path could try: the class's attributes, its fields (and their
    attnames), and some that are not attributes at all."""
    names = set(dir(model))
    for field in model._meta.get_fields():
        names.add(field.name)
        names.add(getattr(field, "attname", field.name))
    return names | {"nope", "TEXT", "text ", "text.text", "_meta", "__class__", "pk"}


@pytest.fixture
def objects(proposal, owner):
    """One object of every model a path can name, in the proposal."""
    group = services.group_create(proposal=proposal, level="major", code="29-0000", title="Healthcare",
                                  definition="Workers who heal.", by=owner)
    found = {"proposal": proposal, "group": group,
             "narrative": services.narrative_set(proposal=proposal, item="nature_of_work", text="Says.", by=owner)}
    values = {"text": "Do.", "name": "N", "description": "D", "code": "29-9021", "title": "T",
              "distinction": "X", "category": "C", "examples": "E", "source": "S", "citation": "Cit"}
    for kind in ENTRY_KINDS:
        fields = {name: values[name] for name in kind.text_fields if name in values}
        found[kind.key] = services.entry_create(entry_kind=kind, proposal=proposal, by=owner, **fields)
    return found


@pytest.mark.parametrize("prefix", PREFIXES)
def test_it_takes_only_the_listed_fields_of_every_model(objects, prefix):
    obj = objects[prefix]
    taken = {paths.COMMENT: set(), paths.EDIT: set()}
    for name in attribute_names(type(obj)):
        path = f"{prefix}:{obj.pk}.{name}"
        for purpose in taken:
            try:
                found, field = paths.resolve(obj.proposal if prefix != "proposal" else obj, path, purpose=purpose)
            except paths.PathError as error:
                assert error.code in {"gone", "settings"}
                continue
            assert found == obj and field == name
            assert isinstance(getattr(found, field), str)
            taken[purpose].add(name)
    assert taken[paths.COMMENT] == expected(prefix, paths.COMMENT)
    assert taken[paths.EDIT] == expected(prefix, paths.EDIT)


def test_it_keeps_the_settings_page_for_the_coordinator(proposal):
    for name in ("title", "revision_cycle", "status", "slug"):
        with pytest.raises(paths.PathError) as error:
            paths.resolve(proposal, f"proposal:{proposal.pk}.{name}", purpose=paths.EDIT)
        assert error.value.code == ("gone" if name == "slug" else "settings")
    assert paths.resolve(proposal, f"proposal:{proposal.pk}.title") == (proposal, "title")
    for name in ("revision_cycle", "status", "slug", "__doc__", "__module__", "version"):
        with pytest.raises(paths.PathError):
            paths.resolve(proposal, f"proposal:{proposal.pk}.{name}")


def test_it_takes_whole_objects_for_threads_and_removals(objects):
    for prefix, obj in objects.items():
        proposal = obj if prefix == "proposal" else obj.proposal
        for purpose in (paths.COMMENT, paths.EDIT):
            assert paths.resolve(proposal, f"{prefix}:{obj.pk}", purpose=purpose) == (obj, "")
        with pytest.raises(paths.PathError):
            paths.resolve_field(proposal, f"{prefix}:{obj.pk}")


@pytest.mark.parametrize("path", [
    "", "task", "task:", "task:1.", ":1", "task:-1", "task:1e3", "task:١", "task:1:2", "task:1..text",
    "nonsense:1", "Task:1", "proposal:1.title.__class__", "task:1.text\x00", "task: 1", "x" * 5000, None, 42,
])
def test_it_refuses_what_is_not_a_path(proposal, path):
    with pytest.raises(paths.PathError) as error:
        paths.resolve(proposal, path)
    assert error.value.code == "gone"


def test_it_finds_nothing_of_another_proposal(objects, owner):
    other = services.proposal_create(title="Another", revision_cycle="2028 SOC", created_by=owner)
    task = objects["task"]
    with pytest.raises(paths.PathError) as error:
        paths.resolve(other, f"task:{task.pk}.text")
    assert error.value.code == "gone"
    proposal = task.proposal
    with pytest.raises(paths.PathError):
        paths.resolve(other, f"proposal:{proposal.pk}.background")


def test_every_model_a_path_names_is_listed():
    assert set(paths.MODELS.values()) == {Proposal, OccupationGroup, Narrative, *(k.model for k in ENTRY_KINDS)}
    assert set(paths.COMMENTABLE) == set(paths.EDITABLE) == set(paths.MODELS)

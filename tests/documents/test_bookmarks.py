"""Bookmark names for field paths (documents/bookmarks.py): every field the export writes
is wrapped in a bookmark named after its path, and the import reads the path back."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from documents.bookmarks import name_for_path, path_for_name
from occupations.kinds import ENTRY_KINDS

# The proposal's own objects and their text fields, besides the entry kinds'.
OWN_FIELDS = {
    "proposal": ("title", "introduction", "meeting_goals", "background", "committee_input"),
    "group": ("title", "title_options", "definition"),
    "narrative": ("text",),
}
FIELDS = {**OWN_FIELDS, **{kind.key: kind.text_fields for kind in ENTRY_KINDS}}
WORD_PATTERN = r"\A[A-Za-z0-9_]{1,40}\Z"


@st.composite
def paths(draw, pks=st.integers(min_value=1, max_value=10**9)):
    prefix = draw(st.sampled_from(sorted(FIELDS)))
    pk = draw(pks)
    field = draw(st.sampled_from(("",) + FIELDS[prefix]))
    return f"{prefix}:{pk}.{field}" if field else f"{prefix}:{pk}"


identifiers = st.from_regex(r"\A[a-z][a-z_]{0,12}\Z")


@given(paths())
def test_it_reads_back_the_path_of_every_field_and_object(path):
    name = name_for_path(path)
    assert path_for_name(name) == path


@given(paths())
def test_it_names_bookmarks_as_word_allows(path):
    """Letters, digits and underscores, at most 40, and hidden from Word's Bookmarks list
    (a leading underscore)."""
    name = name_for_path(path)
    assert re.match(WORD_PATTERN, name), name
    assert name.startswith("_")


def _digits(number: int) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = alphabet[number % 36]
    while number >= 36:
        number //= 36
        out = alphabet[number % 36] + out
    return out


@given(identifiers, st.integers(min_value=0, max_value=10**12), st.one_of(st.just(""), identifiers))
def test_it_reads_back_any_well_formed_path_or_refuses_it_for_its_length(prefix, pk, field):
    """Whatever kinds and fields come later, no kind, key and field can be mistaken for
    another: the name is the path, or the path is refused because Word could not hold it.
    Read back, a name stands for its path only where the path names a text people write."""
    path = f"{prefix}:{pk}.{field}" if field else f"{prefix}:{pk}"
    expected = f"_{prefix}_{_digits(pk)}" + (f"_{field}" if field else "")
    if len(expected) > 40:
        with pytest.raises(ValueError):
            name_for_path(path)
        return
    assert name_for_path(path) == expected
    listed = prefix in FIELDS and (not field or field in FIELDS[prefix])
    assert path_for_name(expected) == (path if listed else None)


@pytest.mark.parametrize("name", [
    "_proposal_1_status", "_proposal_1_slug", "_proposal_1_revision_cycle", "_narrative_1_item",
    "_task_1_is_may", "_task_1_proposal_id", "_group_1_code", "_group_1_level", "_nonsense_1_text", "_nonsense_1",
])
def test_it_reads_no_path_from_a_bookmark_on_a_field_nobody_writes(name):
    """A reviewed file is input: a bookmark written by hand names nothing outside the lists."""
    assert path_for_name(name) is None


@pytest.mark.parametrize("kind", ENTRY_KINDS, ids=lambda kind: kind.key)
def test_it_fits_every_kind_with_its_longest_field_and_a_large_key(kind):
    longest = max(kind.text_fields, key=len)
    path = f"{kind.key}:{10**9}.{longest}"
    name = name_for_path(path)
    assert len(name) <= 40
    assert path_for_name(name) == path


@pytest.mark.parametrize("prefix", sorted(OWN_FIELDS))
def test_it_fits_the_proposals_own_fields_with_a_large_key(prefix):
    longest = max(OWN_FIELDS[prefix], key=len)
    path = f"{prefix}:{10**9}.{longest}"
    assert len(name_for_path(path)) <= 40
    assert path_for_name(name_for_path(path)) == path


def test_it_spells_the_key_in_upper_case_base_36():
    assert name_for_path("task:42.text") == "_task_16_text"
    assert name_for_path("task:0") == "_task_0"
    assert name_for_path(f"workforce_figure:{36**3}.citation") == "_workforce_figure_1000_citation"


@pytest.mark.parametrize("name", [
    "_GoBack", "_Toc123", "_Toc482930114", "_Hlk1", "_Hlk98765432", "_Ref4711", "_MON_1234567",
    "__RefHeading___Toc1234_5678", "__DdeLink__1_2", "Heading1", "id.gjdgxs", "kix.abc123", "",
    "task_16_text", "_task", "_task_", "_task_16_", "_Task_16_text", "_task_16_Text", "_task_g_text",
])
def test_it_gives_none_for_other_peoples_bookmarks(name):
    assert path_for_name(name) is None


@pytest.mark.parametrize("path", [
    "", "task", "task:", "task:abc", "Task:1.text", "task:1.", "task:-1", "task:1.text.more",
    "task:1.Text", "task 1", ":1.text", "1:1", "task:1:text", "task:１", "task:42.text ",
])
def test_it_refuses_what_is_not_a_field_path(path):
    with pytest.raises(ValueError):
        name_for_path(path)


def test_it_refuses_a_path_too_long_for_word_rather_than_cutting_it():
    with pytest.raises(ValueError, match="longer than Word allows"):
        name_for_path("related_occupation:1.a_field_name_much_too_long_to_fit")

import pytest

from occupations.diffs import Piece, has_changes, merge, word_diff


def test_it_diffs_whole_words():
    pieces = word_diff("Analyze clinical data daily.", "Analyze health data daily.")
    assert pieces == [Piece("equal", "Analyze "), Piece("delete", "clinical"), Piece("insert", "health"),
                      Piece("equal", " data daily.")]
    assert has_changes(pieces) and not has_changes(word_diff("Same.", "Same."))


def test_it_diffs_empty_and_very_long_texts():
    assert word_diff("", "New text.") == [Piece("insert", "New text.")]
    long = " ".join(f"word{n}" for n in range(20000))
    pieces = word_diff(long, long.replace("word19999", "last"))
    assert [p.text for p in pieces if p.op != "equal"] == ["word19999", "last"]


@pytest.mark.parametrize("base, mine, theirs, merged", [
    ("Analyze and interpret data.", "Collect, analyze and interpret data.",
     "Analyze and interpret clinical data.", "Collect, analyze and interpret clinical data."),
    ("One. Two. Three.", "One. Two. Three. Four.", "Zero. One. Two. Three.", "Zero. One. Two. Three. Four."),
    ("Same start.", "Same start.", "Their change.", "Their change."),
    ("Same start.", "My change.", "Same start.", "My change."),
    ("Same start.", "Both made this.", "Both made this.", "Both made this."),
])
def test_it_merges_changes_to_different_words(base, mine, theirs, merged):
    assert merge(base, mine, theirs) == (merged, True)


@pytest.mark.parametrize("base, mine, theirs", [
    ("Analyze and interpret data.", "Analyze patient records.", "Interpret health data."),
    ("Use EHR systems.", "Use EHR and PACS systems.", "Use EHR and LIS systems."),
])
def test_it_gives_my_text_back_when_changes_collide(base, mine, theirs):
    assert merge(base, mine, theirs) == (mine, False)

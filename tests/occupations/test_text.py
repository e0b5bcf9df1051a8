import pytest

from occupations.text import clean_text


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  padded  ", "padded"),
        ("line one\r\nline two\rline three", "line one\nline two\nline three"),
        ("NUL\x00 and bell\x07 and escape\x1b", "NUL and bell and escape"),
        ("Word\x0bline break", "Word\nline break"),
        ("a\ttab", "a tab"),
        ("form\x0cfeed", "formfeed"),
        ("keeps “quotes”, é and – dashes", "keeps “quotes”, é and – dashes"),
        ("many\n\n\n\n\nblank lines", "many\n\nblank lines"),
        ("trailing spaces   \nnext", "trailing spaces\nnext"),
        ("lone \ud800 surrogate", "lone  surrogate"),
        (None, ""),
        ("", ""),
    ],
)
def test_it_cleans_multiline_text(typed, stored):
    assert clean_text(typed) == stored


def test_it_joins_lines_of_a_single_line_field():
    assert clean_text("Health IT\r\nSystems\x0bSupport", multiline=False) == "Health IT Systems Support"

"""Anchors of threads and suggestions while a field's text is edited underneath them."""

import random
import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from comments.anchoring import CONTEXT, Anchor, anchor_at, anchor_for_quote, map_exactly, reanchor

TEXT = (
    "Health informatics specialists design, develop, and manage the systems that record "
    "patient care. They work with clinicians to improve the quality of clinical data."
)
REPEATED = (
    "Coders assign codes to diagnoses. Reviewers check the codes again. "
    "Auditors later check the codes again before billing."
)


def at(text: str, quote: str, occurrence: int = 0) -> Anchor:
    """The anchor a user gets by selecting the given occurrence of quote in text."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return anchor_at(text, start, start + len(quote))


def lands_on(anchor: Anchor, text: str, quote: str, occurrence: int = 0) -> bool:
    expected = at(text, quote, occurrence)
    return (anchor.start, anchor.end, anchor.quote, anchor.detached) == (
        expected.start, expected.end, quote, False)


# Selecting text


def test_it_quotes_the_selection_with_its_context():
    anchor = at(TEXT, "design, develop, and manage")
    assert anchor.quote == "design, develop, and manage"
    assert anchor.prefix == "Health informatics specialists "
    assert anchor.suffix == " the systems that record patient"
    assert not anchor.detached


def test_it_keeps_at_most_32_characters_of_context():
    anchor = at(TEXT, "patient care")
    assert len(anchor.prefix) == len(anchor.suffix) == CONTEXT == 32
    assert TEXT.endswith(anchor.suffix + TEXT[anchor.end + CONTEXT:])


@pytest.mark.parametrize("start, end", [(-1, 3), (5, 4), (0, len(TEXT) + 1)])
def test_it_refuses_a_selection_outside_the_text(start, end):
    with pytest.raises(ValueError, match="must lie within the text"):
        anchor_at(TEXT, start, end)


def test_it_accepts_a_point_at_either_end_of_the_text():
    assert anchor_at(TEXT, 0, 0) == Anchor(0, 0, "", "", TEXT[:32])
    assert anchor_at(TEXT, len(TEXT), len(TEXT)).prefix == TEXT[-32:]
    assert anchor_at("", 0, 0) == Anchor(0, 0, "")


# Finding a quote (seed notes, Word comments)


def test_it_finds_a_quote_that_occurs_once():
    assert lands_on(anchor_for_quote(TEXT, "clinical data"), TEXT, "clinical data")


def test_it_tells_repeated_words_apart_by_their_context():
    second = at(REPEATED, "check the codes again", 1)
    found = anchor_for_quote(REPEATED, "check the codes again", prefix=second.prefix)
    assert lands_on(found, REPEATED, "check the codes again", 1)
    found = anchor_for_quote(REPEATED, "check the codes again", suffix=" before billing.")
    assert lands_on(found, REPEATED, "check the codes again", 1)
    found = anchor_for_quote(REPEATED, "check the codes again", near=len(REPEATED),
                             prefix="Coders assign codes to diagnoses. Reviewers ")
    assert lands_on(found, REPEATED, "check the codes again", 0)


def test_it_takes_the_occurrence_nearest_the_place_given_when_context_does_not_decide():
    assert lands_on(anchor_for_quote(REPEATED, "the codes"), REPEATED, "the codes", 0)
    found = anchor_for_quote(REPEATED, "the codes", near=len(REPEATED))
    assert lands_on(found, REPEATED, "the codes", 1)


def test_it_finds_a_quote_that_was_written_slightly_differently():
    found = anchor_for_quote(TEXT, "improve the quality of clinicial data", near=130)
    assert lands_on(found, TEXT, "improve the quality of clinical data")


def test_it_finds_a_long_quote_with_a_word_changed_in_its_middle():
    quote = "design, develop, and maintain the systems that record patient care"
    found = anchor_for_quote(TEXT, quote, near=31)
    assert lands_on(found, TEXT, "design, develop, and manage the systems that record patient care")


def test_it_detaches_a_quote_that_is_nowhere_in_the_text_and_keeps_what_it_was_given():
    found = anchor_for_quote(TEXT, "Medical coders", prefix="As ", suffix=" do")
    assert found == Anchor(0, 0, "Medical coders", "As ", " do", detached=True)


def test_it_puts_an_empty_quote_at_the_place_given():
    assert anchor_for_quote(TEXT, "", near=7) == anchor_at(TEXT, 7, 7)
    assert anchor_for_quote("short", "", near=99) == anchor_at("short", 5, 5)


# Threads: the text changes around, inside and over the span


def test_it_shifts_a_thread_when_text_is_added_before_it():
    new = "Certified " + TEXT
    assert lands_on(reanchor(at(TEXT, "patient care"), TEXT, new), new, "patient care")


def test_it_shifts_a_thread_when_text_is_removed_before_it():
    new = TEXT.replace("Health informatics ", "")
    assert lands_on(reanchor(at(TEXT, "patient care"), TEXT, new), new, "patient care")


def test_it_leaves_a_thread_alone_when_text_after_it_changes():
    old = at(TEXT, "Health informatics specialists")
    new = TEXT.replace("clinical data", "health records")
    assert reanchor(old, TEXT, new) == old


def test_it_leaves_a_thread_alone_when_nothing_changed():
    old = at(TEXT, "the systems")
    assert reanchor(old, TEXT, TEXT) == old


def test_it_refreshes_the_context_when_the_surroundings_change():
    new = TEXT.replace("the systems that record", "the software that records")
    anchor = reanchor(at(TEXT, "patient care"), TEXT, new)
    assert lands_on(anchor, new, "patient care")
    assert anchor.prefix == new[anchor.start - 32:anchor.start]


def test_it_keeps_a_thread_on_its_words_when_words_are_added_on_both_sides():
    new = TEXT.replace("design, develop, and manage", "plan, design, develop, and manage, daily,")
    anchor = reanchor(at(TEXT, "design, develop, and manage"), TEXT, new)
    assert lands_on(anchor, new, "design, develop, and manage")


def test_it_does_not_pull_words_typed_right_next_to_a_thread_into_its_quote():
    new = TEXT.replace("patient care", "all patient care records")
    assert lands_on(reanchor(at(TEXT, "patient care"), TEXT, new), new, "patient care")


def test_it_keeps_a_thread_on_its_span_edited_inside_with_the_words_as_they_now_read():
    new = TEXT.replace("design, develop, and manage", "design, build, and manage")
    anchor = reanchor(at(TEXT, "design, develop, and manage"), TEXT, new)
    assert lands_on(anchor, new, "design, build, and manage")


def test_it_keeps_a_thread_on_a_typo_fixed_inside_it():
    old_text = TEXT.replace("clinicians", "clinicans")
    anchor = reanchor(at(old_text, "work with clinicans"), old_text, TEXT)
    assert lands_on(anchor, TEXT, "work with clinicians")


def test_it_detaches_a_thread_whose_span_was_rewritten_beyond_recognition():
    old = at(TEXT, "design, develop, and manage")
    new = TEXT.replace("design, develop, and manage", "look after")
    anchor = reanchor(old, TEXT, new)
    assert anchor == Anchor(0, 0, old.quote, old.prefix, old.suffix, detached=True)


def test_it_detaches_a_thread_whose_sentence_was_deleted():
    old = at(TEXT, "improve the quality")
    new = TEXT.replace(" They work with clinicians to improve the quality of clinical data.", "")
    anchor = reanchor(old, TEXT, new)
    assert anchor.detached and anchor.quote == "improve the quality"
    assert (anchor.start, anchor.end) == (0, 0)


def test_it_keeps_a_detached_thread_detached_and_unchanged():
    detached = Anchor(0, 0, "design, develop", "specialists ", ", and", detached=True)
    assert reanchor(detached, "Something else.", TEXT) == detached


def test_it_follows_a_sentence_moved_elsewhere():
    first, second = TEXT.split(". ")
    new = second.rstrip(".") + ". " + first + "."
    assert lands_on(reanchor(at(TEXT, "the systems that record"), TEXT, new), new,
                    "the systems that record")


# Threads: the same words twice


def test_it_keeps_a_thread_on_the_second_of_two_equal_phrases_when_text_before_changes():
    new = REPEATED.replace("Coders assign codes to diagnoses.", "Coders assign codes.")
    anchor = reanchor(at(REPEATED, "check the codes again", 1), REPEATED, new)
    assert lands_on(anchor, new, "check the codes again", 1)


def test_it_keeps_a_thread_on_the_second_phrase_when_text_between_them_changes():
    new = REPEATED.replace("Auditors later", "Auditors")
    anchor = reanchor(at(REPEATED, "check the codes again", 1), REPEATED, new)
    assert lands_on(anchor, new, "check the codes again", 1)


def test_it_keeps_a_thread_on_the_first_phrase_when_the_second_is_deleted():
    new = REPEATED.replace(" Auditors later check the codes again before billing.", "")
    anchor = reanchor(at(REPEATED, "check the codes again", 0), REPEATED, new)
    assert lands_on(anchor, new, "check the codes again", 0)


def test_it_keeps_a_thread_on_the_lightly_edited_phrase_rather_than_its_unedited_twin():
    new = REPEATED.replace("later check the codes again", "later check the code again")
    anchor = reanchor(at(REPEATED, "check the codes again", 1), REPEATED, new)
    assert lands_on(anchor, new, "check the code again")


def test_it_moves_a_thread_to_the_twin_when_its_own_phrase_was_rewritten():
    new = REPEATED.replace("later check the codes again", "later verify every claim")
    anchor = reanchor(at(REPEATED, "check the codes again", 1), REPEATED, new)
    assert lands_on(anchor, new, "check the codes again", 0)


# Threads: long fields, unicode, empty texts, points


def long_field() -> tuple[str, int]:
    """A field of 100,000 characters of made-up words (no passage resembles another, as in
    real prose), and a place in its middle."""
    rng = random.Random(2028)
    words = ("".join(rng.choices(string.ascii_lowercase, k=rng.randint(1, 9))) for _ in range(30_000))
    return " ".join(words)[:100_000], 50_000


def test_it_follows_a_long_quote_in_a_very_long_field_edited_far_away():
    text, middle = long_field()
    old = anchor_at(text, middle, middle + 500)
    new = "A new opening sentence. " + text[:90_000] + " (amended) " + text[90_000:]
    anchor = reanchor(old, text, new)
    assert (anchor.start, anchor.end, anchor.quote) == (middle + 24, middle + 524, old.quote)


def test_it_follows_a_long_quote_edited_inside_in_a_very_long_field():
    text, middle = long_field()
    old = anchor_at(text, middle, middle + 500)
    new = text[:middle + 250] + "INSERTED WORDS" + text[middle + 250:]
    anchor = reanchor(old, text, new)
    assert anchor.quote == new[middle:middle + 514] and not anchor.detached


def test_it_detaches_a_long_quote_cut_out_of_a_very_long_field():
    text, middle = long_field()
    old = anchor_at(text, middle, middle + 500)
    new = text[:middle - 100] + text[middle + 600:]
    anchor = reanchor(old, text, new)
    assert anchor.detached and anchor.quote == old.quote


def test_it_counts_accents_emoji_and_chinese_as_one_character_each():
    old_text = "Café staff 👩‍⚕️ record 患者护理 daily."
    new_text = "Le café, son staff 🏥 record 患者护理 daily."
    anchor = reanchor(at(old_text, "患者护理"), old_text, new_text)
    assert lands_on(anchor, new_text, "患者护理")
    assert new_text[anchor.start:anchor.end] == "患者护理"


def test_it_keeps_a_thread_on_unicode_words_edited_inside():
    old_text = "Les spécialistes gèrent les systèmes 医疗信息系统 chaque jour."
    new_text = "Les spécialistes gèrent les systèmes 医疗信息管理系统 chaque jour."
    anchor = reanchor(at(old_text, "gèrent les systèmes 医疗信息系统"), old_text, new_text)
    assert lands_on(anchor, new_text, "gèrent les systèmes 医疗信息管理系统")


def test_it_detaches_a_thread_when_the_field_is_emptied():
    anchor = reanchor(at(TEXT, "patient care"), TEXT, "")
    assert anchor.detached and anchor.quote == "patient care"


def test_it_keeps_a_point_in_a_field_that_was_empty():
    anchor = reanchor(anchor_at("", 0, 0), "", "Now written.")
    assert anchor.quote == "" and not anchor.detached
    assert 0 <= anchor.start == anchor.end <= len("Now written.")


def test_it_moves_a_point_with_the_text_before_it():
    point = TEXT.index(" patient")
    new = "Certified " + TEXT
    assert reanchor(anchor_at(TEXT, point, point), TEXT, new) == anchor_at(new, point + 10, point + 10)


def test_it_never_detaches_a_point_even_when_the_words_around_it_go():
    point = TEXT.index(" patient")
    new = TEXT.replace("that record patient care", "")
    anchor = reanchor(anchor_at(TEXT, point, point), TEXT, new)
    assert anchor == anchor_at(new, new.index(". They"), new.index(". They"))


# Suggestions: applied only to the text the reviewer saw


def test_it_moves_a_suggestion_with_text_added_before_it():
    new = "Certified " + TEXT
    assert map_exactly(at(TEXT, "patient care"), TEXT, new) == at(new, "patient care")


def test_it_keeps_a_suggestion_when_text_after_it_changes():
    old = at(TEXT, "design, develop")
    assert map_exactly(old, TEXT, TEXT.replace("clinical data", "records")) == old


def test_it_keeps_a_suggestion_when_words_are_typed_right_next_to_it():
    new = TEXT.replace("patient care", "all patient care records")
    assert map_exactly(at(TEXT, "patient care"), TEXT, new) == at(new, "patient care")


def test_it_outdates_a_suggestion_whose_span_was_edited_inside():
    new = TEXT.replace("design, develop, and manage", "design, build, and manage")
    assert map_exactly(at(TEXT, "design, develop, and manage"), TEXT, new) is None


def test_it_outdates_a_suggestion_whose_span_was_replaced_or_deleted():
    old = at(TEXT, "patient care")
    assert map_exactly(old, TEXT, TEXT.replace("patient care", "care")) is None
    assert map_exactly(old, TEXT, TEXT.replace("patient care", "")) is None
    assert map_exactly(old, TEXT, "") is None


def test_it_never_moves_a_suggestion_to_the_same_words_elsewhere():
    new = REPEATED.replace("later check the codes again", "later check the code again")
    assert map_exactly(at(REPEATED, "check the codes again", 1), REPEATED, new) is None


def test_it_keeps_a_suggestion_on_the_second_of_two_equal_phrases():
    new = REPEATED.replace("Coders assign codes to diagnoses.", "Coders assign codes.")
    anchor = map_exactly(at(REPEATED, "check the codes again", 1), REPEATED, new)
    assert anchor == at(new, "check the codes again", 1)


def test_it_moves_an_insertion_point_when_the_text_around_it_is_untouched():
    point = TEXT.index(" patient")
    new = "Certified " + TEXT.replace("clinical data", "records")
    assert map_exactly(anchor_at(TEXT, point, point), TEXT, new) == anchor_at(new, point + 10, point + 10)


@pytest.mark.parametrize("new", [
    TEXT.replace("record patient", "record, patient"),  # typed at the point
    TEXT.replace("record patient", "recorded patient"),  # the word before it changed
    TEXT.replace("record patient", "record\npatient"),  # the space after it changed
])
def test_it_outdates_an_insertion_whose_neighbouring_characters_changed(new):
    point = TEXT.index(" patient")
    assert map_exactly(anchor_at(TEXT, point, point), TEXT, new) is None


def test_it_outdates_a_detached_or_stale_suggestion():
    assert map_exactly(Anchor(0, 0, "gone", detached=True), TEXT, TEXT) is None
    stale = Anchor(0, 6, "Dental")
    assert map_exactly(stale, TEXT, TEXT) is None
    assert map_exactly(Anchor(500, 500, ""), TEXT, TEXT) is None


def test_it_maps_a_suggestion_in_a_very_long_field_edited_far_away():
    text, middle = long_field()
    old = anchor_at(text, middle, middle + 500)
    new = text[:10] + "x" + text[10:99_000] + text[99_100:]
    assert map_exactly(old, text, new) == anchor_at(new, middle + 1, middle + 501)


def test_it_maps_a_suggestion_between_unicode_words():
    old_text = "Café 👩‍⚕️ 患者护理 daily."
    new_text = "Le café 🏥👩‍⚕️ 患者护理 daily!"
    assert map_exactly(at(old_text, "患者护理"), old_text, new_text) == at(new_text, "患者护理")


# Properties: any text, any span, any edit

PROPERTY = settings(max_examples=300, deadline=None, database=None)

# A small alphabet makes repeated words and look-alikes common; the rest covers unicode.
texts = st.one_of(
    st.text(alphabet="ab .", max_size=40),
    st.text(alphabet="abcdé 😀中\n", max_size=80),
    st.text(max_size=60),
)


@st.composite
def edits(draw):
    """An old text, a span in it, and a new text made by one edit (or written anew);
    the edit's old range is None when the text was written anew."""
    old = draw(texts)
    start = draw(st.integers(0, len(old)))
    end = draw(st.integers(start, len(old)))
    kind = draw(st.sampled_from(["insert", "delete", "replace", "rewrite"]))
    if kind == "rewrite":
        return old, start, end, draw(texts), None
    low = draw(st.integers(0, len(old)))
    high = low if kind == "insert" else draw(st.integers(low, len(old)))
    put = "" if kind == "delete" else draw(texts.filter(bool))
    return old, start, end, old[:low] + put + old[high:], (low, high)


@PROPERTY
@given(edits())
def test_it_always_anchors_a_thread_inside_the_text_on_its_quote_or_detaches_it(case):
    old, start, end, new, _ = case
    anchor = reanchor(anchor_at(old, start, end), old, new)
    assert 0 <= anchor.start <= anchor.end <= len(new)
    if anchor.detached:
        assert (anchor.start, anchor.end, anchor.quote) == (0, 0, old[start:end])
    else:
        assert new[anchor.start:anchor.end] == anchor.quote


def occurrences(text: str, quote: str) -> int:
    """How many times quote occurs in text, overlapping ones included ("aa" twice in "aaa")."""
    return sum(text.startswith(quote, at) for at in range(len(text)))


@st.composite
def edits_elsewhere(draw):
    """A text with a span in it, and the text with one edit before or after the span
    (touching it at most at its ends)."""
    before, quote, after = draw(texts), draw(texts.filter(bool)), draw(texts)
    outside = draw(st.sampled_from(["before", "after"]))
    side = before if outside == "before" else after
    low = draw(st.integers(0, len(side)))
    high = draw(st.integers(low, len(side)))
    edited = side[:low] + draw(texts) + side[high:]
    if outside == "before":
        return before + quote + after, len(before), quote, edited + quote + after
    return before + quote + after, len(before), quote, before + quote + edited


@PROPERTY
@given(edits_elsewhere())
def test_it_keeps_a_unique_quote_when_the_edit_is_elsewhere(case):
    old, start, quote, new = case
    assume(occurrences(old, quote) == occurrences(new, quote) == 1)
    anchor = reanchor(anchor_at(old, start, start + len(quote)), old, new)
    assert not anchor.detached
    assert (anchor.start, anchor.quote) == (new.index(quote), quote)
    assert map_exactly(anchor_at(old, start, start + len(quote)), old, new) in (None, anchor)


@PROPERTY
@given(edits())
def test_it_applies_a_suggestion_only_to_its_own_unchanged_words(case):
    old, start, end, new, _ = case
    anchor = map_exactly(anchor_at(old, start, end), old, new)
    if anchor is not None:
        assert anchor.quote == old[start:end]
        assert new[anchor.start:anchor.end] == anchor.quote
        assert reanchor(anchor_at(old, start, end), old, new) == anchor


@PROPERTY
@given(texts, st.data())
def test_it_changes_nothing_when_the_text_does_not_change(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    anchor = anchor_at(text, start, end)
    assert reanchor(anchor, text, text) == anchor
    assert map_exactly(anchor, text, text) == anchor


@PROPERTY
@given(texts, texts, st.integers(-5, 100))
def test_it_finds_a_quote_exactly_or_detaches_it(text, quote, near):
    anchor = anchor_for_quote(text, quote, near=near)
    assert 0 <= anchor.start <= anchor.end <= len(text)
    assert anchor.detached or text[anchor.start:anchor.end] == anchor.quote
    assert not anchor.detached or anchor.quote == quote

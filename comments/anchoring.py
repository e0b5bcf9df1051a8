"""Anchors that keep a comment or a suggestion on its text while the text is edited.

An anchor is a selector in the manner of the W3C Web Annotation model: the quoted text,
up to CONTEXT characters either side of it, and its offsets. Offsets alone go wrong at the
first edit before the span; the quote alone is ambiguous when a phrase repeats; so each is
used to repair the other.

Threads and suggestions need opposite things when the text changes underneath them:

- a thread (`reanchor`) follows its text as far as it can: through the change, to the
  same words elsewhere, to similar words nearby, and only then becomes *detached*, kept
  with its original quote and never dropped;
- a suggestion (`map_exactly`) follows its text only while its span is untouched, because
  applying it to a look-alike would silently change words nobody reviewed.

Offsets are Python str indices (code points). A browser counts UTF-16 units, which differ
after any character outside the Basic Multilingual Plane (most emoji): convert at the edge.

Pure Python on top of diff-match-patch: no models, no database.
"""

from dataclasses import dataclass, replace
from functools import lru_cache

from diff_match_patch import diff_match_patch

CONTEXT = 32
# A span found by similarity may differ from the quote in at most this share of its
# characters (Levenshtein distance); beyond it the words are someone else's.
MAX_CHANGE = 0.25

_dmp = diff_match_patch()
_INSERT, _DELETE, _EQUAL = _dmp.DIFF_INSERT, _dmp.DIFF_DELETE, _dmp.DIFF_EQUAL
# The fuzzy matcher (bitap) handles patterns of at most this many characters.
_PIECE = _dmp.Match_MaxBits


@dataclass(frozen=True)
class Anchor:
    start: int  # offsets into the field's text (Python str indices)
    end: int
    quote: str  # == text[start:end] exactly, unless detached
    prefix: str = ""  # up to CONTEXT characters before start
    suffix: str = ""  # up to CONTEXT characters after end
    detached: bool = False


def anchor_at(text: str, start: int, end: int) -> Anchor:
    """The anchor for a selection the user made, with its context read from the text."""
    if not 0 <= start <= end <= len(text):
        raise ValueError(
            f"The selection (characters {start} to {end}) must lie within the text, "
            f"which has {len(text)} characters, and must not end before it starts."
        )
    return Anchor(
        start=start,
        end=end,
        quote=text[start:end],
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
    )


def anchor_for_quote(
    text: str, quote: str, *, near: int = 0, prefix: str = "", suffix: str = ""
) -> Anchor:
    """An anchor for words known only by their quote (a seed note, a Word comment).

    The same words with the closest context win, then the occurrence nearest `near`; failing
    those, similar words near `near`; failing those, a detached anchor keeping the quote.
    An empty quote is a point, put at `near`: there is nothing to search for."""
    if not quote:
        point = _clamp(near, text)
        return anchor_at(text, point, point)
    span = _best_occurrence(text, quote, near, prefix, suffix)
    if span is None:
        span = _similar_near(text, quote, near)
    if span is None:
        return Anchor(start=0, end=0, quote=quote, prefix=prefix, suffix=suffix, detached=True)
    return anchor_at(text, *span)


def reanchor(anchor: Anchor, old_text: str, new_text: str) -> Anchor:
    """Where a thread's anchor belongs once its field changed from old_text to new_text.

    A thread must never be lost, so this tries, in order: the span mapped through the
    change; the same words elsewhere (moved text, or a diff that cut through repeated
    words); the span as edited in place, or similar words nearby, if close enough to the
    quote (the anchor then quotes the words as they now read); and finally detaches."""
    if anchor.detached:
        return anchor
    diffs = _diff(old_text, new_text)
    if not anchor.quote:
        point = _map_offset(diffs, _clamp(anchor.start, old_text), before_insertions=False)
        return anchor_at(new_text, point, point)
    mapped = _map_span(diffs, anchor, old_text)
    if new_text[slice(*mapped)] == anchor.quote:
        return anchor_at(new_text, *mapped)
    span = _relocate(new_text, anchor, mapped)
    if span is None:
        return replace(anchor, start=0, end=0, detached=True)
    return anchor_at(new_text, *span)


def map_exactly(anchor: Anchor, old_text: str, new_text: str) -> Anchor | None:
    """A suggestion's anchor in new_text, or None when the suggestion is outdated.

    It is outdated when the change touched its span (for a point, the characters on either
    side of it, since an insertion there reads differently now), or when the anchor no
    longer quoted old_text to begin with. It is never searched for: a look-alike elsewhere
    is not what the reviewer suggested changing."""
    if anchor.detached or not _quotes(anchor, old_text):
        return None
    diffs = _diff(old_text, new_text)
    guarded = (anchor.start, anchor.end) if anchor.quote else (anchor.start - 1, anchor.start + 1)
    if _edited_within(diffs, *guarded):
        return None
    start, end = _map_span(diffs, anchor, old_text)
    if new_text[start:end] != anchor.quote:  # an untouched span maps exactly; be sure
        return None
    return anchor_at(new_text, start, end)


# Mapping offsets through a change


@lru_cache(maxsize=16)
def _diff(old_text: str, new_text: str) -> tuple:
    """The change as diff-match-patch sees it, character by character (no cleanup: a
    coarser diff would move anchors that the change did not touch).

    Cached because every open anchor on a field is mapped through the same change."""
    return tuple(_dmp.diff_main(old_text, new_text))


def _map_offset(diffs: tuple, loc: int, *, before_insertions: bool) -> int:
    """Where old offset `loc` lands in the new text.

    Text inserted exactly at `loc` is ambiguous: it could belong to either side. A span's
    start is put after it and its end before it, so typing next to a span never pulls the
    new words into the quote. An offset inside deleted text lands where the deletion was.
    With before_insertions=False this is diff_match_patch's diff_xIndex."""
    old = new = 0
    for op, chunk in diffs:
        size = len(chunk)
        if op == _INSERT:
            if old < loc or not before_insertions:
                new += size
            continue
        if old + size > loc:  # loc lies in this chunk (or at its start)
            return new + (loc - old) if op == _EQUAL else new
        old += size
        if op == _EQUAL:
            new += size
    return new + (loc - old)


def _map_span(diffs: tuple, anchor: Anchor, old_text: str) -> tuple[int, int]:
    """The anchor's offsets mapped through the change, start never after end."""
    start = _map_offset(diffs, _clamp(anchor.start, old_text), before_insertions=False)
    end = _map_offset(diffs, _clamp(anchor.end, old_text), before_insertions=True)
    return start, max(start, end)


def _edited_within(diffs: tuple, low: int, high: int) -> bool:
    """Whether the change deleted any of old[low:high] or inserted text strictly inside it."""
    old = 0
    for op, chunk in diffs:
        if old >= high:
            break
        if op == _DELETE and old + len(chunk) > low:
            return True
        if op == _INSERT and low < old:
            return True
        if op != _INSERT:
            old += len(chunk)
    return False


# Finding the words again


def _relocate(text: str, anchor: Anchor, mapped: tuple[int, int]) -> tuple[int, int] | None:
    """The span for a thread whose words the change touched, or None to detach it.

    The same words are preferred to similar ones, except when the same words lie apart
    from the span as edited in place while that is similar enough and sits in
    better-matching surroundings: a thread on a phrase that occurs twice must stay on the
    occurrence that was lightly edited, not jump to its twin."""
    quote, prefix, suffix = anchor.quote, anchor.prefix, anchor.suffix
    exact = _best_occurrence(text, quote, mapped[0], prefix, suffix)
    in_place = mapped if _similar(quote, text[slice(*mapped)]) else None
    if exact and in_place and _apart(exact, in_place):
        if _context_score(text, *in_place, prefix, suffix) > _context_score(
            text, *exact, prefix, suffix
        ):
            return in_place
    return exact or in_place or _similar_near(text, quote, mapped[0])


def _apart(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two spans share no character."""
    return a[1] <= b[0] or b[1] <= a[0]


def _best_occurrence(
    text: str, quote: str, near: int, prefix: str, suffix: str
) -> tuple[int, int] | None:
    """The exact occurrence of quote whose surroundings best match the context, then the
    one nearest `near`; None if the quote does not occur."""
    starts = _occurrences(text, quote)
    if not starts:
        return None
    size = len(quote)
    best = max(
        starts,
        key=lambda at: (_context_score(text, at, at + size, prefix, suffix), -abs(at - near)),
    )
    return best, best + size


def _occurrences(text: str, quote: str) -> list[int]:
    """Every start of quote in text, overlapping ones included."""
    starts = []
    at = text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    return starts


def _context_score(text: str, start: int, end: int, prefix: str, suffix: str) -> int:
    """How many characters of the remembered context still surround text[start:end]."""
    before = text[max(0, start - CONTEXT) : start]
    after = text[end : end + CONTEXT]
    return _dmp.diff_commonSuffix(before, prefix) + _dmp.diff_commonPrefix(after, suffix)


def _similar_near(text: str, quote: str, near: int) -> tuple[int, int] | None:
    """A span near `near` that reads like quote, or None.

    Bitap matches at most _PIECE characters, so a longer quote is found by its head and
    its tail, and the words between them must still be similar to the whole quote."""
    if len(quote) <= _PIECE:
        start = _dmp.match_main(text, quote, near)
        if start < 0:
            return None
        span = start, _best_end(text, quote, start)
    else:
        start = _dmp.match_main(text, quote[:_PIECE], near)
        if start < 0:
            return None
        tail = _dmp.match_main(text, quote[-_PIECE:], start + len(quote) - _PIECE)
        if tail < start:
            return None
        span = start, _best_end(text, quote[-_PIECE:], tail)
    return span if _similar(quote, text[slice(*span)]) else None


def _best_end(text: str, piece: str, start: int) -> int:
    """Where a fuzzy match of a short piece ends: bitap gives only its start, and letters
    added or removed inside the match move its end by up to the allowed number of changes."""
    slack = int(len(piece) * MAX_CHANGE)
    nominal = start + len(piece)
    ends = range(max(start + 1, nominal - slack), min(len(text), nominal + slack) + 1)
    return min(
        ends,
        key=lambda end: (_distance(piece, text[start:end]), abs(end - nominal)),
        default=min(len(text), nominal),
    )


def _similar(quote: str, candidate: str) -> bool:
    return _distance(quote, candidate) <= MAX_CHANGE * len(quote)


def _distance(a: str, b: str) -> int:
    """Levenshtein distance, in characters."""
    return _dmp.diff_levenshtein(_dmp.diff_main(a, b, False))


def _quotes(anchor: Anchor, text: str) -> bool:
    """Whether the anchor's offsets are valid in text and quote it exactly."""
    valid = 0 <= anchor.start <= anchor.end <= len(text)
    return valid and text[anchor.start : anchor.end] == anchor.quote


def _clamp(offset: int, text: str) -> int:
    return max(0, min(offset, len(text)))

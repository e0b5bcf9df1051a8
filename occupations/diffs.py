"""Word-level differences between two texts, and the three-way merge a conflict offers.

diff-match-patch compares characters; people read words. Each word (and each run of
spaces or punctuation) is mapped to one private character, the characters are diffed,
and the result mapped back, so an edit shows as whole words struck out and put in."""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from diff_match_patch import diff_match_patch

_TOKENS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
_OPS = {0: EQUAL, 1: INSERT, -1: DELETE}


@dataclass(frozen=True)
class Piece:
    op: str  # equal, insert or delete
    text: str


def _encode(texts: list[str]) -> tuple[list[str], list[str]]:
    """Each text as a string of one character per token, and the token table."""
    table: list[str] = []
    index: dict[str, int] = {}
    encoded = []
    for text in texts:
        chars = []
        for token in _TOKENS.findall(text):
            if token not in index:
                index[token] = len(table)
                table.append(token)
            # Private-use planes hold over 130,000 code points: plenty of distinct words.
            chars.append(chr(0xF0000 + index[token]))
        encoded.append("".join(chars))
    return encoded, table


def _decode(chars: str, table: list[str]) -> str:
    return "".join(table[ord(char) - 0xF0000] for char in chars)


def word_diff(old: str, new: str) -> list[Piece]:
    """The pieces that turn old into new, word by word."""
    (old_chars, new_chars), table = _encode([old or "", new or ""])
    engine = diff_match_patch()
    engine.Diff_Timeout = 1.0
    diffs = engine.diff_main(old_chars, new_chars, False)
    engine.diff_cleanupSemantic(diffs)
    pieces = [Piece(_OPS[op], _decode(chars, table)) for op, chars in diffs]
    return [piece for piece in pieces if piece.text]


def has_changes(pieces: list[Piece]) -> bool:
    return any(piece.op != EQUAL for piece in pieces)


def _hunks(base: list[str], other: list[str]) -> list[tuple[int, int, list[str]]]:
    """The edits that turn base into other: (start, end, replacement) over base's words."""
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return [(i1, i2, other[j1:j2]) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]


def merge(base: str, mine: str, theirs: str) -> tuple[str, bool]:
    """Apply my changes (base to mine) onto their text, word by word, as diff3 does.
    Returns the merged text and whether it worked: it does when no change of mine
    touches words they changed too. Where it does not, the caller lets the person merge
    by hand, with both texts in view: nothing of theirs or mine is lost either way."""
    if mine == base or theirs == mine:
        return theirs, True
    if theirs == base:
        return mine, True
    words = _TOKENS.findall(base)
    my_hunks = _hunks(words, _TOKENS.findall(mine))
    their_hunks = _hunks(words, _TOKENS.findall(theirs))
    for start, end, replacement in my_hunks:
        for their_start, their_end, their_replacement in their_hunks:
            same_place = start == their_start and end == their_end
            if same_place and replacement == their_replacement:
                continue
            # Overlapping ranges, or two insertions at one place, collide.
            if start < their_end and their_start < end or start == their_start or (
                start == end and their_start <= start <= their_end
            ) or (their_start == their_end and start <= their_start <= end):
                return mine, False
    merged = list(words)
    edits = sorted(set(map(lambda h: (h[0], h[1], tuple(h[2])), my_hunks + their_hunks)), reverse=True)
    for start, end, replacement in edits:
        merged[start:end] = list(replacement)
    return "".join(merged), True

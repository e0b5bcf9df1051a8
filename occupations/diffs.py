"""Word-level differences between two texts, and the three-way merge a conflict offers.

diff-match-patch compares characters; people read words. Each word (and each run of
spaces or punctuation) is mapped to one private character, the characters are diffed,
and the result mapped back, so an edit shows as whole words struck out and put in."""

import re
from dataclasses import dataclass

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


def merge(base: str, mine: str, theirs: str) -> tuple[str, bool]:
    """Apply my changes (base to mine) onto their text. Returns the merged text and
    whether every change of mine found its place; where one did not, the caller must
    let the person merge by hand, and nothing of theirs or mine is lost either way."""
    if mine == base:
        return theirs, True
    if theirs == base or theirs == mine:
        return mine, True
    engine = diff_match_patch()
    engine.Match_Threshold = 0.3
    patches = engine.patch_make(base, mine)
    merged, applied = engine.patch_apply(patches, theirs)
    return merged, all(applied)

"""Bookmark names for field paths, and back: every paragraph the export writes from a
field carries its path, so a reviewed copy can be read back (task:42.text).

Word allows 40 characters of letters, digits and underscores in a bookmark's name, and
hides the ones that begin with an underscore from its Bookmarks list. So the path is
spelled with underscores and the primary key in upper-case base 36, which no kind or
field name (lower case) can be confused with: task:42.text -> _task_16_text."""

import re

from occupations import paths

_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_NAME = re.compile(r"^_([a-z][a-z_]*?)_([0-9A-Z]+)(?:_([a-z][a-z_]*))?$")
_PATH = re.compile(r"^([a-z][a-z_]*):([0-9]+)(?:\.([a-z][a-z_]*))?$")
LIMIT = 40


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = _DIGITS[digit] + digits
        if not number:
            return digits


def name_for_path(path: str) -> str:
    """The bookmark name of a path; ValueError if the path is not one of ours or too long
    for Word."""
    match = _PATH.match(path)
    if match is None:
        raise ValueError(f"Not a field path: {path!r}")
    prefix, pk, field = match.groups()
    name = f"_{prefix}_{_base36(int(pk))}" + (f"_{field}" if field else "")
    if len(name) > LIMIT:
        raise ValueError(f"The bookmark for {path!r} would be longer than Word allows: {name}")
    return name


def path_for_name(name: str) -> str | None:
    """The path a bookmark name stands for, or None for anyone else's bookmark (_GoBack),
    and for one that names no text people may comment on (a file is input: its bookmarks
    may be written by hand)."""
    match = _NAME.match(name)
    if match is None:
        return None
    prefix, pk, field = match.groups()
    path = f"{prefix}:{int(pk, 36)}"
    path = f"{path}.{field}" if field else path
    try:
        paths.parse_path(path, purpose=paths.COMMENT)
    except paths.PathError:
        return None
    return path

"""Cleaning text on its way in. What people paste from Word brings Windows line endings,
stray whitespace and control characters that a .docx cannot hold (XML 1.0 forbids most
C0 controls), so they are never stored."""

import re

# Tab becomes a space; other C0 controls (and DEL, and the two non-characters) go.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_LONE_SURROGATES = re.compile(r"[\ud800-\udfff]")


def clean_text(value: str | None, *, multiline: bool = True) -> str:
    if value is None:
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    value = value.replace("\x0b", "\n" if multiline else " ")  # Word's manual line break
    value = _CONTROLS.sub("", value)
    value = _LONE_SURROGATES.sub("", value)
    if multiline:
        value = "\n".join(line.rstrip() for line in value.split("\n"))
        value = re.sub(r"\n{3,}", "\n\n", value)
    else:
        value = " ".join(value.split("\n"))
    return value.strip()

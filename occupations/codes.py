"""SOC code rules: the form of a code at each level, and how a child's code must
begin with its parent's. Pure functions, so forms, models and the importer share them."""

import re

from django.core.exceptions import ValidationError

MAJOR = "major"
MINOR = "minor"
BROAD = "broad"
DETAILED = "detailed"
LEVEL_ORDER = (MAJOR, MINOR, BROAD, DETAILED)

CODE_SHAPE = re.compile(r"^\d\d-\d{4}$")

_LEVEL_RULES = {
    MAJOR: (
        re.compile(r"^\d\d-0000$"),
        "A major group code ends in 0000, like 29-0000.",
    ),
    MINOR: (
        re.compile(r"^\d\d-[1-9]\d00$"),
        "A minor group code ends in 000 (a few end in 00, like 15-1200), like 29-9000.",
    ),
    BROAD: (
        re.compile(r"^\d\d-[1-9]\d[1-9]0$"),
        "A broad occupation code ends in 0, like 29-9020.",
    ),
    DETAILED: (
        re.compile(r"^\d\d-[1-9]\d\d[1-9]$"),
        "A detailed occupation code ends in a digit from 1 to 9, like 29-9021.",
    ),
}


def normalize_code(value: str) -> str:
    """Accept what people type: spaces, an en dash or no dash at all (299021)."""
    value = (value or "").strip().replace("\u2013", "-").replace("\u2014", "-").replace(" ", "")
    if re.fullmatch(r"\d{6}", value):
        value = f"{value[:2]}-{value[2:]}"
    return value


def validate_code_for_level(code: str, level: str) -> None:
    if not code:
        return
    if not CODE_SHAPE.match(code):
        raise ValidationError(
            "A SOC code has two digits, a hyphen and four digits, like 29-9021.",
            code="code_shape",
        )
    pattern, message = _LEVEL_RULES[level]
    if not pattern.match(code):
        fits = [other for other, (p, _) in _LEVEL_RULES.items() if p.match(code)]
        if fits:
            message += f" {code} is the form of a {fits[0]} code."
        raise ValidationError(message, code=f"code_{level}")


def code_prefix(code: str, level: str) -> str:
    """The part of a group's code that every code below it must begin with."""
    if level == MAJOR:
        return code[:3]
    if level == MINOR:
        # NN-N000 minors (almost all) fix one digit; NN-NN00 ones (15-1200) fix two.
        return code[:4] if code[4] == "0" else code[:5]
    if level == BROAD:
        return code[:6]
    return code


def validate_code_under_parent(
    code: str, level: str, parent_code: str, parent_level: str
) -> None:
    if LEVEL_ORDER.index(level) <= LEVEL_ORDER.index(parent_level):
        raise ValidationError(
            f"A {level} group cannot sit under a {parent_level} group: "
            "choose a parent at a higher level.",
            code="level_order",
        )
    if not code or not parent_code:
        return
    prefix = code_prefix(parent_code, parent_level)
    if not code.startswith(prefix):
        raise ValidationError(
            f"This code must begin with {prefix}, like the {parent_level} group "
            f"{parent_code} it belongs to.",
            code="code_prefix",
        )


"""Loading the reference files shipped in reference/data (see its SOURCES.md) into the
database: each release is read and checked whole before anything is written, then
written in one transaction. A release already loaded from the same files (their SHA-256)
is left alone, so that every start may run the load."""

import csv
import hashlib
import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from reference.models import Estimate, Footnote, MatchTitle, Occupation, Release

DATA = Path(__file__).resolve().parent / "data"
CODE = re.compile(r"^\d\d-\d{4}$")
LEVELS = [choice for choice in Occupation.Level.values]  # major, minor, broad, detailed: the order of the tree
NOT_PUBLISHED = {"", "-"}  # BLS's mark where it released no figure (a footnote says why)


@dataclass(frozen=True)
class Edition:
    key: str
    kind: str
    title: str
    year: int
    period: str
    folder: str
    files: tuple[str, ...]
    source: str


SOC_2018 = Edition(
    key="soc-2018", kind=Release.Kind.SOC, title="2018 Standard Occupational Classification", year=2018, period="",
    folder="soc2018", files=("definitions.csv", "direct_match_titles.csv"),
    source="U.S. Bureau of Labor Statistics, for the Office of Management and Budget and the SOC Policy Committee: "
           "2018 Standard Occupational Classification, definitions and direct match title file.")
OEWS_2025 = Edition(
    key="oews-2025-05", kind=Release.Kind.OEWS, title="Occupational Employment and Wage Statistics, May 2025",
    year=2025, period="May 2025", folder="oews2025", files=("footnotes.csv", "national.csv", "national_by_sector.csv"),
    source="U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, May 2025")
EDITIONS = (SOC_2018, OEWS_2025)


class DataError(ValueError):
    """A reference file that cannot be loaded: which file, which line, what is wrong."""


@dataclass
class Loaded:
    edition: Edition
    changed: bool
    counts: dict = field(default_factory=dict)
    seconds: float = 0.0


def _rows(folder: Path, name: str, header: list[str], texts: dict[str, str]):
    """(line number, row) of a CSV file whose first line must be this header."""
    path = folder / name
    reader = csv.reader(io.StringIO(texts[name], newline=""))
    try:
        found = next(reader, None)
        if found != header:
            raise DataError(f"{path}: the first line should be {','.join(header)}, not {','.join(found or [])!r}.")
        for row in reader:
            if len(row) != len(header):
                raise DataError(f"{path} line {reader.line_num}: {len(row)} fields where {len(header)} are expected.")
            yield reader.line_num, dict(zip(header, row))
    except csv.Error as error:
        raise DataError(f"{path} line {reader.line_num}: {error}.") from None


def _texts(folder: Path, edition: Edition) -> tuple[dict[str, str], str]:
    """Each file's text, and the SHA-256 of them all."""
    digest = hashlib.sha256()
    texts = {}
    for name in edition.files:
        path = folder / name
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DataError(f"{path}: {error.strerror}.") from None
        try:
            texts[name] = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise DataError(f"{path}: not UTF-8 text (byte {error.start}).") from None
        digest.update(name.encode() + b"\0" + data)
    return texts, digest.hexdigest()


def _code(path: str, line: int, code: str) -> str:
    if not CODE.match(code):
        raise DataError(f"{path} line {line}: {code!r} is not a SOC code (like 15-1242).")
    return code


def _number(path: str, line: int, name: str, value: str) -> int | None:
    value = value.strip().replace(",", "")
    if value in NOT_PUBLISHED:
        return None
    if not value.isdigit():
        raise DataError(f"{path} line {line}: {name} {value!r} is not a whole number.")
    return int(value)


def _soc(folder: Path, texts: dict) -> tuple[list[dict], list[dict]]:
    """The groups (each with its parent's code, from the file's order: a group belongs to
    the last group of the level above before it) and the direct-match titles."""
    path = folder / "definitions.csv"
    groups, seen, last = [], {}, {}
    for line, row in _rows(folder, "definitions.csv", ["level", "code", "title", "definition"], texts):
        level, code = row["level"], _code(path, line, row["code"])
        if level not in LEVELS:
            raise DataError(f"{path} line {line}: level {level!r} is not one of {', '.join(LEVELS)}.")
        if code in seen:
            raise DataError(f"{path} line {line}: {code} is there twice (line {seen[code]} too).")
        if not row["title"].strip():
            raise DataError(f"{path} line {line}: {code} has no title.")
        depth = LEVELS.index(level)
        parent = last.get(LEVELS[depth - 1]) if depth else None
        if depth and (parent is None or parent[:2] != code[:2]):
            raise DataError(f"{path} line {line}: {level} {code} comes before any {LEVELS[depth - 1]} group of "
                            f"its major group.")
        seen[code] = line
        last[level] = code
        for lower in LEVELS[depth + 1:]:
            last.pop(lower, None)
        groups.append({"code": code, "level": level, "title": row["title"].strip(),
                       "definition": row["definition"].strip(), "parent": parent})
    detailed = {group["code"] for group in groups if group["level"] == Occupation.Level.DETAILED}
    path = folder / "direct_match_titles.csv"
    titles = []
    for line, row in _rows(folder, "direct_match_titles.csv",
                           ["code", "title", "direct_match_title", "illustrative_example"], texts):
        code = _code(path, line, row["code"])
        if code not in detailed:
            raise DataError(f"{path} line {line}: {code} is not a detailed occupation of definitions.csv.")
        if row["illustrative_example"] not in ("", "yes"):
            raise DataError(f"{path} line {line}: illustrative_example is 'yes' or empty, "
                            f"not {row['illustrative_example']!r}.")
        if not row["direct_match_title"].strip():
            raise DataError(f"{path} line {line}: an empty job title.")
        titles.append({"code": code, "title": row["direct_match_title"].strip(),
                       "illustrative": row["illustrative_example"] == "yes"})
    return groups, titles


def _oews(folder: Path, texts: dict) -> tuple[list[dict], list[dict]]:
    footnotes = {}
    for line, row in _rows(folder, "footnotes.csv", ["code", "text"], texts):
        footnotes[row["code"].strip()] = row["text"].strip()

    def note(path, line, value: str) -> str:
        value = value.strip()
        if value and value not in footnotes:
            raise DataError(f"{path} line {line}: footnote {value!r} is not in footnotes.csv.")
        return value

    estimates, seen = [], set()
    sources = (
        ("national.csv", ["soc_code", "title", "employment", "annual_mean_wage", "annual_median_wage",
                          "employment_footnote", "mean_wage_footnote", "median_wage_footnote"]),
        ("national_by_sector.csv", ["industry_code", "industry", "soc_code", "title", "employment",
                                    "annual_median_wage", "employment_footnote", "median_wage_footnote"]),
    )
    for name, header in sources:
        path = folder / name
        for line, row in _rows(folder, name, header, texts):
            code = _code(path, line, row["soc_code"])
            sector_code = row.get("industry_code", "").strip()
            if (sector_code, code) in seen:
                raise DataError(f"{path} line {line}: {code} is there twice{' for ' + sector_code if sector_code else ''}.")
            seen.add((sector_code, code))
            estimates.append({
                "soc_code": code, "title": row["title"].strip(), "sector_code": sector_code,
                "sector": row.get("industry", "").strip(),
                "employment": _number(path, line, "employment", row["employment"]),
                "mean_wage": _number(path, line, "annual_mean_wage", row.get("annual_mean_wage", "")),
                "median_wage": _number(path, line, "annual_median_wage", row["annual_median_wage"]),
                "employment_note": note(path, line, row["employment_footnote"]),
                "mean_wage_note": note(path, line, row.get("mean_wage_footnote", "")),
                "median_wage_note": note(path, line, row["median_wage_footnote"]),
            })
    return [{"code": code, "text": text} for code, text in footnotes.items()], estimates


def _write_soc(release: Release, groups: list[dict], titles: list[dict]) -> dict:
    ids: dict[str, int] = {}
    for level in LEVELS:  # parents first, so each level knows its parents' keys
        Occupation.objects.bulk_create([
            Occupation(release=release, code=group["code"], level=level, title=group["title"],
                       definition=group["definition"], parent_id=ids.get(group["parent"]))
            for group in groups if group["level"] == level], batch_size=1000)
        ids.update(Occupation.objects.filter(release=release, level=level).values_list("code", "id"))
    MatchTitle.objects.bulk_create([MatchTitle(occupation_id=ids[item["code"]], title=item["title"],
                                               illustrative=item["illustrative"]) for item in titles], batch_size=2000)
    counts = {level: sum(1 for group in groups if group["level"] == level) for level in LEVELS}
    return {**counts, "direct-match titles": len(titles)}


def _write_oews(release: Release, footnotes: list[dict], estimates: list[dict]) -> dict:
    Footnote.objects.bulk_create([Footnote(release=release, **item) for item in footnotes])
    Estimate.objects.bulk_create([Estimate(release=release, **item) for item in estimates], batch_size=2000)
    national = sum(1 for item in estimates if not item["sector_code"])
    return {"national estimates": national, "estimates by sector": len(estimates) - national,
            "footnotes": len(footnotes)}


def load(data: Path = DATA, *, force: bool = False) -> list[Loaded]:
    """Load each edition whose files changed since it was loaded (or all, with force).
    Raises DataError, having written nothing of that edition, on a damaged file."""
    done = []
    for edition in EDITIONS:
        started = time.perf_counter()
        folder = Path(data) / edition.folder
        texts, checksum = _texts(folder, edition)
        current = Release.objects.filter(key=edition.key).first()
        if current is not None and current.checksum == checksum and not force:
            done.append(Loaded(edition, False, seconds=time.perf_counter() - started))
            continue
        parts = _soc(folder, texts) if edition.kind == Release.Kind.SOC else _oews(folder, texts)
        with transaction.atomic():
            Release.objects.filter(key=edition.key).delete()
            release = Release.objects.create(key=edition.key, kind=edition.kind, title=edition.title,
                                             year=edition.year, period=edition.period, source=edition.source,
                                             checksum=checksum)
            write = _write_soc if edition.kind == Release.Kind.SOC else _write_oews
            counts = write(release, *parts)
        done.append(Loaded(edition, True, counts, time.perf_counter() - started))
    return done

"""Reading the reference data: finding occupations by code, by words of their title or
definition, or by a job title BLS codes to them; each with its place in the hierarchy,
its direct-match titles and its national figures in words."""

import functools
import re
from dataclasses import dataclass, field

from reference.models import Estimate, Footnote, MatchTitle, Occupation, Release

LIMIT = 25
HYPHENS = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")
CODE_PREFIX = re.compile(r"^\d{2}(-\d{0,4})?$")
BARE_CODE = re.compile(r"^\d{3,6}$")
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
LEVEL_ORDER = {level: place for place, level in enumerate(Occupation.Level.values)}

# Why an occupation was found, best first.
BY_CODE, BY_TITLE_PHRASE, BY_JOB_TITLE, BY_TITLE_WORDS, BY_JOB_TITLE_WORDS, BY_DEFINITION = range(6)


@dataclass
class Figure:
    """An occupation's national estimate, as BLS published it."""

    employment: int | None
    median_wage: int | None
    mean_wage: int | None
    title: str
    year: int
    period: str
    source: str
    sector: str = ""
    notes: list[str] = field(default_factory=list)  # the footnotes, in words

    @property
    def employment_words(self) -> str:
        if self.employment is None:
            return "not published"
        return f"{self.employment:,}"

    @property
    def median_wage_words(self) -> str:
        return f"${self.median_wage:,} a year" if self.median_wage is not None else "not published"


@dataclass
class Found:
    occupation: Occupation
    why: int
    matched: str = ""  # the job title that matched, when one did
    hierarchy: list[Occupation] = field(default_factory=list)  # major first, down to its parent
    match_titles: list[MatchTitle] = field(default_factory=list)
    figure: Figure | None = None

    @property
    def why_words(self) -> str:
        return {BY_CODE: "code", BY_TITLE_PHRASE: "title", BY_TITLE_WORDS: "title",
                BY_JOB_TITLE: f"job title “{self.matched}”", BY_JOB_TITLE_WORDS: f"job title “{self.matched}”",
                BY_DEFINITION: "definition"}[self.why]


def latest_releases() -> dict[str, Release]:
    """{kind: the latest release of that kind}, one query."""
    found: dict[str, Release] = {}
    for release in Release.objects.order_by("kind", "-year", "-id"):
        found.setdefault(release.kind, release)
    return found


def latest(kind: str) -> Release | None:
    return latest_releases().get(kind)


@functools.lru_cache(maxsize=4)
def _footnotes(release_id: int, checksum: str, loaded_at) -> dict[str, str]:
    return dict(Footnote.objects.filter(release_id=release_id).values_list("code", "text"))


def normalized(query: str) -> str:
    """The query on one line, control characters taken out (PostgreSQL refuses a NUL),
    dashes read as hyphens, at most 200 characters."""
    text = "".join(char if char.isprintable() else " " for char in (query or "")[:1000])
    return " ".join(text.translate(HYPHENS).split())[:200]


def _as_code(query: str) -> str | None:
    """A code or the start of one: 15-1242, 15-12, 15; 151242 written without its hyphen."""
    if CODE_PREFIX.match(query):
        return query
    if BARE_CODE.match(query):
        return f"{query[:2]}-{query[2:]}"
    return None


def _ranked(texts: "_Classification", query: str) -> dict[int, tuple[int, str]]:
    """{occupation id: (why, matched job title)} of what the query finds."""
    code = _as_code(query)
    if code is not None:
        return {pk: (BY_CODE, "") for found, pk in texts.codes if found.startswith(code)}
    words = WORD.findall(query)[:12]
    if not words:
        return {}
    phrase = " ".join(words).lower()
    found: dict[int, tuple[int, str]] = {}

    def keep(pk: int, why: int, matched: str = "") -> None:
        if pk not in found or why < found[pk][0]:
            found[pk] = (why, matched)

    lowered_words = [word.lower() for word in words]
    rarest = max(lowered_words, key=len)  # the longest word sifts first, in a comprehension (C speed)
    for pk, title, definition, _ in [row for row in texts.occupations if rarest in row[3]]:
        in_title = all(word in title for word in lowered_words)
        if in_title or all(word in definition for word in lowered_words):
            keep(pk, BY_TITLE_PHRASE if phrase in title else BY_TITLE_WORDS if in_title else BY_DEFINITION)
    for pk, title, lowered in [row for row in texts.match_titles if rarest in row[2]]:
        if all(word in lowered for word in lowered_words):
            keep(pk, BY_JOB_TITLE if phrase in lowered else BY_JOB_TITLE_WORDS, title)
    return found


@dataclass(frozen=True)
class _Classification:
    by_id: dict  # {id: Occupation}, every group of the release; read, never changed
    codes: tuple  # (code, id), in the classification's order
    occupations: tuple  # (id, title lowered, definition lowered, both)
    match_titles: tuple  # (occupation id, title, title lowered)

    def hierarchy(self, item: Occupation) -> list[Occupation]:
        """The groups above, major first."""
        above = []
        while item.parent_id is not None and item.parent_id in self.by_id:
            item = self.by_id[item.parent_id]
            above.append(item)
        return above[::-1]


def _classification(release: Release) -> _Classification:
    return _loaded(release.pk, release.checksum, release.loaded_at)


@functools.lru_cache(maxsize=4)
def _loaded(release_id: int, checksum: str, loaded_at) -> _Classification:
    """A release's groups and words, lowered, kept by each server process: read-only
    data, a few megabytes, searched in a few milliseconds where the database's LIKE over
    every definition took 25 (PostgreSQL), and the hierarchy drawn without a query. A
    release loaded again has a new key (its id, checksum and time of loading)."""
    groups = list(Occupation.objects.filter(release_id=release_id).order_by("code"))
    return _Classification(
        by_id={item.pk: item for item in groups},
        codes=tuple((item.code, item.pk) for item in groups),
        occupations=tuple((item.pk, item.title.lower(), item.definition.lower(),
                           f"{item.title}\n{item.definition}".lower()) for item in groups),
        match_titles=tuple((pk, title, title.lower()) for pk, title in
                           MatchTitle.objects.filter(occupation__release_id=release_id)
                           .values_list("occupation_id", "title")),
    )


def figures_for(codes, sector_code: str = "", *, release: Release | None = None) -> dict[str, Figure]:
    """{code: Figure} of the latest OEWS release (or this one), for these codes, in all
    industries or one sector. One query, given the release."""
    release = release or latest(Release.Kind.OEWS)
    if release is None:
        return {}
    notes = _footnotes(release.pk, release.checksum, release.loaded_at)
    found = {}
    for estimate in Estimate.objects.filter(release=release, sector_code=sector_code, soc_code__in=list(codes)):
        said = [estimate.employment_note, estimate.median_wage_note, estimate.mean_wage_note]
        found[estimate.soc_code] = Figure(
            employment=estimate.employment, median_wage=estimate.median_wage, mean_wage=estimate.mean_wage,
            title=estimate.title, year=release.year, period=release.period, source=release.source, sector=estimate.sector,
            notes=list(dict.fromkeys(notes[code] for code in said if code and code in notes)))
    return found


def _filled(hits: list[Found], texts: _Classification, estimates: Release | None, *,
            titles: bool = True) -> list[Found]:
    """Each hit with its hierarchy, and its direct-match titles and figures: a query each."""
    found: dict[int, list] = {}
    if titles:
        for item in MatchTitle.objects.filter(occupation__in=[hit.occupation.pk for hit in hits]).order_by(
                "-illustrative", "title"):
            found.setdefault(item.occupation_id, []).append(item)
    figures = figures_for({hit.occupation.code for hit in hits}, release=estimates) if estimates else {}
    for hit in hits:
        hit.hierarchy = texts.hierarchy(hit.occupation)
        hit.match_titles = found.get(hit.occupation.pk, [])
        hit.figure = figures.get(hit.occupation.code)
    return hits


def search(query: str, *, limit: int = LIMIT, releases: dict | None = None,
           titles: bool = True) -> tuple[list[Found], int]:
    """(the best of what the query finds, how many it found in all), in the latest SOC:
    a code's groups in the classification's order; words by where they matched (title,
    job title, definition), detailed occupations before broader groups, then by code.
    titles=False leaves out the direct-match titles (a query fewer)."""
    releases = latest_releases() if releases is None else releases
    release = releases.get(Release.Kind.SOC)
    query = normalized(query)
    if release is None or not query:
        return [], 0
    texts = _classification(release)
    ranked = _ranked(texts, query)
    hits = sorted((Found(texts.by_id[pk], *why) for pk, why in ranked.items()),
                  key=lambda hit: (hit.why, 0 if hit.why == BY_CODE else -LEVEL_ORDER[hit.occupation.level],
                                   hit.occupation.code))
    return _filled(hits[:limit], texts, releases.get(Release.Kind.OEWS), titles=titles), len(hits)


def occupation(code: str) -> Found | None:
    """One occupation of the latest SOC by its exact code, filled."""
    releases = latest_releases()
    release = releases.get(Release.Kind.SOC)
    if release is None:
        return None
    item = Occupation.objects.filter(release=release, code=normalized(code)).first()
    if item is None:
        return None
    item.release = release
    return _filled([Found(item, BY_CODE)], _classification(release), releases.get(Release.Kind.OEWS))[0]


def children(item: Occupation) -> list[Occupation]:
    return list(item.children.order_by("code"))


def sectors(*, release: Release | None = None) -> list[tuple[str, str]]:
    """(code, name) of the NAICS sectors the latest OEWS release (or this one) has figures for."""
    release = release or latest(Release.Kind.OEWS)
    if release is None:
        return []
    return list(Estimate.objects.filter(release=release).exclude(sector_code="")
                .values_list("sector_code", "sector").distinct().order_by("sector_code"))

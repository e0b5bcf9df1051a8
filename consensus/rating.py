"""An entry's rating control in an open round, shown under the entry on the proposal
page: how many have rated it, and, for who may rate, their own rating and a button to
rate or change it. Formatted here, not by a template: a round on a whole proposal puts
one under each of a thousand entries.

The proposal's page is drawn once for everyone in a role (occupations.views.pages): there
each control is left as a place, filled in for each reader by personalize()."""

import re
from html import escape

from django.urls import reverse
from django.utils.safestring import mark_safe

from consensus import selectors
from consensus.models import Rating
from consensus.results import CLASSES, TOO_FEW
from occupations import access

PLACE = re.compile(r"<!--rating (\d+) ([a-z_]+:\d+)-->")


def box_id(number: int, path: str) -> str:
    return f"rating-{number}-{path.replace(':', '-')}"


def _url(round_, name: str) -> str:
    """A round's address, worked out once for the thousand entries of a page (reverse()
    costs more than the rest of an entry's line)."""
    urls = round_.__dict__.setdefault("_urls", {})
    if name not in urls:
        urls[name] = reverse(name, args=[round_.proposal_id, round_.number])
    return urls[name]


def describe(rating: Rating | None) -> str:
    if rating is None:
        return "not rated yet"
    if rating.relevant == Rating.Relevance.YES:
        return f"relevant, importance {rating.importance}"
    return rating.get_relevant_display().lower()


def control(round_, path: str, *, raters: int, rating: Rating | None, can_rate: bool) -> str:
    """The control for one entry in one round."""
    count = f"{raters} {'has' if raters == 1 else 'have'} rated"
    parts = [f'<span class="rating-round">Round {round_.number}</span>']
    if can_rate:
        url = _url(round_, "rating_form") + f"?path={escape(path)}"
        state = "rated" if rating is not None else "unrated"
        parts.append(f'<span class="rating-mine rating-{state}">You: {escape(describe(rating))}</span>')
        parts.append(f'<span class="rating-count">{count}</span>')
        parts.append(f'<a class="btn btn-sm btn-outline-primary rating-open" href="{url}" hx-get="{url}" '
                     f'hx-target="closest .rating-box" hx-swap="outerHTML">{"Change" if rating else "Rate"}'
                     '<span class="visually-hidden"> this entry</span></a>')
    else:
        parts.append(f'<span class="rating-count">{count}</span>')
    return (f'<div id="{box_id(round_.number, path)}" class="rating-box" role="group" '
            f'aria-label="Round {round_.number} rating">{" · ".join(parts[:-1])} {parts[-1]}</div>')


def _figure(value, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _pct(result) -> str:
    return "—" if result is None or result.relevant_pct is None else f"{result.relevant_pct:.0f}%"


def _mean(result) -> str:
    return _figure(result.importance_mean if result is not None else None)


def movement_line(steps) -> str:
    """How an entry moved between rounds, oldest first: [(round, result or None)]."""
    if len(steps) < 2:
        return ""
    rounds = " → ".join(str(round_.number) for round_, _ in steps)
    classes = " → ".join(result.kind if result is not None else TOO_FEW for _, result in steps)
    relevant = " → ".join(_pct(result) for _, result in steps)
    importance = " → ".join(_mean(result) for _, result in steps)
    return (f'<div class="rating-movement small" role="group" aria-label="Movement between rounds">'
            f'<span class="rating-round">Rounds {rounds}</span> · {escape(classes)} · relevant {relevant} · '
            f'importance {importance}</div>')


def figures(result) -> str:
    """A result's figures in words: raters, relevant share, importance, agreement."""
    found = [f"{result.raters} rater{'s' if result.raters != 1 else ''}"]
    if result.relevant_pct is not None:
        found.append(f"{result.relevant_pct:.0f}% relevant ({result.yes} yes, {result.no} no"
                     f"{f', {result.unsure} not sure' if result.unsure else ''})")
    if result.importance_mean is not None:
        found.append(f"importance {_figure(result.importance_mean)} (sd {_figure(result.importance_sd)}, "
                     f"IQR {_figure(result.importance_iqr)})")
    found.append("panel agreed" if result.agreed else "no agreement")
    return " · ".join(found)


def reasons_list(reasons) -> str:
    items = "".join(
        f'<li><span class="text-body-secondary">{escape(relevance)}{": " + escape(name) if name else ""}</span> '
        f"{escape(reason)}</li>" for name, relevance, reason in reasons)
    return f'<ul class="mb-1">{items}</ul>'


def _reasons(round_, result, path: str) -> str:
    """The raters' reasons, folded: inline when read already; else read when opened (a
    thousand entries' reasons would double the page), a link without script."""
    if result.reasons:
        return (f'<details class="rating-reasons"><summary>Reasons ({len(result.reasons)})</summary>'
                f"{reasons_list(result.reasons)}</details>")
    if not result.reason_count or not path:
        return ""
    url = escape(_url(round_, "round_reasons") + f"?path={path}")
    return (f'<details class="rating-reasons" hx-get="{url}" hx-trigger="toggle once" '
            f'hx-target="find .rating-reasons-list"><summary>Reasons ({result.reason_count})</summary>'
            f'<div class="rating-reasons-list"><a href="{url}">Read the reasons</a></div></details>')


def result_line(round_, result, earlier=(), path: str = "") -> str:
    """An entry's result in a closed round: its class, figures and the raters' reasons
    (named in a named round); after a second round, how it moved from the earlier ones."""
    number = round_.number
    moved = movement_line([*earlier, (round_, result)])
    if result is None:
        return (f'<div class="rating-result result-none result-too-few-ratings" role="group" aria-label="Round {number} result">'
                f'<span class="rating-round">Round {number}</span> · nobody rated this entry{moved}</div>')
    css = css_name(result.kind)
    return (f'<div class="rating-result result-{css}" role="group" aria-label="Round {number} result">'
            f'<span class="badge result-badge">{escape(result.kind)}</span> '
            f'<span class="rating-round">Round {number}</span> · {figures(result)}{moved}'
            f'{_reasons(round_, result, path)}</div>')


def earlier_of(round_, path: str, by_pk: dict, results) -> list[tuple]:
    """(round, result) of the rounds this one followed, oldest first, as far as they are
    closed and known."""
    steps = []
    seen = {round_.pk}
    while round_.follows_id in by_pk and round_.follows_id not in seen:
        round_ = by_pk[round_.follows_id]
        seen.add(round_.pk)
        steps.append((round_, results.get((round_.pk, path))))
    return steps[::-1]


def shown_result(entry, latest_first, results) -> tuple:
    """(round, result or None) of the latest closed round that rated the entry; (None,
    None) when none did."""
    for round_ in latest_first:
        if selectors.in_round(round_, entry.entry_kind.key, entry.obj.group_id, entry.path):
            return round_, results.get((round_.pk, entry.path))
    return None, None


def class_counts(outline, closed, results) -> list[tuple[str, str, int]]:
    """(class, its CSS name, how many entries on the page show it), for the contents'
    filter."""
    latest_first = sorted(closed, key=lambda item: -item.number)
    counts = dict.fromkeys(CLASSES, 0)
    for block in outline.walk():
        if block.kind != "entry" or block.entry_kind is None:
            continue
        round_, result = shown_result(block, latest_first, results)
        if round_ is not None:
            counts[result.kind if result is not None else TOO_FEW] += 1
    return [(kind, css_name(kind), count) for kind, count in counts.items() if count]


def css_name(kind: str) -> str:
    return kind.lower().replace(" ", "-")


def extras_for(membership, rounds, closed=(), results=None, *, shared: bool):
    """entry_extras for the proposal page: each entry's result in the latest closed round
    that rated it, and its controls in the open rounds that rate it; in a shared drawing,
    places for the controls (the results are the same for every reader)."""
    results = results or {}
    latest_first = sorted(closed, key=lambda item: -item.number)
    by_pk = {item.pk: item for item in closed}

    def result_of(entry) -> str:
        round_, result = shown_result(entry, latest_first, results)
        if round_ is None:
            return ""
        return result_line(round_, result, earlier_of(round_, entry.path, by_pk, results), entry.path)

    if shared:
        def places(entry) -> str:
            return mark_safe(result_of(entry) + "".join(
                f"<!--rating {round_.number} {entry.path}-->" for round_ in rounds
                if selectors.in_round(round_, entry.entry_kind.key, entry.obj.group_id, entry.path)))
        return places
    counts = selectors.rater_counts(rounds) if rounds else {}
    mine = selectors.ratings_by(rounds, membership.user) if rounds else {}
    can_rate = access.role_allows(membership.role, access.COMMENT)

    def controls(entry) -> str:
        return mark_safe(result_of(entry) + "".join(
            control(round_, entry.path, raters=counts.get((round_.pk, entry.path), 0),
                    rating=mine.get((round_.pk, entry.path)), can_rate=can_rate)
            for round_ in rounds if selectors.in_round(round_, entry.entry_kind.key, entry.obj.group_id, entry.path)))
    return controls


def personalize(html: str, membership) -> str:
    """The page with this reader's controls in their places (three queries)."""
    if "<!--rating " not in html:
        return html
    rounds = {round_.number: round_ for round_ in selectors.open_rounds(membership.proposal_id)}
    counts = selectors.rater_counts(list(rounds.values()))
    mine = selectors.ratings_by(list(rounds.values()), membership.user)
    can_rate = access.role_allows(membership.role, access.COMMENT)

    def fill(match) -> str:
        round_ = rounds.get(int(match.group(1)))
        if round_ is None:
            return ""  # closed since the page was drawn
        path = match.group(2)
        return control(round_, path, raters=counts.get((round_.pk, path), 0), rating=mine.get((round_.pk, path)),
                       can_rate=can_rate)

    return PLACE.sub(fill, html)

"""`manage.py benchmark`'s "consensus" section: a round on every entry of a generated
proposal, rated by every member (by default 1,000 entries × 30 raters, 30,000 ratings).
It times the proposal's page without any round, with the round open (each entry's rating
control), the round's results, its report as a
spreadsheet, and the page with each entry's result; and says the page with results over
the page without (the goal: under 1.5 times). Medians of --repeat runs. A page is drawn
either as a first drawing (the whole cache emptied) or after an edit (the proposal
changed: the page's drawing kept for its role is stale)."""

import statistics
import time

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consensus import report, selectors, services
from consensus.models import Rating
from occupations import services as occupations
from occupations.models import Membership
from occupations.sample import fill_proposal


def arguments(parser) -> None:
    parser.add_argument("--consensus-entries", type=int, default=1000,
                        help="Entries of the consensus section's proposal (all rated).")
    parser.add_argument("--consensus-raters", type=int, default=30,
                        help="Members who rate every entry in the consensus section.")


def _timed(repeat: int, run) -> tuple[list[float], int, object]:
    """(milliseconds of each run, queries of the last, what the last returned)."""
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            found = run()
            timings.append((time.perf_counter() - started) * 1000)
    return timings, len(queries), found


def _page(client, url: str, repeat: int, fresh):
    """The page drawn afresh each time: fresh() empties the cache (a first drawing), or
    makes a change (the drawing after an edit: what is kept apart from the page stays)."""
    def draw():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return len(response.content)

    client.get(url)  # the templates compiled
    timings, queries, size = [], 0, 0
    for _ in range(repeat):
        fresh()
        found, count, size = _timed(1, draw)
        timings += found
        queries = count
    return timings, queries, size


def _answer(entry: int, rater: int) -> tuple[str, int | None, str]:
    """A spread of opinions: by the entry, most agree it is relevant and important, or
    relevant but less so, or they split, or most say it is not relevant."""
    share = (9, 8, 5, 2)[entry % 4]  # in tenths: how many of the panel say yes
    spin = (entry * 7 + rater * 3) % 10
    if spin < share:
        return "yes", (4, 2, 3, 3)[entry % 4] + (rater % 3) - 1, ""
    if spin == 9 and entry % 4 != 3:
        return "unsure", None, ""
    return "no", None, "Not part of this occupation."


def section(command, *, user, repeat, consensus_entries, consensus_raters, **options) -> None:
    write = command.stdout.write
    proposal = occupations.proposal_create(title="Benchmark consensus", created_by=user)
    fill_proposal(proposal, user, consensus_entries)
    User = get_user_model()
    raters = User.objects.bulk_create([User(username=f"benchmark-rater-{number}")
                                       for number in range(consensus_raters)])
    if connection.vendor != "postgresql":  # bulk_create sets the keys on PostgreSQL only
        raters = list(User.objects.filter(username__startswith="benchmark-rater-").order_by("id"))
    Membership.objects.bulk_create([Membership(proposal=proposal, user=rater, role=Membership.Role.REVIEWER)
                                    for rater in raters])
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    url = reverse("proposal_detail", args=[proposal.pk])
    cold = cache.clear

    def edit():
        occupations.touch_proposal(proposal.pk)

    rows = [("page, no round: first", *_page(client, url, repeat, cold)),
            ("page, no round: after an edit", *_page(client, url, repeat, edit))]
    round_ = services.round_open(proposal=proposal, by=user)
    paths = [f"{kind.key}:{entry.pk}" for kind, entry in selectors.entries_in_scope(round_)]
    Rating.objects.bulk_create([
        Rating(round=round_, rater=rater, path=path, relevant=relevant, importance=importance, reason=reason)
        for index, path in enumerate(paths) for number, rater in enumerate(raters)
        for relevant, importance, reason in [_answer(index, number)]], batch_size=2000)
    rows.append(("page, round open: after an edit", *_page(client, url, repeat, edit)))
    services.round_close(round_=round_, by=user)

    rows.append(("results of the round", *_timed(repeat, lambda: selectors.round_results([round_], proposal.pk))))
    rows.append(("report as a spreadsheet", *_timed(
        repeat, lambda: len(report.as_xlsx(round_, report.rows(round_))))))
    rows.append(("page, with results: first", *_page(client, url, repeat, cold)))
    rows.append(("page, with results: after an edit", *_page(client, url, repeat, edit)))

    ratings = len(paths) * len(raters)
    write(f"Consensus: a round on {len(paths):,} entries rated by {len(raters)} members ({ratings:,} ratings), "
          f"median of {repeat} (database: {connection.vendor})")
    write(f"{'what':<34} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'queries':>8} {'KiB':>7}")
    for name, timings, queries, found in rows:
        size = f"{found / 1024:>7.0f}" if name.startswith("page") else f"{'':>7}"
        write(f"{name:<34} {statistics.median(timings):>10.1f} {min(timings):>8.1f} {max(timings):>8.1f} "
              f"{queries:>8} {size}")
    counts = {}
    for result in rows[3][3].values():
        counts[result.kind] = counts.get(result.kind, 0) + 1
    write("classes: " + ", ".join(f"{kind} {count:,}" for kind, count in sorted(counts.items())))
    median = {name: statistics.median(timings) for name, timings, _, _ in rows}
    for when in ("first", "after an edit"):
        ratio = median[f"page, with results: {when}"] / median[f"page, no round: {when}"]
        write(f"page with results / without, {when}: {ratio:.2f} × "
              f"(goal: under 1.5 ×: {'met' if ratio < 1.5 else 'not met'})")

"""`manage.py benchmark`'s "reference" section: the reference page's search by code, code
prefix, words and job title (server time, through the test client, and the search
alone), and the load of the reference data, forced and with nothing changed. The goal:
a search answered in at most 20 ms. Medians of --repeat runs."""

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reference import loading, selectors

QUERIES = ("29-9021", "15-12", "registrar", "Database Administrator", "health information")


def _median(repeat: int, run) -> tuple[float, int]:
    timings, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as seen:
            started = time.perf_counter()
            run()
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(seen)
    return statistics.median(timings), queries


def section(command, *, user, repeat, **options) -> None:
    write = command.stdout.write
    loading.load()  # there, whatever the database held
    forced, _ = _median(min(repeat, 3), lambda: loading.load(force=True))
    unchanged, unchanged_queries = _median(repeat, loading.load)
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    url = reverse("soc_reference")
    client.get(url, {"q": "nurse"})  # the templates compiled
    write(f"Reference data: the 2018 SOC search, median of {repeat} (database: {connection.vendor})")
    write(f"{'query':<24} {'found':>6} {'page ms':>8} {'queries':>8} {'search ms':>10}")
    slowest = 0.0
    for query in QUERIES:
        def page():
            assert client.get(url, {"q": query}).status_code == 200
        page_ms, page_queries = _median(repeat, page)
        search_ms, _ = _median(repeat, lambda: selectors.search(query, titles=False))
        found = selectors.search(query)[1]
        slowest = max(slowest, page_ms)
        write(f"{query:<24} {found:>6} {page_ms:>8.1f} {page_queries:>8} {search_ms:>10.1f}")
    write(f"slowest search page: {slowest:.1f} ms (goal: at most 20 ms: {'met' if slowest <= 20 else 'not met'})")
    write(f"load_reference: {forced / 1000:.2f} s forced (every file read, checked and written); "
          f"{unchanged:.1f} ms with nothing changed ({unchanged_queries} queries)")

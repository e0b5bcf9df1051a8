"""Prints how long the server takes to render a proposal's page, for generated proposals
of several sizes, then the sections other apps registered (occupations/benchmarks.py: the
Word export, say). `--only page,export` picks sections. Everything it creates is rolled
back."""

import statistics
import time

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from occupations import benchmarks, services
from occupations.entries import Task
from occupations.models import Proposal
from occupations.sample import fill_proposal


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = ("Measure the proposal page's server time for generated proposals of 10, 100 and 1,000 entries, "
            "then what other apps registered (the Word export).")

    def sections(self) -> dict:
        """The sections other apps registered. A command built on this one (benchmark_review)
        measures its own page only, unless it overrides this."""
        return benchmarks.registered() if type(self) is Command else {}

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="10,100,1000", help="Entry counts of the page table, comma-separated.")
        parser.add_argument("--repeat", type=int, default=5,
                            help="Runs per size (requests, exports); the median is shown.")
        names = ["page", *self.sections()]
        parser.add_argument("--only", default=",".join(names),
                            help=f"Sections to run, comma-separated (default all: {', '.join(names)}).")
        for section in self.sections().values():
            if section.arguments is not None:
                section.arguments(parser)

    def handle(self, *args, sizes, repeat, only, **options):
        try:
            sizes = [int(size) for size in sizes.split(",")]
        except ValueError:
            raise CommandError(f"--sizes takes whole numbers separated by commas, not {sizes!r}.") from None
        sections = self.sections()
        chosen = [name.strip() for name in only.split(",") if name.strip()]
        unknown = [name for name in chosen if name != "page" and name not in sections]
        if unknown or not chosen:
            raise CommandError(f"--only takes section names from: {', '.join(['page', *sections])} "
                               f"(not {only!r}).")
        if repeat < 1:
            raise CommandError("--repeat takes a whole number of runs, at least 1.")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("This database has unapplied migrations: run `python manage.py migrate` first.")
        try:
            with transaction.atomic():
                user = get_user_model().objects.create_user(username="benchmark-coordinator")
                for index, name in enumerate(dict.fromkeys(chosen)):
                    if index:
                        self.stdout.write("")
                    if name == "page":
                        self.page_table(user, sizes, repeat)
                    else:
                        sections[name].function(self, user=user, repeat=repeat, **options)
                raise _Rollback
        except _Rollback:
            pass

    def page_table(self, user, sizes, repeat):
        self.stdout.write(f"Proposal page, server time over {repeat} requests (database: {connection.vendor})")
        self.stdout.write(f"{'entries':>8} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'queries':>8} {'KiB':>7} "
                          f"{'kept ms':>8} {'kept q':>7} {'304 ms':>7} {'304 q':>6} {'save ms':>8} {'save q':>7} "
                          f"{'live ms':>8} {'live q':>7}")
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        for size in sizes:
            self.measure(client, user, size, repeat)

    def measure(self, client, user, size, repeat):
        proposal = services.proposal_create(title=f"Benchmark {size}", created_by=user)
        fill_proposal(proposal, user, size)
        extra = self.fill(proposal, user, size)
        url = reverse("proposal_detail", args=[proposal.pk])
        client.get(url)  # warm the template cache
        timings, kept = [], []
        for _ in range(repeat):
            cache.clear()  # drawn in full: nobody in the role has read it since the last change
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            # another reader in the same role: the drawing kept in the shared cache
            with CaptureQueriesContext(connection) as kept_queries:
                started = time.perf_counter()
                client.get(url)
                kept.append((time.perf_counter() - started) * 1000)
        # An unchanged reload, as a browser revalidates what it has: answered 304.
        unchanged = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as reload_queries:
                started = time.perf_counter()
                reload = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
                unchanged.append((time.perf_counter() - started) * 1000)
            assert reload.status_code == 304, reload.status_code
        saves, save_queries, lives, live_queries = self.save_and_follow(client, user, proposal, repeat)
        self.stdout.write(
            f"{size:>8} {statistics.median(timings):>10.1f} {min(timings):>8.1f} {max(timings):>8.1f} "
            f"{len(queries):>8} {len(response.content) / 1024:>7.0f} {statistics.median(kept):>8.1f} "
            f"{len(kept_queries):>7} {statistics.median(unchanged):>7.1f} "
            f"{len(reload_queries):>6} {statistics.median(saves):>8.1f} {save_queries:>7} "
            f"{statistics.median(lives):>8.1f} {live_queries:>7}{'  ' + extra if extra else ''}"
        )

    def save_and_follow(self, client, user, proposal, repeat) -> tuple[list, int, list, int]:
        """An editor's save of the first task as htmx sends it (its answer: the task's row),
        then another open page asking what changed (its answer: that row, out of band)."""
        task = Task.objects.filter(proposal=proposal).order_by("position", "id").first()
        url = reverse("entry_edit", args=[proposal.pk, "task", task.pk]) + "?wrap=li"
        live = reverse("proposal_live", args=[proposal.pk])
        saves, lives = [], []
        for index in range(repeat):
            since = Proposal.objects.values_list("change_count", flat=True).get(pk=proposal.pk)
            text = task.text + (" (as agreed)" if index % 2 == 0 else "")
            with CaptureQueriesContext(connection) as save_queries:
                started = time.perf_counter()
                saved = client.post(url, {"text": text, "version": task.version + index}, HTTP_HX_REQUEST="true")
                saves.append((time.perf_counter() - started) * 1000)
            assert saved.status_code == 200 and not saved.has_header("HX-Retarget"), saved.status_code
            with CaptureQueriesContext(connection) as live_queries:
                started = time.perf_counter()
                followed = client.get(live, {"since": since})
                lives.append((time.perf_counter() - started) * 1000)
            assert followed.status_code == 200 and b"hx-swap-oob" in followed.content, followed.status_code
        return saves, len(save_queries), lives, len(live_queries)

    def fill(self, proposal, user, size) -> str:
        """More on the generated proposal, for commands built on this one; says what."""
        return ""

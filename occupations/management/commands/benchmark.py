"""Prints how long the server takes to render a proposal's page, for generated proposals
of several sizes. Everything it creates is rolled back."""

import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from occupations import services
from occupations.sample import fill_proposal


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Measure the proposal page's server time for generated proposals of 10, 100 and 1,000 entries."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="10,100,1000", help="Entry counts, comma-separated.")
        parser.add_argument("--repeat", type=int, default=5, help="Requests per size; the median is shown.")

    def handle(self, *args, sizes, repeat, **options):
        try:
            sizes = [int(size) for size in sizes.split(",")]
        except ValueError:
            raise CommandError(f"--sizes takes whole numbers separated by commas, not {sizes!r}.") from None
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("This database has unapplied migrations: run `python manage.py migrate` first.")
        self.stdout.write(f"Proposal page, server time over {repeat} requests (database: {connection.vendor})")
        self.stdout.write(f"{'entries':>8} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'queries':>8} {'KiB':>7}")
        try:
            with transaction.atomic():
                user = get_user_model().objects.create_user(username="benchmark-coordinator")
                client = Client(SERVER_NAME="localhost")
                client.force_login(user)
                for size in sizes:
                    self.measure(client, user, size, repeat)
                raise _Rollback
        except _Rollback:
            pass

    def measure(self, client, user, size, repeat):
        proposal = services.proposal_create(title=f"Benchmark {size}", created_by=user)
        fill_proposal(proposal, user, size)
        extra = self.fill(proposal, user, size)
        url = reverse("proposal_detail", args=[proposal.pk])
        client.get(url)  # warm the template cache
        timings = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        self.stdout.write(
            f"{size:>8} {statistics.median(timings):>10.1f} {min(timings):>8.1f} {max(timings):>8.1f} "
            f"{len(queries):>8} {len(response.content) / 1024:>7.0f}{'  ' + extra if extra else ''}"
        )

    def fill(self, proposal, user, size) -> str:
        """More on the generated proposal, for commands built on this one; says what."""
        return ""

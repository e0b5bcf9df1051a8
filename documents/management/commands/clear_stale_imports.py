"""python manage.py clear_stale_imports [--older-than HOURS]: run it from a timer (cron, a
systemd timer) so previews nobody applied or cancelled give their files up."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from documents import services


class Command(BaseCommand):
    help = ("Cancel previews of reviewed Word files left neither applied nor cancelled, dropping their files "
            "and stored previews.")

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=float, default=None, metavar="HOURS",
                            help=f"Previews older than this many hours (default: IMPORT_STALE_HOURS, "
                                 f"{settings.IMPORT_STALE_HOURS}).")

    def handle(self, *args, older_than, **options):
        hours = settings.IMPORT_STALE_HOURS if older_than is None else older_than
        if hours < 0:
            raise CommandError("--older-than takes a number of hours, 0 or more.")
        cleared = services.review_imports_clear_stale(before=timezone.now() - timedelta(hours=hours))
        self.stdout.write(f"Cleared {cleared} stale preview{'s' * (cleared != 1)} (older than {hours:g} hours).")

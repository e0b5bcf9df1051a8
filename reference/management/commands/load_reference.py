"""python manage.py load_reference [--force] [--data DIR]

Loads the 2018 SOC and the OEWS May 2025 national estimates shipped in reference/data.
Idempotent and quick when nothing changed (it compares the files' SHA-256 with what was
loaded), so `make run`, `make serve` and a deployment's start run it every time."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reference import loading


class Command(BaseCommand):
    help = "Load the 2018 SOC and the BLS OEWS May 2025 national figures (only what changed since the last load)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load every release again, changed or not.")
        parser.add_argument("--data", type=Path, default=loading.DATA,
                            help="The folder holding soc2018/ and oews2025/ (default: the shipped files).")

    def handle(self, *args, force, data, **options):
        try:
            done = loading.load(data, force=force)
        except loading.DataError as error:
            raise CommandError(f"Reference data not loaded: {error} Nothing of that release was changed.") from None
        for item in done:
            if item.changed:
                counts = ", ".join(f"{count:,} {name}" for name, count in item.counts.items())
                self.stdout.write(f"{item.edition.title}: loaded ({counts}) in {item.seconds:.2f} s.")
            else:
                self.stdout.write(f"{item.edition.title}: unchanged (checked in {item.seconds * 1000:.0f} ms).")

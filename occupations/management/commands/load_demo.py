from django.core.management.base import BaseCommand

from occupations.demo import DEMO_PASSWORD, DEMO_USERS, demo_load


class Command(BaseCommand):
    help = "Load the demo proposal (the Health IT focus group's draft) and the demo users."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true",
            help="Delete the demo proposal, with every change made to it, and load it afresh.",
        )

    def handle(self, *args, reset=False, **options):
        proposal, created = demo_load(reset=reset)
        state = "loaded" if created else "already loaded; left as it is (--reset loads it afresh)"
        self.stdout.write(f"Demo proposal {proposal.pk} “{proposal.title}”: {state}.")
        self.stdout.write(f"Demo users {', '.join(DEMO_USERS)}; password: {DEMO_PASSWORD}")

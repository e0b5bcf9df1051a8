"""python manage.py load_demo [--reset] [--demo-users | --owner USERNAME]

In development (DEBUG on) the four demo users get the README's password, as `make run`
says. With DEBUG off no account is made with a published password: the demo users are
made only when asked (--demo-users), each with a random password printed once, or the
demo proposal is given to an existing account (--owner)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from occupations.demo import DEMO_PASSWORD, DEMO_USERS, demo_load, demo_users_ensure
from reference.models import Release


class Command(BaseCommand):
    help = "Load the demo proposal (the Health IT focus group's draft), with its demo users or for one owner."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true",
            help="Delete the demo proposal, with every change made to it, and load it afresh.",
        )
        who = parser.add_mutually_exclusive_group()
        who.add_argument("--demo-users", action="store_true",
                         help="With DEBUG off: make the four demo users, each with a random password printed once.")
        who.add_argument("--owner", metavar="USERNAME",
                         help="Give the demo proposal to this existing account, as its only member (no demo users).")

    def handle(self, *args, reset=False, demo_users=False, owner=None, **options):
        passwords = {}
        if owner:
            user = get_user_model().objects.filter(username=owner).first()
            if user is None:
                raise CommandError(f"There is no user {owner!r}.")
            users = {"coordinator": user}
        elif settings.DEBUG:
            users, _ = demo_users_ensure(published_password=True)
        elif demo_users:
            users, passwords = demo_users_ensure(published_password=False)
        else:
            raise CommandError(
                "DEBUG is off, so load_demo makes no account with the README's password. Choose: --demo-users (the "
                "four demo users, each with a random password printed once) or --owner USERNAME (an existing "
                "account gets the demo proposal).")
        proposal, created = demo_load(reset=reset, users=users)
        state = "loaded" if created else "already loaded; left as it is (--reset loads it afresh)"
        self.stdout.write(f"Demo proposal {proposal.pk} “{proposal.title}”: {state}.")
        if created and not Release.objects.filter(kind=Release.Kind.OEWS).exists():
            self.stdout.write("Its BLS figures are left out: the reference data is not loaded "
                              "(run load_reference, then load_demo --reset).")
        if owner:
            self.stdout.write(f"Its coordinator: {owner}.")
        elif settings.DEBUG:
            self.stdout.write(f"Demo users {', '.join(DEMO_USERS)}; password: {DEMO_PASSWORD}")
        else:
            for username in DEMO_USERS:
                said = f"password: {passwords[username]} (shown once)" if username in passwords else \
                    "password unchanged"
                self.stdout.write(f"Demo user {username}: {said}")

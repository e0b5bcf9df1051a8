"""python manage.py load_prepare --users 50 --out FILE: the demo proposal with an editor
and N reviewers, for `make load`. Their password is in FILE, so it refuses to run unless
LOAD_DATABASE=1 says this database is a throwaway one (make load makes its own)."""

import json
import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from comments.models import Thread
from occupations import services
from occupations.demo import demo_load
from occupations.entries import Task
from occupations.models import Membership

PASSWORD = "load-test-password-2028"


class Command(BaseCommand):
    help = "Prepare a throwaway database for `make load`: the demo proposal, an editor and N reviewers."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--out", required=True, help="Where to write what the load tool needs (JSON).")

    def handle(self, *args, users, out, **options):
        if os.environ.get("LOAD_DATABASE") != "1":
            raise CommandError("load_prepare makes accounts with a known password: it runs only with "
                               "LOAD_DATABASE=1, on a database made for the load (make load makes one).")
        User = get_user_model()
        owner, _ = User.objects.get_or_create(username="load-coordinator")
        proposal, _ = demo_load(users={"coordinator": owner})
        people = []
        for number in range(users + 1):
            username = "load-editor" if number == users else f"load-reviewer-{number}"
            user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
            user.set_password(PASSWORD)
            user.save()
            role = Membership.Role.EDITOR if number == users else Membership.Role.REVIEWER
            services.membership_set(proposal=proposal, user=user, role=role, by=owner)
            people.append(username)
        tasks = list(Task.objects.filter(proposal=proposal).order_by("position", "id").values_list("pk", "text"))
        threads = list(Thread.objects.filter(proposal=proposal).values_list("pk", flat=True))
        with open(out, "w", encoding="utf-8") as file:
            json.dump({"proposal": proposal.pk, "password": PASSWORD, "reviewers": people[:-1], "editor": people[-1],
                       "tasks": tasks, "threads": threads}, file)
        self.stdout.write(f"Proposal {proposal.pk}: {users} reviewers and an editor, written to {out}.")

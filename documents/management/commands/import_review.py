"""python manage.py import_review PROPOSAL_ID FILE --as USERNAME [--text-matching] [--dry-run]"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from documents import services
from occupations.models import Proposal


class Command(BaseCommand):
    help = ("Import a reviewed Word file into a proposal: its tracked changes become suggestions and its "
            "comments threads. Prints what it creates; --dry-run only prints.")

    def add_arguments(self, parser):
        parser.add_argument("proposal_id", type=int)
        parser.add_argument("file", help="The reviewed .docx.")
        parser.add_argument("--as", dest="username", required=True,
                            help="The editor or coordinator who imports it (recorded as the uploader).")
        parser.add_argument("--text-matching", action="store_true",
                            help="Match by text only, for a file that is not an export of this proposal.")
        parser.add_argument("--dry-run", action="store_true", help="Show what it would create; create nothing.")

    def handle(self, *args, proposal_id, file, username, text_matching, dry_run, **options):
        proposal = Proposal.objects.filter(pk=proposal_id).first()
        if proposal is None:
            raise CommandError(f"There is no proposal {proposal_id}.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file {file}.")
        try:
            review_import, plan = services.review_import_preview(
                proposal=proposal, by=user, data=path.read_bytes(), name=path.name, text_matching=text_matching)
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(f"{path.name}: " + " ".join(getattr(error, "messages", [str(error)]))) from None
        for section, planned, unmatched in plan.by_section():
            self.stdout.write(section or "Elsewhere in the file")
            for item in planned:
                what = item.quote or (item.messages[0].text if item.messages else "")
                extra = f" -> {item.replacement!r}" if item.kind == "replace" else ""
                self.stdout.write(f"  {item.kind:<13} {item.author.label}: {what[:70]!r}{extra[:60]}")
            for item in unmatched:
                self.stdout.write(f"  not matched   {item.text[:70]!r} ({item.reason})")
        self.stdout.write(f"{len(plan.items)} to create, {plan.recognized} already in the proposal, "
                          f"{len(plan.unmatched)} not matched.")
        if dry_run:
            services.review_import_cancel(review_import=review_import, by=user)
            self.stdout.write("Dry run: nothing created.")
            return
        review_import = services.review_import_apply(review_import=review_import, by=user)
        made = review_import.summary
        self.stdout.write(f"Imported {path.name}: {made['suggestions']} suggestions, {made['threads']} threads, "
                          f"{made['replies']} replies, {made['resolved']} resolved.")

"""python manage.py export_docx PROPOSAL_ID --out FILE [--review] [--include-resolved]"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents.export import export_docx
from occupations.models import Proposal


class Command(BaseCommand):
    help = ("Export a proposal to Word: the submission document, or with --review the review copy "
            "(open threads as comments, open suggestions as tracked changes).")

    def add_arguments(self, parser):
        parser.add_argument("proposal_id", type=int)
        parser.add_argument("--out", required=True, help="The .docx file to write ('-' for standard output).")
        parser.add_argument("--review", action="store_true", help="Write the review copy.")
        parser.add_argument("--include-resolved", action="store_true",
                            help="In the review copy, include resolved threads, marked done.")

    def handle(self, *args, proposal_id, out, review, include_resolved, **options):
        proposal = Proposal.objects.filter(pk=proposal_id).first()
        if proposal is None:
            raise CommandError(f"There is no proposal {proposal_id}.")
        if include_resolved and not review:
            raise CommandError("--include-resolved is for the review copy: add --review.")
        export = export_docx(proposal, review=review, include_resolved=include_resolved)
        if out == "-":
            for chunk in export.chunks:
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
            return
        target = Path(out)
        if target.is_dir():
            target = target / export.filename
        if not target.parent.is_dir():
            raise CommandError(f"There is no folder {target.parent}.")
        partial = target.with_name(target.name + ".part")
        size = 0
        with partial.open("wb") as file:
            for chunk in export.chunks:
                file.write(chunk)
                size += len(chunk)
        partial.replace(target)
        copy = "review copy" if review else "submission document"
        self.stdout.write(f"Wrote the {copy} of “{proposal.title}” to {target} ({size:,} bytes).")

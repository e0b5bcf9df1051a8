from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from consensus import report
from consensus.models import Round
from occupations.models import Proposal


class Command(BaseCommand):
    help = "Write a closed rating round's results, one row per entry, as CSV or a spreadsheet."

    def add_arguments(self, parser):
        parser.add_argument("proposal_id", type=int)
        parser.add_argument("--round", type=int, dest="number",
                            help="The round's number in the proposal (default: the latest closed round).")
        parser.add_argument("--format", choices=sorted(report.FORMATS), default="csv")
        parser.add_argument("--out", required=True, help="The file to write.")

    def handle(self, *args, proposal_id, number, format, out, **options):
        if not Proposal.objects.filter(pk=proposal_id).exists():
            raise CommandError(f"No proposal {proposal_id}.")
        rounds = [item for item in Round.objects.filter(proposal_id=proposal_id).order_by("-number")
                  if number is None or item.number == number]
        if number is not None and not rounds:
            raise CommandError(f"Proposal {proposal_id} has no round {number}.")
        closed = [item for item in rounds if not item.is_open]
        if not closed:
            raise CommandError(f"Round {number} is still open: its results come when it closes."
                               if number is not None else f"Proposal {proposal_id} has no closed round yet.")
        round_ = closed[0]
        write, _ = report.FORMATS[format]
        table = report.rows(round_)
        try:
            Path(out).write_bytes(write(round_, table))
        except OSError as error:
            raise CommandError(f"Could not write {out}: {error.strerror}.") from error
        self.stdout.write(f"Round {round_.number} ({round_.scope_label}): {len(table)} entries written to {out}.")

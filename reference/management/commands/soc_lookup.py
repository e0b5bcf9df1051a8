"""python manage.py soc_lookup CODE_OR_WORDS [--json] [--limit N]

The 2018 SOC's occupations matching a code (29-9021; a start of one: 29-90) or words of a
title, a definition or a job title BLS codes to them ("registrar"), each with its level,
hierarchy, definition and BLS's national employment and median wage, year and source."""

import json

from django.core.management.base import BaseCommand, CommandError

from reference import selectors
from reference.models import Release


def as_dict(hit) -> dict:
    item, figure = hit.occupation, hit.figure
    return {
        "code": item.code, "level": item.level, "title": item.title, "definition": item.definition,
        "hierarchy": [{"code": group.code, "level": group.level, "title": group.title} for group in hit.hierarchy],
        "found_by": hit.why_words,
        "direct_match_titles": [title.title for title in hit.match_titles],
        "employment": figure.employment if figure else None,
        "median_wage": figure.median_wage if figure else None,
        "mean_wage": figure.mean_wage if figure else None,
        "year": figure.year if figure else None,
        "period": figure.period if figure else None,
        "source": figure.source if figure else None,
        "notes": figure.notes if figure else [],
    }


class Command(BaseCommand):
    help = "Find 2018 SOC occupations by code or words, with BLS's national employment and median wage."

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="+", help="A code (29-9021, or its start: 29-90) or words.")
        parser.add_argument("--json", action="store_true", help="Print JSON, one object per occupation.")
        parser.add_argument("--limit", type=int, default=selectors.LIMIT, help="At most this many (default 25).")

    def handle(self, *args, query, json: bool, limit: int, **options):
        if not Release.objects.filter(kind=Release.Kind.SOC).exists():
            raise CommandError("The SOC is not loaded: run `python manage.py load_reference` first.")
        if limit < 1:
            raise CommandError("--limit takes a whole number, at least 1.")
        words = " ".join(query)
        if not selectors.normalized(words):
            raise CommandError("Say what to look for: a code or some words.")
        hits, total = selectors.search(words, limit=limit)
        if json:
            self.stdout.write(_dumps([as_dict(hit) for hit in hits]))
            return
        if not hits:
            self.stdout.write(f"Nothing in the 2018 SOC matches {words!r}.")
            return
        for hit in hits:
            self.stdout.write(self.text(hit))
        if total > len(hits):
            self.stdout.write(f"… and {total - len(hits)} more (--limit {total} shows all).")

    def text(self, hit) -> str:
        item, figure = hit.occupation, hit.figure
        lines = [f"{item.code}  {item.title}  ({item.get_level_display().lower()}; found by {hit.why_words})"]
        if hit.hierarchy:
            lines.append("  " + " > ".join(f"{group.code} {group.title}" for group in hit.hierarchy))
        if item.definition:
            lines.append(f"  Definition: {item.definition}")
        if figure is None:
            lines.append("  Employment: BLS published no national figure of its own for this code (OEWS May 2025).")
        else:
            lines.append(f"  Employment: {figure.employment_words} ({figure.period}); median wage "
                         f"{figure.median_wage_words}")
            lines += [f"  Note: {note}" for note in figure.notes]
            lines.append(f"  Source: {figure.source}")
        if hit.match_titles:
            shown = [title.title for title in hit.match_titles[:8]]
            more = len(hit.match_titles) - len(shown)
            lines.append("  Job titles: " + "; ".join(shown) + (f"; and {more} more" if more else ""))
        return "\n".join(lines) + "\n"


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)

"""What the preview page shows, kept with the import when its file is first read, so the
page is drawn from the database: a GET never opens or plans the file again (a large or
hostile file costs its reading once). Applying still plans against the proposal as it
is then. Long previews are shown a page of rows at a time."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.utils.dateparse import parse_datetime

from comments.overview import entry_words
from documents.plan import Plan, Planned

ROWS_PER_PAGE = 100


def _row(item: Planned, section: str, entries: dict) -> dict:
    row = {
        "section": section, "kind": str(item.kind), "author": item.author.label, "member": item.author.user is not None,
        "date": item.date.isoformat() if item.date else "", "untracked": item.untracked, "before": item.before,
        "quote": item.quote, "replacement": item.replacement, "after": item.after, "resolved": item.resolved,
        "whole": "text" if "." in item.path else (
            "{} “{}”".format(*entries[item.path]) if item.path in entries else "entry"),
        "messages": [[message.author.label, message.text] for message in item.messages],
    }
    if item.thread is not None:
        # Sorted as the thread shows them: its opening comment names it.
        comments = sorted(item.thread.comments.all(), key=lambda comment: comment.pk)
        row["thread"] = comments[0].text if comments else ""
    return row


def preview_of(plan: Plan) -> dict:
    """The plan as the page shows it, in the document's order: each section's planned
    items, then what could not be matched there. Plain JSON."""
    rows = []
    # which entry a note on a whole entry is about, in its first words
    entries = entry_words(plan.proposal, {item.path for item in plan.items if not item.quote})
    for section, planned, unmatched in plan.by_section():
        rows += [_row(item, section, entries) for item in planned]
        rows += [{"section": section, "kind": "unmatched", "text": item.text[:200], "reason": item.reason}
                 for item in unmatched]
    return {"planned": len(plan.items), "unmatched": len(plan.unmatched), "recognized": plan.recognized,
            "people": plan.people, "text_matching": plan.text_matching, "rows": rows}


@dataclass
class PreviewPage:
    planned: int
    unmatched: int
    recognized: int
    people: list[str]
    text_matching: bool
    page: Page  # of rows, each with its date parsed back


def preview_page(preview: dict, number) -> PreviewPage:
    """One page of a stored preview; a page number out of range gives the last page, and
    one that is not a number the first."""
    page = Paginator(preview.get("rows", []), ROWS_PER_PAGE, allow_empty_first_page=True).get_page(number)
    for row in page.object_list:
        if isinstance(row.get("date"), str):
            row["date"] = parse_datetime(row["date"]) if row["date"] else None
    return PreviewPage(preview.get("planned", 0), preview.get("unmatched", 0), preview.get("recognized", 0),
                       preview.get("people", []), preview.get("text_matching", False), page)

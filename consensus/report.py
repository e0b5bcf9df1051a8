"""A closed round's results as a table: one row per entry in the document's order, as
CSV or as a spreadsheet (openpyxl; it opens in LibreOffice and Excel). The rating
round's deleted entries keep their rows, their words read from their history."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from consensus import selectors
from consensus.models import Rating, Round
from occupations.kinds import KINDS_BY_KEY
from occupations.models import InformationItem, OccupationGroup

COLUMNS = ("path", "section", "kind", "text", "raters", "relevant_pct", "importance_mean", "importance_sd",
           "importance_iqr", "class", "agreed")


def words(kind, entry) -> str:
    return " — ".join(str(getattr(entry, name)) for name in kind.text_fields if getattr(entry, name, ""))


def _round(value, digits: int = 2):
    return None if value is None else round(value, digits)


def columns(round_: Round) -> list[str]:
    """The table's columns: after a second round, each earlier round's class and figures,
    so that the sheet shows how each entry moved."""
    extra = [f"round_{item.number}_{name}" for item in selectors.earlier_rounds(round_)
             for name in ("class", "relevant_pct", "importance_mean")]
    return [*COLUMNS, *extra]


def rows(round_: Round) -> list[dict]:
    """Each entry's row: those in the round's scope now, then the ones deleted since that
    were rated."""
    earlier = selectors.earlier_rounds(round_)
    results = selectors.round_results([round_, *earlier], round_.proposal_id)
    entries = [(kind, entry, f"{kind.key}:{entry.pk}") for kind, entry in selectors.entries_in_scope(round_)]
    shown = {path for _, _, path in entries}
    for path in sorted(set(Rating.objects.filter(round=round_).values_list("path", flat=True)) - shown):
        key, _, pk = path.partition(":")
        kind = KINDS_BY_KEY.get(key)
        if kind is None:
            continue
        last = kind.model.history.filter(id=int(pk)).order_by("-history_date").first()
        entries.append((kind, last, path))
    table = []
    groups = {group.pk: group.title for group in OccupationGroup.objects.filter(proposal_id=round_.proposal_id)}
    for kind, entry, path in entries:
        result = results.get((round_.pk, path))
        group = groups.get(getattr(entry, "group_id", None))
        section = InformationItem(kind.item).label + (f" — {group}" if group else "")
        text = words(kind, entry) if entry is not None else ""
        if getattr(entry, "history_type", None) is not None or entry is None:
            text = f"{text} (deleted)".strip()
        table.append({
            "path": path, "section": section, "kind": kind.label, "text": text,
            "raters": result.raters if result else 0,
            "relevant_pct": _round(result.relevant_pct, 1) if result else None,
            "importance_mean": _round(result.importance_mean) if result else None,
            "importance_sd": _round(result.importance_sd) if result else None,
            "importance_iqr": _round(result.importance_iqr) if result else None,
            "class": result.kind if result else "Too few ratings",
            "agreed": ("yes" if result.agreed else "no") if result else "no",
        })
        for item in earlier:
            before = results.get((item.pk, path))
            table[-1].update({
                f"round_{item.number}_class": before.kind if before else "Too few ratings",
                f"round_{item.number}_relevant_pct": _round(before.relevant_pct, 1) if before else None,
                f"round_{item.number}_importance_mean": _round(before.importance_mean) if before else None,
            })
    return table


def as_csv(round_: Round, table: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns(round_))
    writer.writeheader()
    writer.writerows(table)
    return out.getvalue().encode("utf-8-sig")  # the mark tells Excel it is UTF-8


def as_xlsx(round_: Round, table: list[dict]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"Round {round_.number}"
    names = columns(round_)
    sheet.append(names)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table:
        sheet.append([row.get(name) for name in names])
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJK", (16, 40, 14, 70, 8, 12, 16, 14, 14, 16, 8)):
        sheet.column_dimensions[letter].width = width
    for index in range(len(COLUMNS), len(names)):
        sheet.column_dimensions[get_column_letter(index + 1)].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FORMATS = {"csv": (as_csv, "text/csv; charset=utf-8"),
           "xlsx": (as_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}

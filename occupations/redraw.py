"""What a save answers htmx with: the part of the page it changed, not the whole document.

An entry's edit changes its own row and nothing else the page shows (numbering belongs to
items and headings, not entries), so its answer is that row, drawn with the notes about it
alone: its cost does not grow with the proposal. A change that moves notes elsewhere (a
thread whose words are gone goes to the end of the document) or changes the page's
structure is answered with the whole document, as before."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django_htmx.http import trigger_client_event

from occupations import access, annotations, selectors
from occupations.kinds import KINDS_BY_KEY
from occupations.outline import Block, Outline, entry_block


def part_context(membership, outline: Outline, paths: list[str]) -> dict:
    """What the page's templates need to draw a part of the outline."""
    proposal = membership.proposal
    return {
        "proposal": proposal,
        "membership": membership,
        "can_write": access.role_allows(membership.role, access.WRITE),
        "can_manage": access.role_allows(membership.role, access.MANAGE),
        "base": reverse("proposal_detail", args=[proposal.pk]),
        **annotations.annotate(outline, membership, paths=paths),
    }


def entry_part(request, membership, entry_kind, entry) -> str | None:
    """One entry's row (its list item, or its table row) as the page draws it; None when
    the change must be shown elsewhere too (a note of it now detached from its words)."""
    parts = entries_parts(request, membership, [(entry_kind, entry)])
    return parts[0] if parts else None


def entries_parts(request, membership, entries: list, *, oob: bool = False) -> list[str] | None:
    """Each (kind, entry)'s row, drawn with the notes about it (read for all of them at
    once); None if any cannot be drawn alone: a note now detached (it goes to the end of
    the document), a table row with notes (they sit above the table)."""
    holders = []
    for entry_kind, entry in entries:
        layout = "table" if entry_kind.layout == "table" else "list"
        holders.append(Block(kind=layout, entry_kind=entry_kind, rows=[entry_block(entry_kind, entry)]))
    context = part_context(membership, Outline(proposal=membership.proposal, blocks=holders, groups=[]),
                           [holder.rows[0].path for holder in holders])
    if getattr(context.get("review"), "detached", None):
        return None
    parts = []
    for holder in holders:
        block = holder.rows[0]
        if holder.kind == "table" and block.notes:
            return None
        # The document's own template, its rows alone: one markup for both, and no include
        # for each of a thousand entries (which cost a fifth of the page's time).
        parts.append(render_to_string("occupations/_block.html",
                                      {**context, "block": holder, "rows_only": True, "oob": oob}, request).strip())
    return parts


def changed_parts(request, membership, paths: set[str]) -> str | None:
    """What an open page draws again after others' changes (ProposalChange paths): each
    changed entry's row, out of band; None when it must draw the whole document (anything
    but entries changed, or an entry is gone)."""
    wanted: dict = {}
    for path in paths:
        prefix, _, pk = path.partition(".")[0].partition(":")
        kind = KINDS_BY_KEY.get(prefix)
        if kind is None or not pk.isdigit():
            return None
        wanted.setdefault(kind, set()).add(int(pk))
    found = []
    for kind, pks in wanted.items():
        entries = list(kind.model.objects.filter(proposal=membership.proposal, pk__in=pks))
        if len(entries) != len(pks):
            return None  # deleted since
        found += [(kind, entry) for entry in entries]
    parts = entries_parts(request, membership, found, oob=True)
    return None if parts is None else "".join(parts)


def settled_version(request, membership, drawn: set[str]) -> int | None:
    """The change a page is at once this answer is put in: the latest, if every change
    since the one it says it shows (its X-Proposal-Version header) is about what the answer
    draws (drawn: object paths, task:42); else None, and its next question to
    proposal_live brings the rest."""
    shown = request.headers.get("X-Proposal-Version", "")
    if not shown.isdigit():
        return None
    now = selectors.change_count(membership.proposal_id)
    paths = selectors.changes_since(membership.proposal_id, int(shown), now)
    if paths is None or any(path.partition(".")[0] not in drawn for path in paths):
        return None
    return now


def part_saved(html: str, anchor: str, *, message: str = "", version: int | None = None) -> HttpResponse:
    """The drawn part, put where the form was (the form's own hx-target)."""
    response = HttpResponse(html)
    if version is not None:
        response["X-Proposal-Version"] = str(version)
    return trigger_client_event(response, "saved", {"anchor": anchor, "message": message, "problem": ""})

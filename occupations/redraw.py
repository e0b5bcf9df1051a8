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

from occupations import access, annotations
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
    block = entry_block(entry_kind, entry)
    layout = "table" if entry_kind.layout == "table" else "list"
    holder = Block(kind=layout, entry_kind=entry_kind, rows=[block])
    context = part_context(membership, Outline(proposal=membership.proposal, blocks=[holder], groups=[]),
                           [block.path])
    if getattr(context.get("review"), "detached", None):
        return None
    if layout == "table" and block.notes:
        return None  # a table's notes sit above it, outside the row
    context.update(block=holder, entry=block)
    template = "occupations/_entry_row.html" if layout == "table" else "occupations/_entry_item.html"
    return render_to_string(template, context, request)


def part_saved(html: str, anchor: str, *, message: str = "") -> HttpResponse:
    """The drawn part, put where the form was (the form's own hx-target)."""
    response = HttpResponse(html)
    return trigger_client_event(response, "saved", {"anchor": anchor, "message": message, "problem": ""})

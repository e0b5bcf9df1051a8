"""Export to Word: a page to choose the copy, and the download itself, streamed. Every
member may export (a Word copy is another way of reading); outsiders get 404."""

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header

from documents.export import export_docx
from documents.forms import ExportForm
from documents.selectors import review_counts
from occupations import access

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def annotate_page(*, outline, membership) -> dict:
    """The proposal page's tool bar links here (registered with occupations.annotations)."""
    return {"proposal_tools": [("Export to Word", reverse("export_page", args=[outline.proposal.pk]))]}


def _export_page(request, membership, form, status=200):
    proposal = membership.proposal
    return render(request, "documents/export.html", {
        "proposal": proposal,
        "membership": membership,
        "form": form,
        "counts": review_counts(proposal),
    }, status=status)


@login_required
def export_page(request, pk: int):
    membership = access.membership_for(request.user, pk, access.READ)
    return _export_page(request, membership, ExportForm(initial={"copy": ExportForm.Copy.SUBMISSION}))


@login_required
def export_word(request, pk: int):
    membership = access.membership_for(request.user, pk, access.READ)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return _export_page(request, membership, form, status=400)
    review = form.cleaned_data["copy"] == ExportForm.Copy.REVIEW
    export = export_docx(membership.proposal, review=review, include_resolved=form.cleaned_data["resolved"])
    response = StreamingHttpResponse(export.chunks, content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    response["Cache-Control"] = "private, no-store"
    return response

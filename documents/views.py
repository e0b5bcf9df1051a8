"""Export to Word: a page to choose the copy, and the download itself, streamed. Every
member may export (a Word copy is another way of reading); outsiders get 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from documents import services
from documents.export import export_docx
from documents.forms import ExportForm, ImportForm
from documents.models import ReviewImport
from documents.preview import preview_of, preview_page
from documents.selectors import import_summary, imports_of, review_counts, stale_before
from documents.upload import MAX_BYTES
from occupations import access

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def annotate_page(*, outline, membership, **kwargs) -> dict:
    """The proposal page's tool bar links here (registered with occupations.annotations)."""
    tools = [("Export to Word", reverse("export_page", args=[outline.proposal.pk]))]
    if access.role_allows(membership.role, access.WRITE):
        tools.append(("Import reviewed Word files", reverse("import_page", args=[outline.proposal.pk])))
    return {"proposal_tools": tools}


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


def _import_page(request, membership, form, status=200, *, insist: bool = False):
    imports = imports_of(membership.proposal)
    return render(request, "documents/import.html", {
        "proposal": membership.proposal,
        "form": form,
        "imports": imports,
        "waiting": sum(item.status == ReviewImport.Status.PREVIEWED and not item.is_stale for item in imports),
        "insist": insist,
        "limit_mb": MAX_BYTES // (1024 * 1024),
    }, status=status)


def _preview(request, membership, review_import, status=200):
    earlier = (ReviewImport.objects.filter(proposal=membership.proposal, checksum=review_import.checksum,
                                           status=ReviewImport.Status.APPLIED)
               .select_related("uploaded_by").defer("data", "preview").order_by("-decided_at").first())
    return render(request, "documents/import_preview.html", {
        "proposal": membership.proposal,
        "review_import": review_import,
        "preview": preview_page(review_import.preview, request.GET.get("page")),
        "earlier": earlier,
    }, status=status)


@login_required
def import_page(request, pk: int):
    """Upload a reviewed file: its preview comes back, and nothing changes until Apply."""
    membership = access.membership_for(request.user, pk, access.WRITE)
    if request.method != "POST":
        return _import_page(request, membership, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, membership, form, status=400)
    uploads = form.cleaned_data["file"]
    previewed, refused = [], []
    for upload in uploads:
        try:
            if upload.size > MAX_BYTES:
                raise ValidationError(f"This file is {upload.size / 1024 / 1024:.1f} MB, more than the "
                                      f"{MAX_BYTES // 1024 // 1024} MB limit.", code="too_large")
            review_import, _ = services.review_import_preview(
                proposal=membership.proposal, by=request.user, data=upload.read(), name=upload.name,
                text_matching=form.cleaned_data["text_matching"])
            previewed.append(review_import)
        except ValidationError as error:
            refused.append((upload.name, error))
    if len(uploads) == 1:
        if refused:
            name, error = refused[0]
            form.add_error("file", ValidationError(f"{name}: {' '.join(error.messages)}", code=error.code))
            return _import_page(request, membership, form, status=400, insist=error.code == "other_proposal")
        # The preview is a page of its own: reloading it does not send the file again.
        return redirect("import_preview", pk=pk, import_id=previewed[0].pk)
    # Several files: each is previewed; the page lists them to look at, apply or cancel.
    for name, error in refused:
        messages.error(request, f"{name}: {' '.join(error.messages)}")
    if previewed:
        messages.info(request, f"{len(previewed)} file{'s' * (len(previewed) != 1)} previewed: look at each, "
                               "or apply them all.")
    return redirect("import_page", pk=pk)


@login_required
@require_POST
def import_apply_all(request, pk: int):
    """Every file previewed and waiting, applied one after the other (oldest first), so
    what one brings is known when the next is planned."""
    membership = access.membership_for(request.user, pk, access.WRITE)
    waiting = ReviewImport.objects.filter(proposal=membership.proposal, status=ReviewImport.Status.PREVIEWED,
                                          created_at__gte=stale_before()
                                          ).defer("data", "preview").order_by("created_at", "id")
    done = []
    for review_import in waiting:
        try:
            applied = services.review_import_apply(review_import=review_import, by=request.user)
        except ValidationError as error:
            messages.error(request, f"{review_import.file_name}: {error.messages[0]}")
            continue
        done.append(f"{applied.file_name} ({import_summary(applied.summary)})")
    if done:
        messages.success(request, "Imported " + "; ".join(done) + ".")
    return redirect("proposal_detail", pk=pk)


def _import_of(membership, import_id: int) -> ReviewImport:
    # Never its file: the pages of an import are drawn from what was stored when it was read.
    return get_object_or_404(ReviewImport.objects.defer("data"), pk=import_id, proposal=membership.proposal)


@login_required
def import_preview(request, pk: int, import_id: int):
    membership = access.membership_for(request.user, pk, access.WRITE)
    review_import = _import_of(membership, import_id)
    if review_import.status != ReviewImport.Status.PREVIEWED:
        messages.info(request, f"{review_import.file_name} was {review_import.get_status_display().lower()}.")
        return redirect("import_page", pk=pk)
    if not review_import.preview:
        # Previewed before previews were stored: read once more, and kept from now on.
        try:
            review_import.preview = preview_of(services.review_import_plan(review_import))
        except ValidationError as error:
            messages.error(request, f"{review_import.file_name}: {' '.join(error.messages)}")
            return redirect("import_page", pk=pk)
        review_import.save(update_fields=["preview"])
    return _preview(request, membership, review_import)


@login_required
@require_POST
def import_apply(request, pk: int, import_id: int):
    membership = access.membership_for(request.user, pk, access.WRITE)
    review_import = _import_of(membership, import_id)
    try:
        review_import = services.review_import_apply(review_import=review_import, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("import_page", pk=pk)
    messages.success(request, f"Imported {review_import.file_name}: {import_summary(review_import.summary)}.")
    return redirect("proposal_detail", pk=pk)


@login_required
@require_POST
def import_cancel(request, pk: int, import_id: int):
    membership = access.membership_for(request.user, pk, access.WRITE)
    review_import = _import_of(membership, import_id)
    try:
        services.review_import_cancel(review_import=review_import, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.info(request, f"Cancelled: nothing from {review_import.file_name} was imported.")
    return redirect("import_page", pk=pk)

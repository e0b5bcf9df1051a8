from django.conf import settings
from django.db import models
from django.db.models import Q

from occupations.models import Proposal


class ReviewImport(models.Model):
    """A reviewed Word file brought back into a proposal: previewed first, then applied
    (or cancelled). The file is kept only until then; its name, size and checksum stay,
    with who imported it, when, and what it created."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        APPLIED = "applied", "Applied"
        CANCELLED = "cancelled", "Cancelled"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="review_imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="review_imports"
    )
    file_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the file, in hex.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    text_matching = models.BooleanField(
        default=False, help_text="Matched by text alone: the file is not an export of this proposal."
    )
    data = models.BinaryField(blank=True, default=b"", help_text="The file, until it is applied or cancelled.")
    summary = models.JSONField(default=dict, blank=True, help_text="What applying it created, by kind.")
    preview = models.JSONField(default=dict, blank=True,
                               help_text="What the preview page shows, stored when the file was first read.")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["proposal", "-created_at", "-id"]
        verbose_name = "review import"
        verbose_name_plural = "review imports"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["previewed", "applied", "cancelled"]), name="reviewimport_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["proposal", "checksum"], name="reviewimport_proposal_checksum")]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display().lower()}) into {self.proposal.title}"

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from occupations import codes


class Versioned(models.Model):
    """Every editable object: a version that each save based on it must name (a save
    naming an older one is a conflict), timestamps, and a full history of changes."""

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class Proposal(Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        FINAL = "final", "Final"
        SUBMITTED = "submitted", "Submitted"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=80, unique=True)
    revision_cycle = models.CharField(max_length=40, default="2028 SOC")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    change_count = models.PositiveBigIntegerField(
        default=0, editable=False,
        help_text="Moved by every write to the proposal or its review: what a reader saw is known unchanged "
                  "without drawing it again.")
    introduction = models.TextField("introduction and purpose", blank=True)
    meeting_goals = models.TextField(blank=True)
    background = models.TextField(blank=True)
    committee_input = models.TextField(
        "input requested by the SOC Policy Committee",
        blank=True,
        help_text="What the Committee asks for, introducing the information items.",
    )

    class Meta:
        ordering = ["title", "id"]
        verbose_name = "proposal"
        verbose_name_plural = "proposals"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "in_review", "final", "submitted"]),
                name="proposal_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.revision_cycle})"

    def save(self, *args, **kwargs):
        # Only services.touch_proposal moves the change counter (in the database, F() + 1):
        # a save of a proposal read earlier must not put back the count it read.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [field.name for field in self._meta.concrete_fields
                                       if not field.primary_key and field.name != "change_count"]
        super().save(*args, **kwargs)


class ProposalChange(models.Model):
    """What one write changed, by path (task:42, or * for anything that moves the page's
    structure): an open page asks what changed since the counter it was drawn at, and
    draws only that again. Only the last ones are kept (services.touch_proposal)."""

    EVERYTHING = "*"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="changes")
    number = models.PositiveBigIntegerField(help_text="The proposal's change counter after this write.")
    paths = models.TextField(help_text="The paths this write changed, one a line; * for the whole page.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal", "number"]
        verbose_name = "proposal change"
        verbose_name_plural = "proposal changes"
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="proposalchange_one_per_number"),
        ]

    def __str__(self):
        return f"{self.proposal_id} #{self.number}: {self.paths.replace(chr(10), ', ')}"


class Membership(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", "Coordinator"
        EDITOR = "editor", "Editor"
        REVIEWER = "reviewer", "Reviewer"
        OBSERVER = "observer", "Observer"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.REVIEWER)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["proposal", "user__username"]
        verbose_name = "membership"
        verbose_name_plural = "memberships"
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="membership_unique_per_proposal"),
            models.CheckConstraint(
                condition=Q(role__in=["coordinator", "editor", "reviewer", "observer"]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} of {self.proposal.title}"


class Invitation(models.Model):
    """A coordinator's invitation to an e-mail address. Nobody becomes a member until the
    address's owner accepts it (from the e-mail's link, or from their home page); an
    address with no account creates one on accepting. The link's token is kept only as a
    SHA-256. The e-mail is sent after the invitation is saved: when it cannot be, the
    invitation stays, with the reason, to be sent again."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(help_text="As the coordinator typed it, in lower case.")
    role = models.CharField(max_length=20, choices=Membership.Role.choices, default=Membership.Role.REVIEWER)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="invitations_sent")
    token_digest = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_error = models.CharField(max_length=300, blank=True, help_text="Why the last e-mail could not be sent.")
    decided_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="invitations_decided", help_text="Who accepted or declined it.")

    class Meta:
        ordering = ["proposal", "-created_at", "-id"]
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        constraints = [
            models.UniqueConstraint(fields=["proposal", "email"], condition=Q(status="pending"),
                                    name="invitation_one_pending_per_address"),
            models.CheckConstraint(condition=Q(status__in=["pending", "accepted", "declined", "withdrawn"]),
                                   name="invitation_status_valid"),
            models.CheckConstraint(condition=Q(role__in=["coordinator", "editor", "reviewer", "observer"]),
                                   name="invitation_role_valid"),
        ]
        indexes = [models.Index(fields=["email", "status"], name="invitation_email_status"),
                   models.Index(fields=["invited_by", "created_at"], name="invitation_by_time")]

    def __str__(self):
        return f"{self.email} as {self.get_role_display().lower()} of {self.proposal.title} ({self.status})"


class OccupationGroup(Versioned):
    """One node of the proposed classification: major group, minor group, broad or
    detailed occupation. The code may stay blank while the group is argued about."""

    class Level(models.TextChoices):
        MAJOR = codes.MAJOR, "Major group"
        MINOR = codes.MINOR, "Minor group"
        BROAD = codes.BROAD, "Broad occupation"
        DETAILED = codes.DETAILED, "Detailed occupation"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="groups")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    level = models.CharField(max_length=10, choices=Level.choices)
    code = models.CharField(max_length=7, blank=True, help_text="Like 29-9021; blank while provisional.")
    title = models.CharField(max_length=300)
    title_options = models.TextField(
        blank=True, help_text="Other titles still under discussion, one per line."
    )
    definition = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "occupation group"
        verbose_name_plural = "occupation groups"
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "code"],
                condition=~Q(code=""),
                name="group_code_unique_per_proposal",
                violation_error_message="Another group of this proposal already has this code.",
            ),
            models.CheckConstraint(
                condition=Q(level__in=list(codes.LEVEL_ORDER)), name="group_level_valid"
            ),
        ]
        indexes = [models.Index(fields=["proposal", "position"], name="group_proposal_position")]

    def __str__(self):
        return f"{self.code} {self.title}".strip()

    def clean(self):
        self.code = codes.normalize_code(self.code)
        errors = {}
        try:
            codes.validate_code_for_level(self.code, self.level)
        except ValidationError as error:
            errors["code"] = error
        if self.parent_id is not None:
            parent = self.parent
            if parent.proposal_id != self.proposal_id:
                errors["parent"] = ValidationError(
                    "The parent group belongs to another proposal.", code="parent_proposal"
                )
            elif "code" not in errors:
                try:
                    codes.validate_code_under_parent(self.code, self.level, parent.code, parent.level)
                except ValidationError as error:
                    field = "parent" if error.code == "level_order" else "code"
                    errors[field] = error
        if self.pk and self.code and "code" not in errors:
            prefix = codes.code_prefix(self.code, self.level)
            misfits = [
                child.code
                for child in self.children.exclude(code="")
                if not child.code.startswith(prefix)
            ]
            if misfits:
                errors["code"] = ValidationError(
                    f"The groups below this one ({', '.join(misfits)}) would no longer begin "
                    f"with {prefix}: re-code them first.",
                    code="children_prefix",
                )
        if errors:
            raise ValidationError(errors)


class InformationItem(models.TextChoices):
    """The items of information the SOC Policy Committee asks for, in its order.
    The registry in `occupations.kinds` says what each holds."""

    NATURE_OF_WORK = "nature_of_work", "Nature of work performed"
    DISTINCTNESS = "distinctness", "How the work is distinct from existing SOC occupations"
    KNOWLEDGE_SKILLS_ABILITIES = "ksa", "Knowledge, skills and abilities"
    JOB_TITLES = "job_titles", "Related job titles"
    WORKFORCE = "workforce", "Number of jobs or workers"
    EMPLOYERS = "employers", "Types of employers"
    EDUCATION = "education", "Education and training"
    LICENSING = "licensing", "Licensing"
    TOOLS = "tools", "Tools and technology"
    RESOURCES = "resources", "Supporting information resources"


class Narrative(Versioned):
    """The narrative text of one information item, for the whole proposal or one group."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="narratives")
    group = models.ForeignKey(
        OccupationGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="narratives"
    )
    item = models.CharField(max_length=30, choices=InformationItem.choices)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["proposal", "item", "id"]
        verbose_name = "narrative"
        verbose_name_plural = "narratives"
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "item"],
                condition=Q(group__isnull=True),
                name="narrative_unique_per_proposal_item",
            ),
            models.UniqueConstraint(
                fields=["proposal", "group", "item"],
                condition=Q(group__isnull=False),
                name="narrative_unique_per_group_item",
            ),
        ]

    def __str__(self):
        return f"{self.get_item_display()} – {self.text[:60]}"


class DraftNote(models.Model):
    """A note, question or comment carried over from a Word draft, kept against the
    path of what it was written about until the review layer turns it into a thread."""

    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        QUESTION = "question", "Question"
        ACTION = "action", "Action item"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="draft_notes")
    path = models.CharField(max_length=100, help_text="Like task:42.text, or task:42 for a whole entry.")
    quote = models.TextField(blank=True, help_text="The text the note was written against, if a span.")
    author_name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    text = models.TextField()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["proposal", "position", "id"]
        verbose_name = "note from the draft"
        verbose_name_plural = "notes from the draft"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["comment", "question", "action"]), name="draftnote_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.path}: {self.text[:60]}"


# The entry models live in their own module; importing them here registers them.
from occupations.entries import *  # noqa: E402,F401,F403

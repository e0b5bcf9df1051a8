"""The ordered entries of the information items. Each kind is one small model; the
registry in `occupations.kinds` places it in the document."""

from django.core.exceptions import ValidationError
from django.db import models

from occupations import codes
from occupations.models import OccupationGroup, Proposal, Versioned

__all__ = [
    "Entry", "Task", "WorkActivity", "Knowledge", "Skill", "Ability", "JobTitle",
    "WorkforceFigure", "EmployerType", "EducationRequirement", "LicensingRequirement",
    "Tool", "RelatedOccupation", "SupportingResource",
]


class Entry(Versioned):
    """An entry belongs to the whole proposal, or to one group of its classification."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="%(class)s_entries")
    group = models.ForeignKey(
        OccupationGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="%(class)s_entries",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def clean(self):
        if self.group_id is not None and self.group.proposal_id != self.proposal_id:
            raise ValidationError(
                {"group": ValidationError("That group belongs to another proposal.", code="group_proposal")}
            )


class NamedEntry(Entry):
    """O*NET-style descriptors: a name and what it means."""

    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    class Meta(Entry.Meta):
        abstract = True

    def __str__(self):
        return self.name


class Task(Entry):
    text = models.TextField()
    is_may = models.BooleanField(
        "“may” statement",
        default=False,
        help_text="Frequent, but not performed by all workers in the occupation.",
    )

    class Meta(Entry.Meta):
        verbose_name = "task"
        verbose_name_plural = "tasks"
        indexes = [models.Index(fields=["proposal", "position"], name="task_proposal_position")]

    def __str__(self):
        return self.text[:80]


class WorkActivity(NamedEntry):
    class Meta(NamedEntry.Meta):
        verbose_name = "work activity"
        verbose_name_plural = "work activities"


class Knowledge(NamedEntry):
    class Meta(NamedEntry.Meta):
        verbose_name = "knowledge area"
        verbose_name_plural = "knowledge"


class Skill(NamedEntry):
    class Meta(NamedEntry.Meta):
        verbose_name = "skill"
        verbose_name_plural = "skills"


class Ability(NamedEntry):
    class Meta(NamedEntry.Meta):
        verbose_name = "ability"
        verbose_name_plural = "abilities"


class JobTitle(Entry):
    title = models.CharField(max_length=300)

    class Meta(Entry.Meta):
        verbose_name = "related job title"
        verbose_name_plural = "related job titles"

    def __str__(self):
        return self.title


class WorkforceFigure(Entry):
    description = models.CharField("what is counted", max_length=500)
    number = models.PositiveBigIntegerField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True)
    citation = models.TextField(blank=True)

    class Meta(Entry.Meta):
        verbose_name = "workforce figure"
        verbose_name_plural = "workforce figures"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__isnull=True) | models.Q(year__gte=1900, year__lte=2100),
                name="workforcefigure_year_plausible",
                violation_error_message="Give a year between 1900 and 2100.",
            ),
        ]

    def __str__(self):
        return f"{self.number if self.number is not None else '?'} {self.description}"


class EmployerType(Entry):
    category = models.CharField(max_length=300)
    examples = models.TextField(blank=True)

    class Meta(Entry.Meta):
        verbose_name = "type of employer"
        verbose_name_plural = "types of employers"

    def __str__(self):
        return self.category


class EducationRequirement(Entry):
    class Category(models.TextChoices):
        EDUCATION = "education", "Education"
        RELATED_EXPERIENCE = "related_experience", "Related experience"
        JOB_TRAINING = "job_training", "Job training"
        CERTIFICATION = "certification", "Certification"

    category = models.CharField(max_length=30, choices=Category.choices, default=Category.EDUCATION)
    text = models.TextField()

    class Meta(Entry.Meta):
        verbose_name = "education or training requirement"
        verbose_name_plural = "education and training requirements"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    category__in=["education", "related_experience", "job_training", "certification"]
                ),
                name="educationrequirement_category_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.text[:60]}"


class LicensingRequirement(Entry):
    text = models.TextField()

    class Meta(Entry.Meta):
        verbose_name = "licensing requirement"
        verbose_name_plural = "licensing requirements"

    def __str__(self):
        return self.text[:80]


class Tool(Entry):
    class Kind(models.TextChoices):
        TOOL = "tool", "Tools"
        TECHNOLOGY = "technology", "Technology"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TOOL)
    category = models.CharField(max_length=300)
    examples = models.TextField(blank=True)

    class Meta(Entry.Meta):
        verbose_name = "tool or technology"
        verbose_name_plural = "tools and technology"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["tool", "technology"]), name="tool_kind_valid"
            ),
        ]

    def __str__(self):
        return self.category


class RelatedOccupation(Entry):
    """An existing SOC occupation the proposed one is compared with."""

    code = models.CharField(max_length=7)
    title = models.CharField(max_length=300)
    distinction = models.TextField("how the proposed work differs", blank=True)

    class Meta(Entry.Meta):
        verbose_name = "related SOC occupation"
        verbose_name_plural = "related SOC occupations"

    def __str__(self):
        return f"{self.code} {self.title}"

    def clean(self):
        super().clean()
        self.code = codes.normalize_code(self.code)
        if not codes.CODE_SHAPE.match(self.code):
            raise ValidationError(
                {"code": ValidationError(
                    "A SOC code has two digits, a hyphen and four digits, like 29-9021.",
                    code="code_shape",
                )}
            )


class SupportingResource(Entry):
    class Category(models.TextChoices):
        EDUCATION_PROGRAM = "education_program", "Education programs"
        CURRICULUM_STANDARD = "curriculum_standard", "Curriculum standards"
        ACCREDITATION = "accreditation", "Accreditation"
        CREDENTIAL = "credential", "Certification and credentials"
        DATA_SOURCE = "data_source", "Data sources"
        PARTNER = "partner", "Partners"
        OTHER = "other", "Other resources"

    category = models.CharField(max_length=30, choices=Category.choices, default=Category.OTHER)
    name = models.CharField(max_length=300)
    examples = models.TextField(blank=True)

    class Meta(Entry.Meta):
        verbose_name = "supporting resource"
        verbose_name_plural = "supporting resources"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    category__in=[
                        "education_program", "curriculum_standard", "accreditation",
                        "credential", "data_source", "partner", "other",
                    ]
                ),
                name="supportingresource_category_valid",
            ),
        ]

    def __str__(self):
        return self.name

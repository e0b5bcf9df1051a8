"""Federal reference data, read-only: the Standard Occupational Classification and the
Bureau of Labor Statistics' national employment and wage estimates. Each load is a
release (the 2018 SOC; OEWS May 2025), so a later one (the 2028 SOC, OEWS May 2026) is
loaded beside it, not over it. Nothing here knows of proposals."""

from django.db import models


class Release(models.Model):
    """One published edition of a classification or of a survey's estimates."""

    class Kind(models.TextChoices):
        SOC = "soc", "Standard Occupational Classification"
        OEWS = "oews", "Occupational Employment and Wage Statistics"

    key = models.SlugField(max_length=40, unique=True, help_text="soc-2018, oews-2025-05.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200, help_text="2018 Standard Occupational Classification.")
    year = models.PositiveSmallIntegerField(help_text="The reference year: 2018; 2025 for May 2025 estimates.")
    period = models.CharField(max_length=40, blank=True, help_text="May 2025, for estimates.")
    source = models.TextField(help_text="How to cite it.")
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the files it was loaded from.")
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "reference release"
        verbose_name_plural = "reference releases"
        ordering = ["kind", "-year"]

    def __str__(self):
        return self.title


class Occupation(models.Model):
    """A group of the classification at any of its four levels, with its place in the
    hierarchy (major > minor > broad > detailed)."""

    class Level(models.TextChoices):
        MAJOR = "major", "Major group"
        MINOR = "minor", "Minor group"
        BROAD = "broad", "Broad occupation"
        DETAILED = "detailed", "Detailed occupation"

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="occupations")
    code = models.CharField(max_length=7, help_text="15-1242.")
    level = models.CharField(max_length=10, choices=Level.choices)
    title = models.CharField(max_length=200)
    definition = models.TextField(blank=True, help_text="Detailed occupations only.")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")

    class Meta:
        verbose_name = "SOC occupation"
        verbose_name_plural = "SOC occupations"
        ordering = ["release", "code"]
        constraints = [models.UniqueConstraint(fields=["release", "code"], name="reference_occupation_code_unique")]

    def __str__(self):
        return f"{self.code} {self.title}"


class MatchTitle(models.Model):
    """A job title BLS codes directly to one detailed occupation ("Database Administrator"
    to 15-1242); some are the manual's illustrative examples."""

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="match_titles")
    title = models.CharField(max_length=200)
    illustrative = models.BooleanField(default=False)

    class Meta:
        verbose_name = "direct-match title"
        verbose_name_plural = "direct-match titles"
        ordering = ["occupation", "title"]

    def __str__(self):
        return self.title


class Footnote(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="footnotes")
    code = models.CharField(max_length=4)
    text = models.TextField()

    class Meta:
        verbose_name = "estimate footnote"
        verbose_name_plural = "estimate footnotes"
        ordering = ["release", "code"]
        constraints = [models.UniqueConstraint(fields=["release", "code"], name="reference_footnote_code_unique")]

    def __str__(self):
        return f"{self.code}: {self.text[:60]}"


class Estimate(models.Model):
    """National employment and wages of one occupation code, in all industries (sector
    blank) or in one NAICS sector. A blank figure is one BLS did not publish; its footnote
    says why. The code is kept as published: OEWS combines a few detailed occupations
    into codes the SOC does not have."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="estimates")
    soc_code = models.CharField(max_length=7)
    title = models.CharField(max_length=200)
    sector_code = models.CharField(max_length=10, blank=True, help_text="62--63; blank for all industries.")
    sector = models.CharField(max_length=200, blank=True, help_text="Sector 62 - Health Care and Social Assistance.")
    employment = models.PositiveIntegerField(null=True, blank=True)
    mean_wage = models.PositiveIntegerField(null=True, blank=True, help_text="Annual, in dollars.")
    median_wage = models.PositiveIntegerField(null=True, blank=True, help_text="Annual, in dollars.")
    employment_note = models.CharField(max_length=4, blank=True)
    mean_wage_note = models.CharField(max_length=4, blank=True)
    median_wage_note = models.CharField(max_length=4, blank=True)

    class Meta:
        verbose_name = "employment estimate"
        verbose_name_plural = "employment estimates"
        ordering = ["release", "sector_code", "soc_code"]
        constraints = [models.UniqueConstraint(fields=["release", "sector_code", "soc_code"],
                                               name="reference_estimate_unique")]

    def __str__(self):
        return f"{self.soc_code} {self.sector or 'all industries'}: {self.employment}"

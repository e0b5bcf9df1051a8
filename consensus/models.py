"""Rating rounds: a coordinator opens one on some of the proposal's entries, the members
who may review rate each entry, and when it closes everyone sees the results.

A round's scope is an information item (or all of them), optionally one kind of entry in
it, for the whole proposal or for one group of the classification."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from occupations.models import InformationItem, OccupationGroup, Proposal


class Round(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveIntegerField(help_text="1, 2, … within its proposal.")
    item = models.CharField(max_length=40, blank=True, choices=InformationItem.choices,
                            help_text="Blank: every information item.")
    entry_kind = models.CharField(max_length=40, blank=True, help_text="Blank: every kind of entry of the item.")
    group = models.ForeignKey(
        OccupationGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="rounds",
        help_text="Blank: the whole proposal.",
    )
    group_title = models.CharField(max_length=300, blank=True,
                                   help_text="The group's title when opened: kept if the group is deleted.")
    scope_label = models.CharField(max_length=400, help_text="What is rated, in words, as it was opened.")
    follows = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="followed_by",
                                help_text="A second round: the closed round whose undecided entries it rates again.")
    paths = models.TextField(blank=True, help_text="A second round: the entries it rates, one path a line.")
    anonymous = models.BooleanField(default=True, help_text="Results show no rater's name.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closes_at = models.DateTimeField(null=True, blank=True, help_text="The round closes itself then.")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["proposal", "number"]
        verbose_name = "rating round"
        verbose_name_plural = "rating rounds"
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="round_number_unique"),
            models.CheckConstraint(condition=Q(status__in=["open", "closed"]), name="round_status_valid"),
        ]

    def __str__(self):
        return f"Round {self.number}: {self.scope_label}"

    @property
    def path_set(self) -> set[str] | None:
        """The entries a second round rates; None for a round on its whole scope."""
        return set(self.paths.split()) if self.follows_id or self.paths else None

    @property
    def ended_at(self):
        """When it closed: by a coordinator, or at its closing date."""
        return self.closed_at or self.closes_at

    @property
    def is_open(self) -> bool:
        """Open, and not past its closing date (it closes itself then, whether or not
        anyone has closed it since)."""
        return self.status == self.Status.OPEN and (self.closes_at is None or self.closes_at > timezone.now())


class Rating(models.Model):
    """One member's rating of one entry in one round. The entry is named by its path, so a
    deleted entry keeps its ratings."""

    class Relevance(models.TextChoices):
        YES = "yes", "Relevant"
        NO = "no", "Not relevant"
        UNSURE = "unsure", "Not sure"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings")
    path = models.CharField(max_length=100, help_text="The entry rated: task:42.")
    relevant = models.CharField(max_length=10, choices=Relevance.choices)
    importance = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1–5, where relevant.")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "path", "created_at", "id"]
        verbose_name = "rating"
        verbose_name_plural = "ratings"
        constraints = [
            models.UniqueConstraint(fields=["round", "rater", "path"], name="rating_once_per_rater"),
            models.CheckConstraint(condition=Q(relevant__in=["yes", "no", "unsure"]), name="rating_relevant_valid"),
            models.CheckConstraint(
                condition=(Q(relevant="yes") & Q(importance__gte=1) & Q(importance__lte=5))
                | (~Q(relevant="yes") & Q(importance__isnull=True)),
                name="rating_importance_where_relevant",
            ),
        ]
        indexes = [models.Index(fields=["round", "path"], name="rating_round_path")]

    def __str__(self):
        return f"{self.path} in round {self.round_id}: {self.get_relevant_display()}" + (
            f", {self.importance}" if self.importance else "")


class Thresholds(models.Model):
    """A proposal's rules for results, where it departs from the defaults: O*NET's Core
    (importance 3.0 of 5) and the Delphi studies' agreement (75%, an IQR of 1)."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="consensus_thresholds")
    quorum = models.PositiveSmallIntegerField(
        default=5, help_text="Fewer yes-or-no answers than this (or than the members who may rate) is too few.")
    core_importance = models.DecimalField(max_digits=3, decimal_places=2, default=3,
                                          help_text="The least mean importance of a Core entry.")
    agreement_pct = models.PositiveSmallIntegerField(
        default=75, help_text="The share of raters giving the same relevance answer for the panel to agree.")
    agreement_iqr = models.DecimalField(max_digits=3, decimal_places=2, default=1,
                                        help_text="The largest importance IQR at which the panel agrees.")

    class Meta:
        verbose_name = "consensus thresholds"
        verbose_name_plural = "consensus thresholds"
        constraints = [
            models.CheckConstraint(condition=Q(quorum__gte=1), name="thresholds_quorum_positive"),
            models.CheckConstraint(condition=Q(agreement_pct__gte=1) & Q(agreement_pct__lte=100),
                                   name="thresholds_agreement_pct_range"),
        ]

    def __str__(self):
        return f"Thresholds of proposal {self.proposal_id}"

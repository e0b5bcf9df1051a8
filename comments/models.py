"""The review layer: threads of comments and suggested changes, each anchored to a path of
the proposal (task:42.text, or task:42 for a whole entry) and, for a span, to the quoted
text with its context and offsets, in the manner of the W3C Web Annotation model.

This app knows a proposal and a path, not the models behind each path."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from occupations.members import display_name
from occupations.models import Proposal


class Anchored(models.Model):
    """Where a thread or suggestion sits. A span has start/end offsets into the field's
    text and its quote; without a span it is about the whole field or object. Detached:
    its text is gone; the quote as written is kept and shown, never dropped."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="%(class)ss")
    path = models.CharField(max_length=100, help_text="Like task:42.text, or task:42 for a whole entry.")
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    quote = models.TextField(blank=True, help_text="The text the span covers now.")
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    original_quote = models.TextField(blank=True, help_text="The text as it was when the span was made.")
    is_detached = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(
        max_length=200, blank=True, help_text="Who wrote it, when not a member (a Word reviewer, the draft)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def has_span(self) -> bool:
        return self.start is not None

    @property
    def author_label(self) -> str:
        return display_name(self.created_by) if self.created_by_id else self.author_name or "Someone"


def _span_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(
            condition=(Q(start__isnull=True) & Q(end__isnull=True))
            | (Q(start__isnull=False) & Q(end__isnull=False) & Q(start__lte=F("end"))),
            name=f"{prefix}_span_valid",
        ),
    ]


class Thread(Anchored):
    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        QUESTION = "question", "Question"
        ACTION = "action", "Action item"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="assigned_threads", help_text="For an action item: who is to do it.",
    )
    is_done = models.BooleanField(default=False, help_text="For an action item: it has been done.")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Order among threads made at once (a draft's notes).")

    class Meta:
        ordering = ["proposal", "position", "created_at", "id"]
        verbose_name = "thread"
        verbose_name_plural = "threads"
        constraints = [
            *_span_constraints("thread"),
            models.CheckConstraint(condition=Q(kind__in=["comment", "question", "action"]), name="thread_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=["open", "resolved"]), name="thread_status_valid"),
        ]
        indexes = [models.Index(fields=["proposal", "path"], name="thread_proposal_path")]

    def __str__(self):
        about = f"“{self.quote[:40]}”" if self.quote else self.path
        return f"{self.get_kind_display()} on {about}"


class Comment(models.Model):
    """One message of a thread: the first opens it, the rest are replies (one level, as in
    Word). A deleted comment that has replies stays as "comment deleted"."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="review_comments"
    )
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_deleted = models.BooleanField(default=False)

    class Meta:
        ordering = ["thread", "created_at", "id"]
        verbose_name = "comment"
        verbose_name_plural = "comments"

    def __str__(self):
        return f"{self.author_label}: {self.text[:60]}"

    @property
    def author_label(self) -> str:
        return display_name(self.author) if self.author_id else self.author_name or "Someone"


class Suggestion(Anchored):
    """A tracked change: replace a span of one field (insert: an empty span; delete: an
    empty replacement), add an entry, or remove one. Outdated: its span changed
    underneath it, so it is never applied blindly."""

    class Kind(models.TextChoices):
        REPLACE = "replace", "Change text"
        ADD_ENTRY = "add_entry", "Add an entry"
        REMOVE_ENTRY = "remove_entry", "Remove an entry"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REPLACE)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    replacement = models.TextField(blank=True)
    entry_kind = models.CharField(max_length=40, blank=True, help_text="For a new entry: its kind (task, tool…).")
    entry_values = models.JSONField(default=dict, blank=True, help_text="For a new entry: its fields.")
    is_outdated = models.BooleanField(default=False)
    thread = models.OneToOneField(
        Thread, on_delete=models.SET_NULL, null=True, blank=True, related_name="suggestion",
        help_text="The suggestion's own discussion.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["proposal", "created_at", "id"]
        verbose_name = "suggestion"
        verbose_name_plural = "suggestions"
        constraints = [
            *_span_constraints("suggestion"),
            models.CheckConstraint(
                condition=Q(kind__in=["replace", "add_entry", "remove_entry"]), name="suggestion_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "accepted", "rejected"]), name="suggestion_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["proposal", "path"], name="suggestion_proposal_path")]

    def __str__(self):
        if self.kind == self.Kind.REPLACE:
            return f"“{self.quote[:30]}” → “{self.replacement[:30]}”"
        return f"{self.get_kind_display()} ({self.path})"


class Mention(models.Model):
    """A member named with @ in a comment. Recorded once per comment and member, so an
    edit that keeps the @name does not notify them again."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_mentions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "mention"
        verbose_name_plural = "mentions"
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="mention_unique_per_comment"),
        ]
        indexes = [models.Index(fields=["user", "created_at"], name="mention_user_created")]

    def __str__(self):
        return f"@{self.user} in {self.comment}"


class InboxVisit(models.Model):
    """When a user last looked at their inbox: what came after it is unread."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_visit")
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["user"]
        verbose_name = "inbox visit"
        verbose_name_plural = "inbox visits"

    def __str__(self):
        return f"{self.user} read the inbox at {self.seen_at:%Y-%m-%d %H:%M}"


class Notice(models.Model):
    """A message to one member in their inbox from another app or a coordinator (a
    reminder to finish rating, say): its words and where it leads."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="notices")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    text = models.TextField()
    url = models.CharField(max_length=300, help_text="Where it leads, within the site.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "notice"
        verbose_name_plural = "notices"
        indexes = [models.Index(fields=["user", "created_at"], name="notice_user_created")]

    def __str__(self):
        return f"To {self.user}: {self.text[:60]}"

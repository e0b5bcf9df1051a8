from django.apps import AppConfig


class CommentsConfig(AppConfig):
    """The review layer: threads, replies, suggestions and their anchors (to come)."""

    name = "comments"
    verbose_name = "Review"

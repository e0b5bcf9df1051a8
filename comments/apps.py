from django.apps import AppConfig


class CommentsConfig(AppConfig):
    """The review layer: threads, replies, suggestions and their anchors."""

    name = "comments"
    verbose_name = "Review"

    def ready(self):
        from comments import receivers  # noqa: F401  (connects the anchors to the text)
        from comments import drafts  # noqa: F401
        from comments.page import annotate_page
        from occupations import annotations

        annotations.register(annotate_page)

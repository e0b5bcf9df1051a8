from django.apps import AppConfig


class CommentsConfig(AppConfig):
    """The review layer: threads, replies, suggestions and their anchors."""

    name = "comments"
    verbose_name = "Review"

    def ready(self):
        from comments import receivers  # noqa: F401  (connects the anchors to the text)
        from comments import drafts  # noqa: F401
        from comments.page import annotate_page
        from comments.mentions import inbox_unread_for
        from comments.redraw import bar_parts
        from comments.shared import personalize
        from occupations import annotations, conditional

        annotations.register(annotate_page)
        annotations.register_live(bar_parts)
        annotations.register_personalizer(personalize)
        # Every page shows the reader's unread count in its header: it is part of each tag.
        conditional.register_reader_part(lambda request: f"inbox:{inbox_unread_for(request)}")

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """The Word round trip: export and import of reviewed files (to come)."""

    name = "documents"
    verbose_name = "Word documents"

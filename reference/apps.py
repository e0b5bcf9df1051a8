from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    """Federal reference data: the SOC and BLS's employment figures. Read by every app; it
    imports none of them."""

    name = "reference"
    verbose_name = "Reference data"

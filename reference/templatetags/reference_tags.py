import re

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

# A code in a definition's cross-reference, with BLS's non-breaking hyphen (U+2010) or not.
CODE = re.compile(r"\b(\d\d)[-\u2010](\d{4})\b")


@register.filter
def linked_codes(text: str) -> str:
    """The text, escaped, each SOC code in it a link to that occupation."""
    def link(match) -> str:
        code = f"{match.group(1)}-{match.group(2)}"
        return f'<a href="{reverse("soc_occupation", args=[code])}">{code}</a>'
    return mark_safe(CODE.sub(link, escape(text)))

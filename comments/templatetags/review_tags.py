from django import template

from comments.cards import margin

register = template.Library()


@register.simple_tag(takes_context=True)
def review_margin(context, notes) -> str:
    """The cards beside a block (see comments.cards for why they are not a template)."""
    return margin(notes, context["review"], context["base"])

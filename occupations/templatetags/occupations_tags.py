from django import template

register = template.Library()


@register.simple_tag
def edit_url_for_paragraph(block, base: str) -> str:
    """Where a paragraph of the page is edited: the proposal's own text, an item's
    narrative, or the group it describes. Built from the page's base URL, not reversed,
    because a long proposal has hundreds of paragraphs."""
    prefix, _, field = block.text_path.partition(".")
    kind = prefix.split(":", 1)[0]
    if kind == "proposal":
        return f"{base}text/{field}/edit/"
    if kind == "narrative":
        narrative = block.obj
        scope = f"?group={narrative.group_id}" if narrative.group_id else ""
        return f"{base}narratives/{narrative.item}/edit/{scope}"
    if kind == "group":
        return f"{base}groups/{block.obj.pk}/edit/"
    return ""

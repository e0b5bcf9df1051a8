from django import template
from django.utils.safestring import mark_safe

from occupations import annotations

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


@register.simple_tag(takes_context=True)
def entry_actions(context, entry) -> str:
    """The tools of one entry. A long proposal shows a thousand of these, so they are
    formatted here rather than through an included template (five times faster), and
    their buttons share the page's one form (its CSRF token) through form="entry-actions"."""
    base = context["base"]
    kind_url = f"{base}entries/{entry.entry_kind.key}/"
    url = f"{kind_url}{entry.obj.pk}/"
    return mark_safe(
        '<div class="block-actions" role="group" aria-label="Actions" '
        'hx-target="closest .editable" hx-swap="outerHTML">'
        # Dragging is for the mouse; the arrows do the same from the keyboard.
        f'<span class="drag-handle" draggable="true" data-move="{url}move/" title="Drag to reorder" '
        'aria-hidden="true">⠿</span>'
        f'<a href="{url}edit/" hx-get="{url}edit/" data-edit>Edit</a>'
        f'<a href="{kind_url}add/?after={entry.obj.pk}" hx-get="{kind_url}add/?after={entry.obj.pk}" '
        'hx-swap="afterend" data-edit>Insert below</a>'
        f'<button type="submit" form="entry-actions" formaction="{url}move/" name="direction" value="up" '
        f'hx-post="{url}move/" aria-label="Move up" title="Move up">↑</button>'
        f'<button type="submit" form="entry-actions" formaction="{url}move/" name="direction" value="down" '
        f'hx-post="{url}move/" aria-label="Move down" title="Move down">↓</button>'
        f'<button type="submit" form="entry-actions" formaction="{url}delete/" hx-post="{url}delete/" '
        'class="text-danger">Delete</button>'
        f'<a href="{base}history/{entry.path}/">History</a>'
        f"{block_tools(context, entry)}"
        "</div>"
    )


@register.simple_tag(takes_context=True)
def field_text(context, path: str, text, paragraphs: bool = False) -> str:
    """One field's text, as the review layer marks it (highlights, suggested changes), or
    plain. Called for every field of the page, so it looks the renderer up once per call
    in the context rather than through an include."""
    if not isinstance(text, str):
        return "" if text is None else str(text)
    render = context.get("render_field") or annotations.plain_field
    return render(path, text, paragraphs)


@register.simple_tag(takes_context=True)
def entry_extras(context, entry) -> str:
    """What an app shows under one entry (a rating round's control), if any."""
    extras = context.get("entry_extras")
    return extras(entry) if extras else ""


@register.simple_tag(takes_context=True)
def block_tools(context, block) -> str:
    tools = context.get("block_tools")
    return tools(block) if tools else ""

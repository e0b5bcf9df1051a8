"""What other apps add to the proposal page, without the proposal importing them.

The review layer registers an annotator (in its AppConfig.ready). The page calls each
annotator with the outline; an annotator may put things on the outline's blocks (a block's
`notes`: what sits in the margin beside it) and returns names for the page's context.
These names the page's templates understand:

- render_field(path, text, paragraphs) -> safe HTML of one field's text (with its marks);
- block_tools(block) -> safe HTML of extra tools for a block (comment, suggest);
- entry_extras(entry) -> safe HTML shown under an entry (its rating in an open round);
- notes_template: the template that shows a block's notes;
- review_bar_template: shown at the top of the document;
- contents_extras_template: shown under the page's contents (a filter, say);
- proposal_tools: (label, url) links for the proposal's tool bar (Export to Word).
"""

from django.template.defaultfilters import linebreaksbr
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_annotators: list = []
_live_parts: list = []


def register(annotator) -> None:
    if annotator not in _annotators:
        _annotators.append(annotator)


def register_live(function) -> None:
    """function(request, membership) -> HTML, out of band: what an app's part of the page
    shows beside the entries an open page draws again after others' changes (the review
    bar's totals)."""
    if function not in _live_parts:
        _live_parts.append(function)


def live_parts(request, membership) -> str:
    return "".join(function(request, membership) for function in _live_parts)


def annotate(outline, membership, *, paths: list[str] | None = None, shared: bool = False) -> dict:
    """paths: the objects a part of the page shows (task:42), when only that part is drawn
    again; an annotator then reads only what is about them, so a redraw's cost does not
    grow with the proposal. shared: the page is drawn once for everyone in the reader's
    role; an annotator leaves places for what is the reader's own, and fills them in its
    personalizer (register_personalizer)."""
    context: dict = {"proposal_tools": []}
    for annotator in _annotators:
        names = dict(annotator(outline=outline, membership=membership, paths=paths, shared=shared) or {})
        context["proposal_tools"] += names.pop("proposal_tools", [])  # each app adds its own
        context.update(names)
    return context


_personalizers: list = []


def register_personalizer(function) -> None:
    """function(html, membership) -> html: a shared drawing of the page with this
    reader's own parts put in the places the app left in it."""
    if function not in _personalizers:
        _personalizers.append(function)


def personalize(html: str, membership) -> str:
    for function in _personalizers:
        html = function(html, membership)
    return html


def plain_field(path: str, text: str, paragraphs: bool = False) -> SafeString:
    """A field's text with nothing on it: what the page shows when no app marks it."""
    if paragraphs:
        return mark_safe("".join(f"<p>{escape(line)}</p>" for line in text.split("\n") if line.strip()))
    return linebreaksbr(text, autoescape=True)

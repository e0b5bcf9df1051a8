"""A field's text as HTML with its review marks: threads as highlights, open suggestions as
tracked changes (<del> the words they replace, <ins> their replacement).

Every run of the field's own text sits in an innermost <span data-o="N">, N being the
offset in the text of the run's first character, so that the browser can turn a selection
back into offsets (static/js/review-selection.js): within a run, the DOM text is exactly
text[N:N + len]. Offsets are Python str indices (code points), as in anchoring.py.

Marks may overlap and cross, so the text is cut at every boundary and each piece is wrapped
in every mark over it, always in the same order (threads outside, deletions inside): the
HTML stays well formed whatever the spans.

Line breaks:
- paragraphs=False: a "\\n" ends its run (it stays in the run, so runs concatenate to the
  text exactly) and a <br> follows.
- paragraphs=True: each line is a <p>; the "\\n" and whitespace-only lines belong to no
  run, and marks crossing a line break are closed and reopened in the next <p>. When what
  lies between two paragraphs is not just newlines (a blank line holding spaces), the next
  paragraph's first run carries it in data-gap, so a quote across paragraphs stays exact.
"""

from bisect import bisect_left
from dataclasses import dataclass
from html import escape as _escape_quoted

from django.utils.safestring import SafeString, mark_safe


def render_marked(
    text: str, *, threads=(), suggestions=(), paragraphs: bool = False, active=None
) -> SafeString:
    """The field's text as HTML, marked with its threads and open "replace" suggestions.

    threads: objects with pk, start, end, is_detached, status ("open"/"resolved").
    suggestions: objects with pk, kind, start, end, replacement, is_outdated, status.
    active: the pk of the thread being looked at, whose marks get "anchor-active".
    Items without a span, detached, or whose offsets do not fit the text are left out."""
    n = len(text)
    if not threads and not suggestions and not paragraphs:
        # Most fields of a long page: no marks, one line.
        if "\n" not in text:
            return mark_safe(f'<span data-o="0">{_escape(text)}</span>' if text else "")
        out = []
        _runs(out, text, 0, n, "", True)
        return mark_safe("".join(out))
    spans, zeros = _marks(n, threads, suggestions, active)
    windows = _lines(text) if paragraphs else [(0, n)]
    if not windows:
        if not spans and not zeros:
            return mark_safe("")
        windows = [(0, 0)]  # a blank field that someone suggests writing into
    by_window = _place(windows, spans, zeros)
    out = []
    previous_end = None
    for (lo, hi), (window_spans, window_zeros) in zip(windows, by_window):
        gap = ""
        if paragraphs and previous_end is not None:
            between = text[previous_end:lo]
            if between.count("\n") != len(between):
                gap = f' data-gap="{_attr(between)}"'
        previous_end = hi
        if paragraphs:
            out.append("<p>")
        _window(out, text, lo, hi, window_spans, window_zeros, gap, not paragraphs)
        if paragraphs:
            out.append("</p>")
    return mark_safe("".join(out))


@dataclass(slots=True)
class _Span:
    start: int
    end: int
    key: tuple  # where it nests: threads outside deletions, then longer outside shorter
    open: str
    close: str


def _marks(n, threads, suggestions, active):
    """The spans (start < end) and the zero-width pieces (position, order, html) to draw."""
    spans, zeros = [], []
    for index, thread in enumerate(threads):
        start, end = thread.start, thread.end
        if thread.is_detached or not _fits(start, end, n):
            continue
        classes = "anchor anchor-point" if start == end else "anchor"
        if thread.status == "resolved":
            classes += " anchor-resolved"
        if active is not None and thread.pk == active:
            classes += " anchor-active"
        pk = _attr(thread.pk)
        if start == end:
            zeros.append((start, 1, index, f'<mark class="{classes}" data-thread="{pk}"></mark>'))
        else:
            spans.append(_Span(start, end, (0, start, -end, index),
                               f'<mark class="{classes}" data-thread="{pk}">', "</mark>"))
    for index, suggestion in enumerate(suggestions):
        start, end = suggestion.start, suggestion.end
        if (
            suggestion.kind != "replace"
            or suggestion.status != "open"
            or getattr(suggestion, "is_detached", False)
            or not _fits(start, end, n)
        ):
            continue
        outdated = " suggestion-outdated" if suggestion.is_outdated else ""
        pk = _attr(suggestion.pk)
        if start < end:
            spans.append(_Span(start, end, (1, start, -end, index),
                               f'<del class="suggested-del{outdated}" data-suggestion="{pk}">', "</del>"))
        if suggestion.replacement:
            # Right after the deleted words; never counted as the field's text.
            inserted = _escape(suggestion.replacement).replace("\n", "\n<br>")
            zeros.append((end, 0, index, f'<ins class="suggested-ins{outdated}" data-suggestion="{pk}" '
                                         f'data-at="{end}">{inserted}</ins>'))
    zeros.sort(key=lambda zero: zero[:3])
    return spans, zeros


def _fits(start, end, n) -> bool:
    return isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= n


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line that is not only whitespace, without its "\\n"."""
    windows = []
    position = 0
    for line in text.split("\n"):
        if line.strip():
            windows.append((position, position + len(line)))
        position += len(line) + 1
    return windows


def _place(windows, spans, zeros):
    """Each window's spans (clipped to it) and zero-width pieces. A piece between windows
    (on a skipped blank line) goes to the start of the next one, or the end of the last; so
    does a thread whose whole span was skipped, drawn as a point: nothing goes missing."""
    placed = [([], []) for _ in windows]
    if not spans and not zeros:
        return placed
    ends = [hi for _, hi in windows]

    def spot(position):
        i = bisect_left(ends, position)
        if i == len(windows):
            return i - 1, ends[-1]
        return i, max(position, windows[i][0])

    for span in spans:
        shown = False
        for i, (lo, hi) in enumerate(windows):
            start, end = max(span.start, lo), min(span.end, hi)
            if start < end:
                placed[i][0].append(_Span(start, end, span.key, span.open, span.close))
                shown = True
        if not shown and span.key[0] == 0:
            i, position = spot(span.start)
            point = span.open.replace('class="anchor', 'class="anchor anchor-point', 1) + span.close
            placed[i][1].append((position, 1, span.key[3], point))
    for position, order, index, html in zeros:
        i, position = spot(position)
        placed[i][1].append((position, order, index, html))
    for _, window_zeros in placed:
        window_zeros.sort(key=lambda zero: zero[:3])
    return placed


def _window(out, text, lo, hi, spans, zeros, gap, breaks):
    """Appends text[lo:hi] with its marks to out."""
    if not spans and not zeros:
        _runs(out, text, lo, hi, gap, breaks)
        return
    cuts = {lo, hi}
    for span in spans:
        cuts.add(span.start)
        cuts.add(span.end)
    for zero in zeros:
        cuts.add(zero[0])
    cuts = sorted(cuts)
    stack = []
    z = 0
    for i, position in enumerate(cuts):
        if z < len(zeros) and zeros[z][0] == position:
            # Inside the threads that go on across this point; outside any deletion.
            _move(out, stack, sorted((s for s in spans if s.start < position < s.end and s.key[0] == 0),
                                     key=_nesting))
            while z < len(zeros) and zeros[z][0] == position:
                out.append(zeros[z][3])
                z += 1
        if i + 1 == len(cuts):
            break
        following = cuts[i + 1]
        _move(out, stack, sorted((s for s in spans if s.start <= position and s.end >= following),
                                 key=_nesting))
        _runs(out, text, position, following, gap, breaks)
        gap = ""
    _move(out, stack, [])


def _nesting(span):
    return span.key


def _move(out, stack, wanted):
    """Closes the open marks that are not wanted (innermost first) and opens the rest."""
    keep = 0
    while keep < len(stack) and keep < len(wanted) and stack[keep] is wanted[keep]:
        keep += 1
    for span in reversed(stack[keep:]):
        out.append(span.close)
    for span in wanted[keep:]:
        out.append(span.open)
    stack[:] = wanted


def _runs(out, text, start, end, gap, breaks):
    """The runs of text[start:end]. A "\\n" ends a run, which keeps it, and a <br> follows."""
    if start == end:
        return
    piece = text[start:end]
    if not breaks or "\n" not in piece:
        out.append(f'<span data-o="{start}"{gap}>{_escape(piece)}</span>')
        return
    for line in piece.split("\n")[:-1]:
        out.append(f'<span data-o="{start}"{gap}>{_escape(line)}\n</span><br>')
        start += len(line) + 1
        gap = ""
    if start < end:
        out.append(f'<span data-o="{start}">{_escape(text[start:end])}</span>')


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # The HTML parser turns a carriage return into a newline, which would shift the
    # offsets of everything after it (a "\r\n" becomes one character); a reference stays.
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def _attr(value) -> str:
    return _escape_quoted(str(value), quote=True).replace("\r", "&#13;").replace("\n", "&#10;")

"""The cards in the margin: one per thread or suggestion, beside the block it is about.

A busy proposal shows hundreds of cards on one page, each redrawn after every change; as
templates they took most of the page's time (an include and some sixty nodes a card), so
they are formatted here, with plain string formatting (format_html's lazy-string checks
were most of the remaining time). Everything people wrote goes through esc(); comment text
through urlize (escaping, links made safe) and line breaks."""

import re
from html import escape as _escape

from django.utils import timezone
from django.utils.html import urlize
from django.utils.safestring import mark_safe

from comments.models import Suggestion, Thread
from occupations.kinds import kind_for


def esc(value) -> str:
    return _escape(str(value), quote=True)


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return (f'<time class="review-time" datetime="{local.isoformat()}">'
            f'{local.day} {local.strftime("%b, %H:%M")}</time>')


def _person(user) -> str:
    if user is None:
        return "someone"
    return user.get_full_name() or user.username


def _button(label: str, url: str, css: str, *, name: str = "", value: str = "", confirm: str = "") -> str:
    extra = f' name="{name}" value="{value}"' if name else ""
    if confirm:
        extra += f' hx-confirm="{esc(confirm)}"'
    return (f'<button type="submit" form="review-actions" formaction="{url}" hx-post="{url}"{extra} '
            f'class="{css}">{label}</button>')


def _text(text: str) -> str:
    """Plain text, escaped, with web addresses as links and line breaks kept."""
    return urlize(text, nofollow=True, autoescape=True).replace("\n", "<br>")


def _comments(thread: Thread, review, base: str) -> str:
    rows = []
    for comment in thread.comments.all():
        if comment.is_deleted:
            rows.append(f'<li id="comment-{comment.pk}" class="review-comment is-deleted">'
                        '<p class="small text-body-secondary fst-italic mb-1">Comment deleted</p></li>')
            continue
        edited = ' <span class="small text-body-secondary">(edited)</span>' if comment.edited_at else ""
        own = ""
        if comment.author_id == review.user_id and review.can_comment:
            url = f"{base}comments/{comment.pk}/"
            own = ('<div class="review-own" role="group" aria-label="Your comment">'
                   f'<a href="{url}edit/" hx-get="{url}edit/" hx-target="closest .review-comment" '
                   f'hx-swap="innerHTML">Edit</a>{_button("Delete", f"{url}delete/", "", confirm="Delete this comment?")}'
                   "</div>")
        rows.append(
            f'<li id="comment-{comment.pk}" class="review-comment"><div class="review-meta">'
            f'<span class="review-author">{esc(comment.author_label)}</span> {_when(comment.created_at)}{edited}'
            f'</div><div class="review-text">{_text(comment.text)}</div>{own}</li>'
        )
    more = ""
    if len(rows) > 1:
        # A closed card shows its first comment and says how many more there are.
        count = len(rows) - 1
        more = f'<p class="review-more small text-body-secondary mb-1" aria-hidden="true">{count} more repl{"y" if count == 1 else "ies"}</p>'
    return f'<ol class="review-comments list-unstyled mb-1">{"".join(rows)}</ol>{more}'


def _about_whole(path: str) -> str:
    if path.startswith("group:"):
        return "text" if "." in path else "group"
    if path.startswith("proposal:") and "." not in path:
        return "proposal"
    if path.startswith(("narrative:", "proposal:")):
        return "section"
    return "entry"


def thread_card(thread: Thread, review, base: str) -> str:
    url = f"{base}threads/{thread.pk}/"
    head = (f'<span id="thread-{thread.pk}-title" class="badge review-kind kind-{thread.kind}">'
            f"{esc(thread.get_kind_display())}</span>")
    if thread.status == Thread.Status.RESOLVED:
        head += '<span class="badge text-bg-light border">Resolved</span>'
    if thread.kind == Thread.Kind.ACTION:
        who = f"for {esc(_person(thread.assignee))}" if thread.assignee_id else "not assigned"
        done = " · <strong>done</strong>" if thread.is_done else ""
        head += f'<span class="review-assignee small">{who}{done}</span>'
    quote = thread.quote or thread.original_quote
    if quote:
        shown = quote if len(quote) <= 140 else quote[:139] + "…"
        about = f'<q class="review-quote">{esc(shown)}</q>'
    elif thread.start is None and getattr(thread, "about_entry", None):
        label, words = thread.about_entry
        about = (f'<p class="review-quote small text-body-secondary mb-1">On the whole {esc(label)} '
                 f'<a href="#{esc(thread.path.replace(":", "-"))}">“{esc(words)}”</a></p>')
    elif thread.start is None:
        about = f'<p class="review-quote small text-body-secondary mb-1">On the whole {_about_whole(thread.path)}</p>'
    else:
        about = ""
    resolved = ""
    if thread.status == Thread.Status.RESOLVED and thread.resolved_at:
        resolved = (f'<p class="small text-body-secondary mb-1">Resolved by {esc(_person(thread.resolved_by))}, '
                    f"{_when(thread.resolved_at)}</p>")
    actions = ""
    own = thread.created_by_id == review.user_id
    if review.can_decide or (own and review.can_comment):
        if thread.status == Thread.Status.OPEN:
            actions += _button("Resolve", f"{url}resolve/", "btn btn-sm btn-outline-secondary")
        else:
            actions += _button("Reopen", f"{url}reopen/", "btn btn-sm btn-outline-secondary")
    if thread.kind == Thread.Kind.ACTION and review.can_comment and (
            review.can_decide or own or thread.assignee_id == review.user_id):
        actions += _button("Not done" if thread.is_done else "Mark done", f"{url}action/",
                           "btn btn-sm btn-outline-secondary", name="is_done", value="0" if thread.is_done else "1")
    reply = ""
    if review.can_comment and thread.status == Thread.Status.OPEN:
        reply = (f'<a class="review-reply-open" href="{url}reply/" hx-get="{url}reply/" hx-target="this" '
                 'hx-swap="outerHTML">Reply</a>')
    css = f"review-card thread-card kind-{thread.kind} status-{thread.status}" + (
        " is-detached" if thread.is_detached else "")
    return (
        f'<article id="thread-{thread.pk}" class="{css}" data-thread="{thread.pk}" data-about="{esc(thread.path)}" '
        'tabindex="0" '
        f'aria-labelledby="thread-{thread.pk}-title"><header class="review-card-head">{head}</header>'
        f"{about}{_comments(thread, review, base)}{resolved}"
        f'<div class="review-card-actions" role="group" aria-label="Thread">{actions}</div>{reply}</article>'
    )


def _suggestion_label(suggestion: Suggestion) -> str:
    if suggestion.kind == Suggestion.Kind.REPLACE:
        if not suggestion.replacement:
            return "Suggested deletion"
        return "Suggested insertion" if not suggestion.quote else "Suggested change"
    return "Suggested new entry" if suggestion.kind == Suggestion.Kind.ADD_ENTRY else "Suggested removal"


def _change(suggestion: Suggestion) -> str:
    if suggestion.kind == Suggestion.Kind.REPLACE:
        parts = f"<del>{esc(suggestion.quote)}</del>" if suggestion.quote else ""
        if suggestion.quote and suggestion.replacement:
            parts += " → "
        if suggestion.replacement:
            parts += f"<ins>{esc(suggestion.replacement)}</ins>"
        return f'<p class="review-change">{parts}</p>'
    if suggestion.kind == Suggestion.Kind.ADD_ENTRY:
        values = " — ".join(str(value) for value in suggestion.entry_values.values()
                            if value not in ("", None) and not isinstance(value, bool))
        return f'<p class="review-change"><ins>{esc(values)}</ins></p>'
    return f'<p class="review-change"><del>{esc(suggestion.quote or suggestion.original_quote)}</del></p>'


def suggestion_card(suggestion: Suggestion, review, base: str) -> str:
    url = f"{base}suggestions/{suggestion.pk}/"
    thread = getattr(suggestion, "discussion", None)
    outdated = ""
    if suggestion.is_outdated:
        advice = " Re-base it onto the text as it is now, or reject it." if (
            review.can_decide and suggestion.kind == Suggestion.Kind.REPLACE) else ""
        outdated = ('<p class="review-outdated small" role="note">The text changed under this suggestion, '
                    f"so it cannot be accepted as it is.{advice}</p>")
    actions = ""
    if review.can_decide:
        if not suggestion.is_outdated:
            actions += _button("Accept", f"{url}accept/", "btn btn-sm btn-success")
        elif suggestion.kind == Suggestion.Kind.REPLACE:
            actions += _button("Re-base", f"{url}rebase/", "btn btn-sm btn-outline-primary")
        actions += _button("Reject", f"{url}reject/", "btn btn-sm btn-outline-danger")
    elif suggestion.created_by_id == review.user_id and review.can_comment:
        actions += _button("Withdraw", f"{url}reject/", "btn btn-sm btn-outline-secondary")
    talk = ""
    if review.can_comment:
        if thread is not None:
            talk = (f'<a class="review-reply-open" href="{base}threads/{thread.pk}/reply/" '
                    f'hx-get="{base}threads/{thread.pk}/reply/" hx-target="this" hx-swap="outerHTML">Reply</a>')
        else:
            talk = (f'<a class="review-reply-open" href="{url}discuss/" hx-get="{url}discuss/" '
                    'hx-target="this" hx-swap="outerHTML">Discuss</a>')
    css = "review-card suggestion-card" + (" is-outdated" if suggestion.is_outdated else "")
    discussion = _comments(thread, review, base) if thread is not None else ""
    return (
        f'<article id="suggestion-{suggestion.pk}" class="{css}" data-suggestion="{suggestion.pk}" '
        f'data-about="{esc(suggestion.path)}" tabindex="0" '
        f'aria-labelledby="suggestion-{suggestion.pk}-title"><header class="review-card-head">'
        f'<span id="suggestion-{suggestion.pk}-title" class="badge review-kind kind-suggestion">'
        f"{_suggestion_label(suggestion)}</span>"
        f'<span class="review-author">{esc(suggestion.author_label)}</span> {_when(suggestion.created_at)}</header>'
        f"{_change(suggestion)}{outdated}{discussion}"
        f'<div class="review-card-actions" role="group" aria-label="Decide">{actions}</div>{talk}</article>'
    )


def inserted_entry(suggestion: Suggestion, *, columns: tuple[str, ...] = (), tools: bool = False) -> str:
    """A suggested new entry where it would go: at the end of its list (or, with columns,
    its table), underlined and attributed as a suggested insertion is in the text."""
    values = suggestion.entry_values
    kind = kind_for(suggestion.entry_kind).label
    mark = (f'<ins class="suggested-ins" data-suggestion="{suggestion.pk}" '
            f'title="Suggested by {esc(suggestion.author_label)}">')
    by = f'<span class="suggested-by">suggested by {esc(suggestion.author_label)}</span>'
    hidden = f'<span class="visually-hidden">Suggested new {esc(kind)}: </span>'
    if columns:
        cells = "".join(f"<td>{mark}{esc(values.get(name) or '')}</ins></td>" if values.get(name) not in ("", None)
                        else "<td>—</td>" for name in columns)
        cells = cells.replace("<td>", f"<td>{hidden}", 1)
        return (f'<tr id="suggested-{suggestion.pk}" class="suggested-entry">{cells}'
                f'{f"<td>{by}</td>" if tools else ""}</tr>')
    words = [str(value) for value in values.values() if value not in ("", None) and not isinstance(value, bool)]
    text = esc(words[0]) if words else ""
    if len(words) > 1:
        text = f"<strong>{text}</strong>" + "".join(f" — {esc(word)}" for word in words[1:])
    return f'<li id="suggested-{suggestion.pk}" class="suggested-entry">{hidden}{mark}{text}</ins> {by}</li>'


CARDS_PLACE = re.compile(r"<!--cards ([ts0-9 ]+)-->")


def card(note, review, base: str) -> str:
    return suggestion_card(note, review, base) if getattr(note, "is_suggestion", False) else thread_card(note, review, base)


def margin(notes, review, base: str) -> str:
    if getattr(review, "shared", False):
        # A document drawn once for everyone in a role: each reader's cards (their own
        # comments' Edit and Delete, say) go in its place later (comments.shared).
        keys = " ".join(f"{'s' if getattr(note, 'is_suggestion', False) else 't'}{note.pk}" for note in notes)
        cards = f"<!--cards {keys}-->"
    else:
        cards = "".join(card(note, review, base) for note in notes)
    return mark_safe('<div class="review-margin" aria-label="Comments and suggestions" hx-target="#document" '
                     f'hx-swap="outerHTML">{cards}</div>')

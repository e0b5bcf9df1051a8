"""What a review action answers htmx with: the card it changed, or the entry whose words
it marks (its card is inside it), with the review bar's totals out of band; the whole
document only when more changed than that.

A card alone is enough for what only its card shows (a reply, an edited or deleted
comment, an assignee, done); an entry's row, for what also marks its words (a new
comment or suggestion on them, resolving one with a span, a decision). Notes on a
paragraph, a heading or a table sit outside the block they mark, and an accepted new or
removed entry changes the lists: those get the whole document."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django_htmx.http import reswap, retarget, trigger_client_event

from comments.cards import suggestion_card, thread_card
from comments.models import Suggestion, Thread
from comments.overview import about_entries
from comments.page import Review, card_threads
from comments.services import author_key
from occupations import redraw
from occupations.kinds import KINDS_BY_KEY
from occupations.outline import proposal_headings
from occupations.views.pages import document_saved


def totals(proposal) -> tuple[dict, list]:
    """The review bar's counts, and who has open suggestions (the bulk form's authors).
    Detached counts the threads whose words are gone: the page counts those, and any
    suggestion whose entry is gone, which only a whole redraw places."""
    counts = Thread.objects.filter(proposal=proposal, suggestion__isnull=True).aggregate(
        open_threads=Count("pk", filter=Q(status=Thread.Status.OPEN)),
        resolved_threads=Count("pk", filter=Q(status=Thread.Status.RESOLVED)),
        detached=Count("pk", filter=Q(is_detached=True)))
    open_suggestions = Suggestion.objects.filter(proposal=proposal, status=Suggestion.Status.OPEN)
    by = list(open_suggestions.order_by().values_list("created_by_id", "author_name").distinct())
    counts["open_suggestions"] = open_suggestions.count()
    people = {user.pk: user for user in get_user_model().objects.filter(pk__in={pk for pk, _ in by if pk})}
    authors = {}
    for user_id, name in by:
        item = Suggestion(created_by=people.get(user_id), author_name=name)
        authors[author_key(item)] = item.author_label
    return counts, sorted(authors.items(), key=lambda pair: pair[1])


def _card(membership, review: Review, base: str, *, thread_id=None, suggestion_id=None) -> tuple[str, str] | None:
    """(its id on the page, its HTML), or None if it is no longer drawn as a card there."""
    proposal = membership.proposal
    if suggestion_id is None and thread_id is not None:
        thread = card_threads(proposal).filter(pk=thread_id).first()
        if thread is None:
            return None
        if thread.suggestion_pk is None:
            thread.is_suggestion = False
            about_entries(proposal, [thread])
            return f"thread-{thread.pk}", thread_card(thread, review, base)
        suggestion_id = thread.suggestion_pk
    suggestion = (Suggestion.objects.select_related("created_by")
                  .filter(proposal=proposal, pk=suggestion_id, status=Suggestion.Status.OPEN).first())
    if suggestion is None:
        return None
    suggestion.is_suggestion = True
    suggestion.discussion = card_threads(proposal).filter(pk=suggestion.thread_id).first() \
        if suggestion.thread_id else None
    return f"suggestion-{suggestion.pk}", suggestion_card(suggestion, review, base)


def bar_parts(request, membership, *, review: Review | None = None) -> str:
    """The review bar's totals and, for those who decide, its bulk form, out of band: what
    any change to the review may change above the document (registered for the page's
    live updates too)."""
    proposal = membership.proposal
    review = review or Review.of(membership)
    counts, review.suggestion_authors = totals(proposal)
    review.open_suggestions = counts["open_suggestions"]
    context = {"totals": counts, "review": review, "oob": True,
               "base": reverse("proposal_detail", args=[proposal.pk])}
    html = render_to_string("comments/_review_totals.html", context, request)
    if review.can_decide:
        # the bulk form lists the document's sections: its headings, without its text
        context["outline"] = proposal_headings(proposal)
        html += render_to_string("comments/_review_bulk.html", context, request)
    return html


def _list_entry(proposal, path: str):
    """The entry of a list (not a table) that a path is about, if it is still there."""
    object_path = path.partition(".")[0]
    prefix, _, pk = object_path.partition(":")
    kind = KINDS_BY_KEY.get(prefix)
    if kind is None or kind.layout == "table" or not pk.isdigit():
        return None, None
    return kind, kind.model.objects.filter(proposal=proposal, pk=int(pk)).first()


def answered(request, membership, anchor: str, *, card: dict | None = None, path: str = "",
             message: str = "", problem: str = ""):
    """The answer to a review action: for htmx, the card (card: thread_id or suggestion_id)
    or the entry row that holds path, with the review bar's totals and bulk form;
    otherwise, or when more changed, what document_saved answers."""
    if not request.htmx or problem:
        return document_saved(request, membership, anchor, message=message, problem=problem)
    proposal = membership.proposal
    review = Review.of(membership)
    base = reverse("proposal_detail", args=[proposal.pk])
    html, target, version = None, "", None
    if path:
        kind, entry = _list_entry(proposal, path)
        if entry is not None:
            html = redraw.entry_part(request, membership, kind, entry)
            target = f"{kind.key}-{entry.pk}"
            version = redraw.settled_version(request, membership, {path.partition(".")[0]})
    elif card is not None:
        found = _card(membership, review, base, **card)
        if found is not None:
            target, html = found
    if html is None:
        return document_saved(request, membership, anchor, message=message)
    response = HttpResponse(html + bar_parts(request, membership, review=review))
    if version is not None:
        response["X-Proposal-Version"] = str(version)
    retarget(response, f"#{target}")
    reswap(response, "outerHTML")
    return trigger_client_event(response, "saved", {"anchor": anchor, "message": message, "problem": ""})

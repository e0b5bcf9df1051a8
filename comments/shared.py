"""The review layer's part of a document drawn once for every reader in a role
(occupations.shared): the cards, which hold each reader's own controls (Edit and Delete
on their comments, Resolve on their threads, Withdraw on their suggestions), are left as
places in it and filled in for each reader here."""

from django.urls import reverse

from comments.cards import CARDS_PLACE, card
from comments.models import Suggestion
from comments.overview import about_entries
from comments.page import Review, card_threads


def personalize(html: str, membership) -> str:
    """The document with this reader's cards in their places (three queries, whatever the
    number of cards)."""
    places = CARDS_PLACE.findall(html)
    if not places:
        return html
    keys = [key for place in places for key in place.split()]
    proposal = membership.proposal
    suggestions = {item.pk: item for item in Suggestion.objects.select_related("created_by")
                   .filter(proposal=proposal, pk__in=[int(key[1:]) for key in keys if key[0] == "s"])}
    wanted = {int(key[1:]) for key in keys if key[0] == "t"} | {item.thread_id for item in suggestions.values()
                                                                  if item.thread_id}
    threads = {thread.pk: thread for thread in card_threads(proposal).filter(pk__in=wanted)}
    about_entries(proposal, threads.values())
    for thread in threads.values():
        thread.is_suggestion = False
    for item in suggestions.values():
        item.is_suggestion = True
        item.discussion = threads.get(item.thread_id)
    review = Review.of(membership)
    base = reverse("proposal_detail", args=[proposal.pk])

    def cards(match) -> str:
        notes = [(suggestions if key[0] == "s" else threads).get(int(key[1:])) for key in match.group(1).split()]
        # A note gone since the document was drawn (a later change) is left out; the page
        # that shows it is already behind its counter and is drawn again.
        return "".join(card(note, review, base) for note in notes if note is not None)

    return CARDS_PLACE.sub(cards, html)

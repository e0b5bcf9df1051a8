from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib import messages
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import condition
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django_htmx.http import reswap, retarget, trigger_client_event

from occupations import access, annotations, conditional, invitations, members, redraw, selectors, services
from socproposal.middleware import not_a_visit


@login_required
def home(request):
    """My proposals."""
    return render(
        request,
        "occupations/proposal_list.html",
        {"memberships": selectors.memberships_for_user(request.user),
         "invitations": invitations.invitations_pending_for(request.user),
         "may_start": services.may_start_proposals(request.user)},
    )


def document_context(request, membership, *, undo: dict | None = None, shared: bool = False) -> dict:
    """Everything the proposal's document needs, for the page and for the fragments
    that replace it after an edit. shared: drawn for everyone in the reader's role."""
    proposal = membership.proposal
    outline = selectors.proposal_page(proposal)
    return {
        "proposal": proposal,
        "membership": membership,
        "outline": outline,
        "members": members.members_of(proposal),
        "can_write": access.role_allows(membership.role, access.WRITE),
        "can_manage": access.role_allows(membership.role, access.MANAGE),
        # Links on the page are built on this, once, instead of reversing each one.
        "base": reverse("proposal_detail", args=[proposal.pk]),
        "undo": undo,
        **annotations.annotate(outline, membership, shared=shared),
    }


def document_saved(request, membership, anchor: str, *, undo: dict | None = None, message: str = "",
                   problem: str = ""):
    """After a change: htmx gets the whole document again (numbering, tables, headings and
    everyone else's saves stay right); a plain browser goes back to the place it changed.
    A problem (a change that could not be made) is said at that place."""
    if request.htmx:
        # The page is at the latest change once this is put in: read before the document
        # is, so that it holds at least what the number says.
        membership.proposal.change_count = selectors.change_count(membership.proposal_id)
        response = render(request, "occupations/_document.html",
                          document_context(request, membership, undo=undo))
        retarget(response, "#document")
        reswap(response, "outerHTML")
        return trigger_client_event(response, "saved", {"anchor": anchor, "message": message,
                                                         "problem": problem})
    if problem:
        messages.error(request, problem)
    elif message:
        messages.success(request, message)
    url = reverse("proposal_detail", args=[membership.proposal_id])
    return redirect(f"{url}#{anchor}" if anchor else url)


def pending_undo(request, pk: int) -> dict | None:
    """The Undo offered once, on the page a plain browser is sent to after a delete."""
    undo = request.session.pop("undo_pending", None)
    if undo and request.session.get("deletions", {}).get(undo["token"], {}).get("proposal") == pk:
        return undo
    return None


CSRF_PLACE = "csrf-token-place"


def page_body(request, membership, *, undo: dict | None = None) -> SafeString:
    """The page's contents and document. Drawn once per change for everyone in a role and
    kept in the cache all server processes share (the database's), keyed by the proposal's
    change counter, the role and the release: a reader then costs the queries for their
    own cards, not a drawing of the whole document. What is a reader's own is left as
    places and put in for each: their CSRF token, and their cards (annotations'
    personalizers). An Undo to offer is the reader's alone: that page is drawn for them."""
    seconds = settings.PAGE_CACHE_SECONDS
    if undo is not None or not seconds:
        return mark_safe(render_to_string("occupations/_proposal_body.html",
                                          document_context(request, membership, undo=undo), request))
    proposal = membership.proposal
    key = f"proposal-page:{settings.RELEASE}:{proposal.pk}:{proposal.change_count}:{membership.role}"
    html = cache.get(key)
    if html is None:
        context = {**document_context(request, membership, shared=True), "csrf_token": CSRF_PLACE}
        html = render_to_string("occupations/_proposal_body.html", context, request)
        cache.set(key, html, seconds)
    html = annotations.personalize(html, membership).replace(CSRF_PLACE, get_token(request))
    return mark_safe(html)


@login_required
@condition(etag_func=conditional.proposal_tag)
def proposal_detail(request, pk: int):
    """The proposal as one readable page, in the order of the submission document."""
    membership = access.membership_for(request.user, pk, access.READ)
    body = page_body(request, membership, undo=pending_undo(request, pk))
    return render(request, "occupations/proposal_detail.html",
                  {"proposal": membership.proposal, "membership": membership, "body": body})



@not_a_visit
@login_required
@condition(etag_func=conditional.live_tag)
def proposal_live(request, pk: int):
    """What an open proposal page asks every few seconds (static/js/live.js): what others
    changed since the change it was drawn at (?since=N). 304 while nothing changed; 204
    when nothing changed that it shows; else the changed entries, out of band, or the
    whole document when more changed. X-Proposal-Version says which change it now shows."""
    membership = access.membership_for(request.user, pk, access.READ)
    since = request.GET.get("since", "")
    if not since.isdigit():
        return HttpResponseBadRequest("Since which change?")
    now = membership.proposal.change_count
    paths = selectors.changes_since(pk, int(since), now)
    if paths == set():
        response = HttpResponse(status=204)
    else:
        html = redraw.changed_parts(request, membership, paths) if paths is not None else None
        if html is not None:
            html += annotations.live_parts(request, membership)
        else:
            html = render_to_string("occupations/_document.html",
                                    {**document_context(request, membership), "document_oob": True}, request)
        response = HttpResponse(html)
    response["X-Proposal-Version"] = str(now)
    # Asked with the tag it has; never answered from a cache in between.
    response["Cache-Control"] = "no-store"
    return response

"""The review of one proposal as lists (threads, suggestions, detached threads) with
filters, and each user's inbox across their proposals. Reading is for every member."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.views.decorators.http import condition
from django.shortcuts import render
from django.urls import reverse

from comments import mentions, overview
from comments.models import Comment, Suggestion, Thread
from occupations import access, conditional, members
from occupations.outline import proposal_outline

TABS = [("threads", "Threads"), ("suggestions", "Suggestions"), ("detached", "Detached")]
THREAD_STATUSES = [("open", "Open"), ("resolved", "Resolved"), ("all", "All")]
SUGGESTION_STATUSES = [("open", "Open"), ("decided", "Decided"), ("all", "All")]


class ReviewFilterForm(forms.Form):
    """The filters of the Review page, read from the query string. A value that is not
    one of the choices falls back to its default instead of failing the page."""

    tab = forms.ChoiceField(choices=TABS, required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=THREAD_STATUSES, required=False)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Thread.Kind.choices], required=False)
    author = forms.ChoiceField(required=False)
    section = forms.ChoiceField(required=False)
    mine = forms.BooleanField(label="Assigned to me", required=False)

    def __init__(self, data, *, tab: str, authors: list, sections: list):
        super().__init__(data)
        if tab == "suggestions":
            self.fields["status"].choices = SUGGESTION_STATUSES
        self.fields["author"].choices = [("", "Anyone"), *authors]
        self.fields["section"].choices = [("", "Any section"), *sections]
        for name in ("status", "kind", "author", "section"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["mine"].widget.attrs["class"] = "form-check-input"

    def value(self, name: str):
        """The cleaned value, or the default when the given one is not a choice."""
        self.is_valid()
        return self.cleaned_data.get(name) or ("open" if name == "status" else "")


def _author_key(item) -> str:
    return f"user:{item.created_by_id}" if item.created_by_id else f"name:{item.author_name}"


def _authors(proposal_members, items) -> list[tuple[str, str]]:
    """Every member, then the names of authors who are not members (Word reviewers, the
    draft) that the review holds."""
    choices = [(f"user:{m.user_id}", members.display_name(m.user)) for m in proposal_members]
    names = sorted({item.author_name for item in items if not item.created_by_id and item.author_name})
    return choices + [(f"name:{name}", f"{name} (not a member)") for name in names]


def _thread_status_ok(thread, status: str) -> bool:
    return status == "all" or thread.status == status


def _suggestion_status_ok(suggestion, status: str) -> bool:
    if status == "decided":
        return suggestion.status != Suggestion.Status.OPEN
    return status == "all" or suggestion.status == status


def _tab_items(tab: str, threads, suggestions, filters: dict, user, sections) -> list:
    status = filters["status"]
    if tab == "suggestions":
        status = status if status in dict(SUGGESTION_STATUSES) else "open"
        candidates = [s for s in suggestions if _suggestion_status_ok(s, status)]
    else:
        status = status if status in dict(THREAD_STATUSES) else "open"
        detached = tab == "detached"
        candidates = [
            thread for thread in threads
            if thread.is_detached == detached and _thread_status_ok(thread, status)
            and (not filters["kind"] or thread.kind == filters["kind"])
            and (not filters["mine"] or thread.assignee_id == user.pk)
        ]
    return [
        item for item in candidates
        if (not filters["author"] or _author_key(item) == filters["author"])
        and (not filters["section"] or getattr(overview.section_of(sections, item.path), "anchor", "")
             == filters["section"])
    ]


def _live(comments) -> list[Comment]:
    return [comment for comment in comments if not comment.is_deleted]


def _thread_row(thread, sections, base: str) -> dict:
    comments = list(thread.comments.all())
    first = comments[0] if comments else None
    return {
        "item": thread,
        "section": overview.section_of(sections, thread.path),
        "quote": overview.quote_of(thread),
        "text": "" if first is None else ("Comment deleted" if first.is_deleted else first.text),
        "replies": len(_live(comments[1:])),
        "url": f"{base}#thread-{thread.pk}",
    }


def _entry_text(values: dict) -> str:
    return " · ".join(str(value) for value in values.values() if value not in (None, ""))


def _suggestion_row(suggestion, discussions: dict, sections, base: str) -> dict:
    thread = discussions.get(suggestion.thread_id)
    return {
        "item": suggestion,
        "section": overview.section_of(sections, suggestion.path),
        "quote": overview.quote_of(suggestion),
        "new_entry": _entry_text(suggestion.entry_values or {}),
        "replies": len(_live(thread.comments.all())) if thread is not None else 0,
        "url": f"{base}#suggestion-{suggestion.pk}",
    }


@login_required
@condition(etag_func=conditional.proposal_tag)
def review_list(request, pk: int):
    """Every thread and suggestion of a proposal, filtered, each linking to its place."""
    membership = access.membership_for(request.user, pk, access.READ)
    proposal = membership.proposal
    outline = proposal_outline(proposal)
    sections = overview.sections_of(outline)
    position = {path: index for index, path in enumerate(sections)}

    all_threads = list(
        Thread.objects.filter(proposal=proposal)
        .select_related("created_by", "assignee")
        .prefetch_related(Prefetch("comments", queryset=Comment.objects.order_by("created_at", "id")))
    )
    suggestions = list(
        Suggestion.objects.filter(proposal=proposal).select_related("created_by", "decided_by")
    )
    discussion_ids = overview.discussion_ids(suggestions)
    discussions = {thread.pk: thread for thread in all_threads if thread.pk in discussion_ids}
    threads = [thread for thread in all_threads if thread.pk not in discussion_ids]
    overview.about_entries(proposal, threads)

    def in_document_order(item):
        key = position.get(item.path, position.get(item.path.partition(".")[0], len(position)))
        return (key, item.start or 0, item.created_at, item.pk)

    threads.sort(key=in_document_order)
    suggestions.sort(key=in_document_order)

    tab = request.GET.get("tab", "threads")
    tab = tab if tab in dict(TABS) else "threads"
    form = ReviewFilterForm(
        request.GET,
        tab=tab,
        authors=_authors(members.members_of(proposal), [*threads, *suggestions]),
        sections=[(heading.anchor, f"{heading.number} {heading.text}".strip()) for heading in outline.contents],
    )
    filters = {name: form.value(name) for name in ("status", "kind", "author", "section", "mine")}
    lists = {
        name: _tab_items(name, threads, suggestions, filters, request.user, sections)
        for name, _ in TABS
    }
    base = reverse("proposal_detail", args=[proposal.pk])
    if tab == "suggestions":
        rows = [_suggestion_row(s, discussions, sections, base) for s in lists[tab]]
    else:
        rows = [_thread_row(thread, sections, base) for thread in lists[tab]]

    # The tab links keep the filters; a status the other tab lacks falls back to open.
    query = request.GET.copy()
    tabs = []
    for name, label in TABS:
        query["tab"] = name
        tabs.append({"name": name, "label": label, "count": len(lists[name]), "query": query.urlencode()})
    return render(request, "comments/review_list.html", {
        "proposal": proposal,
        "membership": membership,
        "base": base,
        "tab": tab,
        "tabs": tabs,
        "form": form,
        "filtered": any(filters[name] for name in ("kind", "author", "section", "mine"))
        or filters["status"] != "open",
        "rows": rows,
    })


def _inbox_tag(request) -> str | None:
    """With nothing unread the inbox shows nothing new, whenever it was last opened: its
    tag is the reader's proposals' counters. With something unread it is drawn (and marks
    it seen)."""
    if not request.user.is_authenticated or mentions.inbox_unread_for(request):
        return None
    return conditional.memberships_tag(request)


@login_required
@condition(etag_func=_inbox_tag)
def inbox(request):
    """Mentions and replies to me, and my action items, across my proposals. Opening it
    marks everything as seen; what came since the previous visit is marked new."""
    since = mentions.inbox_visit(user=request.user)
    items, total = mentions.inbox_items(request.user, since=since)
    return render(request, "comments/inbox.html", {
        "items": items,
        "total": total,
        "since": since,
    })

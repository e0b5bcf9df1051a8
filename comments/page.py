"""The review layer on the proposal page: each thread and suggestion placed beside the
block it is about, its span marked in the text, and the tools to comment and suggest.

Registered with occupations.annotations, so the proposal's page shows it without
importing this app. Three queries whatever the number of threads: threads (with their
people), their comments, open suggestions."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q
from django.utils.html import escape
from django.urls import reverse
from django.utils.safestring import mark_safe

from comments.cards import inserted_entry
from comments.marks import render_marked
from comments.models import Comment, Suggestion, Thread
from comments.overview import excerpt, section_counts
from comments.services import author_key
from occupations import access
from occupations.kinds import kind_for


@dataclass
class Review:
    """What the page's review bar and margin need besides the blocks' notes."""

    can_comment: bool
    can_decide: bool
    user_id: int
    shared: bool = False  # drawn for every reader in the role: cards are left as places
    open_threads: int = 0
    resolved_threads: int = 0
    open_suggestions: int = 0
    detached: list = field(default_factory=list)
    suggestion_authors: list = field(default_factory=list)  # (filter key, name) of who suggested

    @classmethod
    def of(cls, membership, *, shared: bool = False) -> "Review":
        """What this member may do in the review, by their role."""
        return cls(can_comment=access.role_allows(membership.role, access.COMMENT),
                   can_decide=access.role_allows(membership.role, access.WRITE),
                   user_id=membership.user_id, shared=shared)


def _about(paths: list[str] | None) -> Q:
    """Notes about these objects or any of their fields; all of the proposal's for None."""
    about = Q()
    for path in paths or ():
        about |= Q(path=path) | Q(path__startswith=f"{path}.")
    return about if paths is None or about else Q(pk__in=[])


def card_threads(proposal):
    """Threads with what their cards show: people, comments and their authors."""
    comments = Comment.objects.select_related("author").order_by("created_at", "id")
    return (Thread.objects.filter(proposal=proposal)
            .select_related("created_by", "assignee", "resolved_by")
            .annotate(suggestion_pk=F("suggestion__id"))
            .prefetch_related(Prefetch("comments", queryset=comments)))


def page_threads(proposal, paths: list[str] | None = None) -> list[Thread]:
    return list(card_threads(proposal).filter(_about(paths)))


def page_suggestions(proposal, paths: list[str] | None = None) -> list[Suggestion]:
    return list(
        Suggestion.objects.filter(_about(paths), proposal=proposal, status=Suggestion.Status.OPEN)
        .select_related("created_by")
    )


def _blocks_by_path(outline) -> tuple[dict, dict]:
    """The block that shows each object and each field; and, for suggested new entries,
    the list or table of each kind in each scope (its last one, where new entries go)."""
    by_path, lists = {}, {}
    for block in outline.walk():
        for path in (block.path, block.text_path, *(item.path for item in block.fields)):
            if path and path not in by_path:
                by_path[path] = block
        if block.kind in ("list", "table") and block.entry_kind is not None and block.rows:
            lists[(block.entry_kind.key, block.rows[0].obj.group_id)] = block
    return by_path, lists


def _item_heading(outline, kind_key: str):
    item = kind_for(kind_key).item
    return next((block for block in outline.blocks
                 if block.kind == "heading" and block.item is not None and block.item.item == item
                 and block.level == 2), None)


def annotate_page(*, outline, membership, paths: list[str] | None = None, shared: bool = False) -> dict:
    proposal = outline.proposal
    threads = page_threads(proposal, paths)
    suggestions = page_suggestions(proposal, paths)
    threads_by_pk = {thread.pk: thread for thread in threads}
    review = Review.of(membership, shared=shared)
    by_path, lists = _blocks_by_path(outline)
    marks = defaultdict(lambda: ([], []))  # field path -> (threads, suggestions) with spans

    def place(item, path: str) -> bool:
        block = by_path.get(path) or by_path.get(path.split(".", 1)[0])
        if block is None:
            return False
        block.notes.append(item)
        return True

    for suggestion in suggestions:
        suggestion.discussion = threads_by_pk.get(suggestion.thread_id)
        suggestion.is_suggestion = True
        review.open_suggestions += 1
        if suggestion.kind == Suggestion.Kind.ADD_ENTRY:
            group_id = int(suggestion.path.split(":")[1]) if suggestion.path.startswith("group:") else None
            block = lists.get((suggestion.entry_kind, group_id)) or _item_heading(outline, suggestion.entry_kind)
            if block is not None:
                block.notes.append(suggestion)
                columns = kind_for(suggestion.entry_kind).columns if block.kind == "table" else ()
                block.inserted.append(mark_safe(inserted_entry(suggestion, columns=columns,
                                                               tools=review.can_comment)))
            else:
                review.detached.append(suggestion)
            continue
        if not place(suggestion, suggestion.path):
            review.detached.append(suggestion)
        elif suggestion.kind == Suggestion.Kind.REMOVE_ENTRY:
            by_path[suggestion.path].css_class = "suggested-removal"
        elif suggestion.kind == Suggestion.Kind.REPLACE and suggestion.start is not None:
            marks[suggestion.path][1].append(suggestion)

    for thread in threads:
        if thread.suggestion_pk is not None:
            continue  # a suggestion's discussion: shown with its suggestion
        thread.is_suggestion = False
        block = by_path.get(thread.path)
        if thread.start is None and block is not None and block.kind == "entry" and block.lead is not None:
            # which entry a card "on the whole entry" is about (comments.overview.about_entries)
            thread.about_entry = (block.entry_kind.label, excerpt(str(block.lead.value or "")))
        if thread.status == Thread.Status.OPEN:
            review.open_threads += 1
        else:
            review.resolved_threads += 1
        if thread.is_detached or not place(thread, thread.path):
            review.detached.append(thread)
        elif thread.start is not None:
            marks[thread.path][0].append(thread)

    def render_field(path: str, text: str, paragraphs: bool = False):
        threads_here, suggestions_here = marks.get(path, ((), ()))
        # An outdated suggestion was made on words since changed: drawn in the text, its
        # deletion and insertion garble the sentence as it is now. Its card shows it, with
        # the words it was made on.
        suggestions_here = [item for item in suggestions_here if not item.is_outdated]
        return render_marked(text, threads=threads_here, suggestions=suggestions_here, paragraphs=paragraphs)

    base = reverse("proposal_detail", args=[proposal.pk])

    def block_tools(block) -> str:
        return tools_html(block, base=base) if review.can_comment else ""

    review.suggestion_authors = sorted(
        {author_key(item): item.author_label for item in suggestions}.items(), key=lambda pair: pair[1])

    return {
        "review": review,
        "totals": {"open_threads": review.open_threads, "resolved_threads": review.resolved_threads,
                   "open_suggestions": review.open_suggestions, "detached": len(review.detached)},
        "review_counts": section_counts(outline, [t for t in threads if t.suggestion_pk is None], suggestions),
        "render_field": render_field,
        "block_tools": block_tools,
        "notes_template": "comments/_margin.html",
        "review_bar_template": "comments/_review_bar.html",
    }


def _field_paths(block) -> list[str]:
    if block.kind == "entry" and block.fields:
        return [item.path for item in block.fields]
    return [block.text_path] if block.text_path else []


def _form_place(block) -> str:
    """Where a new comment's form goes: in the margin beside the block, like a card."""
    if block.kind == "heading":
        return 'hx-target="closest .group-head" hx-swap="beforebegin"'
    if block.kind == "entry" and block.entry_kind is not None and block.entry_kind.layout == "table":
        return 'hx-target="closest .table-responsive" hx-swap="beforebegin"'
    return 'hx-target="closest [data-review-target]" hx-swap="afterbegin"'


def tools_html(block, *, base: str) -> str:
    """Comment and suggest, for one block. Formatted here rather than by an included
    template: a long proposal has a thousand of these (see entry_actions)."""
    # A paragraph is about its field (proposal:1.background), not its object: the
    # proposal's sections share one object, and a group's definition is not its heading.
    path = block.text_path if block.kind == "paragraph" else block.path or block.text_path
    if not path:
        return ""
    target = escape(path)
    parts = [
        f'<a href="{base}threads/new/?path={target}" hx-get="{base}threads/new/?path={target}" '
        f'{_form_place(block)} data-review-form>Comment</a>'
    ]
    if _field_paths(block):
        suggest_path = escape(block.path if block.kind == "entry" else block.text_path)
        parts.append(
            f'<a href="{base}suggest/text/?path={suggest_path}" hx-get="{base}suggest/text/?path={suggest_path}" '
            'hx-target="closest .editable" hx-swap="outerHTML" data-edit class="suggest-tool">Suggest edit</a>'
        )
    if block.kind == "entry" and block.entry_kind is not None:
        parts.append(
            f'<button type="submit" form="review-actions" formaction="{base}suggest/remove/" name="path" '
            f'value="{target}" hx-post="{base}suggest/remove/" '
            'hx-target="#document" hx-swap="outerHTML" class="suggest-tool">Suggest removal</button>'
        )
    return mark_safe("".join(parts))

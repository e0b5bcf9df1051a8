"""Reads."""

from django.db.models import Count, Q

from occupations import paths
from occupations.models import Membership, Proposal, ProposalChange
from occupations.outline import Outline, proposal_outline


def memberships_for_user(user) -> list[Membership]:
    """The proposals a user belongs to, most recently changed first, with member counts."""
    return list(
        Membership.objects.filter(user=user)
        .select_related("proposal")
        .annotate(
            member_count=Count("proposal__memberships", distinct=True),
            # The review layer's threads, by their relation's name: the proposal's reads may
            # count what hangs on it without importing the app that owns it.
            open_thread_count=Count(
                "proposal__threads",
                filter=Q(proposal__threads__status="open", proposal__threads__suggestion__isnull=True),
                distinct=True,
            ),
        )
        .order_by("-proposal__updated_at", "proposal__title")
    )


def proposal_page(proposal: Proposal) -> Outline:
    """The outline as the page shows it; what sits beside its blocks (review threads) is
    added by the apps registered in occupations.annotations."""
    return proposal_outline(proposal)


def model_for_path(path: str):
    """The model and primary key a path names: task:42 -> (Task, 42). LookupError if the
    path is not one of ours, or names a field nobody may comment on."""
    parsed = paths.parse_path(path)
    return parsed.model, parsed.pk


def object_for_path(proposal: Proposal, path: str):
    """The object of this proposal a path names, or None if it does not exist (any more).
    LookupError if the path is not one of ours."""
    return paths.object_of(proposal, paths.parse_path(path))


def text_at(proposal: Proposal, path: str) -> str | None:
    """The text of one field people may comment on (task:42.text), or None if the object
    is not there or the path names no such field."""
    try:
        obj, field = paths.resolve_field(proposal, path)
    except paths.PathError:
        return None
    value = getattr(obj, field)
    return value if isinstance(value, str) else None


def change_count(proposal_id: int) -> int:
    return Proposal.objects.values_list("change_count", flat=True).get(pk=proposal_id)


def changes_since(proposal_id: int, since: int, now: int) -> set[str] | None:
    """The paths changed after change number since, up to now: empty if none; None if not
    known (the page is further behind than the changes kept, or ahead of them)."""
    if since == now:
        return set()
    if since > now:
        return None
    rows = list(ProposalChange.objects.filter(proposal_id=proposal_id, number__gt=since, number__lte=now)
                .values_list("paths", flat=True))
    if len(rows) != now - since:
        return None
    return {path for paths in rows for path in paths.split("\n")}

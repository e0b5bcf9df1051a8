"""Reads."""

from django.db.models import Count, Q

from occupations.kinds import KINDS_BY_KEY
from occupations.models import Membership, Narrative, OccupationGroup, Proposal
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
    path is not one of ours."""
    prefix, _, rest = path.partition(":")
    pk_text = rest.split(".", 1)[0]
    models = {"proposal": Proposal, "group": OccupationGroup, "narrative": Narrative}
    models.update({key: kind.model for key, kind in KINDS_BY_KEY.items()})
    if prefix not in models or not pk_text.isdigit():
        raise LookupError(f"No such path: {path!r}")
    return models[prefix], int(pk_text)


def object_for_path(proposal: Proposal, path: str):
    """The object of this proposal a path names, or None if it does not exist (any more)."""
    model, pk = model_for_path(path)
    if model is Proposal:
        return proposal if pk == proposal.pk else None
    return model.objects.filter(proposal=proposal, pk=pk).first()


def text_at(proposal: Proposal, path: str) -> str | None:
    """The text of one field (task:42.text), or None if the object or field is not there."""
    object_path, _, field_name = path.partition(".")
    if not field_name:
        return None
    try:
        obj = object_for_path(proposal, object_path)
    except LookupError:
        return None
    value = getattr(obj, field_name, None) if obj is not None else None
    return value if isinstance(value, str) else None

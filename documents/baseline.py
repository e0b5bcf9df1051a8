"""What a reviewed copy is compared with: each field's text as it was exported (from the
history, as of the time the export names), and the members its reviewers' names stand for."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model

from occupations.kinds import ENTRY_KINDS
from occupations.members import display_name
from occupations.models import Narrative, OccupationGroup, Proposal

# (model, path prefix, text fields) of everything the export writes a bookmark for.
_SOURCES = [
    (Proposal, "proposal", ("title", "introduction", "meeting_goals", "background", "committee_input")),
    (OccupationGroup, "group", ("title", "title_options", "definition")),
    (Narrative, "narrative", ("text",)),
    *((kind.model, kind.key, kind.text_fields) for kind in ENTRY_KINDS),
]


def texts_as_of(proposal, moment: datetime) -> dict[str, str]:
    """path -> text of every field as it was at `moment`, from the history (one query per
    kind of object). The export's time is to the second and its history records come just
    after the save, so the whole second counts. Objects with no history (bulk-made) are
    left out: the caller falls back on their text as it is."""
    until = moment.replace(microsecond=0) + timedelta(seconds=1)
    texts = {}
    for model, prefix, fields in _SOURCES:
        snapshot = model.history.as_of(until)
        snapshot = snapshot.filter(pk=proposal.pk) if model is Proposal else snapshot.filter(proposal_id=proposal.pk)
        for obj in snapshot:
            for name in fields:
                value = getattr(obj, name)
                if isinstance(value, str):
                    texts[f"{prefix}:{obj.pk}.{name}"] = value
    return texts


def _normal(name: str) -> str:
    return " ".join(name.replace(".", " ").split()).casefold()


def member_for_name(members: dict[str, object], name: str):
    """The member a reviewer's name stands for (full name, username or First.Last), or None."""
    return members.get(_normal(name))


def members_by_name(proposal) -> dict[str, object]:
    """Every spelling of each member's name -> the user. A spelling two members share
    stands for neither: attributing to the wrong person is worse than to a name."""
    found: dict[str, object] = {}
    shared: set[str] = set()
    users = get_user_model().objects.filter(proposal_memberships__proposal=proposal).distinct()
    for user in users:
        for spelling in {display_name(user), user.username, user.get_full_name()}:
            key = _normal(spelling)
            if not key:
                continue
            if key in found and found[key].pk != user.pk:
                shared.add(key)
            found[key] = user
    return {key: user for key, user in found.items() if key not in shared}




"""Reading rounds and what they rate."""

from django.db.models import Count, Q

from consensus.models import Rating, Round, Thresholds
from consensus.results import TOO_FEW, Result, Rules, result_of
from occupations import access
from occupations.kinds import ITEMS, KINDS_BY_KEY
from occupations.members import display_name
from occupations.models import Membership, OccupationGroup


RESULTS_KEPT = 24 * 60 * 60  # seconds


def rounds_of(proposal) -> list[Round]:
    return list(Round.objects.filter(proposal=proposal).select_related("group", "opened_by", "closed_by", "follows")
                .order_by("-number"))


def round_of(proposal, number: int) -> Round | None:
    return Round.objects.filter(proposal=proposal, number=number).select_related("group").first()


def scope_kinds(item: str, entry_kind: str) -> list:
    """The kinds of entry a scope covers, in the document's order."""
    if entry_kind:
        return [KINDS_BY_KEY[entry_kind]]
    return [kind for definition in ITEMS if not item or definition.item == item for kind in definition.kinds]


def entries_in_scope(round_: Round) -> list[tuple]:
    """(kind, entry) for each entry the round rates, in the document's order: by kind, then
    by group, then by place."""
    if round_.group_id is None and round_.group_title:
        return []  # its group was deleted, and its entries with it
    found = []
    for kind in scope_kinds(round_.item, round_.entry_kind):
        entries = kind.model.objects.filter(proposal_id=round_.proposal_id)
        if round_.group_id is not None:
            entries = entries.filter(group_id=round_.group_id)
        found += [(kind, entry) for entry in entries.order_by("group__position", "group_id", "position", "id")]
    chosen = round_.path_set
    if chosen is not None:
        found = [(kind, entry) for kind, entry in found if f"{kind.key}:{entry.pk}" in chosen]
    return found


def scope_choices(proposal) -> list[tuple[str, str]]:
    """What a round may rate, as (value, label): everything; an item; one kind of entry;
    either for one group that has such entries. Value: item/kind/group."""
    groups = {group.pk: group for group in OccupationGroup.objects.filter(proposal=proposal)}
    used: dict[str, set] = {}
    for definition in ITEMS:
        for kind in definition.kinds:
            used[kind.key] = set(kind.model.objects.filter(proposal=proposal).values_list("group_id", flat=True))
    choices = [("//", "Every entry of the proposal")]
    for definition in ITEMS:
        kinds = [kind for kind in definition.kinds if used[kind.key]]
        if not kinds:
            continue
        choices.append((f"{definition.item}//", f"{definition.title}: all entries"))
        for kind in kinds:
            choices.append((f"{definition.item}/{kind.key}/", f"{definition.title}: all {kind.label_plural}"))
            for group_id in sorted((pk for pk in used[kind.key] if pk in groups), key=lambda pk: groups[pk].position):
                choices.append((f"{definition.item}/{kind.key}/{group_id}",
                                f"{definition.title}: {kind.label_plural} of {groups[group_id].title}"))
    return choices


def open_rounds(proposal_id: int) -> list[Round]:
    return [round_ for round_ in Round.objects.filter(proposal_id=proposal_id, status=Round.Status.OPEN)
            .order_by("number") if round_.is_open]


def in_round(round_: Round, kind_key: str, group_id, path: str = "") -> bool:
    """Whether an entry of this kind and group (and path, for a second round) is rated in
    the round (no query)."""
    if round_.group_id is None and round_.group_title:
        return False
    chosen = round_.path_set
    if chosen is not None and path not in chosen:
        return False
    if kind_key not in {kind.key for kind in scope_kinds(round_.item, round_.entry_kind)}:
        return False
    return round_.group_id is None or round_.group_id == group_id


def rater_counts(rounds: list[Round]) -> dict[tuple[int, str], int]:
    """How many have rated each entry: {(round id, path): count}, one query."""
    counts = (Rating.objects.filter(round__in=rounds).values("round_id", "path")
              .annotate(raters=Count("rater_id", distinct=True)))
    return {(row["round_id"], row["path"]): row["raters"] for row in counts}


def ratings_by(rounds: list[Round], user) -> dict[tuple[int, str], Rating]:
    return {(rating.round_id, rating.path): rating
            for rating in Rating.objects.filter(round__in=rounds, rater=user)}


def progress(round_: Round, user) -> tuple[int, int]:
    """(rated, to rate) by this member: "you have rated 23 of 41"."""
    paths = {f"{kind.key}:{entry.pk}" for kind, entry in entries_in_scope(round_)}
    rated = set(Rating.objects.filter(round=round_, rater=user).values_list("path", flat=True))
    return len(paths & rated), len(paths)


def raters_of(round_: Round) -> int:
    return Rating.objects.filter(round=round_).values("rater_id").distinct().count()


def rounds_now(proposal_id: int) -> tuple[list[Round], list[Round]]:
    """(open, closed) rounds of the proposal, one query: a round past its closing date is
    closed, whatever its status says."""
    rounds = list(Round.objects.filter(proposal_id=proposal_id).order_by("number"))
    return [item for item in rounds if item.is_open], [item for item in rounds if not item.is_open]


def eligible_raters(proposal_id: int) -> int:
    """How many members may rate: the quorum is never more than that."""
    roles = [role for role in Membership.Role.values if access.role_allows(role, access.COMMENT)]
    return Membership.objects.filter(proposal_id=proposal_id, role__in=roles).count()


def thresholds_of(proposal_id: int) -> Thresholds | None:
    return Thresholds.objects.filter(proposal_id=proposal_id).first()


def round_results(rounds: list[Round], proposal_id: int) -> dict[tuple[int, str], Result]:
    """{(round id, path): Result} for these rounds, each with how many reasons its raters
    gave (the reasons themselves: reasons_of). Three queries, whatever the number of
    ratings: the database counts them by entry, answer and importance, a few rows per
    entry where a big proposal has 30,000 ratings."""
    if not rounds:
        return {}
    grouped: dict[tuple[int, str], list] = {}
    reasons: dict[tuple[int, str], int] = {}
    for row in (Rating.objects.filter(round__in=rounds).values("round_id", "path", "relevant", "importance")
                .annotate(ratings=Count("id"), reasons=Count("id", filter=~Q(reason=""))).order_by()):
        key = (row["round_id"], row["path"])
        grouped.setdefault(key, []).extend([(row["relevant"], row["importance"])] * row["ratings"])
        reasons[key] = reasons.get(key, 0) + row["reasons"]
    rules = Rules.of(thresholds_of(proposal_id))
    eligible = eligible_raters(proposal_id)
    results = {}
    for key, ratings in grouped.items():
        results[key] = result_of(ratings, rules, eligible)
        results[key].reason_count = reasons[key]
    return results


def reasons_of(round_: Round, path: str) -> list[tuple[str, str, str]]:
    """(name, or "" in an anonymous round; the answer; the reason) of each rater who gave
    one for this entry, in the order they rated."""
    labels = dict(Rating.Relevance.choices)
    return [(display_name(rating.rater) if not round_.anonymous else "", labels[rating.relevant], rating.reason)
            for rating in Rating.objects.filter(round=round_, path=path).exclude(reason="")
            .select_related("rater").order_by("created_at", "id")]


def unfinished(round_: Round) -> list[tuple]:
    """(member, rated, to rate) for each member who may rate and has not rated every entry
    of the round: for its coordinator. Three queries."""
    paths = {f"{kind.key}:{entry.pk}" for kind, entry in entries_in_scope(round_)}
    roles = [role for role in Membership.Role.values if access.role_allows(role, access.COMMENT)]
    done: dict[int, set] = {}
    for rater_id, path in Rating.objects.filter(round=round_).values_list("rater_id", "path"):
        done.setdefault(rater_id, set()).add(path)
    found = []
    for member in Membership.objects.filter(proposal_id=round_.proposal_id, role__in=roles).select_related("user"):
        rated = len(done.get(member.user_id, set()) & paths)
        if rated < len(paths):
            found.append((member, rated, len(paths)))
    return sorted(found, key=lambda row: (row[1], display_name(row[0].user)))


def moved(round_: Round) -> list[tuple[str, str, int]]:
    """A closed round that followed another: how many of its entries went from each class
    to each, as (class before, class now, count), most first."""
    first = round_.follows
    if round_.is_open or first is None or first.is_open:
        return []
    results = round_results([first, round_], round_.proposal_id)
    counts: dict[tuple[str, str], int] = {}
    for kind, entry in entries_in_scope(round_):
        path = f"{kind.key}:{entry.pk}"
        before, now = results.get((first.pk, path)), results.get((round_.pk, path))
        key = (before.kind if before else TOO_FEW, now.kind if now else TOO_FEW)
        counts[key] = counts.get(key, 0) + 1
    return sorted(((before, now, count) for (before, now), count in counts.items()), key=lambda row: -row[2])


def earlier_rounds(round_: Round) -> list[Round]:
    """The closed rounds a second (or third) round followed, oldest first."""
    found, seen = [], {round_.pk}
    while round_.follows_id is not None and round_.follows_id not in seen:
        round_ = round_.follows
        seen.add(round_.pk)
        if round_.is_open:
            break
        found.append(round_)
    return found[::-1]

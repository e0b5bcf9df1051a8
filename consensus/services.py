"""Writing rounds. Only coordinators open and close them; every write moves the
proposal's change counter, so open pages and their cached copies follow."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from consensus.models import Rating, Round, Thresholds
from comments.mentions import notice_send
from consensus.results import CONTESTED, TOO_FEW
from consensus.selectors import entries_in_scope, round_results, scope_kinds, unfinished
from occupations import access, services
from occupations.kinds import KINDS_BY_KEY
from occupations.models import InformationItem, Membership, Proposal


def _require(proposal: Proposal, user, action: str) -> str:
    role = Membership.objects.filter(proposal=proposal, user=user).values_list("role", flat=True).first()
    if not access.role_allows(role, action):
        raise PermissionDenied("Your role on this proposal does not allow this.")
    return role


def scope_label(item: str, entry_kind: str, group) -> str:
    if entry_kind:
        what = KINDS_BY_KEY[entry_kind].label_plural.capitalize()
    elif item:
        what = InformationItem(item).label
    else:
        what = "Every entry"
    return f"{what} of {group.title}" if group is not None else f"{what}, whole proposal"


@transaction.atomic
def round_open(*, proposal: Proposal, by, item: str = "", entry_kind: str = "", group=None,
               anonymous: bool = True, closes_at=None) -> Round:
    """A new round on the entries in scope, numbered next in its proposal."""
    _require(proposal, by, access.MANAGE)
    if item and item not in InformationItem.values:
        raise ValidationError("No such information item.", code="scope_item")
    if entry_kind and (entry_kind not in KINDS_BY_KEY or (item and KINDS_BY_KEY[entry_kind].item != item)):
        raise ValidationError("That kind of entry is not part of that item.", code="scope_kind")
    if group is not None and group.proposal_id != proposal.pk:
        raise ValidationError("That group belongs to another proposal.", code="scope_group")
    if closes_at is not None and closes_at <= timezone.now():
        raise ValidationError("The closing date has passed: choose a later one, or none.", code="closes_in_past")
    if not scope_kinds(item, entry_kind):
        raise ValidationError("Nothing to rate there.", code="scope_empty")
    # The proposal's row, locked: two coordinators opening rounds at once get 1 and 2.
    Proposal.objects.select_for_update().filter(pk=proposal.pk).first()
    last = Round.objects.filter(proposal=proposal).order_by("-number").values_list("number", flat=True).first()
    round_ = Round.objects.create(
        proposal=proposal, number=(last or 0) + 1, item=item or (KINDS_BY_KEY[entry_kind].item if entry_kind else ""),
        entry_kind=entry_kind, group=group, group_title=group.title if group is not None else "",
        scope_label=scope_label(item, entry_kind, group), anonymous=anonymous, closes_at=closes_at, opened_by=by,
    )
    services.touch_proposal(proposal.pk)
    return round_


@transaction.atomic
def round_close(*, round_: Round, by) -> Round:
    _require(round_.proposal, by, access.MANAGE)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status == Round.Status.CLOSED:
        return round_
    round_.status = Round.Status.CLOSED
    round_.closed_by = by
    round_.closed_at = min(timezone.now(), round_.closes_at) if round_.closes_at else timezone.now()
    round_.save(update_fields=["status", "closed_by", "closed_at"])
    services.touch_proposal(round_.proposal_id)
    return round_


def rounds_close_due(proposal_id: int) -> int:
    """Close the proposal's rounds past their closing date, as closed by the clock (no one,
    at that date), and mark the proposal changed so that every page shows their results;
    how many. A read while none is due (the proposal page's every request)."""
    due = Round.objects.filter(proposal_id=proposal_id, status=Round.Status.OPEN, closes_at__lte=timezone.now())
    if not due.exists():
        return 0
    with transaction.atomic():
        closed = due.update(status=Round.Status.CLOSED, closed_at=F("closes_at"))
        if closed:
            services.touch_proposal(proposal_id)
    return closed


IMPORTANCE = {1: "Not important", 2: "Somewhat important", 3: "Important", 4: "Very important",
              5: "Extremely important"}
REASON_LIMIT = 2000


def _entry_in_scope(round_: Round, path: str) -> bool:
    key, _, pk = path.partition(":")
    kind = KINDS_BY_KEY.get(key)
    if kind is None or not pk.isdigit() or kind not in scope_kinds(round_.item, round_.entry_kind):
        return False
    chosen = round_.path_set
    if chosen is not None and path not in chosen:
        return False
    entries = kind.model.objects.filter(proposal_id=round_.proposal_id, pk=int(pk))
    if round_.group_id is not None:
        entries = entries.filter(group_id=round_.group_id)
    elif round_.group_title:
        return False  # its group is gone
    return entries.exists()


@transaction.atomic
def rating_set(*, round_: Round, by, path: str, relevant: str, importance: int | None = None,
               reason: str = "") -> Rating:
    """The rater's rating of one entry, made or changed, while the round is open."""
    _require(round_.proposal, by, access.COMMENT)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if not round_.is_open:
        raise ValidationError(f"Round {round_.number} has closed: your rating was not saved.", code="round_closed")
    if not _entry_in_scope(round_, path):
        raise ValidationError("That entry is not rated in this round.", code="not_in_round")
    if relevant not in Rating.Relevance.values:
        raise ValidationError("Say whether it is relevant: yes, no or not sure.", code="relevant_choice")
    reason = (reason or "").strip()
    if len(reason) > REASON_LIMIT:
        raise ValidationError(f"Keep the reason under {REASON_LIMIT} characters (it has {len(reason)}).",
                              code="reason_long")
    if relevant == Rating.Relevance.YES:
        if importance not in IMPORTANCE:
            raise ValidationError("Say how important it is, from 1 to 5.", code="importance_required")
    else:
        importance = None
    if relevant == Rating.Relevance.NO and not reason:
        raise ValidationError("Say why it is not relevant: the panel reads the reasons.", code="reason_required")
    rating, made = Rating.objects.get_or_create(
        round=round_, rater=by, path=path,
        defaults={"relevant": relevant, "importance": importance, "reason": reason})
    if not made:
        rating.relevant, rating.importance, rating.reason = relevant, importance, reason
        rating.updated_at = timezone.now()
        rating.save(update_fields=["relevant", "importance", "reason", "updated_at"])
    services.touch_proposal(round_.proposal_id, (path,))
    return rating


def round_remind(*, round_: Round, by, request_or_base_url=None) -> int:
    """A notice in the inbox of each member who may rate and has not finished (but the
    coordinator who asks: the rounds page tells them), and an e-mail to each who has an
    address; how many were reminded. request_or_base_url: for the link in the e-mail
    (else settings.SITE_URL)."""
    _require(round_.proposal, by, access.MANAGE)
    round_ = Round.objects.get(pk=round_.pk)
    if not round_.is_open:
        raise ValidationError(f"Round {round_.number} has closed: there is nothing left to rate.",
                              code="round_closed")
    url = reverse("round_rate", args=[round_.proposal_id, round_.number])
    sent = 0
    for member, rated, total in unfinished(round_):
        if member.user_id == by.pk:
            continue
        notice_send(proposal=round_.proposal, to=[member.user], by=by, url=url,
                    subject=f"Reminder: rating round {round_.number} of “{round_.proposal.title}”",
                    request_or_base_url=request_or_base_url,
                    text=f"Round {round_.number} ({round_.scope_label}) is open: you have rated {rated} of {total}."
                    + (f" It closes {timezone.localtime(round_.closes_at):%-d %b, %H:%M}." if round_.closes_at else ""))
        sent += 1
    return sent


@transaction.atomic
def thresholds_set(*, proposal: Proposal, by, quorum: int, core_importance, agreement_pct: int,
                   agreement_iqr) -> Thresholds:
    """The proposal's own rules for results; every closed round's results follow them."""
    _require(proposal, by, access.MANAGE)
    thresholds, _ = Thresholds.objects.update_or_create(
        proposal=proposal, defaults={"quorum": quorum, "core_importance": core_importance,
                                     "agreement_pct": agreement_pct, "agreement_iqr": agreement_iqr})
    services.touch_proposal(proposal.pk)
    return thresholds


@transaction.atomic
def round_open_again(*, round_: Round, by, too_few: bool = False, anonymous: bool | None = None,
                     closes_at=None) -> Round:
    """The Delphi second round: the Contested entries of a closed round (and, if asked,
    those with too few ratings) rated again, each beside its first round's result."""
    _require(round_.proposal, by, access.MANAGE)
    round_ = Round.objects.select_related("group").get(pk=round_.pk)
    if round_.is_open:
        raise ValidationError(f"Round {round_.number} is still open: close it first.", code="round_open")
    if closes_at is not None and closes_at <= timezone.now():
        raise ValidationError("The closing date has passed: choose a later one, or none.", code="closes_in_past")
    results = round_results([round_], round_.proposal_id)
    wanted = {CONTESTED, TOO_FEW} if too_few else {CONTESTED}
    paths = []
    for kind, entry in entries_in_scope(round_):
        path = f"{kind.key}:{entry.pk}"
        result = results.get((round_.pk, path))
        if (result.kind if result is not None else TOO_FEW) in wanted:
            paths.append(path)
    if not paths:
        raise ValidationError(f"Round {round_.number} left no entry {'undecided' if too_few else 'contested'}: "
                              "there is nothing to rate again.", code="nothing_contested")
    Proposal.objects.select_for_update().filter(pk=round_.proposal_id).first()
    last = Round.objects.filter(proposal_id=round_.proposal_id).order_by("-number").values_list("number", flat=True)[0]
    what = "Contested" + (" and too-few" if too_few else "")
    again = Round.objects.create(
        proposal_id=round_.proposal_id, number=last + 1, item=round_.item, entry_kind=round_.entry_kind,
        group=round_.group, group_title=round_.group_title, follows=round_, paths="\n".join(paths),
        scope_label=f"{what} entries of round {round_.number}: {round_.scope_label}",
        anonymous=round_.anonymous if anonymous is None else anonymous, closes_at=closes_at, opened_by=by)
    services.touch_proposal(round_.proposal_id)
    return again

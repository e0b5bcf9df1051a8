"""Rating rounds: the list of a proposal's rounds, where coordinators open and close them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from consensus import applying, rating, report, selectors, services
from consensus.forms import RatingForm, RoundOpenForm, ThresholdsForm
from consensus.results import Rules
from consensus.models import Rating
from occupations import access, diffs
from occupations.kinds import KINDS_BY_KEY


def annotate_page(*, outline, membership, paths=None, shared=False) -> dict:
    """The proposal page's link to its rounds, and each entry's rating in an open round."""
    context = {"proposal_tools": [("Rating rounds", reverse("round_list", args=[outline.proposal.pk]))]}
    rounds, closed = selectors.rounds_now(outline.proposal.pk)
    if rounds or closed:
        results = selectors.round_results(closed, outline.proposal.pk)
        context["entry_extras"] = rating.extras_for(membership, rounds, closed, results, shared=shared)
        if closed and paths is None:  # the whole page: its contents offer a filter by class
            context["result_counts"] = rating.class_counts(outline, closed, results)
            context["contents_extras_template"] = "consensus/_result_filter.html"
    return context


def _round(request, pk: int, number: int, action: str):
    """The member's membership and the proposal's round by its number, if the role allows
    the action: 404 for outsiders and for a round that is not there, 403 for the role."""
    membership = access.membership_for(request.user, pk, action)
    round_ = selectors.round_of(membership.proposal, number)
    if round_ is None:
        raise Http404("No such round.")
    return membership, round_


@login_required
def round_list(request, pk: int):
    action = access.MANAGE if request.method == "POST" else access.READ
    membership = access.membership_for(request.user, pk, action)
    proposal = membership.proposal
    can_manage = access.role_allows(membership.role, access.MANAGE)
    form = RoundOpenForm(request.POST or None, proposal=proposal) if can_manage else None
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_open(proposal=proposal, by=request.user, anonymous=form.cleaned_data["anonymous"],
                                         closes_at=form.cleaned_data["closes_at"], **form.cleaned_data["scope"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Round {round_.number} is open: {round_.scope_label}.")
            return redirect("round_list", pk=pk)
    rounds = selectors.rounds_of(proposal)
    can_rate = access.role_allows(membership.role, access.COMMENT)
    for round_ in rounds:
        round_.raters = selectors.raters_of(round_)
        round_.progress = selectors.progress(round_, request.user) if can_rate and round_.is_open else None
        round_.unfinished = selectors.unfinished(round_) if can_manage and round_.is_open else []
        round_.moved = selectors.moved(round_) if round_.follows_id else []
    rules = Rules.of(selectors.thresholds_of(proposal.pk))
    return render(request, "consensus/round_list.html", {
        "proposal": proposal,
        "membership": membership,
        "rounds": rounds,
        "rules": rules,
        "thresholds_form": ThresholdsForm(initial={**vars(rules), "agreement_pct": round(rules.agreement_pct)})
        if can_manage else None,
        "can_manage": can_manage,
        "can_write": access.role_allows(membership.role, access.WRITE),
        "form": form,
    }, status=400 if form is not None and form.is_bound and form.errors else 200)


@login_required
@require_POST
def round_close(request, pk: int, number: int):
    _, round_ = _round(request, pk, number, access.MANAGE)
    services.round_close(round_=round_, by=request.user)
    messages.success(request, f"Round {round_.number} is closed.")
    return redirect("round_list", pk=pk)


# Which field a refusal is about, by its code; the rest are said above the form.
FIELD_OF = {"relevant_choice": "relevant", "importance_required": "importance", "reason_required": "reason",
            "reason_long": "reason"}


@login_required
def rating_form(request, pk: int, number: int):
    """Rate one entry (or change one's rating): the form under the entry on the page (by
    htmx), or a page of its own. A refusal keeps every choice made on the screen."""
    membership, round_ = _round(request, pk, number, access.COMMENT)
    path = (request.POST.get("path") if request.method == "POST" else request.GET.get("path")) or ""
    mine = Rating.objects.filter(round=round_, rater=request.user, path=path).first()
    if request.method == "GET" and request.GET.get("cancel"):
        return HttpResponse(_control(round_, path, mine))
    initial = {"path": path}
    if mine is not None:
        initial.update(relevant=mine.relevant, importance=mine.importance, reason=mine.reason)
    form = RatingForm(request.POST or None, initial=initial, auto_id=f"{rating.box_id(round_.number, path)}-%s")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.rating_set(round_=round_, by=request.user, path=data["path"], relevant=data["relevant"],
                                        importance=data["importance"], reason=data["reason"])
        except ValidationError as error:
            form.add_error(FIELD_OF.get(error.code), error)
        else:
            if request.htmx:
                return HttpResponse(_control(round_, saved.path, saved))
            messages.success(request, f"Your rating is saved: {rating.describe(saved)}.")
            return redirect(reverse("proposal_detail", args=[pk]) + f"#{path.replace(':', '-')}")
    context = {"proposal": membership.proposal, "round": round_, "form": form, "path": path,
               "box_id": rating.box_id(round_.number, path),
               "action": reverse("rating_form", args=[pk, number]), "rated": mine is not None}
    if request.htmx:
        return render(request, "consensus/_rating_form.html", context)
    return render(request, "consensus/rating_page.html", context, status=400 if form.errors else 200)


def _control(round_, path: str, mine) -> str:
    return rating.control(round_, path, raters=selectors.rater_counts([round_]).get((round_.pk, path), 0),
                          rating=mine, can_rate=True)


@login_required
def round_report(request, pk: int, number: int, format: str):
    """A closed round's results to download; an open one has none yet."""
    _, round_ = _round(request, pk, number, access.READ)
    if format not in report.FORMATS:
        raise Http404("No such format.")
    if round_.is_open:
        messages.error(request, f"Round {number} is still open: its results come when it closes.")
        return redirect("round_list", pk=pk)
    write, content_type = report.FORMATS[format]
    response = HttpResponse(write(round_, report.rows(round_)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="proposal-{pk}-round-{number}.{format}"'
    return response


@login_required
def round_rate(request, pk: int, number: int):
    """The Rate view: the round's entries one at a time, for the keyboard. Saving goes on
    to the next entry; a refusal keeps what was chosen on the screen."""
    membership, round_ = _round(request, pk, number, access.COMMENT)
    entries = selectors.entries_in_scope(round_)
    mine = {item.path: item for item in Rating.objects.filter(round=round_, rater=request.user)}
    paths = [f"{kind.key}:{entry.pk}" for kind, entry in entries]
    at = request.POST.get("at") or request.GET.get("at")
    if at and at.isdigit() and 1 <= int(at) <= len(entries):
        index = int(at) - 1
    else:  # the first not yet rated, else the first
        index = next((place for place, path in enumerate(paths) if path not in mine), 0)
    form = None
    if entries:
        path = paths[index]
        rated = mine.get(path)
        initial = {"path": path}
        if rated is not None:
            initial.update(relevant=rated.relevant, importance=rated.importance, reason=rated.reason)
        form = RatingForm(request.POST or None, initial=initial, auto_id="rate-%s")
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.rating_set(round_=round_, by=request.user, path=path, relevant=data["relevant"],
                                            importance=data["importance"], reason=data["reason"])
            except ValidationError as error:
                form.add_error(FIELD_OF.get(error.code), error)
            else:
                messages.success(request, f"Entry {index + 1} saved: {rating.describe(saved)}.")
                following = index + 2 if index + 1 < len(entries) else index + 1
                return redirect(reverse("round_rate", args=[pk, number]) + f"?at={following}")
    kind, entry = entries[index] if entries else (None, None)
    done = sum(1 for path in paths if path in mine)
    before = ""
    if round_.follows_id and entry is not None:  # the first round's result, beside the entry
        first = round_.follows
        result = selectors.round_results([first], pk).get((first.pk, paths[index]))
        if result is not None:
            result.reasons = selectors.reasons_of(first, paths[index])
        before = rating.result_line(first, result)
    return render(request, "consensus/rate.html", {
        "proposal": membership.proposal, "round": round_, "form": form, "kind": kind, "entry": entry,
        "words": report.words(kind, entry) if entry is not None else "", "at": index + 1, "total": len(entries),
        "done": done, "previous": index if index > 0 else None, "before": mark_safe(before),
        "next": index + 2 if index + 1 < len(entries) else None,
    }, status=400 if form is not None and form.errors else 200)


@login_required
@require_POST
def round_remind(request, pk: int, number: int):
    _, round_ = _round(request, pk, number, access.MANAGE)
    try:
        sent = services.round_remind(round_=round_, by=request.user, request_or_base_url=request)
    except ValidationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Reminded {sent} member{'s' if sent != 1 else ''} in their inbox, and by e-mail "
                         "where they have an address."
                         if sent else "Everyone has finished: nobody to remind.")
    return redirect("round_list", pk=pk)


@login_required
@require_POST
def round_thresholds(request, pk: int):
    membership = access.membership_for(request.user, pk, access.MANAGE)
    form = ThresholdsForm(request.POST)
    if form.is_valid():
        services.thresholds_set(proposal=membership.proposal, by=request.user, **form.cleaned_data)
        messages.success(request, "The rules are saved: every closed round's results follow them.")
    else:
        problems = "; ".join(f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items())
        messages.error(request, f"The rules were not saved. {problems}")
    return redirect("round_list", pk=pk)


@login_required
@require_POST
def round_again(request, pk: int, number: int):
    """A second round on a closed round's contested entries."""
    _, round_ = _round(request, pk, number, access.MANAGE)
    try:
        again = services.round_open_again(round_=round_, by=request.user, too_few=bool(request.POST.get("too_few")))
    except ValidationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Round {again.number} is open: {again.scope_label} "
                                  f"({len(again.path_set)} entr{'y' if len(again.path_set) == 1 else 'ies'}).")
    return redirect("round_list", pk=pk)


def _conflict(change, error) -> dict:
    """A change not applied because someone saved the entry since it was reviewed: shown
    as an edit's conflict is, what is saved now beside what was reviewed."""
    current = error.current
    if current is None:
        return {"change": change, "deleted": True, "fields": []}
    record = current.history.select_related("history_user").first()
    fields = []
    for name in error.fields:
        now, reviewed = getattr(current, name), error.mine.get(name)
        if name == "is_may":
            now, reviewed = ("“may” statement" if value else "required duty" for value in (now, reviewed))
        row = {"label": current._meta.get_field(name).verbose_name.capitalize(), "now": now, "mine": reviewed}
        if isinstance(now, str) and isinstance(reviewed, str) and name != "is_may":
            row["pieces"] = diffs.word_diff(reviewed, now)
        fields.append(row)
    return {"change": change, "deleted": False, "who": record.history_user if record else None,
            "when": record.history_date if record else None, "fields": fields}


def _applied(outcome) -> str:
    counts = {action: sum(1 for change in outcome.applied if change.action == action) for action in applying.SAYS}
    said = [f"{counts[applying.REQUIRED]} made required" if counts[applying.REQUIRED] else "",
            f"{counts[applying.MAY]} made “may”" if counts[applying.MAY] else "",
            f"{counts[applying.REMOVE]} suggested for removal" if counts[applying.REMOVE] else ""]
    total = len(outcome.applied)
    return f"Applied {total} change{'s' if total != 1 else ''}: {', '.join(part for part in said if part)}."


@login_required
def round_apply(request, pk: int, number: int):
    """A closed round's results as changes to the text, listed with their figures for an
    editor to review, then applied: the ones left ticked."""
    membership, round_ = _round(request, pk, number, access.WRITE)
    if round_.is_open:
        messages.error(request, f"Round {number} is still open: its results come when it closes.")
        return redirect("round_list", pk=pk)
    conflicts = []
    if request.method == "POST":
        outcome = applying.apply(round_=round_, by=request.user, chosen=request.POST.getlist("change"))
        if outcome.applied:
            messages.success(request, _applied(outcome))
        if outcome.gone:
            messages.info(request, f"{len(outcome.gone)} change{'s were' if len(outcome.gone) != 1 else ' was'} "
                                   "no longer needed: made meanwhile, or the entry is gone.")
        if not outcome.applied and not outcome.gone and not outcome.conflicts:
            messages.info(request, "Nothing was ticked: nothing applied.")
        conflicts = [_conflict(change, error) for change, error in outcome.conflicts]
        if not conflicts:
            return redirect("round_apply", pk=pk, number=number)
    return render(request, "consensus/apply.html", {
        "proposal": membership.proposal, "round": round_, "plan": applying.plan(round_), "conflicts": conflicts,
        "chain": [*selectors.earlier_rounds(round_), round_],
    }, status=409 if conflicts else 200)


@login_required
def round_reasons(request, pk: int, number: int):
    """The raters' reasons for one entry of a closed round: into the folded list under it
    on the page (htmx), or a page of their own."""
    membership, round_ = _round(request, pk, number, access.READ)
    if round_.is_open:
        raise Http404("The reasons are read when the round closes.")
    path = request.GET.get("path", "")[:100]
    reasons = selectors.reasons_of(round_, path)
    if request.htmx:
        return HttpResponse(rating.reasons_list(reasons) if reasons else "<p class=\"mb-1\">No reasons given.</p>")
    kind, _, entry_pk = path.partition(":")
    words = ""
    if kind in KINDS_BY_KEY and entry_pk.isdigit():
        entry = KINDS_BY_KEY[kind].model.objects.filter(proposal_id=pk, pk=int(entry_pk)).first()
        words = report.words(KINDS_BY_KEY[kind], entry) if entry is not None else ""
    return render(request, "consensus/reasons.html", {
        "proposal": membership.proposal, "round": round_, "words": words, "anchor": path.replace(":", "-"),
        "reasons": mark_safe(rating.reasons_list(reasons)) if reasons else "",
    })

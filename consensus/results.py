"""Each entry's result in a closed round, by the issue's rules (O*NET's Core and
Supplemental, the Delphi studies' agreement):

- raters: everyone who rated; relevant_pct: yes ÷ (yes + no) × 100, "not sure" counted
  apart and in neither;
- importance over the "yes" ratings: mean, population standard deviation, and the
  interquartile range (Q3 − Q1 of statistics.quantiles(n=4, method="inclusive"));
- class, the first rule that applies: too few ratings (fewer yes-or-no answers than the
  quorum, or than the members who may rate where fewer), Core (at least two thirds yes,
  mean importance at least the threshold), Contested (more than a third and less than
  two thirds yes), Not relevant (at most a third yes), Supplemental (the rest);
- agreed: at least the agreement share gave the same relevance answer, and the
  importance IQR is at most the threshold.

Two thirds and one third are compared in whole numbers (yes × 3 against (yes + no) × 2),
so 4 of 6 is exactly two thirds."""

import math
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

TOO_FEW, CORE, CONTESTED, NOT_RELEVANT, SUPPLEMENTAL = (
    "Too few ratings", "Core", "Contested", "Not relevant", "Supplemental")
CLASSES = (CORE, SUPPLEMENTAL, CONTESTED, NOT_RELEVANT, TOO_FEW)


@dataclass(frozen=True)
class Rules:
    quorum: int = 5
    core_importance: float = 3.0
    agreement_pct: float = 75.0
    agreement_iqr: float = 1.0

    @classmethod
    def of(cls, thresholds) -> "Rules":
        if thresholds is None:
            return cls()
        return cls(quorum=thresholds.quorum, core_importance=float(thresholds.core_importance),
                   agreement_pct=float(thresholds.agreement_pct), agreement_iqr=float(thresholds.agreement_iqr))


@dataclass
class Result:
    raters: int
    yes: int
    no: int
    unsure: int
    relevant_pct: float | None
    importance_mean: float | None
    importance_sd: float | None
    importance_iqr: float | None
    kind: str  # the class
    agreed: bool
    reason_count: int = 0  # how many raters gave a reason
    reasons: list = field(default_factory=list)  # (name or "", relevance, reason), when read


def _iqr(values: list[int]) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return 0.0
    quartiles = statistics.quantiles(values, n=4, method="inclusive")
    return quartiles[2] - quartiles[0]


def result_of(ratings, rules: Rules, eligible: int) -> Result:
    """ratings: (relevant, importance) pairs, one per rater; eligible: how many members
    may rate (the quorum is never more than that)."""
    answers = [relevant for relevant, _ in ratings]
    yes, no, unsure = answers.count("yes"), answers.count("no"), answers.count("unsure")
    importance = [value for relevant, value in ratings if relevant == "yes" and value is not None]
    count, total = len(importance), sum(importance)
    mean = total / count if importance else None
    # In whole numbers until the root (statistics.pstdev's exact fractions cost a
    # thousand entries' page a tenth of a second): variance = (n·Σx² − (Σx)²) / n².
    sd = math.sqrt(count * sum(value * value for value in importance) - total * total) / count \
        if importance else None
    iqr = _iqr(importance)
    answered = yes + no
    quorum = max(1, min(rules.quorum, eligible)) if eligible else rules.quorum
    if answered < quorum:
        kind = TOO_FEW
    elif yes * 3 >= answered * 2:
        kind = CORE if mean is not None and Decimal(str(mean)) >= Decimal(str(rules.core_importance)) \
            else SUPPLEMENTAL
    elif yes * 3 > answered:
        kind = CONTESTED
    else:
        kind = NOT_RELEVANT
    raters = len(answers)
    top = max(yes, no, unsure) if raters else 0
    agreed = bool(raters) and top * 100 >= rules.agreement_pct * raters and (
        iqr is None or iqr <= rules.agreement_iqr)
    return Result(raters=raters, yes=yes, no=no, unsure=unsure,
                  relevant_pct=(yes * 100 / answered) if answered else None,
                  importance_mean=mean, importance_sd=sd, importance_iqr=iqr, kind=kind, agreed=agreed)

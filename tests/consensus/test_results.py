"""Each rule of consensus.results at its edges."""

import pytest

from consensus.results import CONTESTED, CORE, NOT_RELEVANT, SUPPLEMENTAL, TOO_FEW, Rules, result_of

RULES = Rules()


def ratings(yes=(), no=0, unsure=0):
    """yes: the importance each "yes" gave."""
    return [("yes", value) for value in yes] + [("no", None)] * no + [("unsure", None)] * unsure


def test_four_of_six_is_two_thirds_and_a_mean_of_three_is_core():
    result = result_of(ratings(yes=(1, 3, 3, 5), no=2), RULES, eligible=10)
    assert (result.kind, result.raters, result.relevant_pct) == (CORE, 6, pytest.approx(66.667, abs=0.001))
    assert result.importance_mean == 3.0


def test_a_mean_just_under_three_is_supplemental():
    result = result_of(ratings(yes=(2, 3, 3, 3), no=2), RULES, eligible=10)
    assert result.importance_mean == 2.75 and result.kind == SUPPLEMENTAL


def test_just_under_two_thirds_is_contested():
    # 5 of 8 (62.5%): more than a third, less than two thirds
    assert result_of(ratings(yes=(5, 5, 5, 5, 5), no=3), RULES, eligible=10).kind == CONTESTED
    # half
    assert result_of(ratings(yes=(4, 4, 4), no=3), RULES, eligible=10).kind == CONTESTED


def test_two_of_six_is_one_third_and_not_relevant():
    assert result_of(ratings(yes=(5, 5), no=4), RULES, eligible=10).kind == NOT_RELEVANT
    # 3 of 8 is more than a third
    assert result_of(ratings(yes=(5, 5, 5), no=5), RULES, eligible=10).kind == CONTESTED
    assert result_of(ratings(no=6), RULES, eligible=10).kind == NOT_RELEVANT


def test_the_quorum_is_five_yes_or_no_answers_or_every_member_who_may_rate():
    four = ratings(yes=(4, 4, 4, 4), unsure=3)  # "not sure" counts toward no quorum
    assert result_of(four, RULES, eligible=10).kind == TOO_FEW
    assert result_of(ratings(yes=(4, 4, 4, 4, 4)), RULES, eligible=10).kind == CORE
    assert result_of(four, RULES, eligible=4).kind == CORE  # only four may rate
    assert result_of([], RULES, eligible=4).kind == TOO_FEW
    assert result_of(four, Rules(quorum=3), eligible=10).kind == CORE


def test_not_sure_is_counted_apart_and_in_neither_share():
    result = result_of(ratings(yes=(4, 4, 4, 4), no=2, unsure=3), RULES, eligible=10)
    assert (result.raters, result.yes, result.no, result.unsure) == (9, 4, 2, 3)
    assert result.relevant_pct == pytest.approx(66.667, abs=0.001)
    assert result.kind == CORE


def test_importance_is_read_from_the_yes_ratings_only():
    result = result_of(ratings(yes=(3, 5), no=1, unsure=1), RULES, eligible=2)
    assert (result.importance_mean, result.importance_sd, result.importance_iqr) == (4.0, 1.0, 1.0)
    nobody = result_of(ratings(no=5), RULES, eligible=10)
    assert (nobody.importance_mean, nobody.importance_sd, nobody.importance_iqr, nobody.relevant_pct) == (
        None, None, None, 0.0)
    alone = result_of(ratings(yes=(4,)), RULES, eligible=1)
    assert (alone.importance_sd, alone.importance_iqr) == (0.0, 0.0)


def test_the_panel_agrees_at_75_percent_the_same_and_an_iqr_of_one():
    # 6 of 8 yes (75%), IQR exactly 1.0
    agreed = result_of(ratings(yes=(2, 3, 3, 4, 4, 4), no=2), RULES, eligible=10)
    assert agreed.importance_iqr == 1.0 and agreed.agreed
    # 5 of 8 the same: not agreed, whatever the importance
    assert not result_of(ratings(yes=(4, 4, 4, 4, 4), no=3), RULES, eligible=10).agreed
    # all the same, but an IQR of 1.25
    wide = result_of(ratings(yes=(2, 3, 4, 4), no=0), RULES, eligible=4)
    assert wide.importance_iqr == 1.25 and not wide.agreed
    # all "no": agreed on relevance, no importance to agree on
    assert result_of(ratings(no=6), RULES, eligible=10).agreed
    # "not sure" is an answer too: 3 of 4 the same
    assert result_of(ratings(unsure=3, no=1), RULES, eligible=10).agreed


def test_a_proposals_own_thresholds():
    rules = Rules(quorum=2, core_importance=4.0, agreement_pct=90, agreement_iqr=0.5)
    result = result_of(ratings(yes=(3, 4, 4)), rules, eligible=10)
    assert result.kind == SUPPLEMENTAL  # mean 3.67 < 4.0
    assert result.importance_iqr == 0.5 and result.agreed  # 100% the same, IQR at most 0.5
    assert not result_of(ratings(yes=(3, 4, 4), no=1), rules, eligible=10).agreed  # 75% < 90%

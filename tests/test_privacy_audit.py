"""Tests for the audit helpers of lesson 10: TPR at low FPR, the DP bound on any attack, group-matched
non-members (dlbio.privacy), and per-group error rates with exact intervals (dlbio.evaluation)."""
import math

import numpy as np
import pytest
from scipy.stats import binomtest
from sklearn.metrics import roc_curve

from dlbio.evaluation import group_error_rates, lowest_rule_cost, paired_difference, proportion_interval, rule_costs
from dlbio.privacy import attack_auc, calibrated_score, dp_tpr_bound, matched_sample, tpr_at_fpr


# ---- tpr_at_fpr ---------------------------------------------------------------------------

def test_tpr_at_fpr_small_example_by_hand():
    # Flag "score >= t". At most 1 of 4 non-members may be flagged: t = 3 flags 5, 4 and 3.
    result = tpr_at_fpr([5.0, 4.0, 1.0], [3.0, 2.0, 0.0, -1.0], fpr=0.25)
    assert result["tpr"] == pytest.approx(2 / 3) and result["fpr"] == 0.25 and result["threshold"] == 3.0
    assert (result["n_members"], result["n_nonmembers"]) == (3, 4)


def test_tpr_at_fpr_matches_the_roc_curve():
    rng = np.random.default_rng(0)
    members, nonmembers = rng.normal(0.5, 1, 300), rng.normal(0, 1, 5000)
    fpr, tpr, _ = roc_curve(np.r_[np.ones(300), np.zeros(5000)], np.r_[members, nonmembers])
    for target in (0.001, 0.01, 0.1):
        result = tpr_at_fpr(members, nonmembers, target)
        assert result["fpr"] <= target
        assert result["tpr"] == pytest.approx(tpr[fpr <= target].max())
        assert result["tpr"] == pytest.approx(np.mean(members >= result["threshold"]))


def test_tpr_at_fpr_is_at_chance_without_signal_and_high_with_it():
    rng = np.random.default_rng(1)
    same = tpr_at_fpr(rng.normal(size=4000), rng.normal(size=20000), 0.01)
    assert same["tpr"] < 0.02
    apart = tpr_at_fpr(rng.normal(3, 1, 4000), rng.normal(size=20000), 0.01)
    assert apart["tpr"] > 0.6


def test_tpr_at_fpr_needs_enough_nonmembers():
    with pytest.raises(ValueError, match=r"at least ceil\(1 / fpr\) = 1000"):
        tpr_at_fpr([1.0, 2.0], np.zeros(999), 0.001)
    assert tpr_at_fpr([1.0, 2.0], np.arange(1000.0), 0.001)["n_nonmembers"] == 1000


@pytest.mark.parametrize("fpr", [0, 1, -0.1, 1.5, "a"])
def test_tpr_at_fpr_validates_fpr(fpr):
    with pytest.raises((ValueError, TypeError), match="fpr"):
        tpr_at_fpr([1.0], np.zeros(100), fpr)


def test_tpr_at_fpr_when_ties_block_every_threshold():
    # All non-members share the top score: no threshold flags a member without 100% FPR.
    result = tpr_at_fpr([1.0, 0.5], np.ones(100), 0.01)
    assert result["tpr"] == 0.0 and result["fpr"] == 0.0 and math.isinf(result["threshold"])


# ---- dp_tpr_bound -------------------------------------------------------------------------

def test_dp_tpr_bound_known_values():
    assert dp_tpr_bound(0.01, 1.0, 1e-5) == pytest.approx(math.e * 0.01 + 1e-5)
    # At epsilon = 8 the bound is vacuous above FPR ~ 1 / e^8 ~ 3.4e-4.
    assert dp_tpr_bound(1e-4, 8.0, 0.0) == pytest.approx(math.exp(8) * 1e-4)
    assert dp_tpr_bound(0.01, 8.0, 1e-5) > 0.999
    assert dp_tpr_bound(0.5, 0.0, 0.0) == pytest.approx(0.5)  # epsilon 0: no better than guessing
    assert dp_tpr_bound(0.01, float("inf")) == 1.0


def test_dp_tpr_bound_is_monotone_and_at_least_chance():
    grid = np.logspace(-5, 0, 50)
    for eps in (0.5, 1.0, 4.0, 8.0):
        bound = dp_tpr_bound(grid, eps, 1e-5)
        assert bound.shape == grid.shape
        assert np.all(np.diff(bound) >= -1e-12) and np.all(bound >= grid) and np.all(bound <= 1)
    assert np.all(dp_tpr_bound(grid, 1.0, 1e-5) <= dp_tpr_bound(grid, 8.0, 1e-5))


@pytest.mark.parametrize("kwargs, match", [
    (dict(fpr=0.1, epsilon=-1.0), "epsilon"), (dict(fpr=0.1, epsilon=float("nan")), "epsilon"),
    (dict(fpr=0.1, epsilon=1.0, delta=2.0), "delta"), (dict(fpr=1.5, epsilon=1.0), "fpr"),
    (dict(fpr=[0.1, -0.1], epsilon=1.0), "fpr")])
def test_dp_tpr_bound_validates(kwargs, match):
    with pytest.raises(ValueError, match=match):
        dp_tpr_bound(**kwargs)


# ---- matched_sample -----------------------------------------------------------------------

def test_matched_sample_copies_the_group_mix():
    reference = np.array(["A"] * 890 + ["B"] * 110)
    pool = np.array(["A"] * 1950 + ["B"] * 2050)
    idx = matched_sample(reference, pool, random_state=3)
    assert len(set(idx.tolist())) == len(idx) and np.all(np.diff(idx) > 0)
    share_b = np.mean(pool[idx] == "B")
    assert share_b == pytest.approx(0.11, abs=0.005)
    assert np.sum(pool[idx] == "A") >= 1940  # the scarcer group (A) is used almost entirely


def test_matched_sample_removes_a_group_only_signal():
    # Scores that depend on the group only: the unmatched AUC credits the group, the matched one does not.
    rng = np.random.default_rng(0)
    ref, pool = np.where(rng.random(3000) < 0.9, "A", "B"), np.where(rng.random(20000) < 0.5, "A", "B")
    score = lambda g: rng.normal(np.where(g == "A", 1.0, 0.0))
    s_ref, s_pool = score(ref), score(pool)
    assert attack_auc(s_ref, s_pool) > 0.6
    idx = matched_sample(ref, pool, random_state=0)
    assert abs(attack_auc(s_ref, s_pool[idx]) - 0.5) < 0.02


def test_matched_sample_is_reproducible_and_validates():
    ref, pool = ["A", "A", "B"], ["A"] * 10 + ["B"] * 10
    assert np.array_equal(matched_sample(ref, pool, random_state=1), matched_sample(ref, pool, random_state=1))
    with pytest.raises(ValueError, match="missing"):
        matched_sample(["A", "C"], ["A", "B"])
    with pytest.raises(ValueError, match="reference_groups"):
        matched_sample([], ["A"])


# ---- proportion_interval and group_error_rates --------------------------------------------

def test_proportion_interval_matches_scipy_clopper_pearson():
    for k, n in ((0, 20), (1, 200), (37, 100), (20, 20)):
        ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
        assert proportion_interval(k, n) == pytest.approx((ci.low, ci.high), abs=1e-10)


def test_proportion_interval_validates():
    with pytest.raises(ValueError, match="k"):
        proportion_interval(5, 4)
    with pytest.raises(ValueError, match="n"):
        proportion_interval(0, 0)
    with pytest.raises(ValueError, match="confidence"):
        proportion_interval(1, 4, confidence=1.0)


def test_group_error_rates_by_hand():
    y = [0, 0, 1, 1, 0, 1, 0, 1]
    pred = [0, 1, 1, 0, 0, 1, 1, 1]
    table = group_error_rates(y, pred, ["B", "B", "B", "B", "A", "A", "A", "A"])
    assert list(table.index) == ["A", "B"]
    assert table.loc["A", ["n", "error_rate", "fpr", "fnr"]].tolist() == [4, 0.25, 0.5, 0.0]
    assert table.loc["B", ["n_negative", "n_positive", "fpr", "fnr"]].tolist() == [2, 2, 0.5, 0.5]
    for kind in ("error_rate", "fpr", "fnr"):
        assert np.all(table[f"{kind}_low"] <= table[kind]) and np.all(table[kind] <= table[f"{kind}_high"])


def test_group_error_rates_intervals_cover_the_truth_about_95_percent():
    rng = np.random.default_rng(4)
    covered = 0
    for _ in range(200):
        y = rng.integers(0, 2, 300)
        pred = np.where(y == 0, rng.random(300) < 0.2, rng.random(300) < 0.7).astype(int)  # FPR 0.2
        row = group_error_rates(y, pred, np.zeros(300, dtype=int)).iloc[0]
        covered += row["fpr_low"] <= 0.2 <= row["fpr_high"]
    assert covered >= 185  # exact intervals are conservative: at least ~95%


def test_group_error_rates_validates():
    with pytest.raises(ValueError, match="both true labels"):
        group_error_rates([0, 0, 1], [0, 1, 1], ["A", "A", "B"])
    with pytest.raises(ValueError, match="y_pred"):
        group_error_rates([0, 1], [0, 2], ["A", "A"])
    with pytest.raises(ValueError, match="group"):
        group_error_rates([0, 1], [0, 1], ["A"])


# ---- calibrated_score -----------------------------------------------------------------------

def test_calibrated_score_by_hand():
    # score = -log p_ref(y | x) - loss: label 0 uses 1 - p.
    score = calibrated_score([0.1, 0.2], [1, 0], [0.8, 0.3])
    assert score == pytest.approx([-math.log(0.8) - 0.1, -math.log(0.7) - 0.2])


def test_calibrated_score_beats_the_loss_attack_when_difficulty_varies():
    # Members have their loss lowered (memorised); outsiders keep the reference loss. Easy
    # outsiders (low reference loss) fool the plain loss attack but not the calibrated one.
    rng = np.random.default_rng(0)
    n_in, n_out = 400, 20000
    p = rng.uniform(0.02, 0.98, n_in + n_out)
    y = (rng.random(n_in + n_out) < p).astype(int)
    ref = -np.log(np.where(y == 1, p, 1 - p))
    loss = ref * rng.uniform(0.9, 1.1, n_in + n_out)
    loss[:n_in] *= 0.3                                  # members: fit much better than the reference
    score = calibrated_score(loss, y, p)
    plain = tpr_at_fpr(-loss[:n_in], -loss[n_in:], 0.01)["tpr"]
    calibrated = tpr_at_fpr(score[:n_in], score[n_in:], 0.01)["tpr"]
    assert calibrated > plain + 0.2
    # Without any memorisation the calibrated score has no skill.
    null = calibrated_score(ref, y, p)
    assert attack_auc(null[:n_in], null[n_in:]) == pytest.approx(0.5, abs=1e-9)


@pytest.mark.parametrize("losses, y, proba, name", [
    ([-0.1], [1], [0.5], "model_losses"),
    ([0.1, 0.2], [1], [0.5, 0.5], "y"),
    ([0.1], [2], [0.5], "y"),
    ([0.1], [1], [1.5], "reference_proba"),
    ([0.1], [1], [0.5, 0.5], "reference_proba"),
])
def test_calibrated_score_validates(losses, y, proba, name):
    with pytest.raises(ValueError, match=name):
        calibrated_score(losses, y, proba)


# ---- rule_costs and paired_difference (the clinic's decision rule) --------------------------

def test_rule_costs_by_hand():
    # A: 0.6 >= 0.5 flags a healthy patient (false alarm, 1); 0.4 < 0.5 misses a diseased one (5).
    # B: 0.4 >= 0.3 flags a diseased patient (0); 0.2 < 0.3 clears a healthy one (0).
    cost = rule_costs({"A": 0.5, "B": 0.3}, [0.6, 0.4, 0.4, 0.2], [0, 1, 1, 0], ["A", "A", "B", "B"],
                      cost_miss=5, cost_false_alarm=1)
    assert cost.tolist() == [1.0, 5.0, 0.0, 0.0]


def test_rule_costs_matches_counting_errors_and_reacts_to_the_rule():
    rng = np.random.default_rng(0)
    risk, y = rng.random(2000), rng.integers(0, 2, 2000)
    group = np.where(rng.random(2000) < 0.5, "A", "B")
    rule = {"A": 0.3, "B": 0.7}
    cost = rule_costs(rule, risk, y, group, cost_miss=4.0, cost_false_alarm=1.5)
    cut = np.where(group == "A", 0.3, 0.7)
    misses, alarms = np.sum((risk < cut) & (y == 1)), np.sum((risk >= cut) & (y == 0))
    assert cost.sum() == pytest.approx(4.0 * misses + 1.5 * alarms)
    everybody = rule_costs({"A": -np.inf, "B": -np.inf}, risk, y, group, cost_miss=4.0, cost_false_alarm=1.5)
    nobody = rule_costs({"A": np.inf, "B": np.inf}, risk, y, group, cost_miss=4.0, cost_false_alarm=1.5)
    assert everybody.sum() == pytest.approx(1.5 * np.sum(y == 0))
    assert nobody.sum() == pytest.approx(4.0 * np.sum(y == 1))


@pytest.mark.parametrize("kwargs, error, name", [
    (dict(thresholds=[0.5, 0.5]), TypeError, "thresholds"),
    (dict(thresholds={"A": 0.5}), ValueError, "'B'"),
    (dict(thresholds={"A": 0.5, "B": "high"}), TypeError, "'B'"),
    (dict(cost_miss=-1.0), ValueError, "cost_miss"),
    (dict(cost_false_alarm=np.inf), ValueError, "cost_false_alarm"),
    (dict(risk=[0.1, np.nan]), ValueError, "risk"),
    (dict(y_true=[0, 2]), ValueError, "y_true"),
    (dict(group=["A"]), ValueError, "group"),
])
def test_rule_costs_validates(kwargs, error, name):
    args = dict(thresholds={"A": 0.5, "B": 0.5}, risk=[0.2, 0.8], y_true=[0, 1], group=["A", "B"],
                cost_miss=5.0, cost_false_alarm=1.0)
    args.update(kwargs)
    with pytest.raises(error, match=name):
        rule_costs(args.pop("thresholds"), args.pop("risk"), args.pop("y_true"), args.pop("group"), **args)


def test_lowest_rule_cost_by_hand():
    # A: the cut 0.9 flags the diseased patient only (cost 0). B: the cut 0.4 flags both, one false alarm (1 of 2
    # patients: 0.5); the cut 0.6 costs a miss and a false alarm (3.0), flagging nobody a miss (2.5).
    lowest = lowest_rule_cost([0.9, 0.2, 0.6, 0.4], [1, 0, 0, 1], ["A", "A", "B", "B"], cost_miss=5, cost_false_alarm=1)
    assert lowest.to_dict() == {"A": 0.0, "B": 0.5}
    # Swapping the costs changes the answer in B: flagging nobody (one miss, 1 of 2 patients) now wins.
    swapped = lowest_rule_cost([0.9, 0.2, 0.6, 0.4], [1, 0, 0, 1], ["A", "A", "B", "B"], cost_miss=1, cost_false_alarm=5)
    assert swapped.to_dict() == {"A": 0.0, "B": 0.5}
    everyone_ill = lowest_rule_cost([0.3, 0.1], [1, 1], ["A", "A"], cost_miss=5, cost_false_alarm=1)
    assert everyone_ill.to_dict() == {"A": 0.0}          # flagging everybody: no miss, no false alarm


def test_lowest_rule_cost_is_the_best_threshold_by_brute_force():
    rng = np.random.default_rng(3)
    risk = np.round(rng.random(600), 2)                  # ties on purpose
    y = (rng.random(600) < risk ** 2).astype(int)
    group = np.where(rng.random(600) < 0.4, "A", "B")
    lowest = lowest_rule_cost(risk, y, group, cost_miss=4.0, cost_false_alarm=1.5)
    assert lowest.index.tolist() == ["A", "B"]
    for g in ("A", "B"):
        in_g = group == g
        candidates = np.r_[np.unique(risk[in_g]), np.inf, -np.inf, 0.505]
        costs = [rule_costs({g: c}, risk[in_g], y[in_g], group[in_g], cost_miss=4.0, cost_false_alarm=1.5).mean()
                 for c in candidates]
        assert lowest[g] == pytest.approx(min(costs))
        assert lowest[g] <= rule_costs({g: 0.5}, risk[in_g], y[in_g], group[in_g], cost_miss=4.0,
                                       cost_false_alarm=1.5).mean()


@pytest.mark.parametrize("kwargs, error, name", [
    (dict(cost_miss=-1.0), ValueError, "cost_miss"),
    (dict(cost_false_alarm=np.nan), ValueError, "cost_false_alarm"),
    (dict(cost_miss="5"), TypeError, "cost_miss"),
    (dict(risk=[0.1, np.inf]), ValueError, "risk"),
    (dict(y_true=[0, 2]), ValueError, "y_true"),
    (dict(group=["A"]), ValueError, "group"),
    (dict(risk=[], y_true=[], group=[]), ValueError, "at least one patient"),
])
def test_lowest_rule_cost_validates(kwargs, error, name):
    args = dict(risk=[0.2, 0.8], y_true=[0, 1], group=["A", "B"], cost_miss=5.0, cost_false_alarm=1.0)
    args.update(kwargs)
    with pytest.raises(error, match=name):
        lowest_rule_cost(args.pop("risk"), args.pop("y_true"), args.pop("group"), **args)


def test_paired_difference_by_hand_and_per_group():
    table = paired_difference([1.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 0.0], ["A", "A", "B", "B"])
    assert table.index.tolist() == ["all", "A", "B"]
    assert table.loc["all", "difference"] == pytest.approx(0.5)
    assert table.loc["A", "difference"] == pytest.approx(0.5) and table.loc["B", "mean_a"] == 1.0
    d = np.array([1.0, 0.0, 0.0, 1.0])
    half = 1.959964 * d.std(ddof=1) / 2
    assert (table.loc["all", "low"], table.loc["all", "high"]) == pytest.approx((0.5 - half, 0.5 + half), abs=1e-5)


def test_paired_difference_interval_covers_the_true_difference_and_is_narrower_than_unpaired():
    rng = np.random.default_rng(3)
    covered = 0
    for _ in range(200):
        shared = rng.normal(0, 3, 400)                   # most of the noise is shared by the two rules
        a, b = shared + 0.1 + rng.normal(0, 0.5, 400), shared + rng.normal(0, 0.5, 400)
        row = paired_difference(a, b).loc["all"]
        covered += row["low"] <= 0.1 <= row["high"]
    assert covered >= 180
    unpaired_half = 1.96 * np.sqrt(a.var(ddof=1) / 400 + b.var(ddof=1) / 400)
    assert row["high"] - row["low"] < unpaired_half      # paired interval far narrower than unpaired


def test_paired_difference_validates():
    with pytest.raises(ValueError, match="values_a and values_b"):
        paired_difference([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="group"):
        paired_difference([1.0, 2.0], [1.0, 2.0], ["A"])
    with pytest.raises(ValueError, match="at least 2"):
        paired_difference([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], ["A", "A", "B"])
    with pytest.raises(ValueError, match="confidence"):
        paired_difference([1.0, 2.0], [1.0, 2.0], confidence=1.0)

"""Tests for dlbio.evaluation."""
import numpy as np
import pytest

from dlbio.evaluation import format_panel, metric_panel

# A small example worked out by hand (see test_known_example).
Y = [0, 0, 1, 1, 1, 0]
S = [0.1, 0.6, 0.4, 0.9, 0.7, 0.2]


def test_known_example():
    # threshold 0.5 -> predictions 0 1 0 1 1 0: TP=2, FP=1, TN=2, FN=1
    # AUROC: 8 of the 9 (positive, negative) pairs are ranked correctly (0.4 < 0.6).
    # AP: ranked labels 1 1 0 1 0 0 -> (1 + 1 + 3/4) / 3 = 11/12.
    panel = metric_panel(Y, S)
    assert panel["n"] == 6
    assert panel["prevalence"] == pytest.approx(0.5)
    assert panel["accuracy"] == pytest.approx(4 / 6)
    assert panel["balanced_accuracy"] == pytest.approx((2 / 3 + 2 / 3) / 2)
    assert panel["mcc"] == pytest.approx((2 * 2 - 1 * 1) / np.sqrt(3 * 3 * 3 * 3))
    assert panel["auroc"] == pytest.approx(8 / 9)
    assert panel["auprc"] == pytest.approx(11 / 12)
    assert panel["threshold"] == 0.5
    assert {"n", "prevalence", "accuracy", "balanced_accuracy", "auroc", "auprc",
            "mcc"} <= set(panel)


def test_values_are_plain_python_numbers():
    panel = metric_panel(np.array(Y), np.array(S, dtype=np.float32))
    assert isinstance(panel["n"], int)
    assert all(isinstance(v, float) for k, v in panel.items() if k != "n")


def test_threshold_changes_only_thresholded_metrics():
    low = metric_panel(Y, S, threshold=0.0)
    high = metric_panel(Y, S)
    assert low["accuracy"] == pytest.approx(0.5)  # everything predicted positive
    assert low["mcc"] == 0.0 and low["balanced_accuracy"] == 0.5
    assert low["auroc"] == high["auroc"] and low["auprc"] == high["auprc"]


def test_a_score_equal_to_the_threshold_counts_as_positive():
    panel = metric_panel([0, 1], [0.2, 0.5])
    assert panel["accuracy"] == 1.0


def test_prevalence_is_the_mean_label():
    rng = np.random.default_rng(0)
    y = (rng.random(500) < 0.3).astype(int)
    assert metric_panel(y, rng.random(500))["prevalence"] == pytest.approx(y.mean())


def test_random_scores_give_no_skill_values():
    rng = np.random.default_rng(1)
    y = rng.random(20_000) < 0.1
    panel = metric_panel(y, rng.random(20_000))
    assert panel["auprc"] == pytest.approx(panel["prevalence"], abs=0.015)
    assert panel["auroc"] == pytest.approx(0.5, abs=0.02)
    assert abs(panel["mcc"]) < 0.03
    assert panel["balanced_accuracy"] == pytest.approx(0.5, abs=0.02)


def test_perfect_scores():
    panel = metric_panel([0, 1, 0, 1], [0.2, 0.8, 0.3, 0.9])
    for key in ("accuracy", "balanced_accuracy", "auroc", "auprc", "mcc"):
        assert panel[key] == pytest.approx(1.0)


def test_accepts_bools_lists_and_column_vectors():
    a = metric_panel(np.array(Y, dtype=bool), np.array(S)[:, None])
    b = metric_panel(Y, S)
    assert a == b


@pytest.mark.parametrize("y_true, y_score, error, match", [
    ([0, 1, 1], [0.1, 0.2], ValueError, "same length"),
    ([0, 1, 2], [0.1, 0.2, 0.3], ValueError, "y_true"),
    (["a", "b"], [0.1, 0.2], TypeError, "y_true"),
    ([0, 1], [0.1, np.nan], ValueError, "y_score"),
    ([0, 1], [0.1, np.inf], ValueError, "y_score"),
    ([0, 1], ["x", "y"], TypeError, "y_score"),
    ([0, 1], np.zeros((2, 2)), ValueError, r"\[:, 1\]"),
    (np.zeros((2, 3)), [0.1, 0.2], ValueError, "y_true"),
    ([1, 1, 1], [0.1, 0.2, 0.3], ValueError, "both classes"),
    ([0, 0], [0.1, 0.2], ValueError, "both classes"),
])
def test_invalid_input_raises_a_clear_error(y_true, y_score, error, match):
    with pytest.raises(error, match=match):
        metric_panel(y_true, y_score)


@pytest.mark.parametrize("threshold, error", [(np.nan, ValueError), ("0.5", TypeError),
                                              (True, TypeError)])
def test_invalid_threshold(threshold, error):
    with pytest.raises(error, match="threshold"):
        metric_panel(Y, S, threshold=threshold)


def test_format_panel_is_one_readable_line():
    text = format_panel(metric_panel(Y, S))
    assert "\n" not in text
    for piece in ("n=6", "prevalence=0.500", "accuracy=0.667", "AUROC=0.889",
                  "AUPRC=0.917", "no skill: 0.500", "MCC=0.333"):
        assert piece in text
    assert "AUROC=0.89 " in format_panel(metric_panel(Y, S), digits=2)


def test_format_panel_rejects_other_objects():
    with pytest.raises(TypeError, match="panel"):
        format_panel([0.5, 0.6])
    with pytest.raises(ValueError, match="auroc"):
        format_panel({"n": 3, "prevalence": 0.5, "accuracy": 1.0,
                      "balanced_accuracy": 1.0, "auprc": 1.0, "mcc": 1.0})
    with pytest.raises(ValueError, match="digits"):
        format_panel(metric_panel(Y, S), digits=-1)


# ---------------------------------------------------------------------------------------
# summarize_scores, format_mean_sd, results_table, best_candidate_scores
# ---------------------------------------------------------------------------------------
import pandas as pd  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import (GridSearchCV, RandomizedSearchCV, StratifiedKFold,  # noqa: E402
                                     cross_val_score)

from dlbio.evaluation import (best_candidate_scores, format_mean_sd, results_table,  # noqa: E402
                              summarize_scores)


def test_summarize_scores_uses_the_sample_sd_and_keeps_the_order():
    table = summarize_scores({"b": [1.0, 2.0, 4.0], "a": np.array([0.5]), "c": 3})
    assert list(table.index) == ["b", "a", "c"]
    assert list(table.columns) == ["mean", "sd", "n"]
    assert table.loc["b", "mean"] == pytest.approx(7 / 3)
    assert table.loc["b", "sd"] == pytest.approx(np.std([1.0, 2.0, 4.0], ddof=1))
    assert np.isnan(table.loc["a", "sd"]) and table.loc["c", "n"] == 1


@pytest.mark.parametrize("scores, error, match", [
    ([0.1, 0.2], TypeError, "mapping"),
    ({}, ValueError, "at least one model"),
    ({1: [0.1]}, TypeError, "model names"),
    ({"a": "high"}, TypeError, r"scores\['a'\]"),
    ({"a": [0.1, np.nan]}, ValueError, "finite"),
    ({"a": []}, ValueError, "at least one score"),
    ({"a": np.zeros((2, 2))}, ValueError, "1-D"),
])
def test_summarize_scores_rejects_bad_input(scores, error, match):
    with pytest.raises(error, match=match):
        summarize_scores(scores)


def test_format_mean_sd():
    assert format_mean_sd([0.8, 0.9, 0.85]) == "0.850 ± 0.050"
    assert format_mean_sd(np.float32(0.25), digits=1) == "0.2"
    assert format_mean_sd([0.7]) == "0.700"
    with pytest.raises(ValueError, match="digits"):
        format_mean_sd([0.1, 0.2], digits=11)
    with pytest.raises(TypeError, match="values"):
        format_mean_sd(None)


def test_results_table_layout():
    table = results_table({"CV, default": {"LR": [0.70, 0.74], "RF": [0.78, 0.80]},
                           "test, tuned": {"RF": 0.81, "net": 0.79}},
                          budget={"RF": "6 x 3", "net": 18})
    assert isinstance(table, pd.DataFrame) and table.index.name == "model"
    assert list(table.index) == ["LR", "RF", "net"]
    assert list(table.columns) == ["CV, default", "test, tuned", "tuning budget"]
    assert table.loc["LR", "CV, default"] == format_mean_sd([0.70, 0.74])
    assert table.loc["RF", "test, tuned"] == "0.810"
    assert table.loc["LR", "test, tuned"] == "–" and table.loc["net", "CV, default"] == "–"
    assert table.loc["net", "tuning budget"] == "18" and table.loc["LR", "tuning budget"] == "–"
    same = results_table({"x": {"a": 0.5, "b": 0.25}}, budget="none", digits=2)
    assert list(same["tuning budget"]) == ["none", "none"] and same.loc["b", "x"] == "0.25"
    assert "tuning budget" not in results_table({"x": {"a": 0.5}}).columns


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(columns=[("x", {"a": 1.0})]), TypeError, "columns"),
    (dict(columns={}), ValueError, "at least one column"),
    (dict(columns={"x": [0.5]}), TypeError, r"columns\['x'\]"),
    (dict(columns={"x": {}}), ValueError, r"columns\['x'\]"),
    (dict(columns={"": {"a": 0.5}}), TypeError, "titles"),
    (dict(columns={"x": {"a": [np.inf]}}), ValueError, "finite"),
    (dict(columns={"x": {"a": 0.5}}, budget=2.5), TypeError, "budget"),
    (dict(columns={"x": {"a": 0.5}}, budget={"a": None}), TypeError, "budget"),
    (dict(columns={"x": {"a": 0.5}}, digits="3"), TypeError, "digits"),
])
def test_results_table_rejects_bad_input(kwargs, error, match):
    columns = kwargs.pop("columns")
    with pytest.raises(error, match=match):
        results_table(columns, **kwargs)


def test_best_candidate_scores_match_the_chosen_setting():
    X, y = make_classification(n_samples=120, n_features=8, random_state=0)
    cv = StratifiedKFold(4, shuffle=True, random_state=0)
    search = RandomizedSearchCV(LogisticRegression(), {"C": [1e-3, 1e-2, 1.0, 10.0]}, n_iter=3,
                                cv=cv, scoring="roc_auc", random_state=0).fit(X, y)
    scores = best_candidate_scores(search)
    assert scores.shape == (4,)
    assert scores.mean() == pytest.approx(search.best_score_)
    expected = cross_val_score(LogisticRegression(C=search.best_params_["C"]), X, y, cv=cv,
                               scoring="roc_auc")
    np.testing.assert_allclose(scores, expected)


def test_best_candidate_scores_rejects_unfitted_and_multimetric_searches():
    search = GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=3)
    with pytest.raises(TypeError, match="fit"):
        best_candidate_scores(search)
    X, y = make_classification(n_samples=60, random_state=0)
    multi = GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=3,
                         scoring=["accuracy", "roc_auc"], refit="roc_auc").fit(X, y)
    with pytest.raises(ValueError, match="single metric"):
        best_candidate_scores(multi)


# ---------------------------------------------------------------------------------------
# train_tune_test_split
# ---------------------------------------------------------------------------------------
from dlbio.evaluation import (LockedTestSet, TestSetReuseError, identity_clusters,  # noqa: E402
                              pairwise_identity, train_tune_test_split)


def _labels(n_pos=30, n_neg=170):
    return np.array([1] * n_pos + [0] * n_neg)


def test_three_way_split_sizes_disjoint_and_complete():
    y = _labels()
    X = np.arange(200)[:, None] * 10
    X_train, X_tune, X_test, y_train, y_tune, y_test = train_tune_test_split(
        X, y, tune_size=0.2, test_size=0.25, stratify=y, random_state=0)
    assert (len(X_train), len(X_tune), len(X_test)) == (110, 40, 50)
    rows = np.concatenate([X_train[:, 0], X_tune[:, 0], X_test[:, 0]]) // 10
    assert sorted(rows.tolist()) == list(range(200))          # disjoint and complete
    np.testing.assert_array_equal(y_train, y[X_train[:, 0] // 10])  # rows stay aligned
    for part in (y_train, y_tune, y_test):                    # stratified
        assert abs(part.mean() - 0.15) <= 1 / len(part) + 1e-12


def test_three_way_split_counts_seeds_and_types():
    index = np.arange(100)
    a = train_tune_test_split(index, tune_size=10, test_size=30, random_state=1)
    b = train_tune_test_split(index, tune_size=10, test_size=30, random_state=1)
    c = train_tune_test_split(index, tune_size=10, test_size=30, random_state=2)
    assert [len(p) for p in a] == [60, 10, 30]
    assert all(np.array_equal(p, q) for p, q in zip(a, b))
    assert not np.array_equal(a[2], c[2])
    parts = train_tune_test_split(list("abcdefghij"), pd.Series(range(10)), tune_size=0.2,
                                  test_size=0.2, random_state=0)
    assert isinstance(parts[0], list) and isinstance(parts[3], pd.Series)
    assert [len(p) for p in parts] == [6, 2, 2, 6, 2, 2]


@pytest.mark.parametrize("args, kwargs, error, match", [
    ((), {}, ValueError, "at least one array"),
    ((np.arange(10), np.arange(9)), {}, ValueError, "same length"),
    ((np.arange(2),), {}, ValueError, "at least 3"),
    ((np.arange(10),), dict(test_size=0.0), ValueError, "test_size"),
    ((np.arange(10),), dict(tune_size=1.5), ValueError, "tune_size"),
    ((np.arange(10),), dict(tune_size=10), ValueError, "tune_size"),
    ((np.arange(10),), dict(test_size="0.2"), TypeError, "test_size"),
    ((np.arange(10),), dict(tune_size=True), TypeError, "tune_size"),
    ((np.arange(10),), dict(tune_size=5, test_size=5), ValueError, "training sample"),
    ((np.arange(10),), dict(stratify=[0] * 9 + [1]), ValueError, "stratify"),
    ((np.arange(10),), dict(stratify=[0, 1]), ValueError, "stratify"),
    ((np.arange(10),), dict(random_state="0"), TypeError, "random_state"),
    ((5,), {}, TypeError, r"arrays\[0\]"),
])
def test_three_way_split_rejects_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        train_tune_test_split(*args, **kwargs)


# ---------------------------------------------------------------------------------------
# LockedTestSet
# ---------------------------------------------------------------------------------------
@pytest.fixture()
def fitted():
    X, y = make_classification(n_samples=200, n_features=5, random_state=0)
    return LogisticRegression().fit(X[:100], y[:100]), X[100:], y[100:]


def test_locked_test_set_evaluates_once_then_refuses(fitted):
    model, X, y = fitted
    locked = LockedTestSet(X, y)
    assert locked.n_uses == 0 and locked.n_samples == 100
    panel = locked.evaluate(model, note="final model")
    assert panel == metric_panel(y, model.predict_proba(X)[:, 1])
    assert locked.n_uses == 1
    with pytest.raises(TestSetReuseError, match="already evaluated 1 time.*final model"):
        locked.evaluate(model)
    assert locked.n_uses == 1                                 # the refused look is not counted
    entry = locked.log[0]
    assert entry["use"] == 1 and entry["note"] == "final model"
    assert entry["model"] == "LogisticRegression" and entry["result"] == panel
    assert "T" in entry["time"]                               # ISO 8601
    locked.log.clear()                                        # a copy: the record survives
    assert locked.n_uses == 1 and "n_uses=1" in repr(locked)


def test_locked_test_set_can_warn_instead(fitted):
    model, X, y = fitted
    locked = LockedTestSet(X, y, on_reuse="warn", name="external cohort")
    first = locked.evaluate(model, metric=roc_auc_score_)
    with pytest.warns(UserWarning, match="external cohort was already evaluated"):
        second = locked.evaluate(model, metric=roc_auc_score_)
    assert first == second and locked.n_uses == 2
    assert [e["use"] for e in locked.log] == [1, 2]


def roc_auc_score_(y_true, y_score):
    from sklearn.metrics import roc_auc_score
    return float(roc_auc_score(y_true, y_score))


def test_locked_test_set_accepts_decision_functions_and_callables(fitted):
    model, X, y = fitted
    svm_like = type("Margin", (), {"decision_function": lambda self, X: model.decision_function(X)})()
    by_margin = LockedTestSet(X, y).evaluate(svm_like)
    assert by_margin["threshold"] == 0.0
    by_proba = LockedTestSet(X, y).evaluate(model)
    assert by_margin["auroc"] == pytest.approx(by_proba["auroc"])
    assert by_margin["accuracy"] == pytest.approx(by_proba["accuracy"])
    by_callable = LockedTestSet(X, y).evaluate(lambda X: model.predict_proba(X)[:, 1],
                                               threshold=0.3)
    assert by_callable["threshold"] == 0.3 and by_callable["auroc"] == by_proba["auroc"]


def test_a_failed_evaluation_is_not_counted(fitted):
    model, X, y = fitted
    locked = LockedTestSet(X, y)
    with pytest.raises(ValueError, match="one score per test sample"):
        locked.evaluate(lambda X: np.zeros(3))
    assert locked.n_uses == 0
    locked.evaluate(model)
    assert locked.n_uses == 1


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(on_reuse="ignore"), ValueError, "on_reuse"),
    (dict(name=""), ValueError, "name"),
    (dict(name=3), TypeError, "name"),
    (dict(y=[0, 1, 2]), ValueError, "y must hold binary labels"),  # names LockedTestSet's y
    (dict(y=[1, 1, 1]), ValueError, "both classes"),
    (dict(X=np.zeros((4, 2))), ValueError, "same number of samples"),
    (dict(X=5), TypeError, "X"),
])
def test_locked_test_set_rejects_bad_input(kwargs, error, match):
    arguments = dict(X=np.zeros((3, 2)), y=[0, 1, 1])
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        LockedTestSet(**arguments)


@pytest.mark.parametrize("model, kwargs, error, match", [
    ("not a model", {}, TypeError, "model"),
    (lambda X: np.zeros(3), dict(note=3), TypeError, "note"),
    (lambda X: np.zeros(3), dict(metric="auroc"), TypeError, "metric"),
    (lambda X: np.zeros(3), dict(threshold="high"), TypeError, "threshold"),
    (lambda X: np.full(3, np.nan), {}, ValueError, "y_score"),
])
def test_evaluate_rejects_bad_input(model, kwargs, error, match):
    locked = LockedTestSet(np.zeros((3, 2)), [0, 1, 1])
    with pytest.raises(error, match=match):
        locked.evaluate(model, **kwargs)
    assert locked.n_uses == 0


# ---------------------------------------------------------------------------------------
# pairwise_identity and identity_clusters
# ---------------------------------------------------------------------------------------
def test_pairwise_identity_by_hand():
    identity = pairwise_identity(["ACGT", "ACGA", "TTTT"])
    assert identity.dtype == np.float32 and identity.shape == (3, 3)
    np.testing.assert_allclose(identity, [[1, 0.75, 0.25], [0.75, 1, 0], [0.25, 0, 1]])
    codes = np.array([[0, 1, 2, 3], [0, 1, 2, 0], [3, 3, 3, 3]], dtype=np.int8)
    np.testing.assert_allclose(pairwise_identity(codes), identity)


def test_pairwise_identity_matches_a_direct_count():
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 20, size=(30, 50))
    direct = (codes[:, None, :] == codes[None, :, :]).mean(axis=2)
    np.testing.assert_allclose(pairwise_identity(codes), direct, atol=1e-6)


@pytest.mark.parametrize("sequences, error, match", [
    ("ACGT", TypeError, "single string"),
    ([], ValueError, "at least one"),
    (["ACGT", "ACG"], ValueError, "same length"),
    (["ACGT", 5], TypeError, "strings"),
    (np.zeros((2, 3)), TypeError, "integer codes"),
    (7, TypeError, "sequences"),
])
def test_pairwise_identity_rejects_bad_input(sequences, error, match):
    with pytest.raises(error, match=match):
        pairwise_identity(sequences)


def test_identity_clusters_are_connected_components():
    identity = np.array([[1.0, 0.8, 0.1, 0.1, 0.1],
                         [0.8, 1.0, 0.6, 0.1, 0.1],
                         [0.1, 0.6, 1.0, 0.1, 0.1],
                         [0.1, 0.1, 0.1, 1.0, 0.9],
                         [0.1, 0.1, 0.1, 0.9, 1.0]])
    assert identity_clusters(identity, 0.5).tolist() == [0, 0, 0, 1, 1]   # single linkage
    assert identity_clusters(identity, 0.7).tolist() == [0, 0, 1, 2, 2]
    assert identity_clusters(identity, 0.95).tolist() == [0, 1, 2, 3, 4]
    assert identity_clusters(identity, 0.05).tolist() == [0, 0, 0, 0, 0]
    # clusters are numbered in order of first appearance
    order = [4, 3, 2, 1, 0]
    assert identity_clusters(identity[np.ix_(order, order)], 0.5).tolist() == [0, 0, 1, 1, 1]


def test_no_pair_across_clusters_is_above_the_threshold():
    rng = np.random.default_rng(1)
    values = rng.random((40, 40))
    identity = (values + values.T) / 2
    np.fill_diagonal(identity, 1.0)
    clusters = identity_clusters(identity, 0.9)
    across = clusters[:, None] != clusters[None, :]
    assert identity[across].max() < 0.9
    assert len(set(clusters.tolist())) > 1


@pytest.mark.parametrize("identity, threshold, error, match", [
    (np.eye(3), 0.0, ValueError, "threshold"),
    (np.eye(3), 1.5, ValueError, "threshold"),
    (np.eye(3), "0.5", TypeError, "threshold"),
    (np.ones((2, 3)), 0.5, ValueError, "square"),
    (np.full((2, 2), 2.0), 0.5, ValueError, r"\[0, 1\]"),
    (np.array([[1.0, np.nan], [np.nan, 1.0]]), 0.5, ValueError, "finite"),
    ([["a", "b"], ["c", "d"]], 0.5, TypeError, "identity"),
])
def test_identity_clusters_rejects_bad_input(identity, threshold, error, match):
    with pytest.raises(error, match=match):
        identity_clusters(identity, threshold)


# ----------------------------------------------------------------------------------------
# bootstrap_auroc
# ----------------------------------------------------------------------------------------
def test_bootstrap_auroc_estimate_is_the_auroc_and_the_interval_covers_it():
    from sklearn.metrics import roc_auc_score

    from dlbio.evaluation import bootstrap_auroc

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    score = y + rng.normal(size=400)
    score[:40] = np.round(score[:40])  # ties are counted as one half, as in roc_auc_score
    result = bootstrap_auroc(y, score, n_boot=300, random_state=1)
    assert result.estimate == pytest.approx(roc_auc_score(y, score), abs=1e-12)
    assert result.low < result.estimate < result.high
    # The bootstrap sd of an AUROC of about 0.76 on 400 samples is close to the Hanley-McNeil value.
    assert 0.015 < result.sd < 0.035
    assert bootstrap_auroc(y, score, n_boot=300, random_state=1) == result  # seeded


def test_bootstrap_auroc_paired_difference_is_narrower_than_the_unpaired_intervals():
    from dlbio.evaluation import bootstrap_auroc

    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 1000)
    shared = y + rng.normal(size=1000)
    a, b = shared + 0.3 * rng.normal(size=1000), shared + 0.3 * rng.normal(size=1000)
    difference = bootstrap_auroc(y, a, b, n_boot=400)
    alone = bootstrap_auroc(y, a, n_boot=400)
    assert difference.estimate == pytest.approx(bootstrap_auroc(y, a, n_boot=100).estimate
                                                - bootstrap_auroc(y, b, n_boot=100).estimate)
    # Two separate intervals would give the difference an sd of about sqrt(2) x alone.sd; pairing
    # removes the noise that the two models share, here more than half of it.
    assert difference.sd < np.sqrt(2) * alone.sd / 2


def test_bootstrap_auroc_rejects_bad_input():
    from dlbio.evaluation import bootstrap_auroc

    y, s = np.array([0, 1, 0, 1]), np.array([0.1, 0.9, 0.3, 0.7])
    with pytest.raises(ValueError, match="n_boot"):
        bootstrap_auroc(y, s, n_boot=10)
    with pytest.raises(ValueError, match="confidence"):
        bootstrap_auroc(y, s, confidence=1.5)
    with pytest.raises(ValueError, match="other_score"):
        bootstrap_auroc(y, s, s[:3])
    with pytest.raises(ValueError, match="both classes"):
        bootstrap_auroc(np.zeros(4), s)

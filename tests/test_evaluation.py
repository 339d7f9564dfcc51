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

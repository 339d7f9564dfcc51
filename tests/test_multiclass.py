"""multiclass_panel: one-vs-rest metrics for K >= 2 classes (issue 15, "also worth having")."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import label_binarize

from dlbio.evaluation import metric_panel, multiclass_panel


def _problem(n=300, k=4, seed=0, skill=1.5):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, size=n)
    logits = rng.normal(size=(n, k)) + skill * np.eye(k)[y]
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return y, proba


@pytest.mark.parametrize("seed", [0, 1])
def test_aurocs_agree_with_scikit_learn(seed):
    y, proba = _problem(seed=seed)
    panel = multiclass_panel(y, proba)
    assert panel["macro_auroc"] == pytest.approx(
        roc_auc_score(y, proba, multi_class="ovr", average="macro"))
    assert panel["micro_auroc"] == pytest.approx(
        roc_auc_score(label_binarize(y, classes=range(4)), proba, average="micro"))
    assert panel["accuracy"] == pytest.approx(np.mean(proba.argmax(axis=1) == y))
    assert 0.5 < panel["macro_auroc"] < 1.0  # skill, but not perfect: the checks are not trivial


def test_per_class_rows_are_one_vs_rest_binary_panels():
    y, proba = _problem(k=3, seed=2)
    table = multiclass_panel(y, proba)["per_class"]
    assert list(table.index) == [0, 1, 2]
    for k in range(3):
        binary = metric_panel(y == k, proba[:, k])
        assert table.loc[k, "auroc"] == pytest.approx(binary["auroc"])
        assert table.loc[k, "auprc"] == pytest.approx(binary["auprc"])
        assert table.loc[k, "prevalence"] == pytest.approx(binary["prevalence"])
        said_k = proba.argmax(axis=1) == k
        assert table.loc[k, "recall"] == pytest.approx(np.mean(said_k[y == k]))
        assert table.loc[k, "precision"] == pytest.approx(np.mean(y[said_k] == k))
    assert multiclass_panel(y, proba)["balanced_accuracy"] == pytest.approx(table["recall"].mean())


def test_two_classes_match_the_binary_panel():
    y, proba = _problem(k=2, seed=3)
    panel = multiclass_panel(y, proba)
    assert panel["per_class"].loc[1, "auroc"] == pytest.approx(metric_panel(y, proba[:, 1])["auroc"])
    assert panel["macro_auroc"] == pytest.approx(metric_panel(y, proba[:, 1])["auroc"])


def test_a_class_never_predicted_has_precision_zero():
    y = np.array([0, 0, 1, 1, 2, 2])
    proba = np.array([[0.9, 0.05, 0.05]] * 2 + [[0.1, 0.8, 0.1]] * 2 + [[0.5, 0.1, 0.4]] * 2)
    table = multiclass_panel(y, proba)["per_class"]
    assert table.loc[2, "precision"] == 0.0 and table.loc[2, "recall"] == 0.0


@pytest.mark.parametrize("y, proba, error, match", [
    ([0, 1, 2], np.full((3, 3), 1 / 3), None, None),
    ([0, 1, 3], np.full((3, 3), 1 / 3), ValueError, r"y_true must hold class labels 0 to 2"),
    ([0, 1, 1], np.full((3, 3), 1 / 3), ValueError, r"every one of the 3 classes.*\[1, 2, 0\]"),
    ([0, 1, 2], np.full((3, 3), 0.5), ValueError, "rows sum to 1"),
    ([0, 1, 2], np.full((3, 3), np.nan), ValueError, "finite probabilities"),
    ([0, 1, 2], np.full((3, 1), 1.0), ValueError, r"y_proba must have shape .*got shape \(3, 1\)"),
    ([0, 1], np.full((3, 3), 1 / 3), ValueError, "same number of samples"),
    ([0.0, 1.0, 2.0], np.full((3, 3), 1 / 3), None, None),
    ([0.5, 1.0, 2.0], np.full((3, 3), 1 / 3), ValueError, "whole numbers"),
    (["a", "b", "c"], np.full((3, 3), 1 / 3), TypeError, "y_true must hold integer"),
    ([0, 1, 2], "probabilities", TypeError, "y_proba must be a 2-D array"),
])
def test_bad_inputs_are_named(y, proba, error, match):
    if error is None:
        assert multiclass_panel(y, proba)["macro_auroc"] == 0.5  # constant scores: no skill
    else:
        with pytest.raises(error, match=match):
            multiclass_panel(y, proba)

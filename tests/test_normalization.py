"""Tests for dlbio.normalization: per-batch shifts, fitted on chosen rows, with or without the label."""
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from dlbio.datasets import make_batch_expression
from dlbio.normalization import batch_corrected_cv_auroc, remove_batch_means


def test_label_blind_centring_removes_batch_means_of_the_fitting_rows():
    X = np.array([[1.0, 0.0], [3.0, 2.0], [11.0, 5.0], [13.0, 7.0]])
    out = remove_batch_means(X, [0, 0, 1, 1])
    assert np.allclose(out[:2].mean(0), out[2:].mean(0))
    assert np.allclose(out.mean(0), X.mean(0))  # the overall level is kept
    partial = remove_batch_means(X, np.array([0, 0, 1, 1]), fit_rows=[0, 1, 2])
    assert np.allclose(partial[2], X[:3].mean(0))  # batch 1 is centred on row 2 alone
    assert np.allclose(partial[:2].mean(0), X[:3].mean(0))


def test_label_protected_correction_keeps_the_class_difference():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 300)
    batch = np.concatenate([np.repeat([0, 1], [200, 100]), np.repeat([0, 1], [100, 200])])  # confounded
    X = rng.normal(size=(600, 3)) + 2.0 * y[:, None] + 5.0 * batch[:, None]
    diff = lambda Z: Z[y == 1].mean(0) - Z[y == 0].mean(0)
    assert np.all(np.abs(diff(remove_batch_means(X, batch, y=y)) - 2.0) < 0.15)  # the class difference survives
    assert np.all(np.abs(diff(remove_batch_means(X, batch)) - 16 / 9) < 0.15)  # blind centring shrinks it (2 -> 16/9)


def test_only_the_labels_of_fitting_rows_are_read():
    rng = np.random.default_rng(1)
    X, batch = rng.normal(size=(40, 4)), np.repeat([0, 1], 20)
    y = rng.integers(0, 2, 40)
    y2 = y.copy()
    y2[30:] = 1 - y2[30:]
    rows = np.arange(30)
    assert np.allclose(remove_batch_means(X, batch, y=y, fit_rows=rows),
                       remove_batch_means(X, batch, y=y2, fit_rows=rows))


@pytest.mark.parametrize("kwargs, match", [
    ({"batch": [0, 0, 1]}, "batch"),
    ({"batch": [0.0, 0.0, 1.0, 1.0]}, "batch"),
    ({"batch": [0, 0, 1, 1], "fit_rows": [0, 1]}, "batch"),
    ({"batch": [0, 0, 1, 1], "fit_rows": [0, 9]}, "fit_rows"),
    ({"batch": [0, 0, 1, 1], "y": [0, 1, 2, 1]}, "y must"),
])
def test_bad_input_is_refused_with_a_clear_message(kwargs, match):
    with pytest.raises(ValueError, match=match):
        remove_batch_means(np.ones((4, 2)), **kwargs)


def test_fitting_outside_the_folds_distorts_null_data_with_confounded_batches():
    d = make_batch_expression(100, 200, n_informative=0, batch_effect=1.0, confounding=0.6, n_external=0,
                              random_state=3)
    model = make_pipeline(StandardScaler(), LogisticRegression(solver="liblinear"))
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    outside = batch_corrected_cv_auroc(model, d.X, d.y, d.batch, cv, inside=False)
    inside = batch_corrected_cv_auroc(model, d.X, d.y, d.batch, cv, inside=True)
    assert outside < 0.4 and 0.3 < inside < 0.7

"""Regression tests for the bad-input cases of issue 15 (found by a fuzzing pass).

Each case either raises a clear ValueError/TypeError that names the parameter, its allowed
range or type, and the value received, or is documented valid behaviour checked here.
The property-based version that keeps the whole class closed is tests/test_fuzz.py.
"""
from __future__ import annotations

import numpy as np
import pytest

from dlbio import datasets
from dlbio._validation import MAX_ALLOCATION_BYTES, check_allocation, check_finite


# --------------------------------------------------------------------------------------
# Shared checks
# --------------------------------------------------------------------------------------
def test_check_allocation_names_every_size_and_the_limit():
    check_allocation({"n": 1000, "m": 1000})  # 8 MB: fine
    with pytest.raises(ValueError, match=r"n_samples=10000000000, n_genes=200 .*4 GiB"):
        check_allocation({"n_samples": 10**10, "n_genes": 200})
    # Exactly at the limit passes; one byte more does not.
    check_allocation({"n": MAX_ALLOCATION_BYTES}, bytes_per_value=1)
    with pytest.raises(ValueError, match="n="):
        check_allocation({"n": MAX_ALLOCATION_BYTES + 1}, bytes_per_value=1)


def test_check_finite_counts_the_bad_values():
    assert check_finite([[1.0, 2.0]], "X").shape == (1, 2)
    with pytest.raises(ValueError, match="X_pool contains 2 NaN or infinite"):
        check_finite([1.0, np.nan, np.inf], "X_pool")
    with pytest.raises(TypeError, match="X must contain numbers"):
        check_finite(["a"], "X")


# --------------------------------------------------------------------------------------
# Data sets: sizes, overflow-safe range checks, new upper bounds
# --------------------------------------------------------------------------------------
HUGE_SIZES = [
    ("make_expression", "n_samples"), ("make_expression", "n_genes"),
    ("make_batch_expression", "n_samples"), ("make_batch_expression", "n_genes"),
    ("make_batch_expression", "n_external"), ("make_batch_expression", "n_batches"),
    ("make_repeated_measures", "n_subjects"), ("make_repeated_measures", "n_visits"),
    ("make_repeated_measures", "n_features"), ("make_clinical", "n_patients"),
    ("make_cohort", "n_members"), ("make_cohort", "n_nonmembers"), ("make_cohort", "n_features"),
    ("make_sequence_families", "n_families"), ("make_sequence_families", "family_size"),
    ("make_sequence_families", "seq_length"), ("make_imbalanced", "n_samples"),
    ("make_imbalanced", "n_features"), ("make_motif_sequences", "n_samples"),
    ("make_motif_sequences", "seq_length"),
]


@pytest.mark.parametrize("maker, size", HUGE_SIZES)
def test_huge_sizes_are_refused_before_allocating(maker, size):
    with pytest.raises(ValueError, match=rf"{size}=10000000000\b.*GiB.*limit"):
        getattr(datasets, maker)(**{size: 10**10}, random_state=0)


@pytest.mark.parametrize("maker, name", [("make_repeated_measures", "signal"),
                                         ("make_imbalanced", "effect_size")])
def test_range_checks_do_not_overflow(maker, name):
    with pytest.raises(ValueError, match=rf"{name} must be a number in \[0, .*got 1e\+300"):
        getattr(datasets, maker)(**{name: 1e300}, random_state=0)


@pytest.mark.parametrize("value", [10.5, 1100.0, 1e39])
def test_batch_effect_has_an_upper_bound(value):
    with pytest.raises(ValueError, match=r"batch_effect must be a number in \[0, 10\]; got"):
        datasets.make_batch_expression(40, 30, batch_effect=value, random_state=0)


def test_largest_batch_effect_stays_finite():
    data = datasets.make_batch_expression(40, 50, batch_effect=10.0, random_state=0)
    for array in (data.X, data.X_external, data.truth.X_complete, data.truth.batch_factor):
        assert np.isfinite(array).all()


@pytest.mark.parametrize("value", [10.01, 1000.0, 1e6])
def test_dispersion_has_an_upper_bound(value):
    with pytest.raises(ValueError, match=r"dispersion must be a number in \[0, 10\]; got"):
        datasets.make_expression(50, 20, dispersion=value, random_state=0)


def test_largest_dispersion_still_gives_counts_in_every_sample():
    data = datasets.make_expression(200, 50, dispersion=10.0, random_state=0)
    assert (data.truth.counts.sum(axis=1) > 0).all()


# --------------------------------------------------------------------------------------
# Training: threads, devices, one-output models, labels, losses, feature counts
# --------------------------------------------------------------------------------------
import os  # noqa: E402
import warnings  # noqa: E402

import torch  # noqa: E402

from dlbio import setup_notebook  # noqa: E402
from dlbio.estimators import NeuralNetClassifier  # noqa: E402
from dlbio.models import MLP, MotifCNN  # noqa: E402
from dlbio.training import (History, accuracy, check_scatter_determinism, fit,  # noqa: E402
                            limit_threads, max_threads, predict, predict_logits,
                            predict_proba, select_device)


def _toy(n=40, width=5, seed=0):
    X = np.random.default_rng(seed).normal(size=(n, width)).astype(np.float32)
    return X, (X[:, 0] > 0).astype(np.int64)


def test_thread_counts_are_bounded_by_the_cpu_count():
    assert max_threads() == 4 * (os.cpu_count() or 1)
    with pytest.raises(ValueError, match=r"n_threads must be an int in \[1, \d+\]; got 1000000\. "
                                         r"The upper bound is 4 threads per CPU core"):
        limit_threads(10**6)
    with pytest.raises(ValueError, match=r"threads must be an int in \[1, \d+\]; got 1000000"):
        setup_notebook(threads=10**6, verbose=False)
    assert torch.get_num_threads() <= max_threads()  # nothing was applied


@pytest.mark.parametrize("device", ["cpu:1", "cpu:7"])
def test_cpu_has_a_single_device(device):
    with pytest.raises(ValueError, match=rf"got '{device}': PyTorch has a single CPU device"):
        select_device(device)
    assert select_device("cpu:0") == torch.device("cpu")


def test_one_output_model_is_a_binary_logit():
    X, _ = _toy()
    model = torch.nn.Linear(5, 1)
    z = predict_logits(model, X).double().numpy()[:, 0]
    proba = predict_proba(model, X)
    assert proba.shape == (40, 2)
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-z)), rtol=1e-12)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(predict(model, X), (z > 0).astype(int))
    assert 0 < (z > 0).mean() < 1  # both classes predicted: the check above is not trivial
    assert accuracy(model, X, (z > 0).astype(int)) == 1.0


def test_history_refuses_lists_of_different_lengths():
    with pytest.raises(ValueError, match="epoch has 2 entries but train_loss has 1"):
        History(epoch=[1, 2], train_loss=[1.0]).to_frame()
    with pytest.raises(ValueError, match="tune_loss has 3"):
        History(epoch=[1, 2], train_loss=[1.0, 0.5], tune_loss=[1, 2, 3]).to_frame()
    assert len(History(epoch=[1, 2], train_loss=[1.0, 0.5]).to_frame()) == 2


def test_model_sizes_are_refused_before_allocating():
    with pytest.raises(ValueError, match=r"n_features=1000000000000, hidden\[0\]=64 .*GiB"):
        MLP(n_features=10**12)
    with pytest.raises(ValueError, match=r"n_filters=10000000000.*GiB"):
        MotifCNN(n_filters=10**10)
    with pytest.raises(ValueError, match=r"n=10000000000 .*GiB"):
        check_scatter_determinism(n=10**10)


def test_feature_count_is_checked_against_the_model():
    X, y = _toy(width=5)
    message = r"X must have 4 features \(columns\), the input size of the model \(MLP\); got 5"
    for call in (lambda: fit(MLP(4), X, y), lambda: predict_proba(MLP(4), X),
                 lambda: predict(torch.nn.Linear(4, 2), X),
                 lambda: predict(torch.nn.Sequential(torch.nn.Linear(4, 2)), X)):
        with pytest.raises(ValueError, match=message.replace("MLP", ".*")):
            call()


def test_an_elementwise_loss_needs_float_targets_of_the_output_shape():
    X, y = _toy()
    with pytest.raises(ValueError, match=r"loss_fn=MSELoss\(\) .*y must be a float array of "
                                         r"the output's shape \(n_samples, 2\); got y of shape "
                                         r"\(40,\) and dtype torch.int64"):
        fit(MLP(5), X, y, loss_fn=torch.nn.MSELoss())
    history = fit(MLP(5, 1), X, y.reshape(-1, 1).astype(np.float32),
                  loss_fn=torch.nn.MSELoss(), max_epochs=1)
    assert len(history.epoch) == 1


def test_whole_number_float_labels_are_accepted():
    X, y = _toy()
    torch.manual_seed(0)
    model_int = MLP(5)
    model_float = MLP(5)
    model_float.load_state_dict(model_int.state_dict())
    fit(model_int, X, y, max_epochs=2, generator=torch.Generator().manual_seed(0))
    fit(model_float, X, y.astype(float), max_epochs=2, generator=torch.Generator().manual_seed(0))
    np.testing.assert_array_equal(predict_logits(model_int, X), predict_logits(model_float, X))
    with pytest.raises(TypeError, match="not whole numbers"):
        fit(MLP(5), X, y + 0.5)
    with pytest.raises(TypeError, match="not whole numbers"):
        fit(MLP(5), X, np.where(y, np.nan, 0.0))


def test_labels_out_of_range_are_refused_everywhere():
    from dlbio.privacy import per_example_loss, train_dp

    X, y = _toy()
    bad = np.where(y == 1, 7, 0)
    for call in (lambda: fit(MLP(5), X, bad), lambda: accuracy(MLP(5), X, bad),
                 lambda: per_example_loss(MLP(5), X, bad),
                 lambda: train_dp(MLP(5), X, bad, target_epsilon=1.0, epochs=1,
                                  batch_size=10)):
        with pytest.raises(ValueError, match="y must contain class labels 0 to 1 because the "
                                             "model has 2 outputs.*from 0 to 7"):
            call()


def test_fit_warns_when_inputs_look_unstandardized():
    X, y = _toy()
    X_raw = X.copy()
    X_raw[:, 2] = X_raw[:, 2] * 350 + 650  # like the breast-cancer "area" feature
    with pytest.warns(UserWarning, match=r"X looks unstandardised: feature 2 .*StandardScaler"):
        fit(MLP(5), X_raw, y, max_epochs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit(MLP(5), X * 3 + 5, y, max_epochs=1)  # not standardised, but on a sane scale


def test_early_stopping_split_errors_name_patience_and_validation_fraction():
    X, y = _toy(n=6)
    with pytest.raises(ValueError, match=r"patience=2 holds out validation_fraction=0\.1 of "
                                         r"the 6 training samples"):
        NeuralNetClassifier(patience=2, max_epochs=2).fit(X, y)


# --------------------------------------------------------------------------------------
# Learning curves and tuning
# --------------------------------------------------------------------------------------
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

from dlbio.learning_curves import learning_curve  # noqa: E402
from dlbio.tuning import HoldoutObjective, best_so_far, make_network, run_parallel_study  # noqa: E402


def _binary(n=200, seed=0):
    X = np.random.default_rng(seed).normal(size=(n, 3))
    return X, (X[:, 0] > 0).astype(int)


def test_learning_curve_refuses_models_without_predict_proba():
    X, y = _binary()
    with pytest.raises(TypeError, match=r"estimators\['SVC'\] must be a classifier with "
                                        r"predict_proba.*Accepted: LogisticRegression"):
        learning_curve({"SVC": SVC()}, X[:100], y[:100], X[100:], y[100:], [20, 50])


def test_learning_curve_refuses_pool_classes_that_differ_from_the_test_classes():
    X, y = _binary()
    three = y[:100] + (X[:100, 1] > 1)
    assert len(np.unique(three)) == 3
    with pytest.raises(ValueError, match=r"y_pool must hold the same two classes as y_test "
                                         r"\(\[0, 1\]\).*got 3 classes"):
        learning_curve({"lr": LogisticRegression()}, X[:100], three, X[100:], y[100:], [20])


@pytest.mark.parametrize("random_state", [0, 1, 2])
def test_learning_curve_refuses_nan_for_every_seed(random_state):
    X, y = _binary()
    X_pool = X[:100].copy()
    X_pool[3, 1] = np.nan
    with pytest.raises(ValueError, match="X_pool contains 1 NaN or infinite values"):
        learning_curve({"lr": LogisticRegression()}, X_pool, y[:100], X[100:], y[100:], [20],
                       random_state=random_state)


def test_holdout_objective_refuses_nan_at_construction():
    X, y = _binary(40)
    X_bad = X.copy()
    X_bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="X_val contains 1 NaN"):
        HoldoutObjective(X, y, X_bad, y)


def test_tuning_value_errors():
    with pytest.raises(ValueError, match=r"params\['lr'\] must be a finite number; got nan"):
        make_network(params={"lr": float("nan")})
    with pytest.raises(TypeError, match=r"values must hold numbers .*got 'a' of type str at "
                                        r"position 1"):
        best_so_far([0.5, "a"])
    with pytest.raises(TypeError, match=r"objective must be picklable with "
                                        r"start_method='spawn'"):
        run_parallel_study(lambda trial: 0.0, n_trials=1, n_workers=1, start_method="spawn")


# --------------------------------------------------------------------------------------
# Evaluation, feedback, plotting
# --------------------------------------------------------------------------------------
from dlbio.evaluation import (LockedTestSet, format_panel, identity_clusters,  # noqa: E402
                              metric_panel, pairwise_identity)
from dlbio.feedback import check  # noqa: E402
from dlbio.plotting import plot_history  # noqa: E402


def test_format_panel_names_a_nan_entry():
    panel = metric_panel([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9])
    assert "AUROC=0.750" in format_panel(panel)
    for key in ("n", "auroc"):
        with pytest.raises(ValueError, match=rf"panel\['{key}'\] must be a finite number; "
                                             r"got nan"):
            format_panel({**panel, key: float("nan")})
    with pytest.raises(TypeError, match=r"panel\['mcc'\] must be a number"):
        format_panel({**panel, "mcc": "high"})


def test_locked_test_set_refuses_zero_rows():
    with pytest.raises(ValueError, match="at least 2 samples .*got 0"):
        LockedTestSet(np.zeros((0, 3)), np.zeros(0, dtype=int))


def test_identity_clusters_names_the_nan():
    identity = pairwise_identity(["ACGT", "ACGA", "TTTT"]).astype(float)
    identity[0, 2] = identity[2, 0] = np.nan
    with pytest.raises(ValueError, match=r"identity contains 2 NaN value\(s\)"):
        identity_clusters(identity, 0.7)


def test_pairwise_identity_ignores_case():
    np.testing.assert_array_equal(pairwise_identity(["acgt", "ACGT", "acGA"]),
                                  pairwise_identity(["ACGT", "ACGT", "ACGA"]))
    assert pairwise_identity(["acgt", "ACGT"])[0, 1] == 1.0


@pytest.mark.parametrize("condition", ["yes", "", b"no", [False], (), {"a": 0}, {0}])
def test_check_refuses_conditions_that_are_not_true_or_false(condition):
    with pytest.raises(TypeError, match="condition must be True or False"):
        check(condition, "a property")


def test_check_still_accepts_boolean_like_results():
    check(np.bool_(True), "numpy bool")
    check(torch.tensor(True), "torch bool")
    check(np.array([True]), "one-element array")
    with pytest.raises(AssertionError):
        check(np.bool_(False), "numpy bool")


def test_plot_history_refuses_all_nan_losses():
    import matplotlib.pyplot as plt

    with pytest.raises(ValueError, match=r"history.train_loss holds no finite value \(2 NaN"):
        plot_history({"epoch": [1, 2], "train_loss": [np.nan, np.nan], "tune_loss": []})
    with pytest.raises(ValueError, match=r"history.tune_loss holds no finite value"):
        plot_history({"epoch": [1, 2], "train_loss": [1.0, 0.5], "tune_loss": [np.inf, np.nan]})
    ax = plot_history({"epoch": [1, 2, 3], "train_loss": [1.0, np.nan, 0.5], "tune_loss": []})
    plt.close(ax.figure)

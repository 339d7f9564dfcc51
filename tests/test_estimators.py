"""Tests for dlbio.estimators.NeuralNetClassifier."""
import random

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_estimator

from dlbio.estimators import EXPECTED_FAILED_CHECKS, NeuralNetClassifier
from dlbio.training import limit_threads

# The checks of check_estimator that NeuralNetClassifier is known to fail, with the reason.
# It must stay equal to the module's EXPECTED_FAILED_CHECKS (both are empty: all pass).
EXPECTED_FAILURES = {}

# Checks that check_estimator may skip, with the reason.  Anything else skipped fails the test.
ALLOWED_SKIPS = {
    # array-API checks run only when the environment variable SCIPY_ARRAY_API=1 is set
    # (and the estimator does not claim array-API support anyway).
    "check_array_api_input": "SCIPY_ARRAY_API",
}


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    limit_threads(1)


def data(n=200, n_classes=2, seed=0):
    return make_classification(n_samples=n, n_features=8, n_informative=4,
                               n_classes=n_classes, random_state=seed)


def test_check_estimator_passes_with_the_expected_failures():
    assert EXPECTED_FAILED_CHECKS == EXPECTED_FAILURES
    assert all(isinstance(reason, str) and reason for reason in EXPECTED_FAILURES.values())
    results = []
    check_estimator(NeuralNetClassifier(), expected_failed_checks=EXPECTED_FAILED_CHECKS,
                    on_fail=None, on_skip=None,
                    callback=lambda **result: results.append(result))
    status = {}
    for result in results:
        status.setdefault(result["check_name"], set()).add(result["status"])
    failed = {r["check_name"]: repr(r["exception"]) for r in results
              if r["status"] == "failed"}
    assert failed == {}
    # every expected failure really fails (otherwise the list is out of date)
    for name in EXPECTED_FAILURES:
        assert status.get(name) == {"xfail"}, name
    # nothing is skipped without a known reason
    for result in results:
        if result["status"] == "skipped":
            name = result["check_name"]
            assert name in ALLOWED_SKIPS, f"{name} was skipped: {result['exception']}"
            assert ALLOWED_SKIPS[name] in str(result["exception"])
    assert len(status) > 40  # the whole suite ran


def test_learns_and_predicts_with_consistent_outputs():
    X, y = data(n=300, n_classes=3)
    clf = NeuralNetClassifier(max_epochs=30, random_state=0).fit(X, y)
    assert clf.score(X, y) > 0.85
    assert clf.n_features_in_ == 8 and list(clf.classes_) == [0, 1, 2]
    proba = clf.predict_proba(X)
    assert proba.shape == (300, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    scores = clf.decision_function(X)
    assert scores.shape == (300, 3)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[scores.argmax(axis=1)])
    assert clf.n_iter_ == 30 == len(clf.history_.epoch)
    assert clf.device_ == torch.device("cpu") or torch.cuda.is_available()


def test_binary_decision_function_is_one_score_per_sample():
    X, y = data()
    clf = NeuralNetClassifier(max_epochs=10, random_state=0).fit(X, y)
    scores = clf.decision_function(X)
    assert scores.shape == (200,)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[(scores > 0).astype(int)])


def test_string_labels():
    X, y = data()
    names = np.array(["healthy", "tumour"])[y]
    clf = NeuralNetClassifier(max_epochs=20, random_state=0).fit(X, names)
    assert list(clf.classes_) == ["healthy", "tumour"]
    predicted = clf.predict(X)
    assert set(predicted) <= {"healthy", "tumour"}
    assert np.mean(predicted == names) > 0.8


def test_same_random_state_gives_identical_predictions():
    X, y = data()
    first = NeuralNetClassifier(max_epochs=5, dropout=0.2, random_state=3).fit(X, y)
    second = NeuralNetClassifier(max_epochs=5, dropout=0.2, random_state=3).fit(X, y)
    other = NeuralNetClassifier(max_epochs=5, dropout=0.2, random_state=4).fit(X, y)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    assert not np.array_equal(first.predict_proba(X), other.predict_proba(X))


def test_fit_leaves_the_global_random_generators_alone():
    X, y = data(n=50)
    states = (random.getstate(), np.random.get_state()[1].copy(), torch.get_rng_state())
    NeuralNetClassifier(max_epochs=2, dropout=0.1, random_state=0).fit(X, y)
    assert random.getstate() == states[0]
    np.testing.assert_array_equal(np.random.get_state()[1], states[1])
    assert torch.equal(torch.get_rng_state(), states[2])


def test_clone_copies_parameters_not_the_fitted_model():
    X, y = data(n=50)
    clf = NeuralNetClassifier(hidden=(8, 4), lr=0.01, max_epochs=2, random_state=1).fit(X, y)
    copy = clone(clf)
    assert copy.get_params() == clf.get_params()
    assert copy.hidden == (8, 4)
    with pytest.raises(NotFittedError):
        copy.predict(X)


def test_works_in_pipeline_and_cross_val_score():
    X, y = make_classification(n_samples=200, n_features=8, n_informative=4, class_sep=2.0,
                               random_state=0)
    X = X * 100 + 50  # features far from mean 0 and variance 1
    pipeline = Pipeline([("scale", StandardScaler()),
                         ("net", NeuralNetClassifier(max_epochs=20, random_state=0))])
    scores = cross_val_score(pipeline, X, y, cv=3)
    assert scores.shape == (3,)
    assert scores.mean() > 0.8


def test_early_stopping_with_patience():
    X, y = data(n=300)
    clf = NeuralNetClassifier(hidden=(64, 64), lr=0.01, max_epochs=200, patience=3,
                              validation_fraction=0.2, random_state=0).fit(X, y)
    history = clf.history_
    assert len(history.tune_loss) == clf.n_iter_ < 200
    assert history.stopped_early is True
    assert clf.n_iter_ == history.best_epoch + 3


def test_pandas_input_records_feature_names():
    X, y = data(n=60)
    frame = pd.DataFrame(X, columns=[f"gene_{i}" for i in range(8)])
    clf = NeuralNetClassifier(max_epochs=2, random_state=0).fit(frame, y)
    assert list(clf.feature_names_in_) == list(frame.columns)
    assert clf.predict(frame).shape == (60,)


def test_verbose_shows_a_progress_bar_on_stdout_only(capfd):
    X, y = data(n=60)
    NeuralNetClassifier(max_epochs=3, random_state=0, verbose=1).fit(X, y)
    out, err = capfd.readouterr()
    assert err == "" and "3/3" in out
    NeuralNetClassifier(max_epochs=3, random_state=0).fit(X, y)
    assert capfd.readouterr() == ("", "")


def test_one_class_is_an_error():
    X, _ = data(n=20)
    with pytest.raises(ValueError, match="at least 2 classes.*got 1 class"):
        NeuralNetClassifier().fit(X, np.zeros(20))


def test_regression_targets_are_an_error():
    X, _ = data(n=20)
    with pytest.raises(ValueError, match="Unknown label type"):
        NeuralNetClassifier().fit(X, np.linspace(0, 1, 20))


@pytest.mark.parametrize("params, error, match", [
    ({"hidden": 64}, TypeError, "hidden"),
    ({"hidden": (64, 0)}, ValueError, r"hidden\[1\]"),
    ({"dropout": 1.0}, ValueError, "dropout"),
    ({"optimizer": "adm"}, ValueError, "optimizer"),
    ({"lr": -0.1}, ValueError, "lr"),
    ({"weight_decay": -1.0}, ValueError, "weight_decay"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"max_epochs": 0}, ValueError, "max_epochs"),
    ({"patience": 0}, ValueError, "patience"),
    ({"validation_fraction": 1.0}, ValueError, "validation_fraction"),
    ({"validation_fraction": "10%"}, TypeError, "validation_fraction"),
    ({"device": "gpu"}, ValueError, "device"),
    ({"random_state": "seed"}, TypeError, "random_state"),
    ({"random_state": -1}, ValueError, "random_state"),
    ({"verbose": -1}, ValueError, "verbose"),
    ({"verbose": "yes"}, TypeError, "verbose"),
])
def test_invalid_parameters_raise_at_fit_naming_the_parameter(params, error, match):
    X, y = data(n=30)
    clf = NeuralNetClassifier(**params)  # no check in __init__ (scikit-learn convention)
    with pytest.raises(error, match=match):
        clf.fit(X, y)

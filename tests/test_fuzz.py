"""Property-based (fuzz) tests of dlbio's argument handling, with hypothesis.

The promise kept here, for every ``make_*`` generator and the public training and
evaluation functions, across and beyond their documented ranges (wrong types, NaN,
infinities, 1e300, negative and huge sizes):

* either the call raises a clean ``ValueError`` or ``TypeError`` whose message names one of
  the function's parameters (any other exception, such as ``OverflowError``,
  ``MemoryError``, ``IndexError`` or a torch ``RuntimeError``, fails the test),
* or it returns finite output (no silent NaN or inf) that is pure (the same arguments and
  seed give identical output) and consistent with its ground truth.

Sizes stay small so that the module runs in about a minute on one core.  Examples are
derandomised, so CI runs the same cases every time; the regression tests of the cases
that motivated this module are in test_bad_inputs.py (issue 15).
"""
from __future__ import annotations

import inspect
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlbio import datasets
from dlbio.evaluation import (format_panel, identity_clusters, metric_panel, multiclass_panel,
                              pairwise_identity, summarize_scores, train_tune_test_split)
from dlbio.models import MLP
from dlbio.training import History, accuracy, fit, predict, predict_proba

FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
FEW = settings(FUZZ, max_examples=25)

# ---------------------------------------------------------------------------------------
# Strategies: valid values mixed with values beyond every documented range
# ---------------------------------------------------------------------------------------
JUNK = st.sampled_from(["a", None, True, [1], {"x": 1}, 1j])
ANY_FLOAT = st.floats(allow_nan=True, allow_infinity=True)
EXTREMES = st.sampled_from([0.0, -0.0, 1.0, -1.0, 5e-324, 1e-300, 1e300, -1e300, 1e39,
                            1100.0, 1e6, float("nan"), float("inf"), -float("inf")])
HUGE_INT = st.integers(10**9, 10**13)  # always above the 4 GiB allocation limit


def size(low: int, high: int):
    """A size: mostly small and valid-ish, sometimes negative, huge or not an int."""
    return st.one_of(st.integers(low - 2, high), st.integers(low - 2, high), HUGE_INT,
                     st.floats(low - 1, high), JUNK)


def real(low: float, high: float):
    """A float: mostly inside [low, high], sometimes anything at all."""
    return st.one_of(st.floats(low, high), st.floats(low, high), ANY_FLOAT, EXTREMES, JUNK)


SEED = st.integers(0, 2**32 - 1)


def call(function, *args, **kwargs):
    """Return ``(result, None)`` or ``(None, error)`` for a ValueError/TypeError.

    Every other exception propagates and fails the test.  Warnings (few positives, an
    unstandardised X, ...) are documented behaviour, so they are silenced here.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return function(*args, **kwargs), None
        except (ValueError, TypeError) as error:
            return None, error


def assert_names_a_parameter(error, function, extra=()):
    """The message of ``error`` names a parameter of ``function`` (or one of ``extra``)."""
    names = set(inspect.signature(function).parameters) | set(extra)
    message = str(error)
    assert any(re.search(rf"(?<![A-Za-z_]){re.escape(n)}(?![A-Za-z_])", message)
               for n in names), (f"{type(error).__name__} from {function.__name__} names "
                                 f"none of its parameters {sorted(names)}: {message}")


def assert_finite(value, where="result", allowed_nan=()):
    """Every number in ``value`` (arrays, frames, dicts, lists, scalars) is finite."""
    if where in allowed_nan:
        return
    if isinstance(value, (pd.DataFrame, pd.Series)):
        value = value.to_frame() if isinstance(value, pd.Series) else value
        value = value.select_dtypes("number").to_numpy(dtype=float)
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if isinstance(value, dict):
        for key, item in value.items():
            assert_finite(item, f"{where}.{key}", allowed_nan)
    elif isinstance(value, (list, tuple)):
        for k, item in enumerate(value):
            assert_finite(item, f"{where}[{k}]", allowed_nan)
    elif isinstance(value, np.ndarray) and value.dtype.kind in "fc":
        bad = int(np.size(value) - np.count_nonzero(np.isfinite(value)))
        assert bad == 0, f"{where} holds {bad} NaN or infinite value(s)"
    elif isinstance(value, (float, np.floating)):
        assert np.isfinite(value), f"{where} is {value}"


def assert_same(a, b, where="result"):
    """Two results are identical, field by field (NaN equals NaN)."""
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, obj=where)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, obj=where)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{k}]")
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, where
        assert np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"), f"{where} differs"
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b), where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


# ---------------------------------------------------------------------------------------
# The data set generators
# ---------------------------------------------------------------------------------------
GENERATORS = {
    "make_expression": dict(
        n_samples=size(2, 40), n_genes=size(2, 30), n_informative=size(1, 12),
        n_programs=st.one_of(st.none(), size(1, 8)), effect_size=real(0.0, 3.0),
        signal=st.sampled_from(["linear", "interaction", "quadratic"]),
        signal_strength=real(0.0, 10.0), main_effect=real(0.0, 3.0),
        prevalence=real(0.0, 1.0), dispersion=real(0.0, 12.0),
        library_size=real(1.0, 1e9)),
    "make_batch_expression": dict(
        n_samples=size(2, 40), n_genes=size(1, 30), n_informative=size(0, 10),
        effect_size=real(0.0, 3.0), prevalence=real(0.0, 1.0), n_batches=size(1, 5),
        batch_effect=real(0.0, 12.0), confounding=real(0.0, 1.0), n_external=size(0, 20),
        n_duplicates=size(0, 10), missing_fraction=real(0.0, 1.0)),
    "make_repeated_measures": dict(
        n_subjects=size(2, 16), n_visits=size(1, 6), n_features=size(1, 8),
        n_informative=size(0, 8), signal=real(0.0, 3.0), icc=real(0.0, 1.0),
        autocorrelation=real(0.0, 1.0), prevalence=real(0.0, 1.0)),
    "make_clinical": dict(
        n_patients=size(2, 200), asthma_prevalence=real(0.0, 1.0),
        asthma_effect=real(-12.0, 12.0), treatment_effect=real(-12.0, 12.0),
        policy_strength=real(-12.0, 12.0), measurement_noise=real(0.0, 12.0),
        include_treatment=st.one_of(st.booleans(), JUNK),
        as_frame=st.one_of(st.booleans(), JUNK)),
    "make_cohort": dict(
        n_members=size(2, 40), n_nonmembers=size(0, 40), n_features=size(1, 10),
        n_informative=size(1, 10), separation=real(0.0, 12.0), label_noise=real(0.0, 0.6),
        subgroup_fraction=real(0.0, 1.0),
        nonmember_subgroup_fraction=st.one_of(st.none(), real(0.0, 1.0)),
        subgroup_shift=real(-12.0, 12.0)),
    "make_sequence_families": dict(
        n_families=size(2, 12), family_size=size(1, 5), seq_length=size(1, 40),
        alphabet=st.sampled_from(["protein", "dna", "rna", "DNA"]),
        divergence=real(0.0, 1.0), kmer=size(1, 4), positive_fraction=real(0.0, 1.0),
        shuffle=st.one_of(st.booleans(), JUNK)),
    "make_imbalanced": dict(
        n_samples=size(2, 400), n_features=size(1, 10), n_informative=size(0, 10),
        prevalence=real(0.0, 1.0), effect_size=real(0.0, 12.0)),
    "make_motif_sequences": dict(
        n_samples=size(1, 30), seq_length=size(1, 80),
        motifs=st.one_of(st.integers(-1, 5), st.sampled_from([["A"], ["A", "B"], "A", []])),
        label=st.sampled_from(["presence", "and", "multilabel", "count", "xor"]),
        positive_fraction=real(0.0, 1.0), consensus_prob=real(0.0, 1.0),
        n_instances=st.one_of(size(1, 3), st.tuples(st.integers(-1, 3), st.integers(-1, 4))),
        region=st.one_of(st.none(), st.tuples(st.integers(-5, 80), st.integers(-5, 90))),
        revcomp=st.one_of(st.booleans(), JUNK), gc_content=real(0.0, 1.0),
        layout=st.sampled_from(["NCL", "NLC", "LCN"])),
}


# Small, valid and mutually consistent arguments: the starting point of every example, so
# that the success path is exercised as often as the error path.
I, F = st.integers, st.floats
VALID = {
    "make_expression": dict(n_samples=I(20, 40), n_genes=I(12, 30), n_informative=I(2, 10),
                            effect_size=F(0.1, 2.0), signal_strength=F(0.0, 6.0),
                            prevalence=F(0.3, 0.7), dispersion=F(0.0, 10.0),
                            library_size=F(1e3, 1e6)),
    "make_batch_expression": dict(n_samples=I(20, 40), n_genes=I(10, 30),
                                  n_informative=I(0, 10), effect_size=F(0.1, 1.5),
                                  prevalence=F(0.3, 0.7), n_batches=I(1, 4),
                                  batch_effect=F(0.0, 10.0), confounding=F(0.0, 1.0),
                                  n_external=I(0, 20), n_duplicates=I(0, 10),
                                  missing_fraction=F(0.0, 0.4)),
    "make_repeated_measures": dict(n_subjects=I(8, 16), n_visits=I(1, 6), n_features=I(4, 8),
                                   n_informative=I(0, 4), signal=F(0.0, 1.0),
                                   icc=F(0.5, 0.9), autocorrelation=F(0.0, 0.9),
                                   prevalence=F(0.3, 0.7)),
    "make_clinical": dict(n_patients=I(50, 200), asthma_prevalence=F(0.1, 0.5),
                          asthma_effect=F(-3.0, 3.0), treatment_effect=F(-3.0, 0.0),
                          policy_strength=F(0.0, 6.0), measurement_noise=F(0.1, 3.0),
                          include_treatment=st.booleans(), as_frame=st.booleans()),
    "make_cohort": dict(n_members=I(10, 40), n_nonmembers=I(0, 40), n_features=I(5, 10),
                        n_informative=I(1, 5), separation=F(0.5, 4.0), label_noise=F(0.0, 0.4),
                        subgroup_fraction=F(0.0, 1.0), subgroup_shift=F(-1.5, 1.5)),
    "make_sequence_families": dict(n_families=I(4, 12), family_size=I(2, 5),
                                   seq_length=I(4, 40), alphabet=st.sampled_from(["protein", "dna"]),
                                   divergence=F(0.0, 0.6), kmer=I(1, 2),
                                   positive_fraction=F(0.3, 0.7), shuffle=st.booleans()),
    "make_imbalanced": dict(n_samples=I(100, 400), n_features=I(3, 10), n_informative=I(0, 3),
                            prevalence=F(0.05, 0.5), effect_size=F(0.0, 2.0)),
    "make_motif_sequences": dict(n_samples=I(5, 30), seq_length=I(40, 80),
                                 motifs=st.sampled_from([1, 2, ["A", "B"]]),
                                 label=st.sampled_from(["presence", "multilabel"]),
                                 positive_fraction=F(0.2, 0.8), consensus_prob=F(0.6, 1.0),
                                 revcomp=st.booleans(), gc_content=F(0.3, 0.7)),
}


@st.composite
def arguments(draw, valid: dict, fuzz: dict):
    """Valid arguments, then 0, 1 or 2 of them replaced by a fuzzed value."""
    kwargs = draw(st.fixed_dictionaries(valid))
    n_fuzzed = draw(st.sampled_from([0, 1, 1, 2]))
    for name in draw(st.lists(st.sampled_from(sorted(fuzz)), min_size=n_fuzzed,
                              max_size=n_fuzzed, unique=True)):
        kwargs[name] = draw(fuzz[name])
    return kwargs


def _nan_allowed(name: str, result) -> tuple:
    """Fields that may hold NaN by design (documented missing values)."""
    if name == "make_batch_expression":
        return ("data.X",)  # checked against truth.missing_mask below
    return ()


def _check_consistent_with_truth(name: str, kwargs: dict, data) -> None:
    """Shapes agree, labels are labels, the documented NaN match the truth, and the
    recorded ``params`` rebuild exactly the same data."""
    X, y = data.X, data.y
    assert len(X) == len(y), "X and y have different numbers of samples"
    labels = np.asarray(y)
    assert set(np.unique(labels).tolist()) <= {0, 1}, "labels outside {0, 1}"
    if hasattr(data, "feature_names") and np.ndim(X) == 2:
        assert len(data.feature_names) == np.shape(X)[1]
    if name == "make_batch_expression":
        missing = data.truth.missing_mask
        assert np.array_equal(np.isnan(X), missing), "NaN in X differ from truth.missing_mask"
        assert np.array_equal(X[~missing], data.truth.X_complete[~missing])
    rebuilt, error = call(getattr(datasets, name), **data.params)
    assert error is None, f"params do not rebuild the data: {error}"
    assert_same(data.X, rebuilt.X, "X rebuilt from params")
    assert_same(data.y, rebuilt.y, "y rebuilt from params")


def _fuzz_generator(name: str, kwargs: dict, seed: int) -> None:
    function = getattr(datasets, name)
    result, error = call(function, **kwargs, random_state=seed)
    if error is not None:
        assert_names_a_parameter(error, function)
        return
    assert_finite(result, "data", allowed_nan=_nan_allowed(name, result))
    again, _ = call(function, **kwargs, random_state=seed)
    assert_same(result, again, "data (same arguments and seed)")
    _check_consistent_with_truth(name, kwargs, result)


def _generator_test(name: str):
    @FUZZ
    @given(kwargs=arguments(VALID[name], GENERATORS[name]), seed=SEED)
    def test(kwargs, seed):
        _fuzz_generator(name, kwargs, seed)

    test.__name__ = f"test_fuzz_{name}"
    return test


for _name in GENERATORS:
    globals()[f"test_fuzz_{_name}"] = _generator_test(_name)


# A deterministic sweep on top of the random examples: every parameter of every generator
# takes each of these values once, the others keeping small valid values.
INT_SWEEP = [-1, 0, 1, 2, 10**10, 2**63, True, 1.5, "3", None]
FLOAT_SWEEP = [float("nan"), float("inf"), -float("inf"), 1e300, -1e300, 1e39, 1100.0, 12.0,
               -1.0, -0.0, 0.0, 5e-324, 1.0, True, "0.5", None]
SMALL = {
    "make_expression": dict(n_samples=30, n_genes=20, n_informative=6),
    "make_batch_expression": dict(n_samples=30, n_genes=20, n_informative=6, n_external=10),
    "make_repeated_measures": dict(n_subjects=10, n_visits=3, n_features=5, n_informative=2),
    "make_clinical": dict(n_patients=100),
    "make_cohort": dict(n_members=30, n_nonmembers=30, n_features=6, n_informative=3),
    "make_sequence_families": dict(n_families=6, family_size=3, seq_length=20),
    "make_imbalanced": dict(n_samples=300, n_features=5, n_informative=2, prevalence=0.1),
    "make_motif_sequences": dict(n_samples=20, seq_length=50),
}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_sweep_every_parameter_to_its_extremes(name):
    function = getattr(datasets, name)
    for parameter, default in inspect.signature(function).parameters.items():
        if parameter in ("random_state", "return_X_y") or isinstance(default.default, str):
            continue
        numeric = isinstance(default.default, float) or default.default is None
        for value in (FLOAT_SWEEP if numeric else INT_SWEEP):
            kwargs = {**SMALL[name], parameter: value}
            try:
                _fuzz_generator(name, kwargs, seed=0)
            except AssertionError as failure:
                raise AssertionError(f"{name}({parameter}={value!r}): {failure}") from None


def test_every_generator_is_fuzzed():
    made = {name for name in datasets.__all__ if name.startswith("make_")}
    assert made == set(GENERATORS), f"not fuzzed: {sorted(made - set(GENERATORS))}"


@FEW
@given(consensus=st.one_of(st.text("ACGTacgt", min_size=1, max_size=12),
                           st.text("ACGTacgt", min_size=1, max_size=12),
                           st.sampled_from(["A", "B", "F", "Z", "ACGN", ""]), JUNK),
       n_substitutions=st.one_of(st.integers(0, 4), size(0, 14)), seed=SEED)
def test_fuzz_mutate_motif(consensus, n_substitutions, seed):
    result, error = call(datasets.mutate_motif, consensus, n_substitutions, random_state=seed)
    if error is not None:
        assert_names_a_parameter(error, datasets.mutate_motif)
        return
    again, _ = call(datasets.mutate_motif, consensus, n_substitutions, random_state=seed)
    assert_same(result, again)
    expected = datasets.sequences.MOTIFS.get(consensus, consensus).upper()  # a name or bases
    assert len(result) == len(expected)
    assert sum(a != b for a, b in zip(result, expected)) == n_substitutions


# ---------------------------------------------------------------------------------------
# Training and prediction
# ---------------------------------------------------------------------------------------
def _features(n, width, seed, kind):
    """Training features of one kind: valid, badly scaled, NaN, 1-D, text, wrong width."""
    X = np.random.default_rng(seed).normal(size=(n, width))
    return {"valid": X, "scaled 1e3": X * 1e3 + 650, "scaled 1e30": X * 1e30,
            "scaled 1e300": X * 1e300, "nan": np.where(X > 1, np.nan, X),
            "one-dimensional": X[:, 0], "text": X.astype(str), "wide": np.hstack([X, X]),
            "empty": X[:0]}[kind]


def _labels(n, kind):
    """Labels of one kind: valid, whole-number floats, fractions, 3 or 8 classes, ..."""
    y = np.arange(n) % 2
    return {"valid": y, "float": y.astype(float), "fraction": y + 0.5, "three": np.arange(n) % 3,
            "seven": np.full(n, 7), "negative": -y, "too long": np.arange(n + 1) % 2,
            "two columns": np.zeros((n, 2)), "nan": np.where(y == 1, np.nan, 0.0)}[kind]


FIT_FUZZ = dict(
    X_kind=st.sampled_from(["scaled 1e3", "scaled 1e30", "scaled 1e300", "nan",
                            "one-dimensional", "text", "wide", "empty"]),
    y_kind=st.sampled_from(["float", "fraction", "three", "seven", "negative", "too long",
                            "two columns", "nan"]),
    n_outputs=st.integers(1, 4), batch_size=size(1, 8), max_epochs=size(1, 3),
    lr=real(1e-4, 1.0), weight_decay=real(0.0, 1.0), patience=size(1, 3),
    optimizer=st.sampled_from(["adam", "sgd", "adamw", "lbfgs", 3]))
FIT_VALID = dict(n=st.integers(4, 24), width=st.integers(1, 4), X_kind=st.just("valid"),
                 y_kind=st.just("valid"), n_outputs=st.just(2), batch_size=st.integers(1, 8),
                 max_epochs=st.integers(1, 3), lr=st.none(), weight_decay=st.none(),
                 patience=st.none(), optimizer=st.just("adam"), seed=st.integers(0, 100))


@FUZZ
@given(args=arguments(FIT_VALID, FIT_FUZZ))
def test_fuzz_fit_and_predict(args):
    args = dict(args)
    n, width, seed = args.pop("n"), args.pop("width"), args.pop("seed")
    X = _features(n, width, seed, args.pop("X_kind"))
    y = _labels(n, args.pop("y_kind"))
    n_outputs = args.pop("n_outputs")
    patience = args.pop("patience")
    tune = {} if patience is None else dict(X_tune=X, y_tune=y, patience=patience)

    def train():
        torch.manual_seed(seed)
        model = MLP(width, n_outputs, hidden=(4,))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                history = fit(model, X, y, generator=torch.Generator().manual_seed(seed),
                              **tune, **args)
            except (ValueError, TypeError) as error:
                return model, None, error
            except FloatingPointError as error:  # documented: a diverging loss
                assert "learning rate (lr)" in str(error), str(error)
                return model, None, None
        return model, history, None

    model, history, error = train()
    if error is not None:
        assert_names_a_parameter(error, fit)
        return
    if history is None:
        return
    assert_finite(history.train_loss, "train_loss")
    assert_finite(history.tune_loss, "tune_loss")
    assert_finite(_weights(model), "weights")
    assert len(history.to_frame()) == len(history.epoch) >= 1
    model_again, _, _ = train()
    for a, b in zip(_weights(model), _weights(model_again)):
        assert torch.equal(a, b), "same data and seed gave different weights"
    proba, error = call(predict_proba, model, X)
    assert error is None, f"predict_proba failed on the training data: {error}"
    assert_finite(proba, "predict_proba")
    assert proba.shape == (len(X), max(n_outputs, 2))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-9)
    np.testing.assert_array_equal(predict(model, X), proba.argmax(axis=1))
    score, error = call(accuracy, model, X, y)
    if error is not None:
        assert_names_a_parameter(error, accuracy)
    else:
        assert 0.0 <= score <= 1.0


def _weights(model):
    return [p.detach().clone() for p in model.parameters()]


PREDICT_VALID = dict(n=st.integers(1, 12), n_outputs=st.integers(1, 3),
                     X_kind=st.just("valid"), y_kind=st.just("valid"),
                     batch_size=st.integers(1, 5))
PREDICT_FUZZ = dict(X_kind=FIT_FUZZ["X_kind"], y_kind=FIT_FUZZ["y_kind"],
                    batch_size=size(1, 4))


@FUZZ
@given(args=arguments(PREDICT_VALID, PREDICT_FUZZ))
def test_fuzz_prediction_functions(args):
    n, n_outputs, batch_size = args["n"], args["n_outputs"], args["batch_size"]
    X = _features(n, 3, 0, args["X_kind"])
    y = _labels(n, args["y_kind"])
    torch.manual_seed(0)
    model = MLP(3, n_outputs, hidden=())
    for function in (predict_proba, predict):
        result, error = call(function, model, X, batch_size=batch_size)
        if error is not None:
            assert_names_a_parameter(error, function)
            continue
        assert_finite(result, function.__name__)
        assert len(result) == len(X)
        if function is predict_proba:  # one output column: a binary logit, two columns
            assert result.shape[1] == max(n_outputs, 2)
            np.testing.assert_allclose(result.sum(axis=1), 1.0, rtol=1e-9)
            proba = result
        else:
            np.testing.assert_array_equal(result, proba.argmax(axis=1))
        again, _ = call(function, model, X, batch_size=batch_size)
        assert_same(result, again, function.__name__)
    score, error = call(accuracy, model, X, y, batch_size=batch_size)
    if error is not None:
        assert_names_a_parameter(error, accuracy)
    else:
        assert 0.0 <= score <= 1.0
        expected = np.mean(predict(model, X) == np.asarray(y))
        assert score == pytest.approx(expected)


@FEW
@given(epoch=st.lists(st.integers(1, 5), max_size=4),
       train_loss=st.lists(st.floats(0, 10), max_size=4),
       tune_loss=st.lists(st.floats(0, 10), max_size=4))
def test_fuzz_history_to_frame(epoch, train_loss, tune_loss):
    history = History(epoch=epoch, train_loss=train_loss, tune_loss=tune_loss)
    frame, error = call(history.to_frame)
    if error is not None:
        assert re.search(r"train_loss|tune_loss", str(error)), str(error)
        assert len(train_loss) != len(epoch) or (tune_loss and len(tune_loss) != len(epoch))
    else:
        assert len(frame) == len(epoch) == len(train_loss)
        assert not tune_loss or len(tune_loss) == len(epoch)


# ---------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------
@st.composite
def binary_problem(draw):
    n = draw(st.integers(2, 12))
    y = [k % 2 for k in range(n)]
    scores = draw(st.lists(st.floats(0, 1), min_size=n, max_size=n))
    return y, scores


PANEL_FUZZ = dict(
    y_true=st.one_of(st.lists(st.one_of(st.integers(-1, 3), st.floats(0, 1), st.booleans()),
                              max_size=12), st.just([]), st.just([1, 1, 1]), JUNK),
    y_score=st.one_of(st.lists(ANY_FLOAT, max_size=12), st.just([]), JUNK),
    threshold=real(0.0, 1.0), digits=size(0, 10))


@FUZZ
@given(problem=binary_problem(), fuzzed=arguments(
    dict(threshold=st.floats(0, 1), digits=st.integers(0, 10)), PANEL_FUZZ))
def test_fuzz_metric_panel_and_format_panel(problem, fuzzed):
    y_true, y_score = fuzzed.get("y_true", problem[0]), fuzzed.get("y_score", problem[1])
    threshold, digits = fuzzed["threshold"], fuzzed["digits"]
    panel, error = call(metric_panel, y_true, y_score, threshold=threshold)
    if error is not None:
        assert_names_a_parameter(error, metric_panel)
        return
    assert_finite(panel, "panel")
    again, _ = call(metric_panel, y_true, y_score, threshold=threshold)
    assert_same(panel, again, "panel (same arguments)")
    assert panel["n"] == len(y_true)
    for key in ("accuracy", "balanced_accuracy", "auroc", "auprc", "prevalence"):
        assert 0.0 <= panel[key] <= 1.0, key
    assert -1.0 <= panel["mcc"] <= 1.0
    assert panel["prevalence"] == pytest.approx(np.mean(np.asarray(y_true, dtype=float)))
    text, error = call(format_panel, panel, digits=digits)
    if error is not None:
        assert_names_a_parameter(error, format_panel)
    else:
        assert f"n={len(y_true)}" in text and "nan" not in text


@FEW
@given(panel_value=st.one_of(ANY_FLOAT, JUNK), key=st.sampled_from(
    ["n", "prevalence", "accuracy", "balanced_accuracy", "auroc", "auprc", "mcc"]))
def test_fuzz_format_panel_entries(panel_value, key):
    panel = {**metric_panel([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9]), key: panel_value}
    text, error = call(format_panel, panel)
    if error is not None:
        assert key in str(error), str(error)
    else:
        assert "nan" not in text.lower() and "inf" not in text.lower(), text


@FUZZ
@given(args=arguments(
    dict(n=st.integers(6, 30), tune_size=st.floats(0.1, 0.4), test_size=st.floats(0.1, 0.4),
         seed=SEED, stratified=st.booleans()),
    dict(n=st.integers(0, 5), tune_size=st.one_of(real(0.0, 1.0), size(0, 10)),
         test_size=st.one_of(real(0.0, 1.0), size(0, 10)), seed=st.one_of(SEED, JUNK))))
def test_fuzz_train_tune_test_split(args):
    n = args["n"]
    X, y = np.arange(2 * n).reshape(n, 2), np.arange(n) % 2
    kwargs = dict(tune_size=args["tune_size"], test_size=args["test_size"],
                  random_state=args["seed"], stratify=y if args["stratified"] else None)
    parts, error = call(train_tune_test_split, X, y, **kwargs)
    if error is not None:
        assert_names_a_parameter(error, train_tune_test_split, extra=["arrays"])
        return
    again, _ = call(train_tune_test_split, X, y, **kwargs)
    assert_same(list(parts), list(again), "split (same seed)")
    X_train, X_tune, X_test = parts[0], parts[1], parts[2]
    assert min(len(X_train), len(X_tune), len(X_test)) >= 1
    rows = np.concatenate([X_train[:, 0], X_tune[:, 0], X_test[:, 0]])
    assert sorted(rows.tolist()) == X[:, 0].tolist(), "the three parts are not a partition"


@FUZZ
@given(sequences=st.one_of(
    st.integers(1, 6).flatmap(lambda n: st.lists(st.text("ACGTacgt", min_size=6, max_size=6),
                                                 min_size=n, max_size=n)),
    st.integers(1, 6).flatmap(lambda n: st.lists(st.text("ACGTacgt", min_size=6, max_size=6),
                                                 min_size=n, max_size=n)),
    st.lists(st.text("ACGTacgt", min_size=0, max_size=8), min_size=0, max_size=6), JUNK),
    threshold=real(0.0, 1.0))
def test_fuzz_pairwise_identity_and_clusters(sequences, threshold):
    identity, error = call(pairwise_identity, sequences)
    if error is not None:
        assert_names_a_parameter(error, pairwise_identity)
        return
    assert_finite(identity, "identity")
    n = len(sequences)
    assert identity.shape == (n, n)
    np.testing.assert_array_equal(identity, identity.T)
    np.testing.assert_array_equal(np.diag(identity), 1.0)
    upper = pairwise_identity([s.upper() for s in sequences])
    np.testing.assert_array_equal(identity, upper)  # case-insensitive
    clusters, error = call(identity_clusters, identity, threshold)
    if error is not None:
        assert_names_a_parameter(error, identity_clusters)
        return
    linked = identity >= threshold
    different = clusters[:, None] != clusters[None, :]
    assert not (linked & different).any(), "a pair above the threshold was split"


@FEW
@given(scores=st.one_of(
    st.dictionaries(st.sampled_from(["mlp", "logreg"]),
                    st.lists(st.floats(0, 1), min_size=1, max_size=5), min_size=1, max_size=2),
    st.dictionaries(st.sampled_from(["mlp", "logreg", ""]),
                    st.one_of(st.lists(st.one_of(st.floats(0, 1), ANY_FLOAT), max_size=5),
                              ANY_FLOAT, JUNK), max_size=3), JUNK))
def test_fuzz_summarize_scores(scores):
    table, error = call(summarize_scores, scores)
    if error is not None:
        assert_names_a_parameter(error, summarize_scores)
        return
    assert_finite(table[["mean"]], "mean")
    assert len(table) == len(scores)
    for name, values in scores.items():
        assert table.loc[name, "mean"] == pytest.approx(np.mean(values))


@FUZZ
@given(k=st.integers(2, 4), n=st.integers(4, 16), seed=SEED, fuzzed=arguments(
    {}, dict(y_true=st.one_of(st.lists(st.one_of(st.integers(-1, 5), st.floats(0, 4)),
                                       max_size=16), JUNK),
             y_proba=st.one_of(st.lists(st.lists(ANY_FLOAT, min_size=3, max_size=3),
                                        max_size=6), JUNK))))
def test_fuzz_multiclass_panel(k, n, seed, fuzzed):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % k
    proba = rng.dirichlet(np.ones(k), size=n)
    y_true, y_proba = fuzzed.get("y_true", y), fuzzed.get("y_proba", proba)
    panel, error = call(multiclass_panel, y_true, y_proba)
    if error is not None:
        assert_names_a_parameter(error, multiclass_panel)
        return
    assert_finite(panel, "panel")
    assert_finite(panel["per_class"], "per_class")
    for key in ("accuracy", "balanced_accuracy", "macro_auroc", "micro_auroc"):
        assert 0.0 <= panel[key] <= 1.0, key
    assert panel["per_class"]["n"].sum() == panel["n"] == len(y_true)
    assert panel["macro_auroc"] == pytest.approx(panel["per_class"]["auroc"].mean())


# ---------------------------------------------------------------------------------------
# The estimator, threads and devices, the locked test set, learning curves
# ---------------------------------------------------------------------------------------
ESTIMATOR_VALID = dict(hidden=st.sampled_from([(), (4,)]), batch_size=st.integers(4, 16),
                       max_epochs=st.integers(1, 2), patience=st.none(),
                       validation_fraction=st.floats(0.2, 0.5), random_state=SEED)
ESTIMATOR_FUZZ = dict(hidden=st.one_of(st.just(4), st.just((0,)), st.just((10**7, 10**7)),
                                       JUNK),
                      dropout=real(0.0, 1.0), lr=real(1e-4, 1.0), batch_size=size(1, 16),
                      max_epochs=size(1, 2), patience=size(1, 2),
                      validation_fraction=real(0.0, 1.0), random_state=st.one_of(SEED, JUNK))


@FEW
@given(params=arguments(ESTIMATOR_VALID, ESTIMATOR_FUZZ), n=st.integers(6, 30))
def test_fuzz_neural_net_classifier(params, n):
    from dlbio.estimators import NeuralNetClassifier

    X = np.random.default_rng(0).normal(size=(n, 3))
    y = np.where(X[:, 0] > 0, "case", "control")
    model, error = call(lambda: NeuralNetClassifier(**params).fit(X, y))
    if error is not None:
        assert_names_a_parameter(error, NeuralNetClassifier)
        return
    proba = model.predict_proba(X)
    assert_finite(proba, "predict_proba")
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-9)
    assert set(model.predict(X)) <= {"case", "control"}
    again, _ = call(lambda: NeuralNetClassifier(**params).fit(X, y))
    np.testing.assert_array_equal(proba, again.predict_proba(X))  # same random_state


@pytest.mark.parametrize("value", [-1, 0, 10**6, 2**40, True, 1.5, "2", None])
def test_sweep_thread_counts(value):
    from dlbio.training import limit_threads

    try:
        result, error = call(limit_threads, value)
        if error is not None:
            assert_names_a_parameter(error, limit_threads)
        else:
            assert result == value
    finally:
        limit_threads(1)


@pytest.mark.parametrize("value", ["cpu", "cpu:0", "cpu:1", "cuda:99", "gpu", "", "CPU",
                                   0, None, 1.5, torch.device("cpu", 3)])
def test_sweep_devices(value):
    from dlbio.training import select_device

    device, error = call(select_device, value)
    if error is not None:
        assert_names_a_parameter(error, select_device)
    else:
        assert isinstance(device, torch.device) and device.index in (None, 0)


@FEW
@given(n=st.integers(0, 8), fuzzed=arguments({}, dict(
    X=st.one_of(st.just(None), st.just("abc"), st.just(np.zeros((3, 2)))),
    y=st.one_of(st.lists(st.integers(-1, 2), max_size=8), JUNK),
    on_reuse=st.sampled_from(["raise", "warn", "ignore", None]))))
def test_fuzz_locked_test_set(n, fuzzed):
    from dlbio.evaluation import LockedTestSet

    X = fuzzed.get("X", np.zeros((n, 2)))
    y = fuzzed.get("y", np.arange(n) % 2)
    locked, error = call(LockedTestSet, X, y, on_reuse=fuzzed.get("on_reuse", "raise"))
    if error is not None:
        assert_names_a_parameter(error, LockedTestSet)
    else:
        assert locked.n_samples == len(y) >= 2 and locked.n_uses == 0


@FEW
@given(args=arguments(
    dict(sizes=st.sampled_from([[10], [10, 20]]), n_repeats=st.integers(1, 2), seed=SEED),
    dict(sizes=st.one_of(st.lists(size(2, 40), max_size=3), JUNK),
         n_repeats=st.one_of(size(1, 2), st.lists(st.integers(-1, 2), max_size=3)),
         pool=st.sampled_from(["nan", "three classes", "one feature", "text"]),
         model=st.sampled_from(["SVC", "not a model", "factory"]))))
def test_fuzz_learning_curve(args):
    _check_learning_curve(args)


@pytest.mark.parametrize("pool", [None, "nan", "three classes", "one feature", "text"])
@pytest.mark.parametrize("model", [None, "SVC", "not a model", "factory"])
def test_sweep_learning_curve(pool, model):
    _check_learning_curve(dict(sizes=[10, 20], n_repeats=2, seed=0, pool=pool, model=model))


def _check_learning_curve(args):
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import SVC

    from dlbio.learning_curves import learning_curve

    X = np.random.default_rng(1).normal(size=(80, 2))
    y = (X[:, 0] > 0).astype(int)
    X_pool, y_pool = X[:40], y[:40]
    pool = args.get("pool")
    if pool == "nan":
        X_pool = np.where(X_pool > 1.5, np.nan, X_pool)
    elif pool == "three classes":
        y_pool = y_pool + (X_pool[:, 1] > 1)
    elif pool == "one feature":
        X_pool = X_pool[:, :1]
    elif pool == "text":
        X_pool = X_pool.astype(str)
    model = {None: LogisticRegression(), "SVC": SVC(), "not a model": 3,
             "factory": lambda n: LogisticRegression(C=1.0 / n)}[args.get("model")]
    kwargs = dict(n_repeats=args["n_repeats"], random_state=args["seed"])
    table, error = call(learning_curve, {"m": model}, X_pool, y_pool, X[40:], y[40:],
                        args["sizes"], **kwargs)
    if error is not None:
        assert_names_a_parameter(error, learning_curve, extra=["estimators['m']"])
        return
    assert_finite(table[["auroc", "accuracy"]], "table")
    # The scores describe the binary problem of the test set: same classes in the pool.
    assert np.array_equal(np.unique(y_pool), np.unique(y[40:])), "pool classes differ"
    again, _ = call(learning_curve, {"m": model}, X_pool, y_pool, X[40:], y[40:],
                    args["sizes"], **kwargs)
    assert_same(table.drop(columns="fit_seconds"), again.drop(columns="fit_seconds"))


@FUZZ
@given(condition=st.one_of(st.booleans(), st.booleans().map(np.bool_), st.text(max_size=3),
                           st.binary(max_size=2), st.lists(st.booleans(), max_size=2),
                           st.tuples(st.booleans()), st.dictionaries(st.text(max_size=1),
                                                                     st.booleans(), max_size=1),
                           st.booleans().map(lambda b: np.array([b])),
                           st.booleans().map(torch.tensor)))
def test_fuzz_feedback_check(condition):
    from dlbio.feedback import check

    ambiguous = isinstance(condition, (str, bytes, list, tuple, set, dict))
    try:
        check(condition, "a property")
    except TypeError as error:
        assert ambiguous and "condition" in str(error), str(error)
    except AssertionError:
        assert not ambiguous and not bool(condition), "a false condition must fail the check"
    else:
        assert not ambiguous, f"check accepted {condition!r} as a condition"
        assert bool(condition)

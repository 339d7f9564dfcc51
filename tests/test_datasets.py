"""Tests for dlbio.datasets.make_expression.

Statistical checks use fixed seeds and loose thresholds, so they are deterministic on a
given numpy build and do not pin golden values (numpy only promises identical random
streams on the same build).
"""
import math
import time
import warnings

import numpy as np
import pytest
from scipy.special import expit
from scipy.stats import ks_2samp
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from dlbio.datasets import Bunch, make_expression

SMALL = dict(n_samples=60, n_genes=40, n_informative=8)


@pytest.fixture(scope="module")
def small():
    return make_expression(**SMALL, random_state=0)


def _lr_accuracy(X, y, n_train):
    """Held-out accuracy of a standardised logistic regression."""
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    model.fit(X[:n_train], y[:n_train])
    return model.score(X[n_train:], y[n_train:])


# ----------------------------------------------------------------------------------------
# Shapes, dtypes and layout
# ----------------------------------------------------------------------------------------
def test_shapes_and_dtypes(small):
    n, g = SMALL["n_samples"], SMALL["n_genes"]
    assert isinstance(small, Bunch)
    assert small.X.shape == (n, g) and small.X.dtype == np.float32
    assert small.y.shape == (n,) and small.y.dtype == np.int64
    assert set(np.unique(small.y)) <= {0, 1}
    assert np.isfinite(small.X).all() and (small.X >= 0).all()
    assert small.groups is None
    assert len(small.feature_names) == g and small.feature_names[0] == "gene_0000"
    assert len(set(small.feature_names)) == g
    assert len(small.sample_ids) == n and len(set(small.sample_ids)) == n

    t = small.truth
    n_programs = small.params["n_programs"]
    assert t.informative.shape == (g,) and t.informative.dtype == bool
    assert t.program.shape == (g,) and np.issubdtype(t.program.dtype, np.integer)
    assert t.loading.shape == t.base_mean.shape == (g,)
    assert t.activity.shape == (n, n_programs)
    assert t.logit.shape == t.proba.shape == t.library_size.shape == (n,)
    assert t.counts.shape == (n, g) and t.counts.dtype == np.int32
    assert (t.counts >= 0).all()
    assert isinstance(t.intercept, float) and isinstance(t.rule, str) and t.rule
    assert "sigmoid" in small.DESCR and "Gamma" in small.DESCR


def test_return_X_y_gives_the_same_arrays(small):
    X, y = make_expression(**SMALL, return_X_y=True, random_state=0)
    np.testing.assert_array_equal(X, small.X)
    np.testing.assert_array_equal(y, small.y)


def test_params_record_everything_needed_to_rebuild(small):
    p = small.params
    assert isinstance(p["random_state"], int)
    assert p["n_programs"] == 1 + 4  # 8 informative genes, 32 others in programs of 8
    again = make_expression(**p)
    np.testing.assert_array_equal(again.X, small.X)
    np.testing.assert_array_equal(again.y, small.y)


def test_default_program_layout():
    data = make_expression(100, 200, n_informative=20, random_state=1)
    sizes = np.bincount(data.truth.program)
    assert data.params["n_programs"] == 10
    assert sizes[0] == 20
    assert sizes[1:].max() - sizes[1:].min() <= 1  # nuisance programs of equal size


def test_interaction_splits_informative_genes_over_two_programs():
    data = make_expression(100, 50, n_informative=9, signal="interaction", random_state=1)
    sizes = np.bincount(data.truth.program)
    assert sorted(sizes[:2]) == [4, 5]
    assert data.truth.informative_programs == [0, 1]
    assert all(abs(s - 5) <= 1 for s in sizes[2:])


def test_explicit_n_programs_is_used():
    data = make_expression(50, 40, n_informative=10, n_programs=3, random_state=0)
    assert data.truth.activity.shape[1] == 3
    assert set(np.unique(data.truth.program)) == {0, 1, 2}


def test_all_genes_informative_needs_no_nuisance_program():
    data = make_expression(50, 10, n_informative=10, random_state=0)
    assert data.truth.informative.all() and data.params["n_programs"] == 1


# ----------------------------------------------------------------------------------------
# Reproducibility and random streams
# ----------------------------------------------------------------------------------------
def test_same_seed_same_data_different_seed_different_data(small):
    again = make_expression(**SMALL, random_state=0)
    for a, b in [(again.X, small.X), (again.y, small.y),
                 (again.truth.counts, small.truth.counts),
                 (again.truth.activity, small.truth.activity)]:
        np.testing.assert_array_equal(a, b)
    other = make_expression(**SMALL, random_state=1)
    assert not np.array_equal(other.X, small.X)
    assert not np.array_equal(other.truth.informative, small.truth.informative)


def test_dispersion_only_changes_the_counts(small):
    other = make_expression(**SMALL, dispersion=0.05, random_state=0)
    np.testing.assert_array_equal(other.y, small.y)
    np.testing.assert_array_equal(other.truth.activity, small.truth.activity)
    np.testing.assert_array_equal(other.truth.base_mean, small.truth.base_mean)
    np.testing.assert_array_equal(other.truth.library_size, small.truth.library_size)
    np.testing.assert_array_equal(other.truth.informative, small.truth.informative)
    assert not np.array_equal(other.X, small.X)


def test_signal_strength_reuses_the_same_uniforms(small):
    # Larger signal_strength pushes sigmoid(logit) up where activity > 0 and down where
    # it is < 0; with the same uniforms u, labels can then only flip 0 -> 1 (resp. 1 -> 0).
    strong = make_expression(**SMALL, signal_strength=8.0, random_state=0)
    np.testing.assert_array_equal(strong.X, small.X)
    np.testing.assert_array_equal(strong.truth.counts, small.truth.counts)
    z0 = small.truth.activity[:, 0]
    assert (strong.y[z0 > 0] >= small.y[z0 > 0]).all()
    assert (strong.y[z0 < 0] <= small.y[z0 < 0]).all()
    assert not np.array_equal(strong.y, small.y)


def _same_uniforms(a, b):
    """Labels drawn as y = 1[u < proba] with the *same* uniforms u in both data sets: where
    b's probability is higher a label can only go 0 -> 1, where it is lower only 1 -> 0."""
    up, down = b.truth.proba > a.truth.proba, b.truth.proba < a.truth.proba
    return bool((b.y[up] >= a.y[up]).all() and (b.y[down] <= a.y[down]).all())


def test_same_uniforms_check_detects_fresh_uniforms():
    # The helper above must fail when the labels are redrawn (a control for the next test).
    a = make_expression(400, 20, n_informative=4, signal="interaction", random_state=0)
    b = make_expression(400, 20, n_informative=4, signal="interaction", main_effect=1.0,
                        random_state=0)
    redrawn = Bunch(y=(np.random.default_rng(1).random(400) < b.truth.proba).astype(int),
                    truth=b.truth)
    assert _same_uniforms(a, b) and not _same_uniforms(a, redrawn)


@pytest.mark.parametrize("base", [dict(signal_strength=3.0), dict(signal_strength=0.0)])
def test_main_effect_only_changes_the_labels(base):
    """Turning the main effect on keeps the expression data and reuses the label uniforms,
    so 'linear', 'interaction' and 'linear plus interaction' share one expression matrix."""
    kwargs = dict(n_samples=300, n_genes=40, n_informative=8, signal="interaction",
                  random_state=0, **base)
    plain = make_expression(**kwargs)
    mixed = make_expression(**kwargs, main_effect=1.5)
    for name in ("counts", "activity", "library_size", "informative", "program", "loading"):
        np.testing.assert_array_equal(mixed.truth[name], plain.truth[name])
    np.testing.assert_array_equal(mixed.X, plain.X)
    assert not np.array_equal(mixed.y, plain.y)
    assert _same_uniforms(plain, mixed)
    again = make_expression(**mixed.params)
    np.testing.assert_array_equal(again.y, mixed.y)


def test_prevalence_only_changes_the_labels(small):
    other = make_expression(**SMALL, prevalence=0.3, random_state=0)
    np.testing.assert_array_equal(other.X, small.X)
    assert (other.y <= small.y).all()  # lower intercept, same uniforms


def test_n_genes_leaves_labels_and_first_activity_unchanged(small):
    # Changing the number of genes changes how many numbers the "genes" stream draws;
    # the labels have their own streams and so stay the same.
    bigger = make_expression(SMALL["n_samples"], 100, n_informative=12, random_state=0)
    np.testing.assert_array_equal(bigger.y, small.y)
    np.testing.assert_array_equal(bigger.truth.activity[:, 0], small.truth.activity[:, 0])
    np.testing.assert_array_equal(bigger.truth.library_size, small.truth.library_size)


def test_effect_size_leaves_labels_activity_and_libraries_unchanged(small):
    other = make_expression(**SMALL, effect_size=2.0, random_state=0)
    np.testing.assert_array_equal(other.y, small.y)
    np.testing.assert_array_equal(other.truth.activity, small.truth.activity)
    np.testing.assert_array_equal(other.truth.library_size, small.truth.library_size)
    np.testing.assert_array_equal(other.truth.base_mean, small.truth.base_mean)
    np.testing.assert_allclose(other.truth.loading, 2.0 * small.truth.loading)
    assert not np.array_equal(other.X, small.X)


# ----------------------------------------------------------------------------------------
# Ground truth matches the data
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("signal, main_effect", [("linear", 0.0), ("interaction", 0.0),
                                                 ("interaction", 1.5)])
def test_truth_is_consistent(signal, main_effect):
    data = make_expression(80, 50, n_informative=10, signal=signal, main_effect=main_effect,
                           random_state=2)
    t = data.truth
    assert t.informative.sum() == 10
    np.testing.assert_array_equal(t.informative, np.isin(t.program, t.informative_programs))
    np.testing.assert_allclose(t.proba, expit(t.logit))
    z = t.activity
    score = z[:, 0] if signal == "linear" else z[:, 0] * z[:, 1]
    expected = (data.params["signal_strength"] * score + t.intercept
                + main_effect * (z[:, 0] + z[:, 1]) * (signal == "interaction"))
    np.testing.assert_allclose(t.logit, expected)
    assert data.params["main_effect"] == main_effect
    assert ("main_effect" in t.rule) == (main_effect > 0)
    # X is log2(CPM + 1) of the recorded counts
    cpm = 1e6 * t.counts / t.counts.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(data.X, np.log2(cpm + 1), rtol=1e-5)
    # read depth follows the library sizes
    ratio = t.counts.sum(axis=1) / t.library_size
    assert 0.9 < np.median(ratio) < 1.1


def test_informative_genes_are_spread_over_the_columns():
    data = make_expression(50, 200, n_informative=20, random_state=4)
    where = np.flatnonzero(data.truth.informative)
    assert where.max() - where.min() > 100  # not simply the first 20 columns


def test_each_sample_mean_sums_to_its_library_size():
    # With Poisson counts, a row whose expected counts sum to L has a total ~ Poisson(L),
    # so (total - L) / sqrt(L) is close to a standard normal.
    data = make_expression(300, 50, n_informative=10, dispersion=0.0, random_state=3)
    total = data.truth.counts.sum(axis=1)
    library = data.truth.library_size
    z = (total - library) / np.sqrt(library)
    assert abs(z.mean()) < 0.3 and 0.8 < z.std() < 1.2


@pytest.mark.parametrize("dispersion", [0.0, 0.3])
def test_counts_have_the_requested_dispersion(dispersion):
    # With tiny loadings every gene has a constant share of the library, so after
    # dividing out the library-size spread, a negative binomial gives
    # (variance - mean) / mean**2 close to `dispersion` (0 for Poisson).
    data = make_expression(400, 20, n_informative=5, dispersion=dispersion,
                           signal_strength=0.0, effect_size=1e-3, random_state=0)
    counts = data.truth.counts
    scaled = counts / (data.truth.library_size / data.params["library_size"])[:, None]
    big = counts.mean(axis=0) > 100
    assert big.sum() >= 3
    mean, var = scaled[:, big].mean(axis=0), scaled[:, big].var(axis=0)
    estimate = np.median((var - mean) / mean**2)
    assert abs(estimate - dispersion) < 0.07


@pytest.mark.parametrize("signal, prevalence", [("linear", 0.5), ("linear", 0.2),
                                                ("interaction", 0.3)])
def test_label_prevalence_matches(signal, prevalence):
    n = 4000
    data = make_expression(n, 4, n_informative=2, signal=signal, prevalence=prevalence,
                           random_state=7)
    tolerance = 4 * math.sqrt(prevalence * (1 - prevalence) / n)
    assert abs(data.y.mean() - prevalence) < tolerance
    assert abs(data.truth.proba.mean() - prevalence) < tolerance


@pytest.mark.parametrize("signal_strength, main_effect, prevalence",
                         [(3.0, 1.5, 0.5), (3.0, 1.0, 0.3), (0.0, 1.5, 0.5), (1.0, 1.0, 0.7)])
def test_prevalence_matches_with_main_effects(signal_strength, main_effect, prevalence):
    # Product plus main effects gives skewed log-odds: an intercept of 0 (enough without
    # main effects) would give a prevalence of 0.46 instead of 0.5 for (3.0, 1.5).
    n = 8000
    data = make_expression(n, 4, n_informative=2, signal="interaction",
                           signal_strength=signal_strength, main_effect=main_effect,
                           prevalence=prevalence, random_state=11)
    tolerance = 4 * math.sqrt(prevalence * (1 - prevalence) / n)
    assert abs(data.y.mean() - prevalence) < tolerance
    assert abs(data.truth.proba.mean() - prevalence) < tolerance


def test_linear_signal_is_in_informative_genes_only():
    data = make_expression(1000, 200, n_informative=20, random_state=0)
    inf = data.truth.informative
    acc_informative = _lr_accuracy(data.X[:, inf], data.y, 600)
    acc_nuisance = _lr_accuracy(data.X[:, ~inf], data.y, 600)
    assert acc_informative > 0.75
    assert abs(acc_nuisance - 0.5) < 0.08


def test_interaction_defeats_a_linear_model_but_not_the_bayes_rule():
    data = make_expression(1200, 60, n_informative=10, signal="interaction",
                           signal_strength=6.0, random_state=0)
    accuracy = _lr_accuracy(data.X, data.y, 800)
    test = slice(800, None)
    bayes = np.mean((data.truth.proba[test] > 0.5) == data.y[test])
    assert abs(accuracy - 0.5) < 0.08
    assert bayes > 0.8
    assert bayes - accuracy > 0.2


def test_main_effect_is_what_a_linear_model_can_learn():
    # Main effects only: a linear model comes close to the Bayes rule.  Main effects plus
    # the product: the linear model still beats chance (the main effects) but stays well
    # below the Bayes rule (the interaction it cannot represent).
    test = slice(800, None)
    results = {}
    for strength in (0.0, 4.0):
        data = make_expression(1600, 60, n_informative=20, signal="interaction",
                               signal_strength=strength, main_effect=1.5, random_state=0)
        bayes = np.mean((data.truth.proba[test] > 0.5) == data.y[test])
        results[strength] = (_lr_accuracy(data.X, data.y, 800), bayes)
    linear_acc, linear_bayes = results[0.0]
    mixed_acc, mixed_bayes = results[4.0]
    assert linear_bayes - linear_acc < 0.06
    assert mixed_acc > 0.58
    assert mixed_bayes - mixed_acc > 0.12


def test_informative_and_nuisance_genes_share_one_marginal_distribution():
    """Importance must not be readable from a gene's mean or variance (sklearn #25908).

    Per-gene mean and standard deviation of X are compared between informative and
    nuisance genes with a two-sample Kolmogorov-Smirnov test.  Per-gene statistics are
    (nearly) independent draws from one distribution when the design is right, so the
    p-value is roughly uniform; pooling five seeds (300 informative vs 1200 nuisance
    genes) gives the test power to see, e.g., 1.5x larger loadings or 2x larger means on
    the informative genes, or informative genes picked among the highly expressed ones.
    Seeds are fixed, so the test is deterministic.
    """
    means_inf, means_nui, sds_inf, sds_nui = [], [], [], []
    for seed in range(5):
        data = make_expression(500, 300, n_informative=60, random_state=seed)
        inf = data.truth.informative
        mean, sd = data.X.mean(axis=0), data.X.std(axis=0)
        means_inf.append(mean[inf])
        means_nui.append(mean[~inf])
        sds_inf.append(sd[inf])
        sds_nui.append(sd[~inf])
    join = np.concatenate
    assert ks_2samp(join(means_inf), join(means_nui)).pvalue > 0.01
    assert ks_2samp(join(sds_inf), join(sds_nui)).pvalue > 0.01


def test_generation_is_fast():
    make_expression(1000, 200, random_state=0)  # warm-up
    best = min(_time(lambda: make_expression(1000, 200, random_state=0)) for _ in range(3))
    assert best < 0.25  # about 0.02 s on a 2-core machine; generous for shared CI


def _time(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# ----------------------------------------------------------------------------------------
# Argument validation
# ----------------------------------------------------------------------------------------
BAD_ARGUMENTS = [
    (dict(n_samples=1), ValueError, "n_samples"),
    (dict(n_samples=10.0), TypeError, "n_samples"),
    (dict(n_samples=True), TypeError, "n_samples"),
    (dict(n_genes=1), ValueError, "n_genes"),
    (dict(n_genes="200"), TypeError, "n_genes"),
    (dict(n_genes=True), TypeError, "n_genes"),
    (dict(n_informative=0), ValueError, "n_informative"),
    (dict(n_informative=2.0), TypeError, "n_informative"),
    (dict(n_informative=True), TypeError, "n_informative"),
    (dict(n_programs=0), ValueError, "n_programs"),
    (dict(n_programs=1.5), TypeError, "n_programs"),
    (dict(n_programs=True), TypeError, "n_programs"),
    (dict(effect_size=0.0), ValueError, "effect_size"),
    (dict(effect_size=-1.0), ValueError, "effect_size"),
    (dict(effect_size=float("nan")), ValueError, "effect_size"),
    (dict(effect_size=float("inf")), ValueError, "effect_size"),
    (dict(effect_size="big"), TypeError, "effect_size"),
    (dict(signal="quadratic"), ValueError, "signal"),
    (dict(signal=None), ValueError, "signal"),
    (dict(signal_strength=-0.1), ValueError, "signal_strength"),
    (dict(signal_strength=float("inf")), ValueError, "signal_strength"),
    (dict(signal_strength=True), TypeError, "signal_strength"),
    (dict(signal="interaction", main_effect=-0.5), ValueError, "main_effect"),
    (dict(signal="interaction", main_effect=float("nan")), ValueError, "main_effect"),
    (dict(signal="interaction", main_effect=float("inf")), ValueError, "main_effect"),
    (dict(signal="interaction", main_effect=True), TypeError, "main_effect"),
    (dict(signal="interaction", main_effect="1.5"), TypeError, "main_effect"),
    (dict(prevalence=0.0), ValueError, "prevalence"),
    (dict(prevalence=1.0), ValueError, "prevalence"),
    (dict(prevalence=1.5), ValueError, "prevalence"),
    (dict(prevalence="0.5"), TypeError, "prevalence"),
    (dict(dispersion=-0.1), ValueError, "dispersion"),
    (dict(dispersion=float("nan")), ValueError, "dispersion"),
    (dict(dispersion=float("inf")), ValueError, "dispersion"),
    (dict(dispersion=None), TypeError, "dispersion"),
    (dict(library_size=0.0), ValueError, "library_size"),
    (dict(library_size=1e12), ValueError, "library_size"),
    (dict(library_size=False), TypeError, "library_size"),
    (dict(return_X_y=1), TypeError, "return_X_y"),
    (dict(return_X_y="yes"), TypeError, "return_X_y"),
    (dict(random_state=-1), ValueError, "random_state"),
    (dict(random_state=2**32), ValueError, "random_state"),
    (dict(random_state=1.5), TypeError, "random_state"),
    (dict(random_state=True), TypeError, "random_state"),
]


@pytest.mark.parametrize("kwargs, error, name", BAD_ARGUMENTS,
                         ids=[",".join(f"{k}={v!r}" for k, v in kw.items())
                              for kw, _, _ in BAD_ARGUMENTS])
def test_invalid_argument_raises_a_clear_error(kwargs, error, name):
    arguments = dict(n_samples=50, n_genes=20, n_informative=5, random_state=0)
    arguments.update(kwargs)
    with pytest.raises(error, match=name) as info:
        make_expression(**arguments)
    assert "got" in str(info.value)  # the message shows the value received


def test_bad_argument_message_shows_range_and_value():
    with pytest.raises(ValueError, match=r"n_genes must be an int in \[2, inf\); got 1"):
        make_expression(50, 1)


def test_n_samples_error_says_why():
    with pytest.raises(ValueError, match="two samples"):
        make_expression(1, 20)


@pytest.mark.parametrize("kwargs, names", [
    (dict(n_genes=20, n_informative=21), ("n_informative", "n_genes")),
    (dict(n_genes=20, n_informative=1, signal="interaction"), ("n_informative", "signal")),
    (dict(n_genes=20, n_informative=5, n_programs=1), ("n_programs", "n_genes")),
    (dict(n_genes=20, n_informative=5, n_programs=17), ("n_programs", "n_informative")),
    (dict(n_genes=20, n_informative=20, n_programs=2), ("n_programs", "n_genes")),
    (dict(n_genes=20, n_informative=5, main_effect=1.0), ("main_effect", "signal")),
])
def test_cross_parameter_errors_name_both_parameters(kwargs, names):
    with pytest.raises(ValueError) as info:
        make_expression(50, random_state=0, **kwargs)
    for name in names:
        assert name in str(info.value)


def test_sizes_are_positional_and_the_rest_keyword_only():
    make_expression(20, 10, n_informative=2, random_state=0)
    with pytest.raises(TypeError):
        make_expression(20, 10, 2)


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_samples=50, prevalence=0.1), "positive"),
    (dict(n_samples=50, prevalence=0.9), "negative"),
    (dict(n_samples=50, library_size=10.0), "library_size"),
])
def test_degenerate_settings_warn(kwargs, match):
    with pytest.warns(UserWarning, match=match):
        make_expression(n_genes=20, n_informative=5, random_state=0, **kwargs)


def test_ordinary_settings_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_expression(**SMALL, random_state=0)
        make_expression(**SMALL, signal="interaction", random_state=0)
        make_expression(**SMALL, signal="interaction", main_effect=1.5, random_state=0)


def test_lab_cohorts_are_fixed_cohorts_without_their_rule():
    from dlbio.datasets import lab_cohorts

    first, again = lab_cohorts(), lab_cohorts()
    assert sorted(first) == ["A", "B", "C"]
    for lab, cohort in first.items():
        assert sorted(cohort) == ["X", "y"]
        assert cohort.X.shape == (1000, 500) and cohort.y.shape == (1000,)
        assert set(np.unique(cohort.y)) == {0, 1}
        np.testing.assert_array_equal(cohort.X, again[lab].X)
        assert cohort.X is not again[lab].X
    assert not np.array_equal(first["A"].y, first["B"].y)

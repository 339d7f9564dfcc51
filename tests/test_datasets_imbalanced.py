"""Tests for dlbio.datasets.make_imbalanced.

Statistical checks use fixed seeds and loose thresholds, so they are deterministic on a
given numpy build and do not pin golden values.
"""
import warnings

import numpy as np
import pytest
from scipy.special import expit
from scipy.stats import ks_2samp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score

from dlbio.datasets import Bunch, make_imbalanced

SMALL = dict(n_samples=2000, n_features=8, n_informative=3, prevalence=0.02)


@pytest.fixture(scope="module")
def small():
    return make_imbalanced(**SMALL, random_state=0)


# ----------------------------------------------------------------------------------------
# Shapes, dtypes, exact counts
# ----------------------------------------------------------------------------------------
def test_shapes_dtypes_and_layout(small):
    assert isinstance(small, Bunch)
    assert small.X.shape == (2000, 8) and small.X.dtype == np.float32
    assert small.y.shape == (2000,) and small.y.dtype == np.int64
    assert set(np.unique(small.y)) == {0, 1}
    assert small.groups is None
    assert list(small.feature_names[:2]) == ["feature_00", "feature_01"]
    assert small.sample_ids[0] == "sample_00000" and len(set(small.sample_ids)) == 2000
    t = small.truth
    assert t.informative.shape == t.effect.shape == t.noise_sd.shape == (8,)
    assert t.proba.shape == t.logit.shape == (2000,)
    assert "LDA" in small.DESCR or "linear discriminant" in small.DESCR


@pytest.mark.parametrize("n, prevalence, expected", [(2000, 0.02, 40), (10_000, 0.01, 100),
                                                     (999, 0.013, 13), (50, 0.5, 25)])
def test_the_number_of_positives_is_exact(n, prevalence, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small n warns
        data = make_imbalanced(n, 4, n_informative=1, prevalence=prevalence, random_state=3)
    assert int(data.y.sum()) == expected == data.truth.n_positives
    assert data.truth.prevalence == pytest.approx(expected / n)


def test_return_X_y_gives_the_same_arrays(small):
    X, y = make_imbalanced(**SMALL, return_X_y=True, random_state=0)
    np.testing.assert_array_equal(X, small.X)
    np.testing.assert_array_equal(y, small.y)


def test_params_record_everything_needed_to_rebuild(small):
    assert isinstance(small.params["random_state"], int)
    again = make_imbalanced(**small.params)
    np.testing.assert_array_equal(again.X, small.X)
    np.testing.assert_array_equal(again.y, small.y)


# ----------------------------------------------------------------------------------------
# Reproducibility and random streams
# ----------------------------------------------------------------------------------------
def test_same_seed_same_data_different_seed_different_data(small):
    again = make_imbalanced(**SMALL, random_state=0)
    np.testing.assert_array_equal(again.X, small.X)
    np.testing.assert_array_equal(again.y, small.y)
    other = make_imbalanced(**SMALL, random_state=1)
    assert not np.array_equal(other.X, small.X)
    assert not np.array_equal(other.y, small.y)


def test_effect_size_only_changes_the_informative_columns(small):
    other = make_imbalanced(**dict(SMALL, effect_size=2.0), random_state=0)
    inf = small.truth.informative
    np.testing.assert_array_equal(other.truth.informative, inf)
    np.testing.assert_array_equal(other.y, small.y)
    np.testing.assert_array_equal(other.X[:, ~inf], small.X[:, ~inf])
    assert not np.array_equal(other.X[:, inf], small.X[:, inf])


def test_prevalence_keeps_the_order_and_the_noise(small):
    other = make_imbalanced(**dict(SMALL, prevalence=0.05), random_state=0)
    inf = small.truth.informative
    # the positives at 2% are among the positives at 5%
    assert np.all(other.y[small.y == 1] == 1) and other.y.sum() == 100
    np.testing.assert_array_equal(other.X[:, ~inf], small.X[:, ~inf])
    np.testing.assert_array_equal(other.truth.informative, inf)


def test_more_informative_features_keep_the_earlier_ones(small):
    other = make_imbalanced(**dict(SMALL, n_informative=5), random_state=0)
    assert np.all(other.truth.informative[small.truth.informative])
    np.testing.assert_array_equal(other.y, small.y)


# ----------------------------------------------------------------------------------------
# Ground truth matches the data
# ----------------------------------------------------------------------------------------
def test_data_follow_the_recorded_effects(small):
    t = small.truth
    pi = t.prevalence
    z = (small.X - (small.y[:, None] - pi) * t.effect[None, :]) / t.noise_sd[None, :]
    # what is left after removing the class means is standard-normal noise
    assert abs(z.mean()) < 0.05 and abs(z.std() - 1) < 0.05
    assert (t.effect[~t.informative] == 0).all()
    assert np.allclose(np.abs(t.effect[t.informative]), 1.0)
    np.testing.assert_allclose(t.noise_sd, np.sqrt(1 - t.effect**2 * pi * (1 - pi)))
    many = make_imbalanced(500, 60, n_informative=60, prevalence=0.5, random_state=1).truth.effect
    assert 15 < (many > 0).sum() < 45  # random signs


def test_proba_is_the_true_posterior():
    data = make_imbalanced(60_000, 6, n_informative=3, prevalence=0.05, effect_size=1.5,
                           random_state=2)
    t = data.truth
    np.testing.assert_allclose(t.proba, expit(t.logit))
    # calibration: within bins of the true probability, the label frequency matches it
    bins = np.quantile(t.proba, np.linspace(0, 1, 11))
    which = np.clip(np.searchsorted(bins, t.proba, side="right") - 1, 0, 9)
    for b in range(10):
        inside = which == b
        assert abs(data.y[inside].mean() - t.proba[inside].mean()) < 0.02
    assert abs(t.proba.mean() - t.prevalence) < 0.005
    # the posterior is a linear function of X (logistic regression recovers its ranking)
    model = LogisticRegression(C=1e6, max_iter=1000).fit(data.X, data.y)
    assert np.corrcoef(model.decision_function(data.X), t.logit)[0, 1] > 0.99


def test_bayes_ceilings_are_computed_from_proba(small):
    t = small.truth
    assert t.bayes_auroc == pytest.approx(roc_auc_score(small.y, t.proba))
    assert t.bayes_auprc == pytest.approx(average_precision_score(small.y, t.proba))
    null = make_imbalanced(500, 4, n_informative=0, prevalence=0.1, random_state=0)
    assert np.allclose(null.truth.proba, 0.1)
    # No signal: the ceilings are the no-skill levels, not NaN (issue 15: no silent NaN).
    assert null.truth.bayes_auroc == 0.5 and null.truth.bayes_auprc == null.truth.prevalence


def test_accuracy_paradox_and_the_pr_baseline():
    data = make_imbalanced(10_000, 20, n_informative=5, prevalence=0.01, random_state=0)
    assert np.mean(data.y == 0) == pytest.approx(0.99)  # the majority rule
    assert average_precision_score(data.y, np.zeros(10_000)) == pytest.approx(0.01)
    assert data.truth.bayes_auroc > 0.85
    assert data.truth.bayes_auroc - data.truth.bayes_auprc > 0.3


def test_informative_and_other_features_share_one_marginal_distribution():
    """Importance must not be readable from a feature's mean or variance."""
    data = make_imbalanced(20_000, 40, n_informative=20, prevalence=0.3, effect_size=1.5,
                           random_state=5)
    inf = data.truth.informative
    mean, sd = data.X.mean(axis=0), data.X.std(axis=0)
    assert np.allclose(sd, 1.0, atol=0.03) and np.allclose(mean, 0.0, atol=0.03)
    assert abs(sd[inf].mean() - sd[~inf].mean()) < 0.02
    assert ks_2samp(sd[inf], sd[~inf]).pvalue > 0.01


# ----------------------------------------------------------------------------------------
# Argument validation
# ----------------------------------------------------------------------------------------
BAD_ARGUMENTS = [
    (dict(n_samples=1), ValueError, "n_samples"),
    (dict(n_samples=100.0), TypeError, "n_samples"),
    (dict(n_samples=True), TypeError, "n_samples"),
    (dict(n_features=0), ValueError, "n_features"),
    (dict(n_features="5"), TypeError, "n_features"),
    (dict(n_informative=-1), ValueError, "n_informative"),
    (dict(n_informative=9), ValueError, "n_informative"),
    (dict(n_informative=2.0), TypeError, "n_informative"),
    (dict(prevalence=0.0), ValueError, "prevalence"),
    (dict(prevalence=1.0), ValueError, "prevalence"),
    (dict(prevalence=0.0001), ValueError, "prevalence"),   # rounds to 0 positives
    (dict(prevalence=0.9999), ValueError, "prevalence"),   # rounds to 0 negatives
    (dict(prevalence="1%"), TypeError, "prevalence"),
    (dict(effect_size=-1.0), ValueError, "effect_size"),
    (dict(effect_size=float("inf")), ValueError, "effect_size"),
    (dict(effect_size=float("nan")), ValueError, "effect_size"),
    (dict(effect_size=8.0), ValueError, "effect_size"),    # 8**2 * 0.02 * 0.98 > 1
    (dict(effect_size=None), TypeError, "effect_size"),
    (dict(return_X_y=1), TypeError, "return_X_y"),
    (dict(random_state=-1), ValueError, "random_state"),
    (dict(random_state=1.5), TypeError, "random_state"),
]


@pytest.mark.parametrize("kwargs, error, name", BAD_ARGUMENTS,
                         ids=[f"{k}={v!r}" for kw, _, _ in BAD_ARGUMENTS for k, v in kw.items()])
def test_invalid_argument_raises_a_clear_error(kwargs, error, name):
    arguments = dict(n_samples=2000, n_features=8, n_informative=3, prevalence=0.02,
                     random_state=0)
    arguments.update(kwargs)
    with pytest.raises(error, match=name) as info:
        make_imbalanced(**arguments)
    assert "got" in str(info.value)


def test_effect_size_limit_does_not_apply_to_null_data():
    make_imbalanced(2000, 8, n_informative=0, prevalence=0.02, effect_size=8.0, random_state=0)


def test_sizes_are_positional_and_the_rest_keyword_only():
    make_imbalanced(2000, 4, n_informative=1, random_state=0)
    with pytest.raises(TypeError):
        make_imbalanced(2000, 4, 1)


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_samples=500, prevalence=0.01), "positive"),
    (dict(n_samples=500, prevalence=0.99), "negative"),
])
def test_degenerate_settings_warn(kwargs, match):
    with pytest.warns(UserWarning, match=match):
        make_imbalanced(n_features=4, n_informative=1, random_state=0, **kwargs)


def test_ordinary_settings_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_imbalanced(random_state=0)
        make_imbalanced(**SMALL, random_state=0)
        make_imbalanced(1000, 3, n_informative=0, prevalence=0.01, random_state=0)

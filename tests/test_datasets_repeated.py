"""Tests for dlbio.datasets.make_repeated_measures.

Statistical checks use fixed seeds and loose thresholds, so they are deterministic on a
given numpy build and do not pin golden values.
"""
import warnings

import numpy as np
import pytest
from scipy.stats import ks_2samp
from sklearn.model_selection import GroupKFold, KFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from dlbio.datasets import Bunch, make_repeated_measures

SMALL = dict(n_subjects=12, n_visits=4, n_features=6, n_informative=2)


@pytest.fixture(scope="module")
def small():
    return make_repeated_measures(**SMALL, random_state=0)


def _anova_icc(X, groups):
    """One-way ANOVA ICC(1) per column for a balanced design."""
    labels, index = np.unique(groups, return_inverse=True)
    k, n = len(labels), len(groups)
    m = n / k
    means = np.array([X[groups == s].mean(axis=0) for s in labels])
    msb = m * ((means - X.mean(axis=0)) ** 2).sum(axis=0) / (k - 1)
    msw = ((X - means[index]) ** 2).sum(axis=0) / (n - k)
    return (msb - msw) / (msb + (m - 1) * msw)


# ----------------------------------------------------------------------------------------
# Shapes, dtypes and layout
# ----------------------------------------------------------------------------------------
def test_shapes_and_layout(small):
    n_records = 12 * 4
    assert isinstance(small, Bunch)
    assert small.X.shape == (n_records, 6) and small.X.dtype == np.float32
    assert small.y.shape == small.groups.shape == small.visit.shape == (n_records,)
    assert small.y.dtype == small.groups.dtype == small.visit.dtype == np.int64
    np.testing.assert_array_equal(small.groups, np.repeat(np.arange(12), 4))
    np.testing.assert_array_equal(small.visit, np.tile(np.arange(4), 12))
    assert small.sample_ids[5] == "s01_v01"
    assert len(set(small.sample_ids)) == n_records
    assert list(small.feature_names[:2]) == ["feature_00", "feature_01"]
    t = small.truth
    assert t.subject_effect.shape == (12, 6) and t.visit_noise.shape == (n_records, 6)
    assert t.visit_correlation.shape == (4, 4)
    assert t.subject_label.shape == (12,)
    assert "rho" in small.DESCR
    assert "icc" in small.DESCR


def test_return_X_y_gives_the_same_arrays(small):
    X, y = make_repeated_measures(**SMALL, return_X_y=True, random_state=0)
    np.testing.assert_array_equal(X, small.X)
    np.testing.assert_array_equal(y, small.y)


def test_params_record_everything_needed_to_rebuild(small):
    assert isinstance(small.params["random_state"], int)
    again = make_repeated_measures(**small.params)
    np.testing.assert_array_equal(again.X, small.X)


def test_labels_belong_to_subjects():
    data = make_repeated_measures(31, 5, 4, n_informative=1, prevalence=0.3, random_state=2)
    assert data.truth.subject_label.sum() == round(31 * 0.3)
    np.testing.assert_array_equal(data.y, data.truth.subject_label[data.groups])


# ----------------------------------------------------------------------------------------
# Reproducibility and random streams
# ----------------------------------------------------------------------------------------
def test_same_seed_same_data_different_seed_different_data(small):
    again = make_repeated_measures(**SMALL, random_state=0)
    np.testing.assert_array_equal(again.X, small.X)
    np.testing.assert_array_equal(again.y, small.y)
    other = make_repeated_measures(**SMALL, random_state=1)
    assert not np.array_equal(other.X, small.X)
    assert not np.array_equal(other.truth.subject_effect, small.truth.subject_effect)


def test_autocorrelation_only_changes_the_visit_noise(small):
    other = make_repeated_measures(**SMALL, autocorrelation=0.0, random_state=0)
    np.testing.assert_array_equal(other.truth.subject_effect, small.truth.subject_effect)
    np.testing.assert_array_equal(other.y, small.y)
    assert not np.array_equal(other.truth.visit_noise, small.truth.visit_noise)
    # the first visit has no earlier visit to depend on
    first = small.visit == 0
    np.testing.assert_allclose(other.truth.visit_noise[first], small.truth.visit_noise[first])


def test_signal_only_changes_the_informative_features(small):
    other = make_repeated_measures(**SMALL, signal=1.0, random_state=0)
    inf = small.truth.informative
    np.testing.assert_array_equal(other.truth.informative, inf)
    np.testing.assert_array_equal(other.X[:, ~inf], small.X[:, ~inf])
    np.testing.assert_array_equal(other.truth.visit_noise, small.truth.visit_noise)
    assert not np.array_equal(other.X[:, inf], small.X[:, inf])


def test_icc_rescales_the_same_draws(small):
    other = make_repeated_measures(**SMALL, icc=0.3, random_state=0)
    ratio = other.truth.visit_noise / small.truth.visit_noise
    np.testing.assert_allclose(ratio, np.sqrt(0.7 / 0.3), rtol=1e-6)
    inf = small.truth.informative
    np.testing.assert_allclose(other.truth.subject_effect[:, ~inf],
                               small.truth.subject_effect[:, ~inf] * np.sqrt(0.3 / 0.7))


def test_more_subjects_keep_the_first_subjects_draws(small):
    # Subject effects and visit noise have their own streams, drawn subject by subject.
    bigger = make_repeated_measures(**dict(SMALL, n_subjects=20), random_state=0)
    first = small.X.shape[0]
    np.testing.assert_array_equal(bigger.truth.visit_noise[:first], small.truth.visit_noise)
    inf = small.truth.informative
    np.testing.assert_array_equal(bigger.truth.informative, inf)
    np.testing.assert_array_equal(bigger.truth.subject_effect[:12, ~inf],
                                  small.truth.subject_effect[:, ~inf])


# ----------------------------------------------------------------------------------------
# Ground truth matches the data
# ----------------------------------------------------------------------------------------
def test_data_are_subject_effect_plus_visit_noise(small):
    t = small.truth
    np.testing.assert_allclose(small.X, t.subject_effect[small.groups] + t.visit_noise,
                               atol=1e-5)
    assert (t.effect[~t.informative] == 0).all()
    assert np.allclose(np.abs(t.effect[t.informative]), 0.8)
    many = make_repeated_measures(20, 2, 60, n_informative=60, random_state=1).truth.effect
    assert 15 < (many > 0).sum() < 45  # random signs


def test_variance_icc_and_autocorrelation_are_as_requested():
    data = make_repeated_measures(2000, 6, 10, n_informative=3, signal=1.0, icc=0.6,
                                  autocorrelation=0.5, random_state=3)
    t = data.truth
    assert np.allclose(data.X.var(axis=0), 1.0, atol=0.08)   # every feature, informative too
    assert np.allclose(t.subject_effect.var(axis=0), 0.6, atol=0.06)
    noise = t.visit_noise.reshape(2000, 6, 10)
    lag1 = np.mean([np.corrcoef(noise[:, v, j], noise[:, v + 1, j])[0, 1]
                    for v in range(5) for j in range(10)])
    assert abs(lag1 - 0.5) < 0.03
    # correlation between visits of one subject, as recorded in truth
    per_visit = data.X.reshape(2000, 6, 10)
    empirical = np.mean([np.corrcoef(per_visit[:, :, j].T) for j in range(10)], axis=0)
    np.testing.assert_allclose(empirical, t.visit_correlation, atol=0.04)


@pytest.mark.parametrize("icc, rho, n_visits", [(0.7, 0.6, 10), (0.3, 0.0, 5), (0.2, 0.8, 4)])
def test_anova_icc_estimates_the_within_subject_correlation(icc, rho, n_visits):
    data = make_repeated_measures(400, n_visits, 10, icc=icc, autocorrelation=rho,
                                  n_informative=0, random_state=4)
    t = data.truth
    estimate = _anova_icc(data.X.astype(float), data.groups).mean()
    assert abs(estimate - t.within_subject_correlation) < 0.03
    if rho == 0:
        assert abs(t.within_subject_correlation - icc) < 1e-12
    else:
        assert t.within_subject_correlation > icc + 0.02
    assert abs(t.design_effect - (1 + (n_visits - 1) * t.within_subject_correlation)) < 1e-12
    assert abs(t.effective_sample_size - 400 * n_visits / t.design_effect) < 1e-9


def test_design_effect_matches_the_variance_of_a_mean():
    # Var(mean of all records) = design_effect * Var(one record) / n_records
    means = []
    for seed in range(300):
        data = make_repeated_measures(10, 8, 5, n_informative=0, icc=0.5, autocorrelation=0.5,
                                      random_state=seed)
        means.append(data.X.mean(axis=0))
    variance = np.var(np.array(means)) * 80
    assert abs(variance / data.truth.design_effect - 1) < 0.15


def test_record_wise_cv_is_inflated_compared_with_subject_wise():
    data = make_repeated_measures(40, 10, 20, random_state=0)
    model = make_pipeline(StandardScaler(), KNeighborsClassifier(1))
    record = cross_val_score(model, data.X, data.y, cv=KFold(5, shuffle=True, random_state=0))
    subject = cross_val_score(model, data.X, data.y, cv=GroupKFold(5), groups=data.groups)
    assert record.mean() > 0.95
    assert record.mean() - subject.mean() > 0.2


def test_informative_and_other_features_share_one_marginal_distribution():
    """Importance must not be readable from a feature's mean or variance."""
    data = make_repeated_measures(300, 5, 40, n_informative=20, signal=1.5, icc=0.7,
                                  random_state=5)
    inf = data.truth.informative
    mean, sd = data.X.mean(axis=0), data.X.std(axis=0)
    assert abs(sd[inf].mean() - sd[~inf].mean()) < 0.05
    assert abs(mean[inf].mean() - mean[~inf].mean()) < 0.1
    assert ks_2samp(sd[inf], sd[~inf]).pvalue > 0.01


# ----------------------------------------------------------------------------------------
# Argument validation
# ----------------------------------------------------------------------------------------
BAD_ARGUMENTS = [
    (dict(n_subjects=1), ValueError, "n_subjects"),
    (dict(n_subjects=10.0), TypeError, "n_subjects"),
    (dict(n_subjects=True), TypeError, "n_subjects"),
    (dict(n_visits=0), ValueError, "n_visits"),
    (dict(n_visits="3"), TypeError, "n_visits"),
    (dict(n_features=0), ValueError, "n_features"),
    (dict(n_features=2.5), TypeError, "n_features"),
    (dict(n_informative=-1), ValueError, "n_informative"),
    (dict(n_informative=7), ValueError, "n_informative"),
    (dict(n_informative=None), TypeError, "n_informative"),
    (dict(signal=-0.1), ValueError, "signal"),
    (dict(signal=float("inf")), ValueError, "signal"),
    (dict(signal=float("nan")), ValueError, "signal"),
    (dict(signal=3.0), ValueError, "signal"),
    (dict(signal="big"), TypeError, "signal"),
    (dict(icc=-0.1), ValueError, "icc"),
    (dict(icc=1.5), ValueError, "icc"),
    (dict(icc="0.5"), TypeError, "icc"),
    (dict(autocorrelation=1.0), ValueError, "autocorrelation"),
    (dict(autocorrelation=-0.2), ValueError, "autocorrelation"),
    (dict(autocorrelation=True), TypeError, "autocorrelation"),
    (dict(prevalence=0.0), ValueError, "prevalence"),
    (dict(prevalence=1.0), ValueError, "prevalence"),
    (dict(prevalence=None), TypeError, "prevalence"),
    (dict(return_X_y="no"), TypeError, "return_X_y"),
    (dict(random_state=-1), ValueError, "random_state"),
    (dict(random_state="0"), TypeError, "random_state"),
]


@pytest.mark.parametrize("kwargs, error, name", BAD_ARGUMENTS,
                         ids=[f"{k}={v!r}" for kw, _, _ in BAD_ARGUMENTS
                              for k, v in kw.items()])
def test_invalid_argument_raises_a_clear_error(kwargs, error, name):
    arguments = dict(n_subjects=20, n_visits=3, n_features=6, n_informative=2, random_state=0)
    arguments.update(kwargs)
    with pytest.raises(error, match=name) as info:
        make_repeated_measures(**arguments)
    assert "got" in str(info.value)


def test_signal_limit_names_icc_and_prevalence():
    with pytest.raises(ValueError, match="icc=0.1") as info:
        make_repeated_measures(20, 3, 6, n_informative=2, signal=0.8, icc=0.1)
    assert "prevalence" in str(info.value)
    # no informative feature: any signal is allowed
    make_repeated_measures(20, 3, 6, n_informative=0, signal=0.8, icc=0.1, random_state=0)


def test_sizes_are_positional_and_the_rest_keyword_only():
    make_repeated_measures(10, 3, 4, n_informative=1, random_state=0)
    with pytest.raises(TypeError):
        make_repeated_measures(10, 3, 4, 1)


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_subjects=8), "positive"),
    (dict(n_subjects=20, prevalence=0.85), "negative"),
    (dict(n_subjects=20, icc=1.0), "icc=1"),
])
def test_degenerate_settings_warn(kwargs, match):
    with pytest.warns(UserWarning, match=match):
        make_repeated_measures(n_visits=3, n_features=4, n_informative=1, random_state=0,
                               **kwargs)


def test_ordinary_settings_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_repeated_measures(random_state=0)
        make_repeated_measures(**SMALL, random_state=0)
        make_repeated_measures(20, 1, 3, n_informative=1, icc=0.0, signal=0.0, random_state=0)

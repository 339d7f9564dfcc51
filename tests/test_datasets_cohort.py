"""Tests for dlbio.datasets.make_cohort (the sensitive patient cohort of tip 10).

Statistical checks use fixed seeds and loose thresholds, so they are deterministic on a
given numpy build and do not pin golden values.
"""
import warnings

import numpy as np
import pytest
from scipy.special import expit
from scipy.stats import norm
from sklearn.linear_model import LogisticRegression

from dlbio.datasets import Bunch, make_cohort

SMALL = dict(n_features=12, n_informative=4, label_noise=0.1, subgroup_fraction=0.2,
             subgroup_shift=0.5)


@pytest.fixture(scope="module")
def small():
    return make_cohort(150, 100, random_state=0, **SMALL)


def _same(a, b):
    """Every array and scalar of two cohorts is identical."""
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    np.testing.assert_array_equal(a.subgroup, b.subgroup)
    for key in a.truth:
        np.testing.assert_array_equal(a.truth[key], b.truth[key])


# ----------------------------------------------------------------------------------------
# Layout
# ----------------------------------------------------------------------------------------
def test_layout(small):
    assert isinstance(small, Bunch)
    assert small.X.shape == (250, 12) and small.X.dtype == np.float32
    assert small.y.shape == (250,) and small.y.dtype == np.int64
    assert set(np.unique(small.y)) == {0, 1}
    assert small.groups is None
    assert list(small.feature_names[:2]) == ["marker_00", "marker_01"]
    assert len(small.feature_names) == 12
    assert small.sample_ids[0] == "P00000" and len(set(small.sample_ids)) == 250
    assert set(np.unique(small.subgroup)) == {"A", "B"}
    assert "membership" in small.DESCR


def test_truth_layout(small):
    truth = small.truth
    assert truth.is_member.dtype == bool and truth.is_member.sum() == 150
    assert truth.is_member[:150].all() and not truth.is_member[150:].any()  # members first
    np.testing.assert_array_equal(truth.subgroup, small.subgroup)
    np.testing.assert_array_equal(truth.in_subgroup, small.subgroup == "B")
    assert truth.informative.sum() == 4 and truth.informative.dtype == bool
    assert (truth.coef[~truth.informative] == 0).all()
    assert (truth.coef[truth.informative] != 0).all()
    assert (truth.shift[~truth.informative] == 0).all()
    np.testing.assert_allclose(np.abs(truth.shift[truth.informative]), 0.5)
    assert 0.5 < truth.bayes_accuracy < 1.0
    for key in ("proba", "disease_proba"):
        assert ((truth[key] >= 0) & (truth[key] <= 1)).all()


def test_return_X_y_gives_the_same_data(small):
    X, y = make_cohort(150, 100, return_X_y=True, random_state=0, **SMALL)
    np.testing.assert_array_equal(X, small.X)
    np.testing.assert_array_equal(y, small.y)


def test_params_rebuild_the_data(small):
    assert small.params["random_state"] == 0
    assert small.params["nonmember_subgroup_fraction"] is None
    _same(make_cohort(**small.params), small)


def test_zero_nonmembers_is_allowed():
    data = make_cohort(50, 0, subgroup_fraction=0.5, random_state=1)
    assert data.X.shape == (50, 20) and data.truth.is_member.all()


# ----------------------------------------------------------------------------------------
# Reproducibility and the random streams
# ----------------------------------------------------------------------------------------
def test_same_seed_same_data_different_seed_different_data(small):
    _same(make_cohort(150, 100, random_state=0, **SMALL), small)
    other = make_cohort(150, 100, random_state=1, **SMALL)
    assert not np.array_equal(other.X, small.X)


def test_label_noise_only_flips_labels(small):
    clean = make_cohort(150, 100, random_state=0, **{**SMALL, "label_noise": 0.0})
    np.testing.assert_array_equal(clean.X, small.X)
    np.testing.assert_array_equal(clean.truth.disease, small.truth.disease)
    np.testing.assert_array_equal(clean.y, clean.truth.disease)
    changed = clean.y != small.y
    np.testing.assert_array_equal(changed, small.truth.label_error)
    assert changed.any()


def test_subgroup_shift_only_moves_informative_measurements_of_group_b(small):
    unshifted = make_cohort(150, 100, random_state=0, **{**SMALL, "subgroup_shift": 0.0})
    np.testing.assert_array_equal(unshifted.y, small.y)
    np.testing.assert_array_equal(unshifted.subgroup, small.subgroup)
    np.testing.assert_array_equal(unshifted.truth.physiology, small.truth.physiology)
    moved = small.X != unshifted.X
    in_b = small.truth.in_subgroup
    assert not moved[~in_b].any()                       # group A untouched
    assert not moved[:, ~small.truth.informative].any()  # uninformative features untouched
    assert moved[np.ix_(in_b, small.truth.informative)].all()


def test_larger_subgroup_fraction_only_adds_group_b(small):
    more = make_cohort(150, 100, random_state=0, **{**SMALL, "subgroup_fraction": 0.5})
    assert (more.truth.in_subgroup | ~small.truth.in_subgroup).all()  # B stays B
    assert more.truth.in_subgroup.sum() > small.truth.in_subgroup.sum()
    np.testing.assert_array_equal(more.y, small.y)
    np.testing.assert_array_equal(more.truth.physiology, small.truth.physiology)


def test_nonmember_fraction_only_changes_the_nonmembers(small):
    audit = make_cohort(150, 100, random_state=0, nonmember_subgroup_fraction=0.9, **SMALL)
    members = small.truth.is_member
    np.testing.assert_array_equal(audit.X[members], small.X[members])
    np.testing.assert_array_equal(audit.subgroup[members], small.subgroup[members])
    assert (audit.subgroup[~members] == "B").mean() > 0.75


def test_separation_changes_only_the_informative_measurements(small):
    wider = make_cohort(150, 100, random_state=0, **{**SMALL, "separation": 4.0})
    np.testing.assert_array_equal(wider.y, small.y)
    np.testing.assert_array_equal(wider.subgroup, small.subgroup)
    informative = small.truth.informative
    np.testing.assert_array_equal(wider.X[:, ~informative], small.X[:, ~informative])
    assert not np.array_equal(wider.X[:, informative], small.X[:, informative])


def test_the_size_of_one_part_never_changes_the_other(small):
    more_nonmembers = make_cohort(150, 300, random_state=0, **SMALL)
    np.testing.assert_array_equal(more_nonmembers.X[:250], small.X)  # extends the non-members
    more_members = make_cohort(200, 100, random_state=0, **SMALL)
    np.testing.assert_array_equal(more_members.X[:150], small.X[:150])   # extends the members
    np.testing.assert_array_equal(more_members.X[200:], small.X[150:])   # same non-members


# ----------------------------------------------------------------------------------------
# Truth matches the data
# ----------------------------------------------------------------------------------------
def test_measurements_are_physiology_plus_the_subgroup_shift(small):
    truth = small.truth
    expected = truth.physiology + truth.in_subgroup[:, None] * truth.shift[None, :]
    np.testing.assert_allclose(small.X, expected, rtol=1e-6, atol=1e-6)


def test_labels_are_disease_with_recording_errors(small):
    truth = small.truth
    np.testing.assert_array_equal(small.y, np.where(truth.label_error, 1 - truth.disease,
                                                    truth.disease))


def test_proba_is_the_documented_model(small):
    truth = small.truth
    latent = small.X.astype(float) - truth.in_subgroup[:, None] * truth.shift[None, :]
    p = expit(latent @ truth.coef + truth.intercept)
    np.testing.assert_allclose(truth.disease_proba, p, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(truth.proba, 0.9 * p + 0.1 * (1 - p), rtol=1e-5, atol=1e-6)


def test_classes_are_separated_as_requested():
    data = make_cohort(20000, 0, n_features=10, n_informative=3, separation=3.0,
                       subgroup_fraction=0.0, random_state=2)
    z, d = data.truth.physiology, data.truth.disease
    # Every feature has mean 0 and variance 1 (informative or not) ...
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=0.03)
    np.testing.assert_allclose(z.var(axis=0), 1, atol=0.05)
    # ... and the Mahalanobis distance between the class means is the separation.
    diff = z[d == 1].mean(axis=0) - z[d == 0].mean(axis=0)
    pooled = np.cov(np.r_[z[d == 1] - z[d == 1].mean(0), z[d == 0] - z[d == 0].mean(0)].T)
    distance = float(np.sqrt(diff @ np.linalg.solve(pooled, diff)))
    assert abs(distance - 3.0) < 0.1
    # The best classifier's accuracy is Phi(separation / 2).
    assert abs(data.truth.bayes_accuracy - norm.cdf(1.5)) < 0.01
    assert abs(np.mean((data.truth.disease_proba > 0.5) == d) - norm.cdf(1.5)) < 0.01


def test_group_b_measurements_read_towards_disease():
    data = make_cohort(2000, 0, separation=2.0, subgroup_fraction=0.5, subgroup_shift=0.5,
                       random_state=3)
    b = data.truth.in_subgroup
    assert abs(data.y[b].mean() - data.y[~b].mean()) < 0.05      # same disease rate
    score = data.X @ data.truth.coef                              # the risk score read off X
    assert score[b].mean() > score[~b].mean() + 1.0


def test_a_model_trained_mostly_on_group_a_raises_false_alarms_in_group_b():
    data = make_cohort(1000, 4000, separation=2.0, subgroup_fraction=0.1,
                       nonmember_subgroup_fraction=0.5, subgroup_shift=0.5, random_state=4)
    members = data.truth.is_member
    model = LogisticRegression(max_iter=1000).fit(data.X[members], data.y[members])
    pred, y, b = model.predict(data.X[~members]), data.y[~members], data.truth.in_subgroup[~members]
    fpr = {g: np.mean(pred[m & (y == 0)] == 1) for g, m in (("A", ~b), ("B", b))}
    assert fpr["B"] > fpr["A"] + 0.2
    assert np.mean(pred[b] != y[b]) > np.mean(pred[~b] != y[~b]) + 0.04


def test_label_noise_and_small_cohorts_make_membership_leak():
    """A nearly unregularised logistic regression leaks more when members are few and wide."""
    def advantage(n_members, n_features):
        data = make_cohort(n_members, n_members, n_features=n_features,
                           n_informative=n_features, separation=4.0, label_noise=0.2,
                           subgroup_fraction=0.0, random_state=5)
        m = data.truth.is_member
        model = LogisticRegression(C=1e4, max_iter=5000).fit(data.X[m], data.y[m])
        p = model.predict_proba(data.X)[np.arange(len(data.y)), data.y]
        loss = -np.log(np.clip(p, 1e-12, 1))
        guess = loss <= loss[m].mean()
        return guess[m].mean() - guess[~m].mean()

    assert advantage(100, 200) > advantage(2000, 10) + 0.2


def test_generation_is_fast():
    import time

    make_cohort(1000, 4000, random_state=0)
    start = time.perf_counter()
    make_cohort(200, 400, n_features=200, n_informative=200, random_state=0)
    assert time.perf_counter() - start < 0.5


# ----------------------------------------------------------------------------------------
# Warnings and validation
# ----------------------------------------------------------------------------------------
def test_default_settings_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_cohort(random_state=0)
        make_cohort(200, 400, subgroup_fraction=0.0, random_state=0)


def test_few_subgroup_patients_warn():
    with pytest.warns(UserWarning, match="subgroup B"):
        make_cohort(50, 0, subgroup_fraction=0.1, random_state=0)
    with pytest.warns(UserWarning, match="non-members"):
        make_cohort(500, 20, subgroup_fraction=0.1, random_state=0)


@pytest.mark.parametrize("kwargs", [dict(separation=0.0), dict(label_noise=0.5)])
def test_uninformative_labels_warn(kwargs):
    with pytest.warns(UserWarning, match="no model can beat chance"):
        make_cohort(200, 0, random_state=0, **kwargs)


BAD_ARGUMENTS = [
    (dict(n_members=1), ValueError, "n_members"),
    (dict(n_members=10.0), TypeError, "n_members"),
    (dict(n_members=True), TypeError, "n_members"),
    (dict(n_nonmembers=-1), ValueError, "n_nonmembers"),
    (dict(n_nonmembers="5"), TypeError, "n_nonmembers"),
    (dict(n_features=0), ValueError, "n_features"),
    (dict(n_features=2.5), TypeError, "n_features"),
    (dict(n_informative=0), ValueError, "n_informative"),
    (dict(n_informative=21), ValueError, "n_informative"),
    (dict(n_informative=None), TypeError, "n_informative"),
    (dict(separation=-0.1), ValueError, "separation"),
    (dict(separation=21.0), ValueError, "separation"),
    (dict(separation=float("nan")), ValueError, "separation"),
    (dict(separation="far"), TypeError, "separation"),
    (dict(label_noise=0.6), ValueError, "label_noise"),
    (dict(label_noise=-0.1), ValueError, "label_noise"),
    (dict(label_noise=False), TypeError, "label_noise"),
    (dict(subgroup_fraction=1.5), ValueError, "subgroup_fraction"),
    (dict(subgroup_fraction=None), TypeError, "subgroup_fraction"),
    (dict(nonmember_subgroup_fraction=-0.5), ValueError, "nonmember_subgroup_fraction"),
    (dict(nonmember_subgroup_fraction="half"), TypeError, "nonmember_subgroup_fraction"),
    (dict(subgroup_shift=10.5), ValueError, "subgroup_shift"),
    (dict(subgroup_shift=float("inf")), ValueError, "subgroup_shift"),
    (dict(subgroup_shift=[0.3]), TypeError, "subgroup_shift"),
    (dict(return_X_y=1), TypeError, "return_X_y"),
    (dict(random_state=-1), ValueError, "random_state"),
    (dict(random_state=1.5), TypeError, "random_state"),
]


@pytest.mark.parametrize("kwargs, error, name", BAD_ARGUMENTS,
                         ids=[f"{k}={v!r}" for kw, _, _ in BAD_ARGUMENTS for k, v in kw.items()])
def test_invalid_argument_raises_a_clear_error(kwargs, error, name):
    arguments = dict(n_members=200, n_nonmembers=200, random_state=0)
    arguments.update(kwargs)
    with pytest.raises(error, match=name) as info:
        make_cohort(**arguments)
    assert "got" in str(info.value)


def test_bad_argument_message_shows_range_and_value():
    with pytest.raises(ValueError, match=r"label_noise must be a number in \[0, 0.5\]; got 0.7"):
        make_cohort(label_noise=0.7)
    with pytest.raises(ValueError, match=r"n_informative must be an int in \[1, n_features\] "
                                         r"= \[1, 3\]; got 4"):
        make_cohort(n_features=3, n_informative=4)


def test_sizes_are_positional_and_the_rest_keyword_only():
    make_cohort(20, 20, random_state=0, n_features=5, n_informative=2, subgroup_fraction=0.0)
    with pytest.raises(TypeError):
        make_cohort(20, 20, 5)

"""Tests for dlbio.datasets.make_clinical (the asthma and pneumonia cohort of tip 9).

Statistical checks use fixed seeds and loose thresholds, so they are deterministic on a
given numpy build and do not pin golden values.
"""
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from dlbio.datasets import Bunch
from dlbio.datasets import make_clinical

FEATURES = ["age", "female", "asthma", "copd", "heart_failure", "respiratory_rate",
            "oxygen_saturation", "systolic_bp", "blood_urea"]
BINARY = ["female", "asthma", "copd", "heart_failure"]
VITALS = ["respiratory_rate", "oxygen_saturation", "systolic_bp", "blood_urea"]
N = 400


@pytest.fixture(scope="module")
def small():
    return make_clinical(N, random_state=0)


def _asthma_coefficient(X, y):
    """Unpenalised logistic-regression coefficient of asthma, per unit (0 -> 1)."""
    model = LogisticRegression(C=np.inf, solver="newton-cholesky").fit(X, y)
    return float(model.coef_[0][list(X.columns).index("asthma")])


def _assert_frames_equal(a, b):
    pd.testing.assert_frame_equal(a, b)


# ----------------------------------------------------------------------------------------
# Shapes, dtypes and layout
# ----------------------------------------------------------------------------------------
def test_frame_layout(small):
    assert isinstance(small, Bunch)
    assert isinstance(small.X, pd.DataFrame) and list(small.X.columns) == FEATURES
    assert small.feature_names == FEATURES
    assert isinstance(small.y, pd.Series) and small.y.name == "died"
    assert small.y.dtype == np.int64 and set(small.y.unique()) <= {0, 1}
    assert small.X.shape == (N, len(FEATURES))
    for column in BINARY:
        assert small.X[column].dtype == np.int64
        assert set(small.X[column].unique()) <= {0, 1}
    for column in ["age"] + VITALS:
        assert small.X[column].dtype == np.float64
    assert list(small.frame.columns) == FEATURES + ["died"]
    pd.testing.assert_frame_equal(small.frame[FEATURES], small.X)
    np.testing.assert_array_equal(small.frame["died"], small.y)
    assert small.groups is None
    assert len(small.sample_ids) == N and small.sample_ids[0] == "patient_0000"
    assert len(set(small.sample_ids)) == N
    assert small.X["age"].between(18, 100).all()
    assert (small.X["oxygen_saturation"] <= 100).all() and (small.X["blood_urea"] >= 1).all()
    assert "aggressive_care" in small.DESCR and "sigmoid" in small.DESCR


def test_truth_layout(small):
    t = small.truth
    for name in ["treatment", "treatment_probability", "severity", "risk_untreated",
                 "risk_treated", "risk", "died_if_untreated", "died_if_treated"]:
        assert t[name].shape == (N,), name
    assert t.treatment.dtype == np.int64 and set(np.unique(t.treatment)) <= {0, 1}
    assert set(t.coef) == {"intercept", "age", "female", "asthma", "copd", "heart_failure",
                           "severity", "aggressive_care"}
    assert t.coef["asthma"] == 0.7 and t.coef["aggressive_care"] == -2.0
    assert t.policy["asthma"] == 4.0
    assert isinstance(t.rule, str) and "asthma" in t.rule


def test_include_treatment_adds_the_care_as_last_column(small):
    data = make_clinical(N, include_treatment=True, random_state=0)
    assert data.feature_names == FEATURES + ["aggressive_care"]
    assert data.X["aggressive_care"].dtype == np.int64
    np.testing.assert_array_equal(data.X["aggressive_care"], small.truth.treatment)
    _assert_frames_equal(data.X[FEATURES], small.X)
    np.testing.assert_array_equal(data.y, small.y)


def test_as_frame_false_gives_numpy_arrays(small):
    data = make_clinical(N, as_frame=False, random_state=0)
    assert isinstance(data.X, np.ndarray) and data.X.dtype == np.float64
    assert data.X.shape == (N, len(FEATURES)) and data.frame is None
    assert isinstance(data.y, np.ndarray) and data.y.dtype == np.int64
    np.testing.assert_array_equal(data.X, small.X.to_numpy(dtype=float))
    np.testing.assert_array_equal(data.y, small.y.to_numpy())
    assert data.feature_names == FEATURES


def test_return_X_y_gives_the_same_data(small):
    X, y = make_clinical(N, return_X_y=True, random_state=0)
    _assert_frames_equal(X, small.X)
    pd.testing.assert_series_equal(y, small.y)
    X, y = make_clinical(N, return_X_y=True, as_frame=False, include_treatment=True,
                         random_state=0)
    assert isinstance(X, np.ndarray) and X.shape == (N, len(FEATURES) + 1)


def test_params_record_everything_needed_to_rebuild(small):
    p = small.params
    assert isinstance(p["random_state"], int)
    again = make_clinical(**p)
    _assert_frames_equal(again.X, small.X)
    np.testing.assert_array_equal(again.y, small.y)
    np.testing.assert_array_equal(again.truth.treatment, small.truth.treatment)


# ----------------------------------------------------------------------------------------
# Reproducibility and random streams
# ----------------------------------------------------------------------------------------
def test_same_seed_same_data_different_seed_different_data(small):
    again = make_clinical(N, random_state=0)
    _assert_frames_equal(again.X, small.X)
    np.testing.assert_array_equal(again.y, small.y)
    np.testing.assert_array_equal(again.truth.severity, small.truth.severity)
    np.testing.assert_array_equal(again.truth.treatment, small.truth.treatment)
    other = make_clinical(N, random_state=1)
    for column in FEATURES:
        assert not np.array_equal(other.X[column], small.X[column]), column
    assert not np.array_equal(other.truth.treatment, small.truth.treatment)


def test_a_larger_cohort_starts_with_the_smaller_one(small):
    # Every component has its own stream, drawn patient by patient: adding patients appends
    # them without changing anyone already there (with one shared stream, or streams drawn
    # column by column, the later components would shift).
    bigger = make_clinical(N + 250, random_state=0)
    _assert_frames_equal(bigger.X.iloc[:N], small.X)
    np.testing.assert_array_equal(bigger.y[:N], small.y)
    for name in ["treatment", "severity", "risk", "died_if_untreated", "died_if_treated"]:
        np.testing.assert_array_equal(bigger.truth[name][:N], small.truth[name])


def test_asthma_effect_only_changes_the_outcome_of_asthmatics(small):
    # Same uniforms: a larger asthma effect can only add deaths, and only among asthmatics.
    other = make_clinical(N, asthma_effect=2.5, random_state=0)
    _assert_frames_equal(other.X, small.X)
    np.testing.assert_array_equal(other.truth.treatment, small.truth.treatment)
    asthma = small.X["asthma"].to_numpy() == 1
    y_old, y_new = small.y.to_numpy(), other.y.to_numpy()
    np.testing.assert_array_equal(y_new[~asthma], y_old[~asthma])
    assert (y_new[asthma] >= y_old[asthma]).all() and (y_new != y_old).any()
    np.testing.assert_allclose(other.truth.risk_untreated[~asthma],
                               small.truth.risk_untreated[~asthma])


def test_treatment_effect_only_changes_the_outcome_of_treated_patients(small):
    other = make_clinical(N, treatment_effect=0.0, random_state=0)
    _assert_frames_equal(other.X, small.X)
    treated = small.truth.treatment == 1
    np.testing.assert_array_equal(other.truth.treatment, small.truth.treatment)
    np.testing.assert_array_equal(other.truth.risk_untreated, small.truth.risk_untreated)
    y_old, y_new = small.y.to_numpy(), other.y.to_numpy()
    np.testing.assert_array_equal(y_new[~treated], y_old[~treated])
    assert (y_new[treated] >= y_old[treated]).all() and (y_new != y_old).any()


def test_policy_strength_only_changes_the_care_of_asthmatics(small):
    other = make_clinical(N, policy_strength=0.0, random_state=0)
    _assert_frames_equal(other.X, small.X)
    asthma = small.X["asthma"].to_numpy() == 1
    np.testing.assert_array_equal(other.truth.treatment[~asthma], small.truth.treatment[~asthma])
    assert (other.truth.treatment[asthma] <= small.truth.treatment[asthma]).all()
    assert other.truth.treatment[asthma].sum() < small.truth.treatment[asthma].sum()
    np.testing.assert_array_equal(other.truth.risk_untreated, small.truth.risk_untreated)


def test_measurement_noise_only_changes_the_vitals(small):
    other = make_clinical(N, measurement_noise=0.2, random_state=0)
    _assert_frames_equal(other.X.drop(columns=VITALS), small.X.drop(columns=VITALS))
    np.testing.assert_array_equal(other.y, small.y)
    np.testing.assert_array_equal(other.truth.treatment, small.truth.treatment)
    for column in VITALS:
        assert not np.array_equal(other.X[column], small.X[column])


def test_larger_prevalence_only_adds_asthmatics(small):
    other = make_clinical(N, asthma_prevalence=0.4, random_state=0)
    assert (other.X["asthma"] >= small.X["asthma"]).all()
    assert other.X["asthma"].sum() > small.X["asthma"].sum()
    unchanged = [c for c in FEATURES if c != "asthma"]
    _assert_frames_equal(other.X[unchanged], small.X[unchanged])
    np.testing.assert_array_equal(other.truth.severity, small.truth.severity)


# ----------------------------------------------------------------------------------------
# Ground truth matches the data
# ----------------------------------------------------------------------------------------
def test_risks_follow_the_documented_model():
    data = make_clinical(2000, asthma_effect=1.1, treatment_effect=-1.3, policy_strength=2.0,
                         random_state=4)
    X, t, c = data.X, data.truth, data.truth.coef
    logit0 = (c["intercept"] + c["age"] * (X["age"] - 65) + c["female"] * X["female"]
              + c["asthma"] * X["asthma"] + c["copd"] * X["copd"]
              + c["heart_failure"] * X["heart_failure"] + c["severity"] * t.severity)
    assert c["asthma"] == 1.1 and c["aggressive_care"] == -1.3
    np.testing.assert_allclose(t.risk_untreated, expit(logit0), rtol=1e-12)
    np.testing.assert_allclose(t.risk_treated, expit(logit0 - 1.3), rtol=1e-12)
    np.testing.assert_allclose(t.risk, np.where(t.treatment == 1, t.risk_treated,
                                                t.risk_untreated))
    p = t.policy
    np.testing.assert_allclose(t.treatment_probability,
                               expit(p["intercept"] + 2.0 * X["asthma"]
                                     + p["severity"] * t.severity), rtol=1e-12)


def test_outcomes_are_the_potential_outcome_of_the_care_given():
    data = make_clinical(3000, random_state=6)
    t, y = data.truth, data.y.to_numpy()
    treated = t.treatment == 1
    np.testing.assert_array_equal(y[treated], t.died_if_treated[treated])
    np.testing.assert_array_equal(y[~treated], t.died_if_untreated[~treated])
    # Aggressive care is protective: with the same uniforms it can only remove deaths.
    assert (t.died_if_treated <= t.died_if_untreated).all()
    # Outcomes and treatment follow their probabilities (loose, 4-sigma style bounds).
    assert abs(y.mean() - t.risk.mean()) < 4 * np.sqrt(t.risk.mean() / 3000)
    assert abs(t.treatment.mean() - t.treatment_probability.mean()) < 0.04


def test_vitals_measure_the_hidden_severity():
    data = make_clinical(4000, random_state=2)
    severity = data.truth.severity
    slopes = {"respiratory_rate": 4.0, "oxygen_saturation": -2.5, "systolic_bp": -10.0,
              "blood_urea": 2.5}
    noise = {"respiratory_rate": 2.0, "oxygen_saturation": 1.5, "systolic_bp": 8.0,
             "blood_urea": 1.75}
    middle = np.abs(severity) < 1.5  # away from the clipping at 100% and 1 mmol/L
    for column, slope in slopes.items():
        value = data.X[column].to_numpy()[middle]
        fitted_slope, intercept = np.polyfit(severity[middle], value, 1)
        residual_sd = np.std(value - (fitted_slope * severity[middle] + intercept))
        assert abs(fitted_slope - slope) < 0.1 * abs(slope), column
        assert abs(residual_sd - noise[column]) < 0.1 * noise[column], column
    # Vitals and severity are independent of asthma (asthma acts on risk directly).
    asthma = data.X["asthma"].to_numpy() == 1
    assert abs(severity[asthma].mean() - severity[~asthma].mean()) < 0.15


def test_asthmatics_get_more_care_and_die_less_often():
    data = make_clinical(8000, random_state=1)
    asthma = data.X["asthma"].to_numpy() == 1
    care = data.truth.treatment
    assert care[asthma].mean() > 0.8 and care[~asthma].mean() < 0.35
    assert data.y[asthma].mean() < data.y[~asthma].mean() - 0.02
    # ... although every single asthmatic's own risk is higher with asthma than without:
    assert (data.truth.risk_untreated[asthma].mean() > data.truth.risk_untreated[~asthma].mean())


def test_naive_coefficient_is_negative_and_adjustment_restores_the_sign():
    data = make_clinical(8000, random_state=3)
    adjusted = make_clinical(8000, include_treatment=True, random_state=3)
    naive = _asthma_coefficient(data.X, data.y)
    with_care = _asthma_coefficient(adjusted.X, adjusted.y)
    assert naive < -0.2
    assert 0.2 < with_care < 1.2


def test_without_the_asthma_policy_asthma_does_not_look_protective():
    data = make_clinical(8000, policy_strength=0.0, random_state=3)
    assert _asthma_coefficient(data.X, data.y) > 0.2


def test_generation_is_fast():
    import time

    make_clinical(8000, random_state=0)  # warm-up
    best = min(_time(lambda: make_clinical(8000, random_state=0), time) for _ in range(3))
    assert best < 0.5  # about 0.01 s; generous for a shared machine


def _time(fn, time):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# ----------------------------------------------------------------------------------------
# Warnings on degenerate settings
# ----------------------------------------------------------------------------------------
def test_default_settings_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_clinical(1000, random_state=0)


def test_few_asthmatics_warn():
    with pytest.warns(UserWarning, match="asthmatics"):
        make_clinical(500, asthma_prevalence=0.01, random_state=0)


def test_few_deaths_warn():
    with pytest.warns(UserWarning, match="deaths"):
        make_clinical(40, asthma_prevalence=0.5, random_state=0)


def test_few_survivors_warn():
    with pytest.warns(UserWarning, match="survivors"):
        make_clinical(100, asthma_effect=10.0, treatment_effect=10.0, policy_strength=10.0,
                      asthma_prevalence=0.9, random_state=0)


# ----------------------------------------------------------------------------------------
# Argument validation
# ----------------------------------------------------------------------------------------
BAD_ARGUMENTS = [
    (dict(n_patients=1), ValueError, "n_patients"),
    (dict(n_patients=100.0), TypeError, "n_patients"),
    (dict(n_patients=True), TypeError, "n_patients"),
    (dict(asthma_prevalence=0.0), ValueError, "asthma_prevalence"),
    (dict(asthma_prevalence=1.0), ValueError, "asthma_prevalence"),
    (dict(asthma_prevalence=float("nan")), ValueError, "asthma_prevalence"),
    (dict(asthma_prevalence="0.1"), TypeError, "asthma_prevalence"),
    (dict(asthma_effect=11.0), ValueError, "asthma_effect"),
    (dict(asthma_effect=float("inf")), ValueError, "asthma_effect"),
    (dict(asthma_effect=None), TypeError, "asthma_effect"),
    (dict(treatment_effect=-10.5), ValueError, "treatment_effect"),
    (dict(treatment_effect=float("nan")), ValueError, "treatment_effect"),
    (dict(treatment_effect=True), TypeError, "treatment_effect"),
    (dict(policy_strength=20.0), ValueError, "policy_strength"),
    (dict(policy_strength=float("-inf")), ValueError, "policy_strength"),
    (dict(policy_strength="strong"), TypeError, "policy_strength"),
    (dict(measurement_noise=0.0), ValueError, "measurement_noise"),
    (dict(measurement_noise=-1.0), ValueError, "measurement_noise"),
    (dict(measurement_noise=11.0), ValueError, "measurement_noise"),
    (dict(measurement_noise=False), TypeError, "measurement_noise"),
    (dict(include_treatment=1), TypeError, "include_treatment"),
    (dict(include_treatment="yes"), TypeError, "include_treatment"),
    (dict(as_frame=0), TypeError, "as_frame"),
    (dict(return_X_y=None), TypeError, "return_X_y"),
    (dict(random_state=-1), ValueError, "random_state"),
    (dict(random_state=2**32), ValueError, "random_state"),
    (dict(random_state=1.5), TypeError, "random_state"),
    (dict(random_state=True), TypeError, "random_state"),
]


@pytest.mark.parametrize("kwargs, error, name", BAD_ARGUMENTS,
                         ids=[f"{k}={v!r}" for kw, _, _ in BAD_ARGUMENTS
                              for k, v in kw.items()])
def test_invalid_argument_raises_a_clear_error(kwargs, error, name):
    arguments = dict(n_patients=100, random_state=0)
    arguments.update(kwargs)
    with pytest.raises(error, match=name) as info:
        make_clinical(**arguments)
    assert "got" in str(info.value)  # the message shows the value received


def test_bad_argument_message_shows_range_and_value():
    with pytest.raises(ValueError, match=r"measurement_noise must be a number in \(0, 10\]; "
                                         r"got -1"):
        make_clinical(100, measurement_noise=-1.0)


def test_n_patients_error_says_why():
    with pytest.raises(ValueError, match="two patients"):
        make_clinical(1)


def test_size_is_positional_and_the_rest_keyword_only():
    make_clinical(500, random_state=0, asthma_prevalence=0.3)
    with pytest.raises(TypeError):
        make_clinical(500, 0.3)


def test_estimands_name_the_total_and_controlled_direct_effects():
    # Care is a mediator of asthma's effect: protective in total under the current policy,
    # harmful at fixed care; without a policy favouring asthmatics the total effect is harmful.
    data = make_clinical(4000, random_state=3)
    e = data.truth.estimands
    assert set(e) == {"total_effect", "direct_effect_no_care", "direct_effect_care"}
    assert e["total_effect"] < -0.02
    assert e["direct_effect_no_care"] > e["direct_effect_care"] > 0.01
    t = data.truth
    base = np.log(t.risk_untreated / (1 - t.risk_untreated)) - 0.7 * data.X["asthma"].to_numpy()
    expected = np.mean(1 / (1 + np.exp(-(base + 0.7))) - 1 / (1 + np.exp(-base)))
    assert abs(e["direct_effect_no_care"] - expected) < 1e-12
    fair = make_clinical(4000, policy_strength=0.0, random_state=3).truth.estimands
    assert fair["total_effect"] > 0.02
    assert abs(fair["direct_effect_care"] - e["direct_effect_care"]) < 1e-12


# ----------------------------------------------------------------------------------------
# adjustment_over_cohorts (the 16-cohort table of tip 9, section 5b)
# ----------------------------------------------------------------------------------------
def test_adjustment_over_cohorts_layout_and_fits():
    from dlbio.datasets.clinical import adjustment_over_cohorts
    from dlbio.interpret import logistic_summary

    fits = adjustment_over_cohorts([4, 7], n_patients=1500)
    assert list(fits.columns) == ["seed", "fit", "coefficient", "coef", "se", "ci_low", "ci_high", "true"]
    # per seed: asthma in all three fits, the care in the two that include it
    assert len(fits) == 2 * 5
    counts = fits.groupby(["fit", "coefficient"]).size().to_dict()
    assert counts[("without care", "asthma")] == 2
    assert ("without care", "aggressive_care") not in counts
    assert counts[("with care and true severity", "aggressive_care")] == 2
    # each row is the fit it names, on the cohort of its seed
    data = make_clinical(1500, include_treatment=True, random_state=7)
    row = fits[(fits.seed == 7) & (fits.fit == "with care") & (fits.coefficient == "aggressive_care")].iloc[0]
    table = logistic_summary(data.X, data.y)
    assert abs(row["coef"] - table.loc["aggressive_care", "coef"]) < 1e-12
    assert abs(row["ci_low"] - table.loc["aggressive_care", "ci_low"]) < 1e-12
    naive = fits[(fits.seed == 7) & (fits.fit == "without care")].iloc[0]
    plain = make_clinical(1500, random_state=7)
    assert abs(naive["coef"] - logistic_summary(plain.X, plain.y).loc["asthma", "coef"]) < 1e-9
    # the truth: the direct effects for the fits with the care, none for the naive fit
    assert np.isnan(naive["true"])
    assert row["true"] == -2.0
    assert set(fits.loc[(fits.coefficient == "asthma") & (fits.fit != "without care"), "true"]) == {0.7}


def test_adjustment_over_cohorts_passes_the_simulation_and_is_reproducible():
    from dlbio.datasets.clinical import adjustment_over_cohorts

    a = adjustment_over_cohorts([3], n_patients=1000, asthma_effect=0.0)
    b = adjustment_over_cohorts([3], n_patients=1000, asthma_effect=0.0)
    pd.testing.assert_frame_equal(a, b)
    assert set(a.loc[(a.coefficient == "asthma") & a.true.notna(), "true"]) == {0.0}


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(seeds=[]), ValueError, "at least one seed"),
    (dict(seeds=5), TypeError, "seeds must be a sequence"),
    (dict(seeds="12"), TypeError, "seeds must be a sequence"),
    (dict(seeds=[1, -2]), ValueError, r"each seed in seeds must be an int in \[0, inf\); got -2"),
    (dict(seeds=[1], n_patients=100), ValueError, r"n_patients must be an int in \[500, inf\); got 100"),
    (dict(seeds=[1], include_treatment=False), TypeError, "sets \\['include_treatment'\\] itself"),
    (dict(seeds=[1], policy_strength=99.0), ValueError, "policy_strength"),
])
def test_adjustment_over_cohorts_bad_input(kwargs, error, message):
    from dlbio.datasets.clinical import adjustment_over_cohorts

    with pytest.raises(error, match=message):
        adjustment_over_cohorts(**kwargs)

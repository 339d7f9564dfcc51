"""A pneumonia cohort in which an unrecorded treatment makes asthma look protective.

The design follows the case that Caruana et al. (2015) describe: in a hospital's pneumonia
data, patients with asthma died *less* often, because they were sent straight to intensive
care, and a model trained on those data learned "asthma lowers risk".  Here asthma has a
harmful *direct* effect on death (at the same care), asthmatics are much more likely to
receive aggressive care, and the care, which is very protective, is not among the recorded
features.  In causal terms the care is a *mediator* of asthma's effect (asthma -> care ->
death) and a *collider* between asthma and the hidden severity (asthma -> care <- severity).
"""
from __future__ import annotations

import warnings

import numpy as np
from scipy.special import expit
from sklearn.utils import Bunch

from .._validation import (
    check_allocation,
    check_bool,
    check_float,
    check_fraction,
    check_int,
    check_random_state,
)
from ._common import spawn_streams

__all__ = ["make_clinical", "adjustment_over_cohorts"]

# Names of the independent random sub-streams, in the fixed order they are spawned.
_STREAMS = ("demographics", "history", "severity", "vitals", "treatment", "outcome")

# Covariates: age ~ N(65, 15) clipped to [18, 100]; comorbidity prevalences.
_AGE_MEAN, _AGE_SD, _AGE_MIN, _AGE_MAX = 65.0, 15.0, 18.0, 100.0
_P_FEMALE, _P_COPD, _P_HEART_FAILURE = 0.5, 0.10, 0.08

# True log-odds of death without aggressive care (age per year above 65).  Sex has no effect.
_RISK_INTERCEPT = -2.2
_RISK_COEF = {"age": 0.04, "female": 0.0, "copd": 0.5, "heart_failure": 0.6, "severity": 1.5}

# Who gets aggressive care: logit P(care) = -1.5 + policy_strength * asthma + 1.2 * severity.
_POLICY_INTERCEPT, _POLICY_SEVERITY = -1.5, 1.2

# Vital signs and a lab value: intercept + slope * severity + noise_sd * noise * N(0, 1),
# with clipping to a physiological range.  (name, intercept, slope, noise sd, low, high)
_VITALS = (
    ("respiratory_rate", 20.0, 4.0, 2.0, None, None),      # breaths per minute
    ("oxygen_saturation", 94.0, -2.5, 1.5, None, 100.0),   # percent
    ("systolic_bp", 125.0, -10.0, 8.0, None, None),        # mmHg
    ("blood_urea", 7.0, 2.5, 1.75, 1.0, None),             # mmol/L
)
_MAX_MEASUREMENT_NOISE = 10.0
_MAX_ABS_EFFECT = 10.0

_FEATURES = ("age", "female", "asthma", "copd", "heart_failure") + tuple(v[0] for v in _VITALS)
_TREATMENT = "aggressive_care"
_TARGET = "died"

_CLINICAL_DESCR = """\
Simulated pneumonia admissions in which an unrecorded treatment makes asthma look protective
(after Caruana et al. 2015).

for each patient i:
    age ~ N(65, 15) clipped to [18, 100]                            # "demographics"
    female ~ Bernoulli(0.5); asthma ~ Bernoulli(asthma_prevalence);
    copd ~ Bernoulli(0.10); heart_failure ~ Bernoulli(0.08)         # "history"
    severity ~ N(0, 1), never recorded                              # "severity"
    respiratory_rate  = 20 + 4.0 severity + 2.0 m e1
    oxygen_saturation = min(94 - 2.5 severity + 1.5 m e2, 100)
    systolic_bp       = 125 - 10 severity + 8.0 m e3
    blood_urea        = max(7 + 2.5 severity + 1.75 m e4, 1)        # "vitals"
        (e ~ N(0, 1), m = measurement_noise; age and vitals rounded to 0.1)
    P(care) = sigmoid(-1.5 + policy_strength * asthma + 1.2 severity)
    aggressive_care ~ Bernoulli(P(care)), not recorded by default   # "treatment"
    logit0 = -2.2 + 0.04 (age - 65) + 1.5 severity + asthma_effect * asthma
             + 0.5 copd + 0.6 heart_failure
    risk_untreated = sigmoid(logit0)
    risk_treated   = sigmoid(logit0 + treatment_effect)
    died = 1 if u < (risk_treated if care else risk_untreated), u ~ U(0, 1)   # "outcome"

Causal diagram: severity -> vitals, severity -> care, severity -> death,
asthma -> care, asthma -> death, care -> death; severity is independent of asthma.
Care is a mediator of asthma's effect on death and a collider between asthma and
severity.  At the same care, asthma raises the risk of death (its direct effect is
harmful), but asthmatics are far more likely to get aggressive care, which lowers it, so
asthma's total effect under the current care policy is protective.  Unless
include_treatment=True, the care is not a column of X, and a model fitted to X learns
"asthma lowers risk": a correct total effect under the current policy, wrongly read as
what asthma does to a patient at the same care.  The care given, the counterfactual risks
with and without care, the true coefficients and the true estimands are in `truth`; only
X and y may be used to fit a model."""


def _check_n_patients(n_patients) -> int:
    try:
        return check_int(n_patients, "n_patients", low=2)
    except ValueError as err:
        raise ValueError(f"{err} At least two patients are needed to hold both outcomes "
                         "and to split into training and test data.") from None


def make_clinical(n_patients=5000, *, asthma_prevalence=0.15, asthma_effect=0.7,
                  treatment_effect=-2.0, policy_strength=4.0, measurement_noise=1.0,
                  include_treatment=False, as_frame=True, return_X_y=False,
                  random_state=None):
    """Simulate pneumonia admissions where unrecorded care makes asthma look protective.

    Each patient has an age, a sex, three comorbidities (asthma, COPD, heart failure) and
    an unrecorded disease severity that shows through four noisy vital signs and labs.
    At the same care, asthma *raises* the risk of death (a harmful direct effect), but
    asthmatics are much more likely to receive aggressive care (for example direct
    admission to intensive care), which strongly lowers it.  The care is not recorded, so
    in the observed data asthmatics die less often and a model learns the rule "asthma
    lowers risk", as in the pneumonia study of Caruana et al. [1]_: true for asthma's
    total effect under the current care policy, false for its direct effect at the same
    care.  Because the data are simulated, ``truth`` holds what the records never show:
    who was treated, each patient's risk of death with and without aggressive care, and
    the true estimands.

    Parameters
    ----------
    n_patients : int, default=5000
        Number of patients (rows), at least 2.
    asthma_prevalence : float, default=0.15
        Probability that a patient has asthma, in (0, 1).
    asthma_effect : float, default=0.7
        True effect of asthma on the log-odds of death at fixed care, in [-10, 10].
        Positive: asthma makes pneumonia more dangerous.
    treatment_effect : float, default=-2.0
        True effect of aggressive care on the log-odds of death, in [-10, 10].  Negative:
        the care saves lives.
    policy_strength : float, default=4.0
        How much more likely asthmatics are to receive aggressive care: the increase in
        the log-odds of care, in [-10, 10].  0 gives asthmatics the same chance of care
        as other patients of the same severity, so asthma no longer looks protective.
    measurement_noise : float, default=1.0
        Scales the noise of the vital signs, in (0, 10].  Smaller values make the vitals
        a more exact measure of the hidden severity.
    include_treatment : bool, default=False
        If True, add the column ``"aggressive_care"`` (0/1) as the last column of ``X``:
        the hospital recorded the treatment.
    as_frame : bool, default=True
        If True, ``X`` is a pandas DataFrame with readable column names and ``y`` a
        pandas Series named ``"died"``; otherwise both are numpy arrays.
    return_X_y : bool, default=False
        If True, return only ``(X, y)``.
    random_state : None, int or numpy.random.Generator, default=None
        Seed (a legacy ``RandomState`` also works).  ``None`` draws a fresh seed and
        records it in ``params``.  The global ``np.random`` state is never used.

    Returns
    -------
    data : Bunch
        With ``return_X_y=False`` (the default), a Bunch with:

        X : DataFrame or ndarray of shape (n_patients, 9), or 10 columns with the care
            ``age`` (years), ``female``, ``asthma``, ``copd``, ``heart_failure`` (0/1),
            ``respiratory_rate`` (breaths/min), ``oxygen_saturation`` (%),
            ``systolic_bp`` (mmHg), ``blood_urea`` (mmol/L) and, with
            ``include_treatment=True``, ``aggressive_care`` (0/1).  The binary columns
            are int64, the others float64 (all float64 when ``as_frame=False``).
        y : Series or ndarray of shape (n_patients,), int64
            ``died``: 1 if the patient died in hospital.
        frame : DataFrame or None
            ``X`` with ``y`` as its last column (None when ``as_frame=False``).
        groups : None
            No grouping structure in this data set.
        feature_names : list of str
            The column names of ``X``.
        sample_ids : ndarray of str, shape (n_patients,)
            ``"patient_0000"``, ...
        truth : Bunch
            What the records do not show, one value per patient unless stated:
            ``treatment`` (int64, 1 = aggressive care), ``treatment_probability``,
            ``severity`` (the hidden severity), ``risk_untreated`` and ``risk_treated``
            (the counterfactual probabilities of death without and with aggressive
            care), ``risk`` (the probability under the care actually given),
            ``died_if_untreated`` and ``died_if_treated`` (the potential outcomes, drawn
            with the same uniform as ``y``), ``coef`` (dict: the true log-odds effects,
            ``"intercept"``, ``"age"`` (per year above 65), ``"female"``, ``"asthma"``,
            ``"copd"``, ``"heart_failure"``, ``"severity"`` and ``"aggressive_care"``),
            ``policy`` (dict: the log-odds coefficients of the care decision),
            ``estimands`` (dict: the true causal effects of asthma on the risk of death,
            as differences of probabilities averaged over the cohort's patients:
            ``"total_effect"`` under the current care policy, ``E[risk | do(asthma=1)]
            - E[risk | do(asthma=0)]`` with the care drawn by the policy;
            ``"direct_effect_no_care"`` and ``"direct_effect_care"``, the controlled
            direct effects with the care set to 0 or to 1 for everyone) and ``rule``
            (text).
        params : dict
            The resolved arguments; ``random_state`` holds the integer seed used.
        DESCR : str
            The generative process in pseudo-code.

    (X, y) : tuple
        With ``return_X_y=True``.

    Warns
    -----
    UserWarning
        When fewer than 10 asthmatics, or fewer than 10 deaths (or survivors), are
        expected.

    See Also
    --------
    make_expression : gene-expression data with known informative genes.

    Notes
    -----
    The generative process, for patient ``i`` (each step draws from its own random
    sub-stream, named in brackets):

    1. [demographics] ``age ~ N(65, 15)`` clipped to [18, 100] and rounded to 0.1 year.
    2. [history] ``female ~ Bernoulli(0.5)``, ``asthma ~ Bernoulli(asthma_prevalence)``,
       ``copd ~ Bernoulli(0.10)``, ``heart_failure ~ Bernoulli(0.08)``, each as ``u < p``
       with its own uniform ``u``.
    3. [severity] A hidden disease severity ``s ~ N(0, 1)``, independent of everything
       above (a continuous stand-in for scores such as CURB-65 [3]_).
    4. [vitals] Four measurements, each linear in ``s`` plus Gaussian noise scaled by
       ``measurement_noise``: respiratory rate ``20 + 4 s``, oxygen saturation
       ``94 - 2.5 s`` (at most 100), systolic blood pressure ``125 - 10 s`` and blood
       urea ``7 + 2.5 s`` (at least 1), with noise standard deviations 2, 1.5, 8 and 1.75,
       each rounded to one decimal as on a chart.
       At the default noise they explain about 90% of the variance of ``s``.
    5. [treatment] Aggressive care with probability
       ``sigmoid(-1.5 + policy_strength * asthma + 1.2 s)``: clinicians treat sicker
       patients, and treat asthmatics almost always (about 88% against 24% with the
       defaults).
    6. [outcome] True log-odds of death without care
       ``logit0 = -2.2 + 0.04 (age - 65) + 1.5 s + asthma_effect * asthma + 0.5 copd
       + 0.6 heart_failure``; ``risk_untreated = sigmoid(logit0)``,
       ``risk_treated = sigmoid(logit0 + treatment_effect)``, and
       ``died = 1[u < risk]`` with ``u ~ U(0, 1)`` and ``risk`` the risk under the care
       actually given.  The potential outcomes ``died_if_untreated`` and
       ``died_if_treated`` use the same ``u`` (common random numbers).

    The causal diagram: severity -> vitals, severity -> care, severity -> death, asthma ->
    care, asthma -> death and care -> death, with severity independent of asthma.  Care is
    therefore a *mediator* of asthma's effect on death and a *collider* between asthma and
    severity.  With the defaults, about 9% of asthmatics die against 13% of other
    patients, and a logistic regression of ``died`` on ``X`` gives asthma a coefficient of
    about -0.5 (sd about 0.12 over cohorts of 8000): a logistic summary of asthma's *total
    effect under the current care policy*, which really is protective (``truth.estimands``
    gives it on the probability scale).  The summary has no true value of its own: without
    the care the logistic model is misspecified, and the total effect, given the recorded
    columns, varies with severity.  It is wrong only when read as the direct effect of
    asthma at the same care (+0.7 on the log-odds scale).  With ``include_treatment=True`` the regression targets the
    *controlled direct effect* and the asthma coefficient is positive again, about +0.6
    (sd about 0.14) rather than +0.7: adjusting for care, a collider, makes asthma and the
    hidden severity dependent within each care group (collider-stratification bias), and
    the noisy vitals correct for it only in part.  The care coefficient, about -1.8 rather
    than -2.0, is confounded by severity (confounding by indication), again only partly
    removed by the vitals.

    Because each component has its own sub-stream, changing a knob with the same seed
    changes only what depends on it: ``asthma_effect`` and ``treatment_effect`` change
    only the outcome (deaths can only be added, or only removed, through the same
    uniforms); ``policy_strength`` changes only the care of asthmatics and the outcome;
    ``measurement_noise`` changes only the vitals; a larger ``asthma_prevalence`` only
    adds asthmatics.  Every stream is drawn patient by patient, so with the same seed a
    larger ``n_patients`` extends the cohort: its first patients are those of the smaller
    one.

    References
    ----------
    .. [1] Caruana R, Lou Y, Gehrke J, Koch P, Sturm M, Elhadad N. Intelligible models
       for healthcare: predicting pneumonia risk and hospital 30-day readmission. Proc.
       KDD 2015, 1721-1730. doi:10.1145/2783258.2788613
    .. [2] Cooper GF, Aliferis CF, Ambrosino R, et al. An evaluation of machine-learning
       methods for predicting pneumonia mortality. Artif Intell Med 9, 107-138 (1997).
    .. [3] Lim WS, van der Eerden MM, Laing R, et al. Defining community acquired
       pneumonia severity on presentation to hospital (CURB-65). Thorax 58, 377-382
       (2003).
    .. [4] Lee BD, Gitter A, Greene CS, et al. Ten quick tips for deep learning in
       biology. PLoS Comput Biol 18(3): e1009803 (2022), Tip 9.
       doi:10.1371/journal.pcbi.1009803

    Examples
    --------
    >>> from dlbio.datasets import make_clinical
    >>> data = make_clinical(1000, random_state=0)
    >>> data.X.shape, data.y.name, data.feature_names[:3]
    ((1000, 9), 'died', ['age', 'female', 'asthma'])
    >>> "aggressive_care" in data.X.columns, data.truth.coef["asthma"]
    (False, 0.7)
    >>> X, y = make_clinical(1000, include_treatment=True, return_X_y=True, random_state=0)
    >>> X.columns[-1]
    'aggressive_care'
    """
    # ---- 1. Check every argument. -----------------------------------------------------
    n_patients = _check_n_patients(n_patients)
    asthma_prevalence = check_fraction(asthma_prevalence, "asthma_prevalence",
                                       low_inclusive=False, high_inclusive=False)
    asthma_effect = check_float(asthma_effect, "asthma_effect",
                                  low=-_MAX_ABS_EFFECT, high=_MAX_ABS_EFFECT)
    treatment_effect = check_float(treatment_effect, "treatment_effect",
                                     low=-_MAX_ABS_EFFECT, high=_MAX_ABS_EFFECT)
    policy_strength = check_float(policy_strength, "policy_strength",
                                    low=-_MAX_ABS_EFFECT, high=_MAX_ABS_EFFECT)
    measurement_noise = check_float(measurement_noise, "measurement_noise", low=0.0,
                                      high=_MAX_MEASUREMENT_NOISE, low_inclusive=False)
    include_treatment = check_bool(include_treatment, "include_treatment")
    as_frame = check_bool(as_frame, "as_frame")
    return_X_y = check_bool(return_X_y, "return_X_y")
    _, seed = check_random_state(random_state)
    # About 32 numbers (columns, ids, ground truth) of 8 bytes per patient.
    check_allocation({"n_patients": n_patients}, bytes_per_value=256, what="patient table")

    expected_asthma = n_patients * asthma_prevalence
    if expected_asthma < 10:
        warnings.warn(
            f"Only about {expected_asthma:.1f} asthmatics are expected (n_patients="
            f"{n_patients}, asthma_prevalence={asthma_prevalence:g}); the asthma effect "
            "cannot be estimated. Increase n_patients or asthma_prevalence.",
            UserWarning, stacklevel=2)

    rng = spawn_streams(seed, _STREAMS)

    # ---- 2. Demographics and history. -------------------------------------------------
    # Every stream is drawn patient by patient (one row per patient), so a larger cohort
    # starts with exactly the patients of a smaller one made with the same seed.
    age = np.round(np.clip(rng["demographics"].normal(_AGE_MEAN, _AGE_SD, n_patients),
                           _AGE_MIN, _AGE_MAX), 1)
    history = rng["history"].random((n_patients, 4))
    female = (history[:, 0] < _P_FEMALE).astype(np.int64)
    asthma = (history[:, 1] < asthma_prevalence).astype(np.int64)
    copd = (history[:, 2] < _P_COPD).astype(np.int64)
    heart_failure = (history[:, 3] < _P_HEART_FAILURE).astype(np.int64)

    # ---- 3. Hidden severity, and the vitals that measure it. --------------------------
    severity = rng["severity"].standard_normal(n_patients)
    noise = rng["vitals"].standard_normal((n_patients, len(_VITALS)))
    vitals = {}
    for (name, intercept, slope, sd, low, high), e in zip(_VITALS, noise.T):
        value = intercept + slope * severity + sd * measurement_noise * e
        if low is not None or high is not None:
            value = np.clip(value, low, high)
        vitals[name] = np.round(value, 1)  # charted to one decimal

    # ---- 4. Who gets aggressive care. -------------------------------------------------
    treatment_probability = expit(_POLICY_INTERCEPT + policy_strength * asthma
                                  + _POLICY_SEVERITY * severity)
    treatment = (rng["treatment"].random(n_patients) < treatment_probability).astype(np.int64)

    # ---- 5. Outcome, with both counterfactual risks. ----------------------------------
    logit_untreated = (_RISK_INTERCEPT + _RISK_COEF["age"] * (age - _AGE_MEAN)
                       + _RISK_COEF["female"] * female + _RISK_COEF["copd"] * copd
                       + _RISK_COEF["heart_failure"] * heart_failure
                       + _RISK_COEF["severity"] * severity + asthma_effect * asthma)
    risk_untreated = expit(logit_untreated)
    risk_treated = expit(logit_untreated + treatment_effect)
    risk = np.where(treatment == 1, risk_treated, risk_untreated)
    uniform = rng["outcome"].random(n_patients)
    died = (uniform < risk).astype(np.int64)

    expected_deaths = float(risk.sum())
    if min(expected_deaths, n_patients - expected_deaths) < 10:
        which = "deaths" if expected_deaths <= n_patients - expected_deaths else "survivors"
        warnings.warn(
            f"Only about {min(expected_deaths, n_patients - expected_deaths):.1f} {which} "
            f"are expected among {n_patients} patients; models of the outcome will be "
            "very noisy. Increase n_patients or make the effects less extreme.",
            UserWarning, stacklevel=2)

    # ---- 6. Assemble. -----------------------------------------------------------------
    columns = {"age": age, "female": female, "asthma": asthma, "copd": copd,
               "heart_failure": heart_failure, **vitals}
    if include_treatment:
        columns[_TREATMENT] = treatment
    feature_names = list(columns)
    if as_frame:
        import pandas as pd

        X = pd.DataFrame(columns)
        y = pd.Series(died, name=_TARGET)
        frame = X.assign(**{_TARGET: died})
    else:
        X = np.column_stack([np.asarray(v, dtype=np.float64) for v in columns.values()])
        y = died
        frame = None

    if return_X_y:
        return X, y

    width = max(4, len(str(n_patients - 1)))
    sample_ids = np.array([f"patient_{i:0{width}d}" for i in range(n_patients)])
    coef = {"intercept": _RISK_INTERCEPT, "age": _RISK_COEF["age"],
            "female": _RISK_COEF["female"], "asthma": asthma_effect,
            "copd": _RISK_COEF["copd"], "heart_failure": _RISK_COEF["heart_failure"],
            "severity": _RISK_COEF["severity"], _TREATMENT: treatment_effect}
    policy = {"intercept": _POLICY_INTERCEPT, "asthma": policy_strength,
              "severity": _POLICY_SEVERITY}
    # True estimands of asthma's effect, averaged over these patients' covariates.
    logit_without_asthma = logit_untreated - asthma_effect * asthma

    def _risk_under(asthma_value, care=None):
        base = logit_without_asthma + asthma_effect * asthma_value
        if care is not None:
            return expit(base + treatment_effect * care)
        p_care = expit(_POLICY_INTERCEPT + policy_strength * asthma_value
                       + _POLICY_SEVERITY * severity)
        return p_care * expit(base + treatment_effect) + (1.0 - p_care) * expit(base)

    estimands = {
        "total_effect": float(np.mean(_risk_under(1) - _risk_under(0))),
        "direct_effect_no_care": float(np.mean(_risk_under(1, 0) - _risk_under(0, 0))),
        "direct_effect_care": float(np.mean(_risk_under(1, 1) - _risk_under(0, 1))),
    }
    truth = Bunch(
        treatment=treatment,
        treatment_probability=treatment_probability,
        severity=severity,
        risk_untreated=risk_untreated,
        risk_treated=risk_treated,
        risk=risk,
        died_if_untreated=(uniform < risk_untreated).astype(np.int64),
        died_if_treated=(uniform < risk_treated).astype(np.int64),
        coef=coef,
        policy=policy,
        estimands=estimands,
        rule=("logit P(death) = -2.2 + 0.04 (age - 65) + 1.5 severity + "
              f"{asthma_effect:g} asthma + 0.5 copd + 0.6 heart_failure + "
              f"{treatment_effect:g} aggressive_care; logit P(care) = -1.5 + "
              f"{policy_strength:g} asthma + 1.2 severity"),
    )
    params = dict(n_patients=n_patients, asthma_prevalence=asthma_prevalence,
                  asthma_effect=asthma_effect, treatment_effect=treatment_effect,
                  policy_strength=policy_strength, measurement_noise=measurement_noise,
                  include_treatment=include_treatment, as_frame=as_frame,
                  random_state=seed)
    return Bunch(X=X, y=y, frame=frame, groups=None, feature_names=feature_names,
                 sample_ids=sample_ids, truth=truth, params=params, DESCR=_CLINICAL_DESCR)


#: The fits of :func:`adjustment_over_cohorts`, in order.
_ADJUSTMENT_FITS = ("without care", "with care", "with care and true severity")


def adjustment_over_cohorts(seeds, n_patients=8000, **simulation):
    """Refit the asthma regressions of tip 9 on many simulated cohorts, to see their bias.

    One cohort shows a bias reliably only when it is several standard errors large; the simulator
    can draw the cohort again.  For each seed this simulates
    ``make_clinical(n_patients, include_treatment=True, random_state=seed, **simulation)`` and
    fits three unpenalised logistic regressions of death
    (:func:`dlbio.interpret.logistic_summary`):

    - ``"without care"``: the records as the hospital keeps them (no care column);
    - ``"with care"``: the records with the care column;
    - ``"with care and true severity"``: the same plus the hidden severity, which no
      hospital has.

    Parameters
    ----------
    seeds : sequence of int
        One cohort per seed, at least one seed, each an int >= 0.
    n_patients : int, default=8000
        Patients per cohort, at least 500.
    **simulation
        Other keyword arguments of :func:`make_clinical` (for example ``policy_strength``),
        except ``include_treatment``, ``random_state``, ``as_frame`` and ``return_X_y``.

    Returns
    -------
    pandas DataFrame
        One row per cohort, fit and coefficient, with columns ``"seed"``, ``"fit"`` (one of
        the three names above), ``"coefficient"`` (``"asthma"``, and ``"aggressive_care"``
        for the two fits that include the care), ``"coef"``, ``"se"``, ``"ci_low"``,
        ``"ci_high"`` (the 95% Wald interval of that one cohort) and ``"true"``: the
        simulator's direct effect on the log-odds scale for the fits with the care, NaN for
        ``"without care"``, whose coefficient summarises the total effect under the care
        policy and has no true value on that scale.

    See Also
    --------
    make_clinical : the cohort; its Notes describe the biases these fits show.

    Examples
    --------
    >>> fits = adjustment_over_cohorts([0, 1], n_patients=2000)
    >>> fits.groupby(["coefficient", "fit"]).size().to_dict()[("asthma", "with care")]
    2
    >>> sorted(fits["coefficient"].unique())
    ['aggressive_care', 'asthma']
    """
    import pandas as pd

    from ..interpret import logistic_summary

    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a sequence of ints >= 0; got {seeds!r} of type "
                        f"{type(seeds).__name__}.")
    seeds = [check_int(seed, "each seed in seeds", low=0) for seed in seeds]
    if not seeds:
        raise ValueError("seeds must hold at least one seed; got an empty sequence.")
    n_patients = check_int(n_patients, "n_patients", low=500)
    reserved = sorted({"include_treatment", "random_state", "as_frame", "return_X_y"}
                      & set(simulation))
    if reserved:
        raise TypeError(f"adjustment_over_cohorts sets {reserved} itself; pass only the other "
                        "arguments of make_clinical (asthma_effect, treatment_effect, "
                        "policy_strength, measurement_noise, asthma_prevalence).")

    rows = []
    for seed in seeds:
        data = make_clinical(n_patients, include_treatment=True, random_state=seed, **simulation)
        designs = {
            "without care": data.X.drop(columns=_TREATMENT),
            "with care": data.X,
            "with care and true severity": data.X.assign(severity=data.truth.severity),
        }
        for fit, X in designs.items():
            table = logistic_summary(X, data.y)
            for coefficient in ("asthma", _TREATMENT):
                if coefficient not in X.columns:
                    continue
                true = np.nan if fit == "without care" else data.truth.coef[coefficient]
                rows.append({"seed": seed, "fit": fit, "coefficient": coefficient,
                             **table.loc[coefficient, ["coef", "se", "ci_low", "ci_high"]].to_dict(),
                             "true": true})
    return pd.DataFrame(rows)

"""Repeated measures: subjects seen at several visits, so records are not independent."""
from __future__ import annotations

import math
import warnings

import numpy as np
from sklearn.utils import Bunch

from ._common import spawn_streams

from .._validation import (
    check_allocation,
    check_bool,
    check_float,
    check_fraction,
    check_int,
    check_random_state,
)

__all__ = ["make_repeated_measures"]

# Names of the independent random sub-streams, in the fixed order they are spawned.
_STREAMS = ("features", "labels", "subjects", "visits")


def _visit_correlation(n_visits: int, icc: float, autocorrelation: float) -> np.ndarray:
    """Correlation between the visits of one subject, on any feature (n_visits x n_visits).

    ``icc + (1 - icc) * autocorrelation ** |s - t|`` off the diagonal, 1 on it.
    """
    lag = np.abs(np.subtract.outer(np.arange(n_visits), np.arange(n_visits)))
    return icc + (1.0 - icc) * autocorrelation ** lag


_DESCR = """\
Simulated repeated measures: n_subjects subjects, each measured at n_visits visits.

for each feature f:                                            # sub-stream "features"
    informative[f]: n_informative features chosen at random, effect[f] = +/-signal
for each subject s:
    y[s]: exactly round(n_subjects * prevalence) ones, in random order   # "labels"
    u[s, f] = effect[f] * (y[s] - prevalence)
              + sqrt(icc - effect[f]**2 * prevalence * (1 - prevalence)) * z[s, f]
                                              z[s, f] ~ Normal(0, 1)  # "subjects"
    for each visit t = 0, 1, ...:                                     # "visits"
        e[s, 0, f] = sqrt(1 - icc) * w[s, 0, f]
        e[s, t, f] = rho * e[s, t-1, f] + sqrt(1 - rho**2) * sqrt(1 - icc) * w[s, t, f]
                                              w ~ Normal(0, 1), rho = autocorrelation
        X[(s, t), f] = u[s, f] + e[s, t, f]

Every feature has variance 1, of which `icc` comes from the subject.  The label is a
property of the subject, so all visits of a subject share it; groups holds the subject
of each record, visit its visit number.  Two visits t and t' of one subject correlate
by icc + (1 - icc) * rho**|t - t'|; their average over all pairs of visits is
truth.within_subject_correlation, which a one-way ANOVA intraclass correlation
estimates, and the design effect is 1 + (n_visits - 1) * that average."""


def make_repeated_measures(n_subjects=40, n_visits=10, n_features=20, *, n_informative=5,
                           signal=0.8, icc=0.7, autocorrelation=0.6, prevalence=0.5,
                           return_X_y=False, random_state=None):
    """Simulate subjects measured at several visits (a random-intercept model, AR(1) noise).

    Each subject has a fixed "fingerprint" (a subject effect on every feature) that all of
    its visits share, and visit-to-visit noise that drifts slowly (an autoregressive
    process), so two records of the same subject are much more alike than two records of
    different subjects.  The label is a property of the subject (for example a diagnosis).
    A model evaluated with record-wise cross-validation can then recognise the subject
    instead of the disease; subject-wise cross-validation (``GroupKFold`` on ``groups``)
    cannot.

    Parameters
    ----------
    n_subjects : int, default=40
        Number of subjects, at least 2.
    n_visits : int, default=10
        Number of visits (records) per subject, at least 1.
    n_features : int, default=20
        Number of features, at least 1.
    n_informative : int, default=5
        Number of features whose mean differs between the classes, in
        ``[0, n_features]``.
    signal : float, default=0.8
        Difference of the class means on an informative feature (>= 0), in units of the
        feature's total standard deviation (which is 1).  Must satisfy
        ``signal**2 * prevalence * (1 - prevalence) <= icc``: the label is a property of
        the subject, so its effect is part of the subject-level variance ``icc``.
    icc : float, default=0.7
        Intraclass correlation, in [0, 1]: the share of every feature's variance that
        comes from the subject effect.  The rest, ``1 - icc``, is visit noise.
    autocorrelation : float, default=0.6
        Lag-1 autocorrelation ``rho`` of the visit noise, in [0, 1): consecutive visits of
        a subject are more alike than distant ones.  0 gives independent visit noise.
    prevalence : float, default=0.5
        Fraction of positive subjects, in (0, 1); exactly
        ``round(n_subjects * prevalence)`` subjects are positive.
    return_X_y : bool, default=False
        If True, return only ``(X, y)``.
    random_state : None, int or numpy.random.Generator, default=None
        Seed (a legacy ``RandomState`` also works).  ``None`` draws a fresh seed and
        records it in ``params``.  The global ``np.random`` state is never used.

    Returns
    -------
    data : Bunch
        With ``return_X_y=False`` (the default), a Bunch with:

        X : ndarray of shape (n_subjects * n_visits, n_features), float32
            One row per record, subject by subject and visit by visit.
        y : ndarray of shape (n_subjects * n_visits,), int64
            The label of each record (its subject's label).
        groups : ndarray of shape (n_subjects * n_visits,), int64
            The subject of each record: pass it to ``GroupKFold``.
        visit : ndarray of shape (n_subjects * n_visits,), int64
            The visit number of each record, from 0.
        feature_names, sample_ids : ndarray of str
            ``"feature_00"``, ... and ``"s00_v00"`` (subject 0, visit 0), ...; the numbers
            have at least two digits, more when needed (``"s000_v00"`` with 100 or more
            subjects)
        truth : Bunch
            Hidden ground truth:

            - ``informative`` (bool, n_features) and ``effect`` (the signed difference of
              the class means; 0 elsewhere);
            - ``subject_label`` (n_subjects,) and ``subject_effect``
              (n_subjects, n_features): the fingerprint ``u`` of every subject, label
              effect included;
            - ``visit_noise`` (n_records, n_features): the AR(1) noise ``e``, so that
              ``X == subject_effect[groups] + visit_noise`` (up to float32 rounding);
            - ``icc``: the subject share of the variance (the argument);
              ``visit_correlation`` (n_visits, n_visits): the correlation between two
              visits of one subject; ``within_subject_correlation``: its average over all
              pairs of different visits (what a one-way ANOVA ICC estimates);
            - ``design_effect`` ``= 1 + (n_visits - 1) * within_subject_correlation`` and
              ``effective_sample_size`` ``= n_records / design_effect``.
        params : dict
            The resolved arguments; ``random_state`` holds the integer seed used.
        DESCR : str
            The generative process in pseudo-code.

    (X, y) : tuple
        With ``return_X_y=True``.

    Warns
    -----
    UserWarning
        When fewer than 5 positive (or negative) subjects are expected, or when
        ``icc=1`` (all visits of a subject are identical).

    Notes
    -----
    The generative process, for subject ``s``, visit ``t`` and feature ``f``, is a
    random-intercept model with AR(1) errors within each subject [1]_:

    1. ``n_informative`` features, chosen uniformly at random, get a class-mean difference
       ``effect_f = +/-signal`` (random sign); the others get 0.
    2. Subject labels: exactly ``round(n_subjects * prevalence)`` ones in random order.
    3. Subject effects ``u_sf = effect_f (y_s - p) + sqrt(icc - effect_f**2 p (1 - p))
       z_sf`` with ``z_sf ~ N(0, 1)`` and ``p = prevalence``: variance ``icc`` on every
       feature, informative or not.
    4. Visit noise, a stationary AR(1) process with variance ``1 - icc``:
       ``e_s0f = sqrt(1 - icc) w_s0f`` and
       ``e_stf = rho e_s(t-1)f + sqrt((1 - rho**2)(1 - icc)) w_stf``, ``w ~ N(0, 1)``.
    5. ``X_(s,t)f = u_sf + e_stf``.

    Two visits ``t`` and ``t'`` of one subject then correlate by
    ``icc + (1 - icc) rho**|t - t'|``.  Averaged over all pairs of different visits this
    is ``truth.within_subject_correlation``; the one-way ANOVA estimator of the
    intraclass correlation converges to it (it equals ``icc`` only when ``rho = 0``).  The
    variance of a mean over all records is ``design_effect`` times larger than it would be
    for independent records, with ``design_effect = 1 + (n_visits - 1) *
    within_subject_correlation`` [2]_, so the records are worth
    ``effective_sample_size`` independent ones.

    Each step draws from its own random sub-stream ("features", "labels", "subjects",
    "visits").  With the same seed, changing ``autocorrelation`` changes only the visit
    noise; changing ``signal`` changes only the subject effects of the informative
    features; changing ``icc`` rescales the two components without redrawing them.

    Non-independent records lower the effective sample size, as Lee et al. [3]_ warn in
    Tip 4; Saeb et al. [4]_ show how record-wise cross-validation overestimates the
    accuracy of models that will be used on new subjects.

    References
    ----------
    .. [1] Diggle PJ, Heagerty P, Liang K-Y, Zeger SL. Analysis of Longitudinal Data,
       2nd ed. Oxford University Press (2002).
    .. [2] Kish L. Survey Sampling. Wiley (1965), the design effect
       ``1 + (m - 1) * rho`` for clusters of size ``m``.
    .. [3] Lee BD, Gitter A, Greene CS, et al. Ten quick tips for deep learning in
       biology. PLoS Comput Biol 18(3): e1009803 (2022), Tip 4.
       doi:10.1371/journal.pcbi.1009803
    .. [4] Saeb S, Lonini L, Jayaraman A, Mohr DC, Kording KP. The need to approximate the
       use-case in clinical machine learning. GigaScience 6(5), 1-9 (2017).
       doi:10.1093/gigascience/gix019

    Examples
    --------
    >>> from dlbio.datasets import make_repeated_measures
    >>> data = make_repeated_measures(10, 4, 3, n_informative=1, random_state=0)
    >>> data.X.shape, data.groups[:5].tolist(), data.visit[:5].tolist()
    ((40, 3), [0, 0, 0, 0, 1], [0, 1, 2, 3, 0])
    """
    # ---- 1. Check every argument, then the constraints between them. -----------------
    try:
        n_subjects = check_int(n_subjects, "n_subjects", low=2)
    except ValueError as err:
        raise ValueError(f"{err} At least two subjects are needed to hold both classes.") from None
    n_visits = check_int(n_visits, "n_visits", low=1)
    n_features = check_int(n_features, "n_features", low=1)
    n_informative = check_int(n_informative, "n_informative", low=0)
    if n_informative > n_features:
        raise ValueError(f"n_informative must be an int in [0, n_features={n_features}]; "
                         f"got {n_informative}.")
    signal = check_float(signal, "signal", low=0.0)
    if math.isinf(signal):
        raise ValueError(f"signal must be a finite number in [0, inf); got {signal}.")
    icc = check_fraction(icc, "icc")
    autocorrelation = check_fraction(autocorrelation, "autocorrelation", high_inclusive=False)
    prevalence = check_fraction(prevalence, "prevalence", low_inclusive=False,
                                high_inclusive=False)
    # signal * signal, not signal**2: a product overflows to inf (and is refused below),
    # where ** raises OverflowError for huge values such as 1e300.
    label_variance = signal * signal * prevalence * (1.0 - prevalence)
    if n_informative > 0 and label_variance > icc + 1e-12:
        limit = math.sqrt(icc / (prevalence * (1.0 - prevalence)))
        raise ValueError(
            f"signal must be a number in [0, {limit:.4g}] when icc={icc:g} and "
            f"prevalence={prevalence:g}: the label is a property of the subject, so "
            "signal**2 * prevalence * (1 - prevalence) must fit in the subject variance "
            f"icc; got {signal:g}.")
    return_X_y = check_bool(return_X_y, "return_X_y")
    _, seed = check_random_state(random_state)
    check_allocation({"n_subjects": n_subjects, "n_visits": n_visits, "n_features": n_features},
                     what="records x features matrix")
    check_allocation({"n_subjects": n_subjects, "n_visits": n_visits}, bytes_per_value=64,
                     what="sample ids")
    check_allocation({"n_visits": n_visits}, bytes_per_value=8 * n_visits,
                     what="visits x visits correlation matrix")

    expected_pos, expected_neg = n_subjects * prevalence, n_subjects * (1.0 - prevalence)
    if min(expected_pos, expected_neg) < 5:
        warnings.warn(
            f"Only about {min(expected_pos, expected_neg):.1f} "
            f"{'positive' if expected_pos <= expected_neg else 'negative'} subjects are "
            f"expected (n_subjects={n_subjects}, prevalence={prevalence:g}); subject-wise "
            "estimates will be very noisy.", UserWarning, stacklevel=2)
    if icc == 1.0:
        warnings.warn("icc=1 leaves no visit noise: all visits of a subject are identical.",
                      UserWarning, stacklevel=2)

    rng = spawn_streams(seed, _STREAMS)

    # ---- 2. Features ("features") and subject labels ("labels"). ---------------------
    order = rng["features"].permutation(n_features)
    sign = rng["features"].integers(0, 2, size=n_features) * 2 - 1
    informative = np.zeros(n_features, dtype=bool)
    informative[order[:n_informative]] = True
    effect = np.where(informative, signal * sign, 0.0)

    n_pos = int(round(n_subjects * prevalence))
    subject_label = np.zeros(n_subjects, dtype=np.int64)
    subject_label[:n_pos] = 1
    subject_label = subject_label[rng["labels"].permutation(n_subjects)]

    # ---- 3. Subject effects ("subjects"). --------------------------------------------
    spread = np.sqrt(np.maximum(icc - effect**2 * prevalence * (1.0 - prevalence), 0.0))
    z = rng["subjects"].standard_normal((n_subjects, n_features))
    subject_effect = (subject_label[:, None] - prevalence) * effect[None, :] + z * spread[None, :]

    # ---- 4. AR(1) visit noise ("visits"). --------------------------------------------
    w = rng["visits"].standard_normal((n_subjects, n_visits, n_features))
    noise = np.empty_like(w)
    noise[:, 0] = w[:, 0]
    innovation = math.sqrt(1.0 - autocorrelation**2)
    for t in range(1, n_visits):
        noise[:, t] = autocorrelation * noise[:, t - 1] + innovation * w[:, t]
    noise *= math.sqrt(1.0 - icc)
    visit_noise = noise.reshape(n_subjects * n_visits, n_features)

    groups = np.repeat(np.arange(n_subjects, dtype=np.int64), n_visits)
    visit = np.tile(np.arange(n_visits, dtype=np.int64), n_subjects)
    X = (subject_effect[groups] + visit_noise).astype(np.float32)
    y = subject_label[groups]

    if return_X_y:
        return X, y

    correlation = _visit_correlation(n_visits, icc, autocorrelation)
    if n_visits > 1:
        off_diagonal = ~np.eye(n_visits, dtype=bool)
        within = float(correlation[off_diagonal].mean())
    else:
        within = float(icc)
    design_effect = 1.0 + (n_visits - 1) * within
    n_records = n_subjects * n_visits

    w_subj = max(2, len(str(n_subjects - 1)))
    w_visit = max(2, len(str(n_visits - 1)))
    sample_ids = np.array([f"s{s:0{w_subj}d}_v{t:0{w_visit}d}" for s, t in zip(groups, visit)])
    width = max(2, len(str(n_features - 1)))
    feature_names = np.array([f"feature_{j:0{width}d}" for j in range(n_features)])

    truth = Bunch(
        informative=informative,
        effect=effect,
        subject_label=subject_label,
        subject_effect=subject_effect,
        visit_noise=visit_noise,
        icc=icc,
        visit_correlation=correlation,
        within_subject_correlation=within,
        design_effect=design_effect,
        effective_sample_size=n_records / design_effect,
    )
    params = dict(n_subjects=n_subjects, n_visits=n_visits, n_features=n_features,
                  n_informative=n_informative, signal=signal, icc=icc,
                  autocorrelation=autocorrelation, prevalence=prevalence, random_state=seed)
    return Bunch(X=X, y=y, groups=groups, visit=visit, feature_names=feature_names,
                 sample_ids=sample_ids, truth=truth, params=params, DESCR=_DESCR)

"""A sensitive patient cohort: a training set whose members can be attacked, and a subgroup
that the training set under-represents and whose measurements read differently.

Two ethical risks of a clinical model can be measured on it with a known ground truth:

* **membership inference** (Yeom et al. 2018): the patients of the training cohort (the
  *members*) and patients from the same population who were never used (the
  *non-members*) are marked in ``truth.is_member``, so an attack that guesses membership
  from a model's behaviour can be scored exactly;
* **a subgroup audit**: a subgroup ``"B"`` that is rare among the members, and whose
  informative measurements read higher for the same physiology (as pulse oximeters read
  higher in patients with darker skin, Sjoding et al. 2020), gets worse error rates from a
  model trained mostly on group ``"A"``.
"""
from __future__ import annotations

import math
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

__all__ = ["make_cohort"]

# Per-patient components, drawn separately for the members and for the non-members, so that
# the size of one cohort never changes the patients of the other.
_COMPONENTS = ("subgroup", "disease", "features", "record_errors")
_PARTS = ("member", "nonmember")
# Names of the independent random sub-streams, in the fixed order they are spawned.
_STREAMS = ("coef",) + tuple(f"{part}_{component}" for part in _PARTS for component in _COMPONENTS)

_MAX_SEPARATION = 20.0
_MAX_SHIFT = 10.0
_MIN_EXPECTED = 10

_COHORT_DESCR = """\
Simulated patient cohort for membership inference and a subgroup audit (after Yeom et al.
2018 and Sjoding et al. 2020).

informative = n_informative features chosen at random; sign_j = +1 or -1 at random   # "coef"
a = r / sqrt(1 + r^2) with r = separation / (2 sqrt(n_informative))
for each patient i (members and non-members each have their own streams):
    subgroup_i = "B" if u_i < fraction else "A"       # fraction: subgroup_fraction for the
                                                      # members, nonmember_subgroup_fraction
                                                      # for the non-members      # "subgroup"
    disease_i ~ Bernoulli(0.5)                                                       # "disease"
    e_ij ~ N(0, 1)                                                                  # "features"
    z_ij = sign_j * a * (2 disease_i - 1) + sqrt(1 - a^2) e_ij for informative j, else e_ij
           (the physiology: every feature has mean 0 and variance 1, in both groups)
    label_error_i ~ Bernoulli(label_noise); y_i = disease_i XOR label_error_i   # "record_errors"
    x_ij = z_ij + subgroup_shift * sign_j * [subgroup_i = "B"] for informative j, else z_ij
           (the informative measurements read higher risk in B for the same physiology)

Rows: the n_members members (the training cohort) first, then the n_nonmembers
non-members.  truth.is_member, truth.subgroup, truth.proba = P(y = 1 | x, subgroup)
and the true disease status are what an attacker or an auditor does not see; only X and y
(and the recorded subgroup, data.subgroup) may be used to fit a model."""


def _draw_part(rng, prefix: str, n: int, fraction: float, n_features: int):
    """The per-patient draws of one part of the cohort (members or non-members)."""
    subgroup_uniform = rng[f"{prefix}_subgroup"].random(n)
    disease_uniform = rng[f"{prefix}_disease"].random(n)
    noise = rng[f"{prefix}_features"].standard_normal((n, n_features))
    error_uniform = rng[f"{prefix}_record_errors"].random(n)
    return subgroup_uniform < fraction, disease_uniform, noise, error_uniform


def _loading(separation: float, n_informative: int) -> float:
    """The class-mean offset ``a`` of each informative feature for a given separation.

    With class means ``+-a`` on ``k`` features and a within-class standard deviation
    ``sqrt(1 - a^2)`` (so that every feature has variance 1), the Mahalanobis distance
    between the two class means is ``2 a sqrt(k) / sqrt(1 - a^2)``; solving for ``a``.
    """
    ratio = separation / (2.0 * math.sqrt(n_informative))
    return ratio / math.sqrt(1.0 + ratio * ratio)


def make_cohort(n_members=200, n_nonmembers=200, *, n_features=20, n_informative=5,
                separation=2.0, label_noise=0.0, subgroup_fraction=0.1,
                nonmember_subgroup_fraction=None, subgroup_shift=0.0, return_X_y=False,
                random_state=None):
    """Simulate a sensitive patient cohort with members, non-members and a minority subgroup.

    Every patient has a disease status (half of them are diseased) and ``n_features``
    standardised measurements (lab markers), ``n_informative`` of which are shifted up or
    down in diseased patients.  The recorded diagnosis ``y`` is the disease status, except
    for a fraction ``label_noise`` of wrongly recorded ones.  The first ``n_members``
    patients are the **members**: the training cohort that a hospital would use to fit a
    model.  The other ``n_nonmembers`` patients come from the same population but were never
    used, so ``truth.is_member`` is the ground truth of a membership-inference attack
    [1]_ [2]_.

    A **subgroup** ``"B"`` makes up ``subgroup_fraction`` of the members and
    ``nonmember_subgroup_fraction`` of the non-members (so a training cohort can
    under-represent a group that the population served by the model holds in larger
    numbers).  Its physiology, and therefore its disease, has the same distribution as in
    group ``"A"``, but its informative measurements read ``subgroup_shift`` standard
    deviations towards disease, as an instrument calibrated on one group can read
    differently in another [3]_.  A model fitted mostly on group ``"A"`` then raises false
    alarms in group ``"B"``.

    Parameters
    ----------
    n_members : int, default=200
        Number of members (the training cohort), at least 2.
    n_nonmembers : int, default=200
        Number of non-members from the same population, at least 0.
    n_features : int, default=20
        Number of measurements per patient, at least 1.
    n_informative : int, default=5
        Number of measurements that differ between diseased and healthy patients, in
        [1, n_features].
    separation : float, default=2.0
        Distance between the diseased and the healthy patients' mean measurements, in
        within-class standard deviations along the best direction (the Mahalanobis
        distance), in [0, 20].  The best possible accuracy on correctly recorded labels is
        ``Phi(separation / 2)``: 0.84 at 2, 0.99 at 5.  0 gives labels that no model can
        predict.
    label_noise : float, default=0.0
        Probability that a diagnosis is recorded wrongly (flipped), in [0, 0.5].  Wrong
        records are what an over-fitted model memorises, so they make membership leak.
    subgroup_fraction : float, default=0.1
        Probability that a member belongs to subgroup ``"B"``, in [0, 1].
    nonmember_subgroup_fraction : float or None, default=None
        Probability that a non-member belongs to subgroup ``"B"``, in [0, 1].  ``None``
        uses ``subgroup_fraction`` (members and non-members are then one random sample).
        A larger value gives a test population with enough ``"B"`` patients to audit.
    subgroup_shift : float, default=0.0
        How many standard deviations the informative measurements of subgroup ``"B"``
        read towards disease, in [-10, 10].  0 makes the two groups identical.
    return_X_y : bool, default=False
        If True, return only ``(X, y)``.
    random_state : None, int or numpy.random.Generator, default=None
        Seed (a legacy ``RandomState`` also works).  ``None`` draws a fresh seed and
        records it in ``params``.  The global ``np.random`` state is never used.

    Returns
    -------
    data : Bunch
        With ``return_X_y=False`` (the default), a Bunch with:

        X : ndarray of shape (n_members + n_nonmembers, n_features), float32
            The measurements; members in the first ``n_members`` rows.
        y : ndarray of shape (n_members + n_nonmembers,), int64
            The recorded diagnosis (0/1), including any wrongly recorded ones.
        subgroup : ndarray of str, shape (n_members + n_nonmembers,)
            The recorded group, ``"A"`` or ``"B"`` (a sensitive attribute, kept for
            auditing).
        groups : None
            No grouping to respect when splitting.
        feature_names : ndarray of str, shape (n_features,)
            ``"marker_00"``, ``"marker_01"``, ...
        sample_ids : ndarray of str
            Record identifiers, ``"P00000"``, ``"P00001"``, ...
        truth : Bunch
            What neither an attacker nor an auditor sees: ``is_member`` (bool),
            ``subgroup`` (the same strings as ``data.subgroup``), ``in_subgroup`` (bool,
            subgroup ``"B"``), ``disease`` (the true disease status), ``label_error``
            (bool: the recorded ``y`` is wrong), ``physiology`` (``z``, the measurements
            before the subgroup's offset, float64), ``disease_proba``
            (``P(disease = 1 | x, subgroup)``), ``proba`` (the true
            ``P(y = 1 | x, subgroup)``, record errors included), ``coef`` and
            ``intercept`` (of the true log-odds of disease, per unit of ``z``),
            ``informative`` (bool mask of the informative features), ``loading`` (the
            class-mean offset ``a``), ``shift`` (the offset added to a ``"B"`` patient's
            row) and ``bayes_accuracy`` (the expected accuracy on ``y`` of the best
            possible classifier, one that knows the subgroup, on this cohort).
        params : dict
            The resolved arguments; ``random_state`` holds the integer seed used.
        DESCR : str
            The generative process in pseudo-code.

    (X, y) : tuple
        With ``return_X_y=True``.

    Warns
    -----
    UserWarning
        When fewer than 10 subgroup patients are expected in a part of the cohort that is
        meant to contain some (a per-group error rate of fewer patients is mostly noise),
        when ``separation`` is 0, or when ``label_noise`` is 0.5 (either way the labels
        carry no information).

    See Also
    --------
    make_clinical : a cohort in which an unrecorded treatment mediates a risk factor's effect.
    make_expression : gene-expression data with known informative genes.

    Notes
    -----
    The generative process (each step draws from its own random sub-stream, named in
    brackets; the members and the non-members have separate streams for every per-patient
    step):

    1. [coef] ``n_informative`` of the features are chosen at random, each with a random
       sign ``s_j``.
    2. [subgroup] A patient belongs to ``"B"`` when ``u < f``, ``u ~ U(0, 1)``, with
       ``f = subgroup_fraction`` for members and ``nonmember_subgroup_fraction`` for
       non-members.
    3. [disease] ``disease = 1[v < 0.5]``, ``v ~ U(0, 1)``.
    4. [features] The physiology: ``z_j = s_j a (2 disease - 1) + sqrt(1 - a^2) e_j`` on
       the informative features and ``z_j = e_j`` elsewhere, ``e ~ N(0, I)``, with
       ``a = r / sqrt(1 + r^2)`` and ``r = separation / (2 sqrt(n_informative))``.  Every
       feature has mean 0 and variance 1, so informative and uninformative features share
       their first two moments (the informative ones are a mixture of two close normals),
       and the class means are ``separation`` within-class standard deviations apart.
       The true log-odds of disease are linear (as in linear discriminant analysis):
       ``beta . z`` with ``beta_j = 2 a s_j / (1 - a^2)`` on the informative features.
    5. [record_errors] ``y = disease``, flipped when ``w < label_noise``, ``w ~ U(0, 1)``.
    6. The measurements are ``x = z + subgroup_shift * s * 1[B]`` on the informative
       features (``x = z`` elsewhere): for the same physiology, a ``"B"`` patient's
       informative measurements point ``subgroup_shift`` standard deviations towards
       disease.  The true probability of the recorded label is
       ``proba = (1 - e) p + e (1 - p)`` with ``p = sigmoid(beta . (x - shift))`` and
       ``e = label_noise``.

    Because each component has its own sub-stream, changing a knob with the same seed
    changes only what depends on it: ``label_noise`` only flips (or unflips) recorded
    labels, ``separation`` only moves the informative measurements (through the same
    noise), ``subgroup_shift`` only moves the informative measurements of ``"B"``
    patients, a larger ``subgroup_fraction`` only adds ``"B"`` patients, and
    ``n_nonmembers`` never changes the members (nor ``n_members`` the non-members).
    Within each part the streams are drawn patient by patient, so a larger part extends a
    smaller one.

    References
    ----------
    .. [1] Yeom S, Giacomelli I, Fredrikson M, Jha S. Privacy risk in machine learning:
       analyzing the connection to overfitting. IEEE Computer Security Foundations
       Symposium (CSF), 268-282 (2018). doi:10.1109/CSF.2018.00027
    .. [2] Shokri R, Stronati M, Song C, Shmatikov V. Membership inference attacks against
       machine learning models. IEEE Symposium on Security and Privacy, 3-18 (2017).
       doi:10.1109/SP.2017.41
    .. [3] Sjoding MW, Dickson RP, Iwashyna TJ, Gay SE, Valley TS. Racial bias in pulse
       oximetry measurement. N Engl J Med 383, 2477-2478 (2020).
       doi:10.1056/NEJMc2029240
    .. [4] Lee BD, Gitter A, Greene CS, et al. Ten quick tips for deep learning in
       biology. PLoS Comput Biol 18(3): e1009803 (2022), Tip 10.
       doi:10.1371/journal.pcbi.1009803

    Examples
    --------
    >>> from dlbio.datasets import make_cohort
    >>> data = make_cohort(200, 100, n_features=10, random_state=0)
    >>> data.X.shape, int(data.truth.is_member.sum()), str(data.feature_names[0])
    ((300, 10), 200, 'marker_00')
    >>> audit = make_cohort(500, 1000, subgroup_fraction=0.1, nonmember_subgroup_fraction=0.5,
    ...                     subgroup_shift=0.3, random_state=0)
    >>> sorted(set(audit.subgroup.tolist()))
    ['A', 'B']
    """
    # ---- 1. Check every argument. -----------------------------------------------------
    n_members = check_int(n_members, "n_members", low=2)
    n_nonmembers = check_int(n_nonmembers, "n_nonmembers", low=0)
    n_features = check_int(n_features, "n_features", low=1)
    n_informative = check_int(n_informative, "n_informative", low=1)
    if n_informative > n_features:
        raise ValueError(f"n_informative must be an int in [1, n_features] = [1, {n_features}]; "
                         f"got {n_informative}.")
    separation = check_float(separation, "separation", low=0.0, high=_MAX_SEPARATION)
    label_noise = check_float(label_noise, "label_noise", low=0.0, high=0.5)
    subgroup_fraction = check_fraction(subgroup_fraction, "subgroup_fraction")
    if nonmember_subgroup_fraction is None:
        nonmember_fraction = subgroup_fraction
    else:
        nonmember_fraction = check_fraction(nonmember_subgroup_fraction,
                                            "nonmember_subgroup_fraction")
    subgroup_shift = check_float(subgroup_shift, "subgroup_shift", low=-_MAX_SHIFT, high=_MAX_SHIFT)
    return_X_y = check_bool(return_X_y, "return_X_y")
    _, seed = check_random_state(random_state)
    check_allocation({"n_members": n_members, "n_features": n_features},
                     what="members x features matrix")
    check_allocation({"n_nonmembers": n_nonmembers, "n_features": n_features},
                     what="non-members x features matrix")
    check_allocation({"n_members + n_nonmembers": n_members + n_nonmembers},
                     bytes_per_value=64, what="patient ids")

    for name, n, fraction in (("members", n_members, subgroup_fraction),
                              ("non-members", n_nonmembers, nonmember_fraction)):
        expected = n * fraction
        if 0 < expected < _MIN_EXPECTED:
            warnings.warn(
                f"Only about {expected:.1f} patients of subgroup B are expected among the "
                f"{n} {name}; their error rates cannot be estimated. Increase the number of "
                f"{name} or the subgroup fraction.", UserWarning, stacklevel=2)
    if separation == 0.0 or label_noise == 0.5:
        cause = "separation=0" if separation == 0.0 else "label_noise=0.5"
        warnings.warn(f"With {cause} the recorded labels do not depend on the measurements; "
                      "no model can beat chance.", UserWarning, stacklevel=2)

    rng = spawn_streams(seed, _STREAMS)

    # ---- 2. Which features carry the disease, and in which direction. -----------------
    chosen = rng["coef"].choice(n_features, size=n_informative, replace=False)
    signs = np.where(rng["coef"].random(n_informative) < 0.5, -1.0, 1.0)
    informative = np.zeros(n_features, dtype=bool)
    informative[chosen] = True
    direction = np.zeros(n_features)
    direction[chosen] = signs
    loading = _loading(separation, n_informative)
    coef = direction * (2.0 * loading / (1.0 - loading ** 2))
    shift = direction * subgroup_shift  # a "B" patient's offset, towards disease

    # ---- 3. Patients: members, then non-members. --------------------------------------
    parts = [_draw_part(rng, "member", n_members, subgroup_fraction, n_features),
             _draw_part(rng, "nonmember", n_nonmembers, nonmember_fraction, n_features)]
    in_subgroup, disease_uniform, noise, error_uniform = (
        np.concatenate([part[k] for part in parts]) for k in range(4))
    n_total = n_members + n_nonmembers
    is_member = np.arange(n_total) < n_members

    disease = (disease_uniform < 0.5).astype(np.int64)
    within_sd = np.where(informative, math.sqrt(1.0 - loading ** 2), 1.0)
    physiology = (noise * within_sd[None, :]
                  + (2 * disease - 1)[:, None] * (loading * direction)[None, :])
    label_error = error_uniform < label_noise
    y = np.where(label_error, 1 - disease, disease).astype(np.int64)
    disease_proba = expit(physiology @ coef)
    proba = (1.0 - label_noise) * disease_proba + label_noise * (1.0 - disease_proba)
    X = (physiology + in_subgroup[:, None] * shift[None, :]).astype(np.float32)

    if return_X_y:
        return X, y

    subgroup = np.where(in_subgroup, "B", "A")
    width = max(2, len(str(n_features - 1)))
    feature_names = np.array([f"marker_{j:0{width}d}" for j in range(n_features)])
    sample_ids = np.array([f"P{i:05d}" for i in range(n_total)])
    truth = Bunch(
        is_member=is_member,
        subgroup=subgroup.copy(),
        in_subgroup=in_subgroup,
        disease=disease,
        label_error=label_error,
        physiology=physiology,
        disease_proba=disease_proba,
        proba=proba,
        coef=coef,
        intercept=0.0,
        informative=informative,
        loading=loading,
        shift=shift,
        bayes_accuracy=float(np.mean(np.maximum(proba, 1.0 - proba))),
    )
    params = dict(n_members=n_members, n_nonmembers=n_nonmembers, n_features=n_features,
                  n_informative=n_informative, separation=separation, label_noise=label_noise,
                  subgroup_fraction=subgroup_fraction,
                  nonmember_subgroup_fraction=(None if nonmember_subgroup_fraction is None
                                               else nonmember_fraction),
                  subgroup_shift=subgroup_shift, random_state=seed)
    return Bunch(X=X, y=y, subgroup=subgroup, groups=None, feature_names=feature_names,
                 sample_ids=sample_ids, truth=truth, params=params, DESCR=_COHORT_DESCR)

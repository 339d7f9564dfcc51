"""Rare positives: a two-class Gaussian problem with an exact, small prevalence."""
from __future__ import annotations

import math
import warnings

import numpy as np
from scipy.special import expit, logit as _logit
from sklearn.metrics import average_precision_score, roc_auc_score
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

__all__ = ["make_imbalanced"]

# Names of the independent random sub-streams, in the fixed order they are spawned.
_STREAMS = ("features", "labels", "noise")

_DESCR = """\
Simulated rare positives: n_samples samples, n_features standardised features.

for each feature f:                                            # sub-stream "features"
    informative[f]: n_informative features chosen at random
    effect[f] = +/-effect_size on informative features (random sign), else 0
y: exactly n_pos = round(n_samples * prevalence) ones at random rows    # "labels"
pi = n_pos / n_samples                                   (the realised prevalence)
for each sample i and feature f:                                       # "noise"
    sigma[f] = sqrt(1 - effect[f]**2 * pi * (1 - pi))
    X[i, f] = effect[f] * (y[i] - pi) + sigma[f] * z[i, f],   z ~ Normal(0, 1)

Every feature has mean 0 and variance 1 over the whole sample, informative or not.
Within a class the informative features are Gaussian with the same variance, so the
Bayes posterior is a logistic function of X (linear discriminant analysis):
    logit P(y=1 | x) = logit(pi) + sum_f (effect[f] * x[f]
                                          - effect[f]**2 * (1 - 2 pi) / 2) / sigma[f]**2
truth.proba holds it; truth.bayes_auroc and truth.bayes_auprc are the ceilings any model
can reach on these samples.  A model that scores every sample alike has an AUPRC equal
to the prevalence, and the majority-class rule has accuracy 1 - pi."""


def make_imbalanced(n_samples=10_000, n_features=20, *, n_informative=5, prevalence=0.01,
                    effect_size=1.0, return_X_y=False, random_state=None):
    """Simulate a classification problem with rare positives and an exact prevalence.

    Exactly ``round(n_samples * prevalence)`` samples are positive (for example cases of
    a rare disease, or the 1% of compounds that are active in a screen).  Positives
    differ from negatives by a mean shift of ``effect_size`` standard deviations on a few
    informative features; the other features are pure noise.  Because the true
    probability of every sample is known, the best AUROC and AUPRC that any model can
    reach are known too.

    Parameters
    ----------
    n_samples : int, default=10000
        Number of samples, at least 2.
    n_features : int, default=20
        Number of features, at least 1.
    n_informative : int, default=5
        Number of features whose mean differs between the classes, in
        ``[0, n_features]``.  0 gives a null data set (labels unrelated to ``X``).
    prevalence : float, default=0.01
        Fraction of positive samples, in (0, 1).  ``round(n_samples * prevalence)`` must
        be at least 1 and at most ``n_samples - 1``.
    effect_size : float, default=1.0
        Difference between the class means on an informative feature (>= 0), in units of
        the feature's overall standard deviation (which is 1).  Must satisfy
        ``effect_size**2 * pi * (1 - pi) < 1`` with ``pi`` the realised prevalence, so
        that some within-class noise is left (about ``effect_size < 10`` at 1%).
    return_X_y : bool, default=False
        If True, return only ``(X, y)``.
    random_state : None, int or numpy.random.Generator, default=None
        Seed (a legacy ``RandomState`` also works).  ``None`` draws a fresh seed and
        records it in ``params``.  The global ``np.random`` state is never used.

    Returns
    -------
    data : Bunch
        With ``return_X_y=False`` (the default), a Bunch with:

        X : ndarray of shape (n_samples, n_features), float32
            Standardised features.
        y : ndarray of shape (n_samples,), int64
            Binary labels with exactly ``truth.n_positives`` ones.
        groups : None
            No grouping structure in this data set.
        feature_names, sample_ids : ndarray of str
            ``"feature_00"``, ... and ``"sample_00000"``, ...
        truth : Bunch
            Hidden ground truth:

            - ``informative`` (bool, n_features) and ``effect`` (the signed difference
              of the class means, 0 on uninformative features);
            - ``n_positives`` and ``prevalence`` (the realised prevalence ``pi``);
            - ``noise_sd`` (n_features): the within-class standard deviation ``sigma``;
            - ``logit`` and ``proba`` (n_samples): the true ``P(y=1 | x)``;
            - ``bayes_auroc`` and ``bayes_auprc``: AUROC and AUPRC of ``proba`` on these
              samples, the ceilings for any model (without an informative feature,
              where every sample has the same probability, the no-skill levels 0.5
              and ``pi``).
        params : dict
            The resolved arguments; ``random_state`` holds the integer seed used.
        DESCR : str
            The generative process in pseudo-code.

    (X, y) : tuple
        With ``return_X_y=True``.

    Warns
    -----
    UserWarning
        When there are fewer than 10 positives (or negatives): every metric that depends
        on the rare class will be very noisy.

    See Also
    --------
    sklearn.datasets.make_classification : its ``weights`` argument also fixes the class
        counts, but it gives no true probabilities.

    Notes
    -----
    The generative process, for sample ``i`` and feature ``f``:

    1. ``n_informative`` features, chosen uniformly at random, get a class-mean
       difference ``delta_f = +/-effect_size`` (random sign); the others get 0.
    2. Exactly ``n_pos = round(n_samples * prevalence)`` samples, chosen uniformly at
       random, are positive; ``pi = n_pos / n_samples``.
    3. ``X_if = delta_f (y_i - pi) + sigma_f z_if`` with ``z_if ~ N(0, 1)`` and
       ``sigma_f = sqrt(1 - delta_f**2 pi (1 - pi))``.  Every feature then has mean 0 and
       variance 1 over the population of samples, so an informative feature cannot be
       recognised from its marginal mean or variance.
    4. Within each class, the features are independent Gaussians with a shared variance,
       so the posterior probability is logistic in ``x`` (the linear discriminant
       analysis model [1]_): ``logit P(y=1|x) = logit(pi) + sum_f (delta_f x_f -
       delta_f**2 (1 - 2 pi) / 2) / sigma_f**2``.

    The exact class count follows ``make_classification(weights=...)``; the true
    probability, the Bayes ceilings and the equal marginals follow the course's recipe
    for imbalanced data.  At 1% positives the majority-class rule is 99% accurate, the
    AUPRC of a model without skill equals the prevalence, and the AUPRC of a good model is
    far below its AUROC [2]_, [3]_.

    Each step draws from its own random sub-stream ("features", "labels", "noise").  With
    the same seed, changing ``effect_size`` changes only the informative columns of
    ``X``; changing ``prevalence`` keeps the same random order of the samples (the
    positives at a lower prevalence are a subset of those at a higher one) and the same
    noise, so uninformative columns do not change; changing ``n_informative`` keeps the
    earlier informative features.

    References
    ----------
    .. [1] Hastie T, Tibshirani R, Friedman J. The Elements of Statistical Learning,
       2nd ed. Springer (2009), section 4.3 (linear discriminant analysis).
    .. [2] Saito T, Rehmsmeier M. The precision-recall plot is more informative than the
       ROC plot when evaluating binary classifiers on imbalanced datasets. PLoS ONE 10(3):
       e0118432 (2015). doi:10.1371/journal.pone.0118432
    .. [3] Lee BD, Gitter A, Greene CS, et al. Ten quick tips for deep learning in
       biology. PLoS Comput Biol 18(3): e1009803 (2022), Tip 7.
       doi:10.1371/journal.pcbi.1009803

    Examples
    --------
    >>> from dlbio.datasets import make_imbalanced
    >>> data = make_imbalanced(2000, 10, n_informative=3, prevalence=0.01, random_state=0)
    >>> data.X.shape, int(data.y.sum()), data.truth.prevalence
    ((2000, 10), 20, 0.01)
    """
    # ---- 1. Check every argument, then the constraints between them. -----------------
    try:
        n_samples = check_int(n_samples, "n_samples", low=2)
    except ValueError as err:
        raise ValueError(f"{err} At least two samples are needed to hold both classes.") from None
    n_features = check_int(n_features, "n_features", low=1)
    n_informative = check_int(n_informative, "n_informative", low=0)
    if n_informative > n_features:
        raise ValueError(f"n_informative must be an int in [0, n_features={n_features}]; "
                         f"got {n_informative}.")
    prevalence = check_fraction(prevalence, "prevalence", low_inclusive=False,
                                high_inclusive=False)
    effect_size = check_float(effect_size, "effect_size", low=0.0)
    if math.isinf(effect_size):
        raise ValueError(f"effect_size must be a finite number in [0, inf); got {effect_size}.")
    return_X_y = check_bool(return_X_y, "return_X_y")

    n_pos = int(round(n_samples * prevalence))
    if not 1 <= n_pos <= n_samples - 1:
        raise ValueError(
            f"prevalence must give at least one positive and one negative sample: "
            f"round(n_samples * prevalence) must be in [1, {n_samples - 1}] with "
            f"n_samples={n_samples}; got prevalence={prevalence:g} "
            f"({n_pos} positives). Increase n_samples or change prevalence.")
    pi = n_pos / n_samples
    # effect_size * effect_size, not effect_size**2: a product overflows to inf (and is
    # refused here), where ** raises OverflowError for huge values such as 1e300.
    if n_informative > 0 and effect_size * effect_size * pi * (1.0 - pi) >= 1.0:
        limit = 1.0 / math.sqrt(pi * (1.0 - pi))
        raise ValueError(
            f"effect_size must be a number in [0, {limit:.4g}) when the realised "
            f"prevalence is {pi:g}: the features have variance 1, so effect_size**2 * "
            f"pi * (1 - pi) must stay below 1; got {effect_size:g}.")
    _, seed = check_random_state(random_state)
    check_allocation({"n_samples": n_samples, "n_features": n_features},
                     what="samples x features matrix")

    if min(n_pos, n_samples - n_pos) < 10:
        rare = "positive" if n_pos <= n_samples - n_pos else "negative"
        warnings.warn(
            f"Only {min(n_pos, n_samples - n_pos)} {rare} samples (n_samples={n_samples}, "
            f"prevalence={prevalence:g}): every metric that depends on the rare class "
            "will be very noisy. Increase n_samples.", UserWarning, stacklevel=2)

    rng = spawn_streams(seed, _STREAMS)

    # ---- 2. Informative features ("features") and labels ("labels"). -----------------
    order = rng["features"].permutation(n_features)
    sign = rng["features"].integers(0, 2, size=n_features) * 2 - 1
    informative = np.zeros(n_features, dtype=bool)
    informative[order[:n_informative]] = True
    effect = np.where(informative, effect_size * sign, 0.0)

    positives = rng["labels"].permutation(n_samples)[:n_pos]
    y = np.zeros(n_samples, dtype=np.int64)
    y[positives] = 1

    # ---- 3. Features ("noise"). -------------------------------------------------------
    noise_sd = np.sqrt(1.0 - effect**2 * pi * (1.0 - pi))
    z = rng["noise"].standard_normal((n_samples, n_features))
    X = ((y[:, None] - pi) * effect[None, :] + z * noise_sd[None, :]).astype(np.float32)

    if return_X_y:
        return X, y

    # ---- 4. The Bayes posterior (linear discriminant analysis), of X as returned. -----
    weight = effect / noise_sd**2
    offset = float(np.sum(effect**2 * (1.0 - 2.0 * pi) / (2.0 * noise_sd**2)))
    logit = float(_logit(pi)) + X.astype(np.float64) @ weight - offset
    proba = expit(logit)
    if n_informative > 0:
        bayes_auroc = float(roc_auc_score(y, proba))
        bayes_auprc = float(average_precision_score(y, proba))
    else:  # every sample has the same probability: the ceilings are the no-skill levels
        bayes_auroc, bayes_auprc = 0.5, float(pi)

    width = max(2, len(str(n_features - 1)))
    feature_names = np.array([f"feature_{j:0{width}d}" for j in range(n_features)])
    width = max(5, len(str(n_samples - 1)))
    sample_ids = np.array([f"sample_{i:0{width}d}" for i in range(n_samples)])

    truth = Bunch(
        informative=informative,
        effect=effect,
        n_positives=n_pos,
        prevalence=pi,
        noise_sd=noise_sd,
        logit=logit,
        proba=proba,
        bayes_auroc=bayes_auroc,
        bayes_auprc=bayes_auprc,
    )
    params = dict(n_samples=n_samples, n_features=n_features, n_informative=n_informative,
                  prevalence=prevalence, effect_size=effect_size, random_state=seed)
    return Bunch(X=X, y=y, groups=None, feature_names=feature_names, sample_ids=sample_ids,
                 truth=truth, params=params, DESCR=_DESCR)

"""Paired comparison of two classifiers scored on the same samples (Tip 3).

When two models are scored on the *same* tuning or test samples, most of the sampling noise
of the two accuracies is shared: a hard sample is hard for both.  The noise in their
*difference* comes only from the samples on which the two models disagree.  McNemar's test
and a paired bootstrap use exactly that; comparing two separate intervals does not.
"""
from __future__ import annotations

import numpy as np
from scipy.stats import binomtest
from sklearn.utils import Bunch

from ._validation import check_float, check_int, check_random_state

__all__ = ["mcnemar_test", "paired_bootstrap"]


def _check_predictions(y_true, pred_a, pred_b) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    arrays = []
    for name, values in [("y_true", y_true), ("pred_a", pred_a), ("pred_b", pred_b)]:
        array = np.asarray(values)
        if array.ndim != 1:
            raise ValueError(f"{name} must be 1-D (one label per sample); got shape {array.shape}.")
        if array.size == 0:
            raise ValueError(f"{name} must hold at least one sample; got 0.")
        arrays.append(array)
    if not arrays[0].shape == arrays[1].shape == arrays[2].shape:
        raise ValueError("y_true, pred_a and pred_b must have the same length (the same samples, in the same "
                         f"order); got {len(arrays[0])}, {len(arrays[1])} and {len(arrays[2])}.")
    return tuple(arrays)


def mcnemar_test(y_true, pred_a, pred_b) -> Bunch:
    """Exact McNemar test of two classifiers' accuracies on the same samples.

    Only the discordant samples carry information about which model is more accurate:
    ``only_a`` samples that model A gets right and B wrong, ``only_b`` the reverse.  If
    the two models are equally accurate, each discordant sample is a fair coin, so
    ``only_a`` follows a Binomial(only_a + only_b, 1/2); the two-sided exact binomial
    p-value is returned.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    pred_a, pred_b : array-like of shape (n_samples,)
        Predicted labels of models A and B for the same samples, in the same order.

    Returns
    -------
    Bunch
        ``difference`` (accuracy of A minus accuracy of B), ``only_a``, ``only_b``,
        ``n_discordant``, ``n`` and ``p_value`` (1.0 when the models never disagree on
        correctness).

    Examples
    --------
    >>> r = mcnemar_test([0, 1, 1, 0], [0, 1, 1, 1], [0, 1, 0, 1])
    >>> r.only_a, r.only_b, r.difference
    (1, 0, 0.25)
    """
    y_true, pred_a, pred_b = _check_predictions(y_true, pred_a, pred_b)
    right_a, right_b = pred_a == y_true, pred_b == y_true
    only_a = int(np.sum(right_a & ~right_b))
    only_b = int(np.sum(~right_a & right_b))
    n_discordant = only_a + only_b
    p_value = 1.0 if n_discordant == 0 else float(binomtest(only_a, n_discordant, 0.5).pvalue)
    return Bunch(difference=float(right_a.mean() - right_b.mean()), only_a=only_a, only_b=only_b,
                 n_discordant=n_discordant, n=len(y_true), p_value=p_value)


def paired_bootstrap(y_true, pred_a, pred_b, *, n_boot: int = 2000, confidence: float = 0.95,
                     random_state=0) -> Bunch:
    """Bootstrap interval for the difference in accuracy of two models on the same samples.

    Each bootstrap replicate draws the samples with replacement *once* and scores both
    models on that same draw (paired).  For contrast, ``unpaired_sd`` is the standard
    deviation the difference would have if each accuracy were resampled on its own draw,
    as if the two models had been scored on different samples.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    pred_a, pred_b : array-like of shape (n_samples,)
        Predicted labels of models A and B for the same samples.
    n_boot : int, default=2000
        Number of bootstrap replicates, at least 100.
    confidence : float, default=0.95
        Coverage of the percentile interval, in (0, 1).
    random_state : int, numpy.random.Generator or None, default=0
        Seed of the resampling.

    Returns
    -------
    Bunch
        ``difference`` (accuracy A minus B on all samples), ``low`` and ``high`` (the
        percentile interval), ``sd`` (paired bootstrap sd of the difference) and
        ``unpaired_sd``.
    """
    y_true, pred_a, pred_b = _check_predictions(y_true, pred_a, pred_b)
    n_boot = check_int(n_boot, "n_boot", low=100, high=1_000_000)
    confidence = check_float(confidence, "confidence", low=0.0, high=1.0, low_inclusive=False,
                             high_inclusive=False)
    rng, _ = check_random_state(random_state)
    right_a = (pred_a == y_true).astype(float)
    right_b = (pred_b == y_true).astype(float)
    n = len(y_true)
    draws = rng.integers(0, n, size=(n_boot, n))
    paired = right_a[draws].mean(axis=1) - right_b[draws].mean(axis=1)
    other = rng.integers(0, n, size=(n_boot, n))
    unpaired = right_a[draws].mean(axis=1) - right_b[other].mean(axis=1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(paired, [tail, 1 - tail])
    return Bunch(difference=float(right_a.mean() - right_b.mean()), low=float(low), high=float(high),
                 sd=float(paired.std(ddof=1)), unpaired_sd=float(unpaired.std(ddof=1)))

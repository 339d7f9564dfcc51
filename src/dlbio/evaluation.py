"""Evaluation metrics for binary classifiers, reported together as one "panel".

A single number hides too much: accuracy looks good on imbalanced data even for a model
that always predicts the majority class, and AUROC looks good when positives are rare.
``metric_panel`` therefore always reports threshold-free ranking metrics (AUROC, AUPRC)
next to thresholded ones (accuracy, balanced accuracy, MCC) and the prevalence, which is
what the AUPRC must be compared with.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from ._validation import check_float, check_int

__all__ = ["metric_panel", "format_panel"]

#: Keys of the dictionary returned by :func:`metric_panel`, in display order.
PANEL_KEYS = ("n", "prevalence", "accuracy", "balanced_accuracy", "auroc", "auprc", "mcc",
              "threshold")


def _as_1d(values, name: str) -> np.ndarray:
    """Turn a list, Series, tensor, ... into a 1-D array; an (n, 1) column is flattened."""
    try:
        array = np.asarray(values)
    except Exception as err:  # e.g. a torch tensor that still requires grad
        raise TypeError(f"{name} must be a 1-D array-like of numbers; could not convert "
                        f"an object of type {type(values).__name__} ({err}). For a torch "
                        "tensor use tensor.detach().cpu().numpy().") from None
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        hint = (" For predict_proba output of shape (n, 2) use [:, 1]."
                if array.ndim == 2 and array.shape[1] == 2 else "")
        raise ValueError(f"{name} must be 1-D (one value per sample); got an array of "
                         f"shape {array.shape}.{hint}")
    return array


def _check_labels(y_true) -> np.ndarray:
    y = _as_1d(y_true, "y_true")
    if y.dtype == bool:
        return y.astype(np.int64)
    if not (np.issubdtype(y.dtype, np.integer) or np.issubdtype(y.dtype, np.floating)):
        raise TypeError(f"y_true must hold binary labels 0/1 (or True/False); got values of "
                        f"dtype {y.dtype}.")
    bad = ~np.isin(y, (0, 1))
    if bad.any():
        seen = np.unique(y[bad])[:5]
        raise ValueError(f"y_true must hold binary labels in {{0, 1}} (or True/False); got "
                         f"other values such as {seen.tolist()}.")
    return y.astype(np.int64)


def _check_scores(y_score) -> np.ndarray:
    s = _as_1d(y_score, "y_score")
    if s.dtype == bool:
        s = s.astype(np.float64)
    if not (np.issubdtype(s.dtype, np.integer) or np.issubdtype(s.dtype, np.floating)):
        raise TypeError(f"y_score must hold real-valued scores; got values of dtype "
                        f"{s.dtype}.")
    s = s.astype(np.float64)
    not_finite = ~np.isfinite(s)
    if not_finite.any():
        first = int(np.flatnonzero(not_finite)[0])
        raise ValueError(f"y_score must be finite; got {int(not_finite.sum())} NaN or "
                         f"infinite value(s), the first at index {first} ({s[first]}). A "
                         "NaN score usually means training diverged (try a smaller "
                         "learning rate).")
    return s


def metric_panel(y_true, y_score, *, threshold=0.5) -> dict:
    """Compute the standard panel of metrics for a binary classifier.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels, 0/1 or False/True.  Both classes must be present.
    y_score : array-like of shape (n_samples,)
        Scores for the positive class (a probability, a logit, any real number where
        larger means "more likely positive").  An ``(n_samples, 1)`` column is accepted.
        For ``predict_proba`` output pass ``proba[:, 1]``.
    threshold : float, default=0.5
        A sample is predicted positive when ``y_score >= threshold``.  Use 0.5 for
        probabilities and 0.0 for logits.  AUROC and AUPRC do not depend on it.

    Returns
    -------
    panel : dict
        ``n``
            Number of samples.
        ``prevalence``
            Fraction of positives, ``mean(y_true)``.  This is also the AUPRC that a
            no-skill model (random scores) gets on average, so an AUPRC is only good
            relative to it.
        ``accuracy``
            Fraction of correct predictions at ``threshold``.
        ``balanced_accuracy``
            Mean of sensitivity and specificity; 0.5 for a constant prediction whatever
            the prevalence.
        ``auroc``
            Area under the ROC curve; 0.5 for random scores whatever the prevalence.
        ``auprc``
            Area under the precision-recall curve (average precision); compare with
            ``prevalence``, the no-skill value.
        ``mcc``
            Matthews correlation coefficient in [-1, 1]; 0 for random or constant
            predictions (set to 0 when it is undefined because a row or column of the
            confusion matrix is empty).
        ``threshold``
            The threshold that was used.

    Raises
    ------
    ValueError
        If the lengths differ, a label is not 0/1, a score is NaN or infinite, or only
        one class is present (AUROC and AUPRC are undefined).

    Notes
    -----
    With ``TP, FP, TN, FN`` the confusion-matrix counts at ``threshold``:
    ``balanced_accuracy = (TP/(TP+FN) + TN/(TN+FP)) / 2`` and
    ``mcc = (TP*TN - FP*FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN))``.
    AUROC and AUPRC come from :func:`sklearn.metrics.roc_auc_score` and
    :func:`sklearn.metrics.average_precision_score`.

    References
    ----------
    .. [1] Saito T, Rehmsmeier M. The precision-recall plot is more informative than the
       ROC plot when evaluating binary classifiers on imbalanced datasets. PLoS ONE 10(3):
       e0118432 (2015). doi:10.1371/journal.pone.0118432
    .. [2] Chicco D, Jurman G. The advantages of the Matthews correlation coefficient
       (MCC) over F1 score and accuracy in binary classification evaluation. BMC Genomics
       21, 6 (2020). doi:10.1186/s12864-019-6413-7

    Examples
    --------
    >>> panel = metric_panel([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9])
    >>> panel["accuracy"], panel["auroc"]
    (0.5, 0.75)
    """
    y = _check_labels(y_true)
    s = _check_scores(y_score)
    threshold = check_float(threshold, "threshold")
    if len(y) != len(s):
        raise ValueError(f"y_true and y_score must have the same length (one score per "
                         f"sample); got {len(y)} labels and {len(s)} scores.")
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        only = "negatives (0)" if n_pos == 0 else "positives (1)"
        raise ValueError(f"y_true must contain both classes: AUROC and AUPRC are undefined "
                         f"when there are only {only}; got {len(y)} labels, all {only}. "
                         "Use a stratified split or a larger test set.")

    pred = s >= threshold
    truth = y == 1
    tp = int(np.sum(pred & truth))
    fp = int(np.sum(pred & ~truth))
    tn = int(np.sum(~pred & ~truth))
    fn = int(np.sum(~pred & truth))
    denominator = math.sqrt(float(tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    mcc = (tp * tn - fp * fn) / denominator if denominator > 0 else 0.0

    return {
        "n": int(len(y)),
        "prevalence": n_pos / len(y),
        "accuracy": (tp + tn) / len(y),
        "balanced_accuracy": 0.5 * (tp / n_pos + tn / n_neg),
        "auroc": float(roc_auc_score(y, s)),
        "auprc": float(average_precision_score(y, s)),
        "mcc": float(mcc),
        "threshold": threshold,
    }


def format_panel(panel, *, digits=3) -> str:
    """Render a metric panel on one readable line.

    Parameters
    ----------
    panel : dict
        The output of :func:`metric_panel`.
    digits : int, default=3
        Number of decimals shown.

    Returns
    -------
    str
        For example ``"n=400  prevalence=0.500  accuracy=0.845  balanced_accuracy=0.844
        AUROC=0.921  AUPRC=0.915 (no skill: 0.500)  MCC=0.690"`` (on one line).

    Examples
    --------
    >>> print(format_panel(metric_panel([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9])))
    ... # doctest: +NORMALIZE_WHITESPACE
    n=4  prevalence=0.500  accuracy=0.500  balanced_accuracy=0.500  AUROC=0.750
    AUPRC=0.833 (no skill: 0.500)  MCC=0.000
    """
    if not isinstance(panel, Mapping):
        raise TypeError(f"panel must be the dict returned by metric_panel; got an object "
                        f"of type {type(panel).__name__}.")
    required = PANEL_KEYS[:-1]  # the threshold is optional
    missing = [key for key in required if key not in panel]
    if missing:
        raise ValueError(f"panel must be the dict returned by metric_panel; it lacks the "
                         f"key(s) {', '.join(repr(k) for k in missing)}.")
    digits = check_int(digits, "digits", low=0, high=10)

    def f(key):
        return f"{float(panel[key]):.{digits}f}"

    return (f"n={int(panel['n'])}  prevalence={f('prevalence')}  accuracy={f('accuracy')}  "
            f"balanced_accuracy={f('balanced_accuracy')}  AUROC={f('auroc')}  "
            f"AUPRC={f('auprc')} (no skill: {f('prevalence')})  MCC={f('mcc')}")

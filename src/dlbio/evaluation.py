"""Evaluation metrics for binary classifiers, and tables that compare models.

A single number hides too much: accuracy looks good on imbalanced data even for a model
that always predicts the majority class, and AUROC looks good when positives are rare.
``metric_panel`` therefore always reports threshold-free ranking metrics (AUROC, AUPRC)
next to thresholded ones (accuracy, balanced accuracy, MCC) and the prevalence, which is
what the AUPRC must be compared with.

A comparison of several models is only as informative as its spread and its budget:
``summarize_scores`` and ``results_table`` report every model's scores over folds (or
seeds) as mean ± sd, next to how much tuning each model received, and
``best_candidate_scores`` pulls the per-fold scores of the chosen setting out of a
fitted scikit-learn search.

An estimate is only honest if the data it is computed on played no part in building the
model: ``train_tune_test_split`` makes a stratified training / tuning / test split,
``LockedTestSet`` keeps the test part for a single, logged evaluation, and
``pairwise_identity`` with ``identity_clusters`` gives the groups for a split that keeps
related sequences (homologues) on one side.

An audit asks who pays for a model's errors: ``group_error_rates`` gives both error types
per group with exact intervals, ``rule_costs`` the cost of a per-group threshold rule for
each patient, ``lowest_rule_cost`` the lowest cost any threshold reaches in each group, and
``paired_difference`` compares two rules on the same patients.
"""
from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Mapping
from datetime import datetime, timezone

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

from ._validation import check_choice, check_finite, check_float, check_int, check_random_state

__all__ = ["metric_panel", "format_panel", "summarize_scores", "format_mean_sd",
           "results_table", "best_candidate_scores", "train_tune_test_split", "LockedTestSet",
           "TestSetReuseError", "pairwise_identity", "identity_clusters", "multiclass_panel",
           "proportion_interval", "group_error_rates", "rule_costs", "lowest_rule_cost",
           "paired_difference", "bootstrap_auroc"]

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


def _check_labels(y_true, name: str = "y_true") -> np.ndarray:
    y = _as_1d(y_true, name)
    if y.dtype == bool:
        return y.astype(np.int64)
    if not (np.issubdtype(y.dtype, np.integer) or np.issubdtype(y.dtype, np.floating)):
        raise TypeError(f"{name} must hold binary labels 0/1 (or True/False); got values of "
                        f"dtype {y.dtype}.")
    bad = ~np.isin(y, (0, 1))
    if bad.any():
        seen = np.unique(y[bad])[:5]
        raise ValueError(f"{name} must hold binary labels in {{0, 1}} (or True/False); got "
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
    for key in required:
        value = panel[key]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(f"panel[{key!r}] must be a number; got {value!r} of type "
                            f"{type(value).__name__}.")
        if not math.isfinite(value):
            raise ValueError(f"panel[{key!r}] must be a finite number; got {value!r}. "
                             "metric_panel never returns NaN: was the panel edited or built "
                             "by hand?")
    if float(panel["n"]) != int(panel["n"]) or int(panel["n"]) < 1:
        raise ValueError(f"panel['n'] must be a whole number of samples >= 1; got "
                         f"{panel['n']!r}.")

    def f(key):
        return f"{float(panel[key]):.{digits}f}"

    return (f"n={int(panel['n'])}  prevalence={f('prevalence')}  accuracy={f('accuracy')}  "
            f"balanced_accuracy={f('balanced_accuracy')}  AUROC={f('auroc')}  "
            f"AUPRC={f('auprc')} (no skill: {f('prevalence')})  MCC={f('mcc')}")


def multiclass_panel(y_true, y_proba) -> dict:
    """Metrics for a classifier of K >= 2 classes: one-vs-rest AUROC and a per-class table.

    Each class ``k`` is scored one-vs-rest: is a sample of class ``k`` (positive) or of any
    other class (negative), with ``y_proba[:, k]`` as the score.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Integer class labels 0 to K-1 (whole-number floats are accepted).  Every class must
        occur, and no class may hold every sample.
    y_proba : array-like of shape (n_samples, K)
        Predicted class probabilities, as from ``predict_proba``: finite values in [0, 1]
        whose rows sum to 1.

    Returns
    -------
    dict
        ``n``, ``n_classes``;
        ``accuracy``: fraction of samples whose most probable class is the true one (no
        skill: the largest class prevalence);
        ``balanced_accuracy``: the mean over classes of the fraction of that class
        predicted correctly (no skill: ``1 / K``);
        ``macro_auroc``: the mean of the K one-vs-rest AUROCs, every class weighted
        equally, so rare classes count as much as common ones (no skill: 0.5);
        ``micro_auroc``: one AUROC over all ``n * K`` (sample, class) pairs, dominated by
        the common classes (no skill: 0.5);
        ``per_class``: a DataFrame with one row per class and the columns ``n``,
        ``prevalence``, ``auroc``, ``auprc`` (no skill: the prevalence), ``recall`` (the
        fraction of the class predicted as it) and ``precision`` (the fraction of the
        predictions of the class that are right; 0 when it is never predicted).

    Examples
    --------
    >>> panel = multiclass_panel([0, 1, 2, 2], [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1],
    ...                                          [0.1, 0.2, 0.7], [0.5, 0.1, 0.4]])
    >>> panel["accuracy"], panel["macro_auroc"]
    (0.75, 1.0)
    >>> panel["per_class"]["recall"].tolist()
    [1.0, 1.0, 0.5]
    """
    try:
        proba = np.asarray(y_proba, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"y_proba must be a 2-D array of probabilities; got an object of "
                        f"type {type(y_proba).__name__}.") from None
    if proba.ndim != 2 or proba.shape[1] < 2:
        raise ValueError(f"y_proba must have shape (n_samples, n_classes) with at least 2 "
                         f"classes; got shape {proba.shape}.")
    n_classes = proba.shape[1]
    labels = _as_1d(y_true, "y_true")
    if labels.dtype.kind not in "biuf":
        raise TypeError(f"y_true must hold integer class labels 0 to {n_classes - 1}; got "
                        f"values of dtype {labels.dtype}.")
    if labels.dtype.kind == "f" and not (np.isfinite(labels).all()
                                         and np.array_equal(labels, np.round(labels))):
        raise ValueError(f"y_true must hold integer class labels 0 to {n_classes - 1}; got "
                         "values that are not whole numbers.")
    labels = labels.astype(np.int64)
    if len(labels) != len(proba):
        raise ValueError(f"y_true and y_proba must have the same number of samples; got "
                         f"{len(labels)} labels and {len(proba)} rows.")
    if not np.isfinite(proba).all() or proba.min() < 0 or proba.max() > 1 or not np.allclose(
            proba.sum(axis=1), 1.0, atol=1e-6):
        raise ValueError("y_proba must hold finite probabilities in [0, 1] whose rows sum to "
                         "1 (use predict_proba, or a softmax of the logits).")
    counts = np.bincount(labels[(labels >= 0) & (labels < n_classes)], minlength=n_classes)
    if len(labels) and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"y_true must hold class labels 0 to {n_classes - 1} (one column of "
                         f"y_proba per class); got labels from {labels.min()} to "
                         f"{labels.max()}.")
    if (counts == 0).any() or (counts == len(labels)).any():
        raise ValueError(f"y_true must contain every one of the {n_classes} classes, and "
                         f"more than one class, for one-vs-rest AUROC; got class counts "
                         f"{counts.tolist()}.")

    predicted = proba.argmax(axis=1)
    one_hot = labels[:, None] == np.arange(n_classes)[None, :]
    rows = []
    for k in range(n_classes):
        is_k, said_k = one_hot[:, k], predicted == k
        rows.append({"n": int(counts[k]), "prevalence": counts[k] / len(labels),
                     "auroc": float(roc_auc_score(is_k, proba[:, k])),
                     "auprc": float(average_precision_score(is_k, proba[:, k])),
                     "recall": float(np.mean(said_k[is_k])),
                     "precision": float(np.mean(is_k[said_k])) if said_k.any() else 0.0})
    per_class = pd.DataFrame(rows, index=pd.Index(range(n_classes), name="class"))
    return {
        "n": int(len(labels)),
        "n_classes": int(n_classes),
        "accuracy": float(np.mean(predicted == labels)),
        "balanced_accuracy": float(per_class["recall"].mean()),
        "macro_auroc": float(per_class["auroc"].mean()),
        "micro_auroc": float(roc_auc_score(one_hot.ravel(), proba.ravel())),
        "per_class": per_class,
    }


# ----------------------------------------------------------------------------------------
# Comparing models: mean ± sd tables
# ----------------------------------------------------------------------------------------
#: What a missing cell of :func:`results_table` shows.
MISSING = "–"


def _check_scores_1d(values, what: str) -> np.ndarray:
    """Scores of one model as a 1-D float array with at least one finite value."""
    if isinstance(values, (str, bytes, bool, np.bool_)) or values is None:
        raise TypeError(f"{what} must be a number or a 1-D array-like of numbers; got "
                        f"{values!r} of type {type(values).__name__}.")
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be a number or a 1-D array-like of numbers; got an "
                        f"object of type {type(values).__name__}.") from None
    array = np.atleast_1d(array)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{what} must hold at least one score in a 1-D array; got shape "
                         f"{array.shape}.")
    if not np.isfinite(array).all():
        raise ValueError(f"{what} must be finite; got {array.tolist()}. A NaN score "
                         "usually means a fit failed in one fold (see error_score in "
                         "scikit-learn).")
    return array


def _check_model_name(name, what: str) -> str:
    if not isinstance(name, str) or not name:
        raise TypeError(f"{what} must map model names (non-empty strings) to scores; got "
                        f"the key {name!r} of type {type(name).__name__}.")
    return name


def summarize_scores(scores) -> pd.DataFrame:
    """Mean, standard deviation and count of each model's scores.

    Parameters
    ----------
    scores : mapping of str to array-like of float
        For each model, its scores over cross-validation folds (or seeds, or bootstrap
        samples), e.g. the output of ``cross_val_score``.  A single number counts as one
        score.

    Returns
    -------
    pandas.DataFrame
        One row per model, in the order given, with the columns ``mean``, ``sd`` (the
        sample standard deviation, ``ddof=1``; NaN for a single score) and ``n``.

    Raises
    ------
    TypeError
        If ``scores`` is not a mapping, a key is not a string or a value is not numeric.
    ValueError
        If ``scores`` is empty, or a model has no scores or a NaN or infinite score.

    Examples
    --------
    >>> summarize_scores({"LR": [0.8, 0.9, 0.85], "RF": 0.75})
        mean    sd  n
    LR  0.85  0.05  3
    RF  0.75   NaN  1
    """
    if not isinstance(scores, Mapping):
        raise TypeError(f"scores must be a mapping of model names to scores (a dict); got "
                        f"an object of type {type(scores).__name__}.")
    if not scores:
        raise ValueError("scores must hold at least one model; got an empty mapping.")
    rows = {}
    for name, values in scores.items():
        _check_model_name(name, "scores")
        array = _check_scores_1d(values, f"scores[{name!r}]")
        sd = float(array.std(ddof=1)) if array.size > 1 else float("nan")
        rows[name] = {"mean": float(array.mean()), "sd": sd, "n": int(array.size)}
    return pd.DataFrame.from_dict(rows, orient="index", columns=["mean", "sd", "n"])


def format_mean_sd(values, *, digits=3) -> str:
    """Render scores as ``"mean ± sd"`` (sample sd), or a single score as one number.

    Parameters
    ----------
    values : float or array-like of float
        One score, or several (over folds, seeds, ...).
    digits : int, default=3
        Number of decimals, in [0, 10].

    Returns
    -------
    str

    Examples
    --------
    >>> format_mean_sd([0.8, 0.9, 0.85])
    '0.850 ± 0.050'
    >>> format_mean_sd(0.8123, digits=2)
    '0.81'
    """
    digits = check_int(digits, "digits", low=0, high=10)
    array = _check_scores_1d(values, "values")
    if array.size == 1:
        return f"{array[0]:.{digits}f}"
    return f"{array.mean():.{digits}f} ± {array.std(ddof=1):.{digits}f}"


def _budget_text(value, name) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        return str(int(value))
    raise TypeError(f"budget{name} must be a string or an int (for example "
                    f"'6 settings x 3 folds'); got {value!r} of type "
                    f"{type(value).__name__}.")


def results_table(columns, *, budget=None, digits=3) -> pd.DataFrame:
    """A side-by-side table of several models under several conditions, as mean ± sd.

    Use it to report a comparison honestly: every model, every condition (for example
    "default" and "tuned"), the spread over folds or seeds, and how much tuning each
    model was given.

    Parameters
    ----------
    columns : mapping of str to mapping of str to (float or array-like of float)
        One entry per column of the table, in order, e.g. ``{"CV AUROC, default":
        {"LR": [0.71, 0.74, 0.69], ...}, "test AUROC, tuned": {"LR": 0.81, ...}}``.
        Several scores are shown as ``"mean ± sd"`` (sample sd), a single number as it
        is.  A model may be missing from a column; its cell then shows ``"–"``.
    budget : str, int or mapping of str to (str or int), optional
        The tuning budget, shown in a last column ``"tuning budget"``: one value for
        every model, or one per model (models left out show ``"–"``).  Omitted: no
        budget column.
    digits : int, default=3
        Number of decimals, in [0, 10].

    Returns
    -------
    pandas.DataFrame
        One row per model (in order of first appearance; the index is named
        ``"model"``), one column per entry of ``columns``, every cell a string.

    Raises
    ------
    TypeError
        If ``columns`` (or one of its entries) is not a mapping, a name is not a
        non-empty string, a score is not numeric, or a budget is not a string or an int.
    ValueError
        If ``columns`` is empty, an entry is empty, or a score is NaN or infinite.

    See Also
    --------
    summarize_scores : the same summaries as numbers.
    best_candidate_scores : the per-fold scores of the setting a search chose.

    Examples
    --------
    >>> table = results_table({"default": {"LR": [0.70, 0.74], "RF": [0.78, 0.80]},
    ...                        "tuned": {"LR": [0.82, 0.84]}},
    ...                       budget={"LR": "6 x 3 fits"})
    >>> print(table.to_string())  # doctest: +NORMALIZE_WHITESPACE
                 default          tuned tuning budget
    model
    LR     0.720 ± 0.028  0.830 ± 0.014    6 x 3 fits
    RF     0.790 ± 0.014              –             –
    """
    if not isinstance(columns, Mapping):
        raise TypeError(f"columns must be a mapping of column titles to {{model: scores}} "
                        f"mappings (a dict of dicts); got an object of type "
                        f"{type(columns).__name__}.")
    if not columns:
        raise ValueError("columns must hold at least one column; got an empty mapping.")
    digits = check_int(digits, "digits", low=0, high=10)
    models: list[str] = []
    cells: dict[str, dict[str, str]] = {}
    for title, entry in columns.items():
        if not isinstance(title, str) or not title:
            raise TypeError(f"columns must have non-empty strings as titles; got {title!r}.")
        if not isinstance(entry, Mapping):
            raise TypeError(f"columns[{title!r}] must be a mapping of model names to "
                            f"scores; got an object of type {type(entry).__name__}.")
        if not entry:
            raise ValueError(f"columns[{title!r}] must hold at least one model; got an "
                             "empty mapping.")
        cells[title] = {}
        for name, values in entry.items():
            _check_model_name(name, f"columns[{title!r}]")
            _check_scores_1d(values, f"columns[{title!r}][{name!r}]")
            cells[title][name] = format_mean_sd(values, digits=digits)
            if name not in models:
                models.append(name)
    table = pd.DataFrame({title: [col.get(m, MISSING) for m in models]
                          for title, col in cells.items()}, index=pd.Index(models, name="model"))
    if budget is not None:
        if isinstance(budget, Mapping):
            texts = {}
            for name, value in budget.items():
                _check_model_name(name, "budget")
                texts[name] = _budget_text(value, f"[{name!r}]")
            table["tuning budget"] = [texts.get(m, MISSING) for m in models]
        else:
            table["tuning budget"] = _budget_text(budget, "")
    return table


def best_candidate_scores(search) -> np.ndarray:
    """Per-fold validation scores of the setting that a fitted search selected.

    ``GridSearchCV`` and ``RandomizedSearchCV`` report only the mean score of the chosen
    setting (``best_score_``); this returns the score of that setting on each fold, so
    that it can be summarised as mean ± sd like the output of ``cross_val_score``.

    Parameters
    ----------
    search : fitted GridSearchCV, RandomizedSearchCV or similar
        Any fitted object with ``cv_results_``, ``best_index_`` and ``n_splits_``, and
        with a single metric (``scoring`` a string or a callable).

    Returns
    -------
    ndarray of shape (n_splits,)
        ``cv_results_["split{k}_test_score"][best_index_]`` for every fold ``k``.

    Notes
    -----
    The selected setting is the one with the highest mean over these very folds, so their
    mean is an optimistic estimate of its performance on new data (the more settings were
    tried, the more optimistic).  Report a held-out test score or use nested
    cross-validation for an unbiased one (tip 6 of the course).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import GridSearchCV
    >>> X, y = make_classification(n_samples=60, random_state=0)
    >>> search = GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=3).fit(X, y)
    >>> best_candidate_scores(search).shape
    (3,)
    """
    missing = [a for a in ("cv_results_", "best_index_", "n_splits_") if not hasattr(search, a)]
    if missing:
        raise TypeError(f"search must be a fitted GridSearchCV or RandomizedSearchCV "
                        f"(with refit=True); got an object of type {type(search).__name__} "
                        f"without {', '.join(missing)}. Call .fit(X, y) first.")
    results = search.cv_results_
    keys = [f"split{k}_test_score" for k in range(int(search.n_splits_))]
    if not all(key in results for key in keys):
        raise ValueError("search must use a single metric (scoring=None, a string or a "
                         "callable); its cv_results_ has no 'split0_test_score'.")
    index = int(search.best_index_)
    return np.array([float(results[key][index]) for key in keys])


# ----------------------------------------------------------------------------------------
# Train / tune / test: a stratified three-way split and a test set that is used once
# ----------------------------------------------------------------------------------------
def _split_count(value, name: str, n: int) -> int:
    """A split size given as a fraction in (0, 1) or a count in [1, n - 1], as a count."""
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        return check_int(value, name, low=1, high=n - 1)
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        fraction = check_float(value, name, low=0.0, high=1.0, low_inclusive=False,
                               high_inclusive=False)
        return max(1, int(math.ceil(fraction * n)))
    raise TypeError(f"{name} must be a fraction in (0, 1) or an int in [1, {n - 1}]; got "
                    f"{value!r} of type {type(value).__name__}.")


def train_tune_test_split(*arrays, tune_size=0.2, test_size=0.2, stratify=None,
                          random_state=None) -> list:
    """Split arrays into a training, a tuning (validation) and a test part.

    The training part fits the model, the tuning part chooses between models and
    settings (and stops training early), and the test part is kept aside for a single,
    final evaluation (see :class:`LockedTestSet`).

    Parameters
    ----------
    *arrays : array-likes of the same length
        For example ``X, y``; lists, numpy arrays and pandas objects are accepted (they
        are indexed with :func:`sklearn.utils.safe_indexing` rules, as in
        ``train_test_split``).
    tune_size, test_size : float or int, default=0.2
        Size of the tuning and of the test part: a fraction of all samples in (0, 1)
        (rounded up) or a number of samples.  At least one sample must be left for
        training.
    stratify : array-like or None, default=None
        Class labels: each part then keeps (up to rounding) the class proportions of
        ``stratify``.  Usually ``y``.  Every class needs at least 2 samples.
    random_state : None, int or numpy.random.Generator, default=None
        Seed of the shuffle; an int makes the split repeatable.

    Returns
    -------
    list
        ``[a_train, a_tune, a_test, b_train, b_tune, b_test, ...]``: three parts for each
        input, in the order given.  With a single array, ``indices = np.arange(n)``
        gives index arrays.

    Raises
    ------
    ValueError
        If no array is given, the lengths differ, the sizes leave no training sample, or
        a class is too small to stratify.
    TypeError
        If a size is neither a fraction nor an int.

    Notes
    -----
    The test part is split off first, then the tuning part from the rest; both calls use
    :func:`sklearn.model_selection.train_test_split` with the same stratification, so the
    three parts are disjoint and together cover every sample.

    References
    ----------
    .. [1] Lee BD, Gitter A, Greene CS, et al. Ten quick tips for deep learning in
       biology. PLoS Comput Biol 18(3): e1009803 (2022), Tip 7.
       doi:10.1371/journal.pcbi.1009803
    .. [2] Raschka S. Model evaluation, model selection, and algorithm selection in
       machine learning. arXiv:1811.12808 (2018).

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([0] * 80 + [1] * 20)
    >>> train, tune, test = train_tune_test_split(np.arange(100), tune_size=0.2,
    ...                                           test_size=0.2, stratify=y, random_state=0)
    >>> len(train), len(tune), len(test), int(y[test].sum())
    (60, 20, 20, 4)
    """
    from sklearn.model_selection import train_test_split

    if not arrays:
        raise ValueError("train_tune_test_split needs at least one array (for example X, y).")
    lengths = []
    for k, array in enumerate(arrays):
        try:
            lengths.append(len(array))
        except TypeError:
            raise TypeError(f"arrays[{k}] must be an array-like with a length; got an object "
                            f"of type {type(array).__name__}.") from None
    n = lengths[0]
    if any(length != n for length in lengths):
        raise ValueError(f"arrays must all have the same length; got lengths {lengths}.")
    if n < 3:
        raise ValueError(f"arrays must hold at least 3 samples to make three parts; got {n}.")
    n_test = _split_count(test_size, "test_size", n)
    n_tune = _split_count(tune_size, "tune_size", n)
    if n_test + n_tune > n - 1:
        raise ValueError(f"tune_size and test_size must leave at least one training sample; "
                         f"got {n_tune} tuning and {n_test} test samples out of {n}.")
    _, seed = check_random_state(random_state)
    labels = None
    if stratify is not None:
        labels = np.asarray(stratify)
        if labels.ndim != 1 or len(labels) != n:
            raise ValueError(f"stratify must be 1-D with one label per sample ({n}); got "
                             f"shape {labels.shape}.")
        values, counts = np.unique(labels, return_counts=True)
        if counts.min() < 2:
            raise ValueError(f"stratify: every class needs at least 2 samples to be split; "
                             f"class {values[counts.argmin()]!r} has {counts.min()}.")
    index = np.arange(n)
    try:
        rest, test = train_test_split(index, test_size=n_test, stratify=labels,
                                      random_state=seed)
        train, tune = train_test_split(rest, test_size=n_tune,
                                       stratify=None if labels is None else labels[rest],
                                       random_state=seed)
    except ValueError as err:  # e.g. a part smaller than the number of classes
        raise ValueError(f"stratify: the split is too small to hold every class ({err})") from None
    parts = []
    for array in arrays:
        for part in (train, tune, test):
            parts.append(_take(array, part))
    return parts


def _take(array, index):
    """Rows ``index`` of a numpy array, a pandas object or a list."""
    if hasattr(array, "iloc"):
        return array.iloc[index]
    if isinstance(array, np.ndarray) or hasattr(array, "__array__") and hasattr(array, "shape"):
        return array[index]
    return [array[i] for i in index]


class TestSetReuseError(RuntimeError):
    """Raised when a :class:`LockedTestSet` is evaluated a second time."""

    __test__ = False  # not a pytest test class


class LockedTestSet:
    """A test set that records every evaluation and refuses (or warns on) a second one.

    Lee et al. (Tip 7) advise to lock the test set away and to use it once, after every
    training and tuning decision has been made.  Each look at the test set that changes
    a decision (another architecture, another threshold, "just one more epoch") turns it
    into a tuning set, and the reported score becomes optimistic.  This object holds the
    test samples, computes the metrics on request, and keeps a log of every use.

    Parameters
    ----------
    X : array-like of shape (n_samples, ...)
        Test inputs.
    y : array-like of shape (n_samples,)
        Binary test labels (0/1 or False/True) with both classes present.
    on_reuse : {"raise", "warn"}, default="raise"
        What a second evaluation does: ``"raise"`` raises :class:`TestSetReuseError`
        and computes nothing; ``"warn"`` issues a ``UserWarning``, then evaluates and
        logs the use.
    name : str, default="test set"
        Used in messages and in the log.

    Attributes
    ----------
    n_samples : int
        Number of test samples.
    n_uses : int
        Number of completed evaluations.
    log : list of dict
        One entry per evaluation: ``use`` (1, 2, ...), ``note``, ``model`` (its type),
        ``time`` (UTC, ISO 8601) and ``result``.  A copy: editing it changes nothing.

    Notes
    -----
    Nothing can stop a determined user from keeping a copy of the test data; the lock
    makes reuse a deliberate, visible act rather than an accident, and the log is the
    record to report ("the test set was used once, on <date>, for <model>").

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0, 0, 1, 1])
    >>> model = LogisticRegression().fit(X, y)
    >>> locked = LockedTestSet(X, y)
    >>> round(locked.evaluate(model, note="final model")["auroc"], 2)
    1.0
    >>> locked.evaluate(model)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dlbio.evaluation.TestSetReuseError: The test set was already evaluated 1 time(s) ...
    """

    def __init__(self, X, y, *, on_reuse="raise", name="test set"):
        self._on_reuse = check_choice(on_reuse, "on_reuse", ["raise", "warn"])
        if not isinstance(name, str):
            raise TypeError(f"name must be a non-empty string; got {name!r} of type "
                            f"{type(name).__name__}.")
        if not name.strip():
            raise ValueError(f"name must be a non-empty string; got {name!r}.")
        self._name = name
        labels = _check_labels(y, "y")
        try:
            n_x = len(X)
        except TypeError:
            raise TypeError(f"X must be an array-like with one row per sample; got an object "
                            f"of type {type(X).__name__}.") from None
        if n_x != len(labels):
            raise ValueError(f"X and y must have the same number of samples; got {n_x} rows "
                             f"and {len(labels)} labels.")
        if len(labels) == 0:
            raise ValueError("X and y must hold at least 2 samples (one of each class) for "
                             "AUROC and AUPRC; got 0.")
        if labels.min() == labels.max():
            raise ValueError(f"y must contain both classes for AUROC and AUPRC; got "
                             f"{len(labels)} labels, all {int(labels[0])}.")
        self._X = X
        self._y = labels
        self._log: list[dict] = []

    @property
    def n_samples(self) -> int:
        return int(len(self._y))

    @property
    def n_uses(self) -> int:
        return len(self._log)

    @property
    def log(self) -> list[dict]:
        return [dict(entry) for entry in self._log]

    def __repr__(self) -> str:
        return (f"LockedTestSet(name={self._name!r}, n_samples={self.n_samples}, "
                f"n_uses={self.n_uses}, on_reuse={self._on_reuse!r})")

    def _scores(self, model):
        """Positive-class scores of ``model`` and the threshold that goes with them."""
        if hasattr(model, "predict_proba"):
            proba = np.asarray(model.predict_proba(self._X))
            if proba.ndim != 2 or proba.shape[1] != 2:
                raise ValueError(f"model.predict_proba must return one column per class for "
                                 f"a binary problem, shape (n, 2); got shape {proba.shape}.")
            return proba[:, 1], 0.5
        if hasattr(model, "decision_function"):
            return np.asarray(model.decision_function(self._X)), 0.0
        if callable(model):
            return model(self._X), 0.5
        raise TypeError(f"model must be a fitted classifier with predict_proba or "
                        f"decision_function, or a callable returning one score per sample; "
                        f"got an object of type {type(model).__name__}.")

    def evaluate(self, model, *, metric=None, threshold=None, note=None):
        """Score ``model`` on the test set, once.

        Parameters
        ----------
        model : fitted classifier or callable
            A scikit-learn-style classifier (``predict_proba`` is used if it exists, else
            ``decision_function``), or a callable ``f(X)`` that returns one score per
            sample for the positive class (for a PyTorch network, for example
            ``lambda X: dlbio.training.predict_proba(net, X)[:, 1]``).
        metric : callable or None, default=None
            ``metric(y_true, y_score)`` returning a number.  ``None`` returns the whole
            :func:`metric_panel`.
        threshold : float or None, default=None
            Threshold of the panel's thresholded metrics.  ``None`` uses 0.5 for
            probabilities and callables, 0 for ``decision_function``.
        note : str or None, default=None
            What is being evaluated, kept in the log (for example "final model, chosen
            on the tuning set on 3 March").

        Returns
        -------
        dict or float
            The metric panel, or the value of ``metric``.

        Raises
        ------
        TestSetReuseError
            On a second evaluation when ``on_reuse="raise"``.

        Warns
        -----
        UserWarning
            On a second (or later) evaluation when ``on_reuse="warn"``.
        """
        if note is not None and not isinstance(note, str):
            raise TypeError(f"note must be a string or None; got {note!r} of type "
                            f"{type(note).__name__}.")
        if metric is not None and not callable(metric):
            raise TypeError(f"metric must be a callable metric(y_true, y_score) or None; got "
                            f"{metric!r} of type {type(metric).__name__}.")
        if threshold is not None:
            threshold = check_float(threshold, "threshold")
        if self._log:
            first = self._log[0]
            message = (f"The {self._name} was already evaluated {len(self._log)} time(s) "
                       f"(first: {first['model']}"
                       + (f", note {first['note']!r}" if first["note"] else "")
                       + f", at {first['time']}). Every further look turns it into a tuning "
                       "set and makes the reported score optimistic. Choose on the tuning "
                       "set, and report the first evaluation.")
            if self._on_reuse == "raise":
                raise TestSetReuseError(message)
            warnings.warn(message, UserWarning, stacklevel=2)
        scores, default_threshold = self._scores(model)
        scores = _check_scores(scores)
        if len(scores) != self.n_samples:
            raise ValueError(f"model must give one score per test sample ({self.n_samples}); "
                             f"got {len(scores)}.")
        if metric is None:
            result = metric_panel(self._y, scores,
                                  threshold=default_threshold if threshold is None else threshold)
        else:
            result = metric(self._y, scores)
        self._log.append({
            "use": len(self._log) + 1,
            "note": note,
            "model": type(model).__name__,
            "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "result": result,
        })
        return result


# ----------------------------------------------------------------------------------------
# Homology-aware splitting: sequence identity and identity clusters
# ----------------------------------------------------------------------------------------
#: The largest number of sequences :func:`pairwise_identity` accepts (an n x n float32
#: matrix of 20,000 sequences already takes 1.6 GB).
MAX_IDENTITY_SEQUENCES = 20_000


def _sequence_codes(sequences) -> np.ndarray:
    """Equal-length sequences (strings or an integer array) as a 2-D integer array."""
    if isinstance(sequences, np.ndarray) and sequences.ndim == 2:
        if not np.issubdtype(sequences.dtype, np.integer):
            raise TypeError(f"sequences given as a 2-D array must hold integer codes; got "
                            f"dtype {sequences.dtype}.")
        return sequences
    if isinstance(sequences, (str, bytes)):
        raise TypeError("sequences must be a list of strings or a 2-D array of integer "
                        "codes, not a single string.")
    try:
        items = list(sequences)
    except TypeError:
        raise TypeError(f"sequences must be a list of strings or a 2-D array of integer codes; "
                        f"got an object of type {type(sequences).__name__}.") from None
    if not items:
        raise ValueError("sequences must hold at least one sequence; got none.")
    if not all(isinstance(s, str) for s in items):
        bad = next(s for s in items if not isinstance(s, str))
        raise TypeError(f"sequences must be strings (or a 2-D array of codes); got an item of "
                        f"type {type(bad).__name__}.")
    lengths = {len(s) for s in items}
    if len(lengths) != 1:
        raise ValueError(f"sequences must all have the same length (ungapped, aligned "
                         f"sequences); got lengths from {min(lengths)} to {max(lengths)}.")
    # Case-insensitive: soft-masked (lower-case) letters are the same residues.
    buffer = np.frombuffer("".join(items).upper().encode("utf-32-le"), dtype=np.uint32)
    return buffer.reshape(len(items), -1)


def pairwise_identity(sequences) -> np.ndarray:
    """Fraction of identical sites for every pair of equal-length sequences.

    Parameters
    ----------
    sequences : list of str or ndarray of shape (n_sequences, length)
        Aligned, ungapped sequences of one length, as strings or as integer codes (for
        example ``make_sequence_families(...).codes``).  At most 20,000 sequences.

    Returns
    -------
    ndarray of shape (n_sequences, n_sequences), float32
        ``identity[i, j]`` is the fraction of positions where sequences ``i`` and ``j``
        carry the same letter; 1 on the diagonal, symmetric.  Letters are compared
        case-insensitively: ``"acgt"`` and ``"ACGT"`` are identical (lower case marks
        soft-masked repeats in genome files, not other residues).

    Notes
    -----
    Computed as a sum of one matrix product per letter, ``sum_a M_a M_a^T / length`` with
    ``M_a`` the indicator of letter ``a``: O(n^2 * length * letters) operations, a fraction
    of a second for a thousand protein sequences of 200 residues.  Real sequences have
    insertions and deletions and need an alignment (EMBOSS needle, MMseqs2, CD-HIT); this
    function covers the ungapped case of simulated families.

    Examples
    --------
    >>> pairwise_identity(["ACGT", "ACGA", "TTTT"]).round(2).tolist()
    [[1.0, 0.75, 0.25], [0.75, 1.0, 0.0], [0.25, 0.0, 1.0]]
    """
    codes = _sequence_codes(sequences)
    n, length = codes.shape
    if n < 1 or length < 1:
        raise ValueError(f"sequences must hold at least one sequence of length >= 1; got "
                         f"shape {codes.shape}.")
    if n > MAX_IDENTITY_SEQUENCES:
        raise ValueError(f"sequences must hold at most {MAX_IDENTITY_SEQUENCES} sequences (the "
                         f"identity matrix is n x n); got {n}. Cluster with MMseqs2 or CD-HIT "
                         "instead.")
    identity = np.zeros((n, n), dtype=np.float32)
    for letter in np.unique(codes):
        indicator = (codes == letter).astype(np.float32)
        identity += indicator @ indicator.T
    identity /= np.float32(length)
    return identity


def identity_clusters(identity, threshold) -> np.ndarray:
    """Cluster sequences so that any two above an identity threshold share a cluster.

    Single-linkage clustering: sequences ``i`` and ``j`` are linked when
    ``identity[i, j] >= threshold``, and a cluster is a connected component of these
    links.  No pair across two clusters is at or above the threshold, so a split that keeps
    every cluster on one side leaves no test sequence with a training sequence that similar.

    Parameters
    ----------
    identity : array-like of shape (n_sequences, n_sequences)
        Pairwise identities in [0, 1], for example from :func:`pairwise_identity`.
    threshold : float
        Identity at or above which two sequences are linked, in (0, 1].

    Returns
    -------
    ndarray of shape (n_sequences,), int64
        The cluster of each sequence, numbered 0, 1, ... in order of first appearance.

    Notes
    -----
    Every pair across two clusters is below the threshold, which is the guarantee a
    homology-aware split needs.  Clustering tools such as CD-HIT and MMseqs2 use
    greedy centroid clusters instead, which can leave pairs above the threshold in
    different clusters; GraphPart [1]_ partitions so that none remain.  A threshold
    set too high (say 0.9 when relatives share 60% of their sites) cuts families into
    many clusters, and relatives again end up on both sides of the split.

    References
    ----------
    .. [1] Teufel F, Gislason MH, Almagro Armenteros JJ, et al. GraphPart: homology
       partitioning for biological sequence analysis. NAR Genom Bioinform 5(4), lqad088
       (2023). doi:10.1093/nargab/lqad088

    Examples
    --------
    >>> identity = pairwise_identity(["ACGT", "ACGA", "TTTT", "TTTA"])
    >>> identity_clusters(identity, 0.7).tolist()
    [0, 0, 1, 1]
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    threshold = check_float(threshold, "threshold", low=0.0, high=1.0, low_inclusive=False)
    try:
        matrix = np.asarray(identity, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"identity must be a square array of numbers; got an object of type "
                        f"{type(identity).__name__}.") from None
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
        raise ValueError(f"identity must be a square (n x n) matrix; got shape {matrix.shape}.")
    n_nan = int(np.isnan(matrix).sum())
    if n_nan:
        raise ValueError(f"identity contains {n_nan} NaN value(s); it must hold finite "
                         "values in [0, 1] (fractions of identical sites). Recompute it, for "
                         "example with pairwise_identity.")
    if not np.isfinite(matrix).all() or matrix.min() < 0 or matrix.max() > 1:
        raise ValueError("identity must hold finite values in [0, 1] (fractions of identical "
                         f"sites); got values from {np.nanmin(matrix):g} to "
                         f"{np.nanmax(matrix):g}.")
    links = matrix >= threshold
    np.fill_diagonal(links, False)
    _, labels = connected_components(csr_matrix(links), directed=False)
    _, first = np.unique(labels, return_index=True)
    renumber = np.empty(len(first), dtype=np.int64)
    renumber[np.argsort(np.argsort(first))] = np.arange(len(first))
    return renumber[labels]


# ---------------------------------------------------------------------------------------
# Rates with intervals, per group
# ---------------------------------------------------------------------------------------

def proportion_interval(k, n, *, confidence=0.95) -> tuple:
    """Exact (Clopper-Pearson) confidence interval for a proportion ``k / n``.

    A rate measured on ``n`` patients, such as a group's false-positive rate or an attack's
    true-positive rate on 200 members, is uncertain because the patients are a finite
    sample.  The Clopper-Pearson interval inverts two one-sided binomial tests, so it never
    covers less than ``confidence`` (it is conservative), and it stays sensible at
    ``k = 0`` or ``k = n`` where the normal approximation collapses to a point.

    Parameters
    ----------
    k : int
        Number of "successes", in [0, n].
    n : int
        Number of trials, at least 1.
    confidence : float, default=0.95
        Coverage of the interval, in (0, 1).

    Returns
    -------
    (low, high) : tuple of float

    Examples
    --------
    >>> [round(v, 4) for v in proportion_interval(1, 200)]   # 1 of 200 members flagged
    [0.0001, 0.0275]
    """
    from scipy.stats import beta

    n = check_int(n, "n", low=1)
    k = check_int(k, "k", low=0, high=n)
    confidence = check_float(confidence, "confidence", low=0.0, high=1.0, low_inclusive=False,
                             high_inclusive=False)
    alpha = 1.0 - confidence
    low = 0.0 if k == 0 else float(beta.ppf(alpha / 2, k, n - k + 1))
    high = 1.0 if k == n else float(beta.ppf(1 - alpha / 2, k + 1, n - k))
    return low, high


def group_error_rates(y_true, y_pred, group, *, confidence=0.95) -> pd.DataFrame:
    """Both error types of a classifier, per group, with exact confidence intervals.

    A subgroup audit must show *which* error each group gets: a false positive (a
    healthy patient flagged, sent for an unneeded test) and a false negative (a diseased
    patient missed) have different costs, and a model can give one group more of the
    first and another group more of the second.  Each rate comes with a Clopper-Pearson
    interval (:func:`proportion_interval`) that covers the noise of the finite test set
    (not the variation between training runs or cohorts).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels, 0/1.
    group : array-like of shape (n_samples,)
        The group of each sample; each group must hold both true labels.
    confidence : float, default=0.95
        Coverage of the intervals, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        One row per group (sorted), with ``n``, ``n_negative``, ``n_positive`` and, for
        each of ``error_rate``, ``fpr`` (false alarms among the true negatives) and
        ``fnr`` (misses among the true positives), the rate and its interval
        (``fpr_low``, ``fpr_high``, ...).

    Examples
    --------
    >>> table = group_error_rates([0, 0, 1, 1, 0, 1], [0, 1, 1, 1, 0, 0], ["A"] * 4 + ["B"] * 2)
    >>> table[["n", "fpr", "fnr"]].to_dict("index")
    {'A': {'n': 4, 'fpr': 0.5, 'fnr': 0.0}, 'B': {'n': 2, 'fpr': 0.0, 'fnr': 1.0}}
    """
    y = _check_labels(y_true)
    pred = _as_1d(y_pred, "y_pred")
    if len(pred) != len(y):
        raise ValueError(f"y_pred must have one prediction per label; got {len(pred)} for {len(y)} labels.")
    bad = ~np.isin(pred, (0, 1))
    if bad.any():
        raise ValueError(f"y_pred must hold predicted labels 0/1; got values such as "
                         f"{np.unique(pred[bad])[:5].tolist()}.")
    pred = pred.astype(np.int64)
    groups = _as_1d(np.asarray(group, dtype=object), "group")
    if len(groups) != len(y):
        raise ValueError(f"group must have one label per sample; got {len(groups)} for {len(y)} samples.")
    rows = {}
    for g in sorted(set(groups.tolist())):
        in_group = groups == g
        negatives, positives = in_group & (y == 0), in_group & (y == 1)
        if not negatives.any() or not positives.any():
            raise ValueError(f"every group must contain both true labels; group {g!r} has "
                             f"{int(negatives.sum())} negatives and {int(positives.sum())} positives.")
        row = {"n": int(in_group.sum()), "n_negative": int(negatives.sum()),
               "n_positive": int(positives.sum())}
        for name, mask, wrong in (("error_rate", in_group, pred != y),
                                  ("fpr", negatives, pred == 1),
                                  ("fnr", positives, pred == 0)):
            k, n = int(np.sum(wrong & mask)), int(mask.sum())
            low, high = proportion_interval(k, n, confidence=confidence)
            row.update({name: k / n, f"{name}_low": low, f"{name}_high": high})
        rows[g] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def _check_rule_inputs(risk, y_true, group, cost_miss, cost_false_alarm):
    """Validate the patients and costs a decision rule is scored on (shared by the rule functions).

    Returns the risk as floats, the 0/1 labels, the group labels as an object array and the
    two costs as floats; raises a ValueError or TypeError naming the parameter otherwise.
    """
    r = check_finite(_as_1d(risk, "risk"), "risk").astype(np.float64)
    y = _check_labels(y_true)
    groups = _as_1d(np.asarray(group, dtype=object), "group")
    if not len(r) == len(y) == len(groups):
        raise ValueError(f"risk, y_true and group must describe the same patients; got lengths "
                         f"{len(r)}, {len(y)} and {len(groups)}.")
    cost_miss = check_float(cost_miss, "cost_miss", low=0.0)
    cost_false_alarm = check_float(cost_false_alarm, "cost_false_alarm", low=0.0)
    return r, y, groups, cost_miss, cost_false_alarm


def rule_costs(thresholds, risk, y_true, group, *, cost_miss, cost_false_alarm) -> np.ndarray:
    """Cost of a per-group threshold rule for each patient.

    A decision rule turns a model's risk into an action: a patient of group ``g`` is
    flagged (sent for a confirmatory test, say) when ``risk >= thresholds[g]``.  A flagged
    healthy patient (a false alarm) costs ``cost_false_alarm``, a diseased patient who is
    not flagged (a miss) costs ``cost_miss``, and a correct decision costs nothing.  The
    mean of the returned array is the rule's expected cost per patient on this sample;
    two rules applied to the same patients can be compared pair by pair with
    :func:`paired_difference`.

    Parameters
    ----------
    thresholds : mapping
        Threshold for each group label, e.g. ``{"A": 0.2, "B": 0.4}``; it must cover every
        group in ``group`` (``float("inf")`` flags nobody, ``-inf`` everybody).
    risk : array-like of shape (n_samples,)
        The model's risk (any real score, higher meaning more likely diseased).
    y_true : array-like of shape (n_samples,)
        Recorded labels, 0 (healthy) or 1 (diseased).
    group : array-like of shape (n_samples,)
        The group of each patient.
    cost_miss, cost_false_alarm : float
        Cost of one miss and of one false alarm, finite and at least 0.

    Returns
    -------
    numpy.ndarray of shape (n_samples,)
        The cost of the rule's decision for each patient.

    Examples
    --------
    >>> rule_costs({"A": 0.5, "B": 0.3}, [0.6, 0.4, 0.4, 0.2], [0, 1, 1, 0], ["A", "A", "B", "B"],
    ...            cost_miss=5, cost_false_alarm=1).tolist()
    [1.0, 5.0, 0.0, 0.0]
    """
    if not isinstance(thresholds, Mapping):
        raise TypeError(f"thresholds must be a mapping from group label to threshold, e.g. "
                        f"{{'A': 0.2, 'B': 0.4}}; got an object of type {type(thresholds).__name__}.")
    r, y, groups, cost_miss, cost_false_alarm = _check_rule_inputs(
        risk, y_true, group, cost_miss, cost_false_alarm)
    cutoff = np.empty(len(r))
    for g in set(groups.tolist()):
        if g not in thresholds:
            raise ValueError(f"thresholds must give a threshold for every group; group {g!r} is "
                             f"missing (thresholds has {sorted(map(str, thresholds))}).")
        value = thresholds[g]
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"the threshold of group {g!r} must be a number; got {value!r}.") from None
        if math.isnan(value):
            raise ValueError(f"the threshold of group {g!r} must be a number or +-inf; got nan.")
        cutoff[groups == g] = value
    flagged = r >= cutoff
    return np.where(flagged, cost_false_alarm * (y == 0), cost_miss * (y == 1)).astype(np.float64)


def lowest_rule_cost(risk, y_true, group, *, cost_miss, cost_false_alarm) -> pd.Series:
    """Lowest cost per patient that any threshold on the risk reaches, in each group of a sample.

    For each group, every rule "flag the patient when ``risk >= t``" is tried (every
    distinct risk of the group as ``t``, and a threshold that flags nobody); the smallest
    mean cost per patient, as :func:`rule_costs` counts it, is returned.  Computed on the
    patients a rule is *evaluated* on, this is an optimistic yardstick: the threshold is
    chosen on the very patients it is scored on, so a rule chosen on other patients (a
    tuning set) usually costs a little more there, by the noise of that choice.  Only the
    cost is returned, not the threshold.

    Parameters
    ----------
    risk : array-like of shape (n_samples,)
        The model's risk (any finite real score, higher meaning more likely diseased).
    y_true : array-like of shape (n_samples,)
        Recorded labels, 0 (healthy) or 1 (diseased).
    group : array-like of shape (n_samples,)
        The group of each patient.
    cost_miss, cost_false_alarm : float
        Cost of one miss and of one false alarm, finite and at least 0.

    Returns
    -------
    pandas.Series
        The lowest mean cost per patient in each group, indexed by the group labels
        (sorted).

    Examples
    --------
    >>> lowest_rule_cost([0.9, 0.2, 0.6, 0.4], [1, 0, 0, 1], ["A", "A", "B", "B"],
    ...                  cost_miss=5, cost_false_alarm=1).to_dict()
    {'A': 0.0, 'B': 0.5}
    """
    r, y, groups, cost_miss, cost_false_alarm = _check_rule_inputs(
        risk, y_true, group, cost_miss, cost_false_alarm)
    if len(r) == 0:
        raise ValueError("risk, y_true and group must describe at least one patient; got none.")
    lowest = {}
    for g in sorted(set(groups.tolist()), key=str):
        in_group = groups == g
        positives = np.sort(r[in_group & (y == 1)])
        negatives = np.sort(r[in_group & (y == 0)])
        cuts = np.unique(r[in_group])
        misses = np.searchsorted(positives, cuts, side="left")          # diseased with risk < cut
        alarms = len(negatives) - np.searchsorted(negatives, cuts, side="left")  # healthy with risk >= cut
        costs = np.r_[cost_miss * misses + cost_false_alarm * alarms, cost_miss * len(positives)]
        lowest[g] = float(costs.min() / in_group.sum())
    return pd.Series(lowest, name="lowest_cost_per_patient", dtype=np.float64)


def paired_difference(values_a, values_b, group=None, *, confidence=0.95) -> pd.DataFrame:
    """Mean per-sample difference ``a - b`` with a normal confidence interval, overall and per group.

    When two rules (or models) are applied to the *same* patients, the fair comparison is
    paired: the difference patient by patient, whose spread is usually much smaller than
    that of either value.  The interval is ``mean ± z * sd / sqrt(n)`` of the differences
    (normal approximation, fine for a few hundred patients or more); it covers the noise
    of the finite sample of patients, not the choice of the data the rules were tuned on.

    Parameters
    ----------
    values_a, values_b : array-like of shape (n_samples,)
        A per-sample value (a cost, a loss, 0/1 correctness) under each of the two rules.
    group : array-like of shape (n_samples,), optional
        The group of each sample; with it, one row per group follows the overall row.
    confidence : float, default=0.95
        Coverage of the intervals, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        Rows ``"all"`` and then each group (sorted), with columns ``n``, ``mean_a``,
        ``mean_b``, ``difference`` (``mean_a - mean_b``), ``low`` and ``high``.

    Examples
    --------
    >>> table = paired_difference([1.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 0.0])
    >>> table.loc["all", ["n", "difference"]].tolist()
    [4.0, 0.5]
    """
    from scipy.stats import norm

    a = check_finite(_as_1d(values_a, "values_a"), "values_a").astype(np.float64)
    b = check_finite(_as_1d(values_b, "values_b"), "values_b").astype(np.float64)
    if len(a) != len(b):
        raise ValueError(f"values_a and values_b must hold one value per sample, the same samples "
                         f"in the same order; got lengths {len(a)} and {len(b)}.")
    confidence = check_float(confidence, "confidence", low=0.0, high=1.0, low_inclusive=False,
                             high_inclusive=False)
    parts = {"all": np.ones(len(a), dtype=bool)}
    if group is not None:
        groups = _as_1d(np.asarray(group, dtype=object), "group")
        if len(groups) != len(a):
            raise ValueError(f"group must have one label per sample; got {len(groups)} for "
                             f"{len(a)} samples.")
        parts.update({g: groups == g for g in sorted(set(groups.tolist()), key=str)})
    z = float(norm.ppf(0.5 + confidence / 2))
    rows = {}
    for name, mask in parts.items():
        n = int(mask.sum())
        if n < 2:
            raise ValueError(f"every part needs at least 2 samples for an interval; {name!r} has {n}.")
        d = a[mask] - b[mask]
        half = z * d.std(ddof=1) / math.sqrt(n)
        rows[name] = {"n": n, "mean_a": a[mask].mean(), "mean_b": b[mask].mean(),
                      "difference": d.mean(), "low": d.mean() - half, "high": d.mean() + half}
    return pd.DataFrame.from_dict(rows, orient="index")


# ----------------------------------------------------------------------------------------
# The uncertainty of an AUROC measured on a finite test set
# ----------------------------------------------------------------------------------------
def _weighted_auroc(labels, score, weights):
    """AUROC of ``score`` with each sample counted ``weights[r, i]`` times, for every row r.

    The Mann-Whitney form: the fraction of (positive, negative) pairs ranked correctly,
    ties counting one half.  Sorting once serves every row of weights.
    """
    order = np.argsort(score, kind="stable")
    values, starts = np.unique(score[order], return_index=True)
    positive = labels[order].astype(bool)
    pos = np.add.reduceat(weights[:, order] * positive, starts, axis=1)
    neg = np.add.reduceat(weights[:, order] * ~positive, starts, axis=1)
    below = np.cumsum(neg, axis=1) - neg  # negatives with a strictly lower score
    pairs = pos.sum(axis=1) * neg.sum(axis=1)
    return (pos * (below + 0.5 * neg)).sum(axis=1) / pairs


def bootstrap_auroc(y_true, score, other_score=None, *, n_boot=1000, confidence=0.95,
                    random_state=0):
    """AUROC on a test set with a bootstrap interval; paired difference if two models are given.

    The test samples are a finite draw from the population, so an AUROC measured on them is
    uncertain.  Each bootstrap replicate redraws the test samples with replacement.  With
    ``other_score``, both models are scored on the *same* redraw and the interval is for
    the difference ``AUROC(score) - AUROC(other_score)``: a paired comparison, whose noise
    comes only from the samples the two models rank differently, and which is much
    narrower than two separate intervals suggest.

    The interval covers the noise of the finite test set only: not the variation between
    training sets, seeds or cohorts.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels (0/1) with both classes present.
    score : array-like of shape (n_samples,)
        Scores of the model (higher means more likely positive), or true probabilities.
    other_score : array-like of shape (n_samples,), optional
        Scores of a second model on the same samples.
    n_boot : int, default=1000
        Number of bootstrap replicates, in [100, 100000].
    confidence : float, default=0.95
        Coverage of the percentile interval, in (0, 1).
    random_state : int, numpy Generator or None, default=0
        Seed of the resampling.

    Returns
    -------
    sklearn.utils.Bunch
        ``estimate`` (the AUROC, or the difference, on all samples), ``low`` and ``high``
        (the percentile interval) and ``sd`` (the bootstrap standard deviation).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 500)
    >>> good, weak = y + rng.normal(size=500), y + rng.normal(scale=3, size=500)
    >>> result = bootstrap_auroc(y, good, weak, n_boot=200)
    >>> bool(result.low > 0)
    True
    """
    from sklearn.utils import Bunch

    labels = _check_labels(y_true)
    scores = [_check_scores(score)]
    if other_score is not None:
        scores.append(_check_scores(other_score))
    for name, values in zip(["score", "other_score"], scores):
        if len(values) != len(labels):
            raise ValueError(f"{name} must hold one score per sample ({len(labels)}); got "
                             f"{len(values)}.")
    if labels.min() == labels.max():
        raise ValueError(f"y_true must contain both classes for an AUROC; got {len(labels)} "
                         f"labels, all {int(labels[0])}.")
    n_boot = check_int(n_boot, "n_boot", low=100, high=100_000)
    confidence = check_float(confidence, "confidence", low=0.0, high=1.0,
                             low_inclusive=False, high_inclusive=False)
    rng, _ = check_random_state(random_state)

    def statistic(weights):
        values = [_weighted_auroc(labels, s, weights) for s in scores]
        return values[0] - values[1] if len(values) == 2 else values[0]

    n = len(labels)
    estimate = float(statistic(np.ones((1, n)))[0])
    replicates = []
    while sum(len(r) for r in replicates) < n_boot:  # in chunks, to bound the memory
        rows = min(n_boot, 250)
        drawn = rng.integers(0, n, size=(rows, n)) + n * np.arange(rows)[:, None]
        counts = np.bincount(drawn.ravel(), minlength=rows * n).reshape(rows, n).astype(float)
        n_pos = counts @ labels
        both = (n_pos > 0) & (n_pos < n)  # a redraw needs both classes
        replicates.append(statistic(counts[both]))
    replicates = np.concatenate(replicates)[:n_boot]
    tail = (1 - confidence) / 2
    low, high = np.quantile(replicates, [tail, 1 - tail])
    return Bunch(estimate=float(estimate), low=float(low), high=float(high),
                 sd=float(np.std(replicates, ddof=1)))

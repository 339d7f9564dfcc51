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
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

from ._validation import check_float, check_int

__all__ = ["metric_panel", "format_panel", "summarize_scores", "format_mean_sd",
           "results_table", "best_candidate_scores"]

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

"""Batch correction for expression data, and how fitting it on the wrong samples leaks
(tip 7 of the course).

:func:`remove_batch_means` is the location part of ComBat [1]_: it estimates a shift per batch
and gene and subtracts it.  Like any preprocessing step it has parameters (the shifts), and
they must be estimated from the training samples only.  Two variants matter for
cross-validation:

- *label-blind* (``y=None``): each batch is centred on its own mean.  When the batches are
  confounded with the label, the batch mean contains part of the class difference;
- *label-protected* (``y`` given): the shifts come from a linear model ``gene ~ batch + label``,
  so the class difference is kept.  This is what ComBat does with the phenotype as a
  covariate, and fitting it on all samples uses the held-out labels (Nygaard et al. [2]_).

References
----------
.. [1] Johnson WE, Li C, Rabinovic A. Adjusting batch effects in microarray expression data
   using empirical Bayes methods. Biostatistics 8(1): 118-127 (2007).
.. [2] Nygaard V, Rødland EA, Hovig E. Methods that remove batch effects while retaining
   group differences may lead to exaggerated confidence in downstream analyses.
   Biostatistics 17(1): 29-39 (2016).
"""
from __future__ import annotations

import numpy as np

from ._validation import check_finite

__all__ = ["remove_batch_means", "batch_corrected_cv_auroc"]


def remove_batch_means(X, batch, *, y=None, fit_rows=None) -> np.ndarray:
    """Subtract a per-batch, per-gene shift estimated on ``fit_rows`` from every row of ``X``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_genes)
        Expression values (for example log2), without missing values.
    batch : array-like of int, shape (n_samples,)
        The batch of each sample.  Every batch of a corrected row must have at least one
        sample among ``fit_rows``.
    y : array-like of 0/1, shape (n_samples,), or None, default=None
        ``None``: label-blind, each batch is centred on the mean of its fitting rows.  Given:
        label-protected, the shifts are the batch coefficients of the least-squares model
        ``gene ~ batch + y`` fitted on ``fit_rows`` (only the labels of ``fit_rows`` are read).
    fit_rows : array-like of int or bool, or None, default=None
        The rows whose values (and labels) estimate the shifts: the training samples.
        ``None`` uses every row, which is a leak when some rows are later held out.

    Returns
    -------
    ndarray of shape (n_samples, n_genes), float64
        ``X`` minus the shift of each row's batch.  The overall mean of the fitting rows is
        added back, so the values stay on their original scale.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0], [3.0], [11.0], [13.0]])
    >>> remove_batch_means(X, [0, 0, 1, 1]).ravel()
    array([6., 8., 6., 8.])
    >>> remove_batch_means(X, [0, 0, 1, 1], fit_rows=[0, 1, 2]).ravel()  # batch 1 from row 2 only
    array([4., 6., 5., 7.])
    """
    X = check_finite(np.asarray(X, dtype=float), "X")
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (samples x genes); got shape {X.shape}.")
    batch = np.asarray(batch)
    if batch.shape != (len(X),) or not np.issubdtype(batch.dtype, np.integer):
        raise ValueError(f"batch must be a 1-D integer array with one entry per row of X "
                         f"({len(X)}); got dtype {batch.dtype} and shape {batch.shape}.")
    if fit_rows is None:
        fit = np.arange(len(X))
    else:
        fit = np.asarray(fit_rows)
        if fit.dtype == bool:
            if fit.shape != (len(X),):
                raise ValueError(f"fit_rows as a boolean mask must have length {len(X)}; got "
                                 f"{fit.shape}.")
            fit = np.flatnonzero(fit)
        elif fit.ndim != 1 or not np.issubdtype(fit.dtype, np.integer) or len(fit) == 0 \
                or fit.min() < 0 or fit.max() >= len(X):
            raise ValueError(f"fit_rows must be a non-empty 1-D array of row indices in "
                             f"[0, {len(X) - 1}] or a boolean mask; got {fit_rows!r}.")
    levels = np.unique(batch)
    missing = sorted(set(levels.tolist()) - set(np.unique(batch[fit]).tolist()))
    if missing:
        raise ValueError(f"every batch needs at least one fitting row; batch(es) {missing} "
                         f"have none among fit_rows.")
    onehot = (batch[:, None] == levels[None, :]).astype(float)
    design = onehot[fit]
    if y is not None:
        y = np.asarray(y)
        if y.shape != (len(X),) or not np.isin(y, (0, 1)).all():
            raise ValueError(f"y must be None or a 1-D array of 0/1 labels with one entry per "
                             f"row of X ({len(X)}); got shape {y.shape}.")
        design = np.column_stack([design, y[fit].astype(float)])
    coef, *_ = np.linalg.lstsq(design, X[fit], rcond=None)
    shifts = coef[:len(levels)]
    if y is not None:  # keep the intercept: shift each batch relative to the fitting rows' mean
        shifts = shifts - (onehot[fit] @ shifts).mean(axis=0)
        return X - onehot @ shifts
    return X - onehot @ shifts + X[fit].mean(axis=0)


def batch_corrected_cv_auroc(model, X, y, batch, cv, *, protect_label=False, inside=True) -> float:
    """Cross-validated AUROC of ``model`` on batch-corrected data, corrected inside or outside.

    Parameters
    ----------
    model : scikit-learn classifier
        Cloned and refitted in every fold (it needs ``predict_proba``).
    X, y, batch : array-like
        Expression (n_samples, n_genes), 0/1 labels and integer batches.
    cv : scikit-learn splitter
        Its ``split(X, y)`` gives the folds.
    protect_label : bool, default=False
        Estimate the batch shifts with the label as a covariate (as ComBat does with the
        phenotype), see :func:`remove_batch_means`.
    inside : bool, default=True
        ``True``: in every fold the shifts are estimated from that fold's training rows (and
        labels) only.  ``False``: once, from all rows and all labels, before the folds (the
        leak).

    Returns
    -------
    float
        The mean AUROC over the folds.
    """
    from sklearn.base import clone
    from sklearn.metrics import roc_auc_score

    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    labels = y if protect_label else None
    corrected_once = None if inside else remove_batch_means(X, batch, y=labels)
    scores = []
    for train, test in cv.split(X, y):
        Xc = remove_batch_means(X, batch, y=labels, fit_rows=train) if inside else corrected_once
        fitted = clone(model).fit(Xc[train], y[train])
        scores.append(roc_auc_score(y[test], fitted.predict_proba(Xc[test])[:, 1]))
    return float(np.mean(scores))

"""Learning curves on a large held-out test set: does a bigger model pay for itself?

A learning curve plots a model's test score against the number of training samples.  Two
curves side by side (a simple baseline and a neural network) answer the first question of
a deep-learning project (tip 1 of the course): at the sample size I can afford, does the
network beat the baseline, and by how much?

With simulated data the test set can be large and drawn fresh from the same process, so
the curves show the models and not the noise of a small test set.  At small training
sizes the score still depends on *which* samples were drawn, so :func:`learning_curve`
averages several random training subsets there.

The functions here compute and plot the curves; deciding where one curve overtakes the
other is left to the reader.
"""
from __future__ import annotations

import numbers
import time
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import accuracy_score, roc_auc_score

from ._validation import check_choice, check_finite, check_int, check_random_state, check_xy

__all__ = ["learning_curve", "curve_means", "curve_gaps", "plot_learning_curves",
           "METRICS"]

#: The scores recorded for every fit, in the columns of :func:`learning_curve`'s table.
METRICS = ("auroc", "accuracy")
_COLUMNS = ["model", "n_train", "repeat", "auroc", "accuracy", "fit_seconds"]


# ----------------------------------------------------------------------------------------
# Argument checks
# ----------------------------------------------------------------------------------------
def _check_estimators(estimators) -> dict:
    if not isinstance(estimators, Mapping) or len(estimators) == 0:
        raise TypeError("estimators must be a non-empty dict mapping a model name to a "
                        "scikit-learn classifier (or to a function of the training size that "
                        f"returns one); got {type(estimators).__name__}"
                        f"{' (empty)' if isinstance(estimators, Mapping) else ''}.")
    for name, model in estimators.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"estimators must have non-empty str keys (the model names); "
                            f"got {name!r}.")
        if not (hasattr(model, "fit") or callable(model)):
            raise TypeError(f"estimators[{name!r}] must be a scikit-learn classifier or a "
                            f"function n_train -> classifier; got {type(model).__name__}.")
        if hasattr(model, "fit") and not hasattr(model, "predict_proba"):
            raise TypeError(f"estimators[{name!r}] must be a classifier with predict_proba "
                            f"(AUROC is computed from predicted probabilities); got "
                            f"{type(model).__name__} without predict_proba. Accepted: "
                            "LogisticRegression, RandomForestClassifier, "
                            "HistGradientBoostingClassifier, NeuralNetClassifier, a pipeline "
                            "ending in one of them, or an SVC wrapped in "
                            "sklearn.calibration.CalibratedClassifierCV.")
    return dict(estimators)


def _make_model(name: str, spec, n_train: int):
    """A fresh, unfitted model: a clone of an estimator, or what a factory returns."""
    if hasattr(spec, "fit"):
        return clone(spec)
    model = spec(n_train)
    if not (hasattr(model, "fit") and hasattr(model, "predict_proba")):
        raise TypeError(f"estimators[{name!r}]({n_train}) must return a classifier with fit and "
                        f"predict_proba; got {type(model).__name__}.")
    return model


def _check_train_sizes(train_sizes, n_pool: int) -> list[int]:
    if isinstance(train_sizes, (str, bytes)) or not isinstance(train_sizes, (Sequence, np.ndarray)):
        raise TypeError(f"train_sizes must be a sequence of ints; got "
                        f"{type(train_sizes).__name__}.")
    sizes = [check_int(n, "train_sizes", low=2, high=n_pool) for n in train_sizes]
    if not sizes:
        raise ValueError("train_sizes must hold at least one size; got an empty sequence.")
    if any(b <= a for a, b in zip(sizes, sizes[1:])):
        raise ValueError(f"train_sizes must be strictly increasing; got {sizes}.")
    return sizes


def _check_repeats(n_repeats, n_sizes: int) -> list[int]:
    if isinstance(n_repeats, numbers.Integral) and not isinstance(n_repeats, (bool, np.bool_)):
        return [check_int(n_repeats, "n_repeats", low=1)] * n_sizes
    if isinstance(n_repeats, (str, bytes)) or not isinstance(n_repeats, (Sequence, np.ndarray)):
        raise TypeError(f"n_repeats must be an int in [1, inf) or a sequence of such ints, one "
                        f"per training size; got {n_repeats!r} of type "
                        f"{type(n_repeats).__name__}.")
    repeats = [check_int(r, "n_repeats", low=1) for r in n_repeats]
    if len(repeats) != n_sizes:
        raise ValueError(f"n_repeats must hold one count per training size ({n_sizes}); got "
                         f"{len(repeats)}.")
    return repeats


# ----------------------------------------------------------------------------------------
# Learning curves
# ----------------------------------------------------------------------------------------
def learning_curve(estimators, X_pool, y_pool, X_test, y_test, train_sizes, *, n_repeats=1,
                   random_state=None, return_models=False):
    """Score classifiers trained on growing subsets of a pool, on one large test set.

    For every training size ``n`` and every repeat, ``n`` samples are drawn at random
    (without replacement) from the pool; *every* model is trained on that same subset
    (a paired comparison) and scored on the whole test set.  Unlike
    :func:`sklearn.model_selection.learning_curve`, which cross-validates on one data set,
    the test set here is separate, large and fixed, which is what a simulation allows.

    Parameters
    ----------
    estimators : dict
        Model name -> a scikit-learn classifier (cloned for every fit), or a function
        ``n_train -> classifier`` that builds a fresh one (for settings that depend on the
        training size, such as the number of epochs).  Binary classifiers with
        ``predict_proba``; pipelines are fine.
    X_pool, y_pool : array-like of shape (n_pool, n_features) and (n_pool,)
        The samples that training subsets are drawn from: finite numbers, and the same
        two classes as ``y_test``.
    X_test, y_test : array-like of shape (n_test, n_features) and (n_test,)
        The held-out test set, never used for training.  Simulate it from the same
        process as the pool (for ``dlbio.datasets`` generators: one call with
        ``n_pool + n_test`` samples, then split, because the seed also fixes the genes).
        ``y_test`` must hold both classes.
    train_sizes : sequence of int
        Strictly increasing training sizes, each in ``[2, n_pool]``; a geometric grid such
        as ``[100, 300, 1000, 3000]`` shows the trend with few fits.
    n_repeats : int or sequence of int, default=1
        Random training subsets per size (one count, or one per size).  Small sizes need
        several, because their score depends on which samples were drawn; large ones
        need few.
    random_state : None, int or numpy Generator, default=None
        Seed for drawing the training subsets.  The models' own seeds are part of the
        estimators.
    return_models : bool, default=False
        Also return the fitted models, so that a later analysis can reuse a fit (for
        example the one on the whole pool) instead of training it again.

    Returns
    -------
    pandas.DataFrame
        One row per (model, size, repeat), with columns ``model``, ``n_train``,
        ``repeat``, ``auroc`` (area under the ROC curve on the test set), ``accuracy``
        and ``fit_seconds`` (wall time of ``fit``; for a search object such as
        ``GridSearchCV``, the whole search and the final refit).  Use
        :func:`curve_means` to average the repeats.
    dict
        Only with ``return_models=True``: ``(model, n_train, repeat) -> fitted model``,
        returned after the table as a tuple ``(table, models)``.

    Raises
    ------
    ValueError
        If a training subset holds a single class (use larger sizes), or for invalid
        arguments (the message names the argument).

    See Also
    --------
    curve_means : The mean score per size and model.
    plot_learning_curves : Draw the curves.

    Notes
    -----
    The subsets for one size are drawn independently of those for other sizes, so the
    curves are not nested; with a large test set and repeats at small sizes this adds
    little noise, and it makes each point an honest draw of "a study with ``n``
    samples".  On a GPU, neural networks are not bit-for-bit repeatable (see tip 3), so
    their scores may differ slightly between runs.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(600, 5))
    >>> y = (X[:, 0] + rng.normal(size=600) > 0).astype(int)
    >>> table = learning_curve({"logistic": LogisticRegression()}, X[:400], y[:400],
    ...                        X[400:], y[400:], [50, 400], n_repeats=[3, 1],
    ...                        random_state=0)
    >>> table.shape
    (4, 6)
    >>> bool(curve_means(table)["logistic"].is_monotonic_increasing)
    True
    """
    estimators = _check_estimators(estimators)
    X_pool, y_pool = check_xy(X_pool, y_pool, "X_pool", "y_pool")
    X_test, y_test = check_xy(X_test, y_test, "X_test", "y_test")
    for array, array_name in ((X_pool, "X_pool"), (X_test, "X_test")):
        if array.dtype.kind in "biuf":
            check_finite(array, array_name)  # a NaN would fail some subsets and not others
    if X_pool.shape[1] != X_test.shape[1]:
        raise ValueError(f"X_pool and X_test must have the same number of features; got "
                         f"{X_pool.shape[1]} and {X_test.shape[1]}.")
    test_classes = np.unique(y_test)
    if len(test_classes) != 2:
        raise ValueError(f"y_test must hold exactly two classes (for AUROC); got "
                         f"{len(test_classes)}: {test_classes[:5].tolist()}.")
    pool_classes = np.unique(y_pool)
    if not np.array_equal(pool_classes, test_classes):
        raise ValueError(f"y_pool must hold the same two classes as y_test "
                         f"({test_classes.tolist()}), since learning_curve scores a binary "
                         f"problem; got {len(pool_classes)} classes in y_pool: "
                         f"{pool_classes[:5].tolist()}.")
    sizes = _check_train_sizes(train_sizes, len(y_pool))
    repeats = _check_repeats(n_repeats, len(sizes))
    rng, _ = check_random_state(random_state)
    if not isinstance(return_models, (bool, np.bool_)):
        raise TypeError(f"return_models must be True or False; got {return_models!r} of type "
                        f"{type(return_models).__name__}.")

    rows, models = [], {}
    for n_train, n_rep in zip(sizes, repeats):
        for repeat in range(n_rep):
            rows_idx = rng.choice(len(y_pool), size=n_train, replace=False)
            X_train, y_train = X_pool[rows_idx], y_pool[rows_idx]
            if len(np.unique(y_train)) < 2:
                raise ValueError(f"A training subset of n_train={n_train} samples holds a "
                                 "single class; use larger train_sizes (or a pool with a "
                                 "less extreme prevalence).")
            for name, spec in estimators.items():
                model = _make_model(name, spec, n_train)
                start = time.perf_counter()
                model.fit(X_train, y_train)
                seconds = time.perf_counter() - start
                positive = list(model.classes_).index(test_classes[1])
                score = model.predict_proba(X_test)[:, positive]
                rows.append({
                    "model": name, "n_train": n_train, "repeat": repeat,
                    "auroc": float(roc_auc_score(y_test, score)),
                    "accuracy": float(accuracy_score(y_test, model.predict(X_test))),
                    "fit_seconds": seconds,
                })
                if return_models:
                    models[name, n_train, repeat] = model
    table = pd.DataFrame(rows, columns=_COLUMNS)
    return (table, models) if return_models else table


def _check_table(table) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be the DataFrame returned by learning_curve; got "
                        f"{type(table).__name__}.")
    missing = [c for c in ("model", "n_train") if c not in table.columns]
    if missing:
        raise ValueError(f"table must have the columns of learning_curve's result; "
                         f"{missing} missing.")
    return table


def curve_means(table, metric="auroc") -> pd.DataFrame:
    """Average the repeats: the mean ``metric`` per training size (rows) and model (columns).

    Parameters
    ----------
    table : pandas.DataFrame
        The result of :func:`learning_curve`.
    metric : {"auroc", "accuracy", "fit_seconds"}, default="auroc"
        The column to average.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``n_train`` (increasing), one column per model, in the order the models
        were given.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"model": ["a", "a", "b", "b"], "n_train": [10, 10, 10, 10],
    ...                       "repeat": [0, 1, 0, 1], "auroc": [0.5, 0.75, 0.5, 0.5]})
    >>> curve_means(table).loc[10].to_dict()
    {'a': 0.625, 'b': 0.5}
    """
    table = _check_table(table)
    metric = check_choice(metric, "metric", [*METRICS, "fit_seconds"])
    if metric not in table.columns:
        raise ValueError(f"table has no column {metric!r}.")
    order = list(dict.fromkeys(table["model"]))
    means = table.pivot_table(index="n_train", columns="model", values=metric, aggfunc="mean")
    return means[order].sort_index()


def curve_gaps(table, model, baseline, metric="auroc") -> pd.DataFrame:
    """How far ``model`` is ahead of ``baseline`` at each size, with its spread over repeats.

    :func:`learning_curve` trains every model on the same random subsets, so the gap can
    be computed within each repeat (a paired difference) before it is averaged.  The sd
    over repeats measures how much the gap moves with the training samples drawn (and the
    seeds they imply); it is NaN where a size has a single repeat.  It does not include
    the noise of the finite test set.

    Parameters
    ----------
    table : pandas.DataFrame
        The result of :func:`learning_curve`.
    model, baseline : str
        Two model names in ``table``.
    metric : {"auroc", "accuracy"}, default="auroc"
        The score to compare.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``n_train``, with columns ``gap`` (mean of ``model - baseline`` over
        the repeats), ``sd`` (its standard deviation over the repeats, ddof=1), ``min``,
        ``max`` and ``repeats``.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"model": ["a", "b", "a", "b"], "n_train": [10, 10, 10, 10],
    ...                       "repeat": [0, 0, 1, 1], "auroc": [0.7, 0.6, 0.8, 0.6]})
    >>> curve_gaps(table, "a", "b").loc[10, ["gap", "repeats"]].tolist()
    [0.15000000000000002, 2.0]
    """
    table = _check_table(table)
    metric = check_choice(metric, "metric", list(METRICS))
    names = list(dict.fromkeys(table["model"]))
    for name, what in [(model, "model"), (baseline, "baseline")]:
        if name not in names:
            raise ValueError(f"{what} must be one of the models in table {names}; got {name!r}.")
    wide = table.pivot_table(index=["n_train", "repeat"], columns="model", values=metric)
    gap = (wide[model] - wide[baseline]).groupby(level="n_train")
    result = pd.DataFrame({"gap": gap.mean(), "sd": gap.std(ddof=1), "min": gap.min(),
                           "max": gap.max(), "repeats": gap.size().astype(float)})
    return result.sort_index()


def plot_learning_curves(table, metric="auroc", *, ax=None, title="Learning curves",
                         ceiling=None):
    """Plot the mean ``metric`` against the training size (log scale), one line per model.

    Each repeat is shown as a faint dot, so the spread at small sizes stays visible.

    Parameters
    ----------
    table : pandas.DataFrame
        The result of :func:`learning_curve`.
    metric : {"auroc", "accuracy"}, default="auroc"
        Which score to plot.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if None.
    title : str, default="Learning curves"
        Axes title.
    ceiling : float, optional
        The best score any model could reach (for example from the true probabilities of
        simulated data), drawn as a dashed line.

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullLocator

    from .plotting import COLORS, label

    table = _check_table(table)
    metric = check_choice(metric, "metric", list(METRICS))
    if ceiling is not None and (isinstance(ceiling, (bool, np.bool_))
                                or not isinstance(ceiling, numbers.Real)):
        raise TypeError(f"ceiling must be a number or None; got {ceiling!r}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    means = curve_means(table, metric)
    colours = COLORS
    for i, name in enumerate(means.columns):
        colour = colours[i % len(colours)]
        rows = table[table["model"] == name]
        ax.scatter(rows["n_train"], rows[metric], s=12, alpha=0.35, color=colour)
        ax.plot(means.index, means[name], marker="o", color=colour, label=name)
    if ceiling is not None:
        ax.axhline(float(ceiling), ls="--", color="grey", label="ceiling (true probabilities)")
    ax.set_xscale("log")
    # Ticks at the training sizes measured (100, 300, ...), not at powers of ten.
    sizes = [int(n) for n in means.index]
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticks(sizes, [str(n) for n in sizes])
    ax.legend()
    label(ax, title, "training samples (log scale)",
          "test AUROC" if metric == "auroc" else "test accuracy")
    return ax

"""Hyperparameter search for the course network: a search space, scores, best-so-far curves,
and one Optuna study run by several worker processes (tip 6 of the course).

The pieces a lesson on tuning needs but that are not the point of the lesson:

- :data:`SEARCH_SPACE` and :func:`suggest_network_params`: learning rate and weight decay on a
  log scale, width and dropout, for :class:`dlbio.estimators.NeuralNetClassifier`;
- :func:`make_network` and :func:`holdout_score`: one setting in, one validation AUROC out.
  The network trains for a fixed 5 epochs with plain SGD, whose result depends strongly on
  the learning rate (Adam is far more forgiving), so that a search has something to find;
- :func:`best_so_far`: the running best of a search, trial by trial;
- :class:`HoldoutObjective` and :func:`run_parallel_study`: the same Optuna study run by
  several processes that share one journal file, the way a study is spread over the nodes of
  a cluster (with a database URL instead of a file).

Optuna reports every finished trial at the INFO level on standard error.  The functions here
leave Optuna's logging alone in the calling process (call
``optuna.logging.set_verbosity(optuna.logging.WARNING)`` to quieten it); the worker processes
of :func:`run_parallel_study` set it to WARNING themselves, so that they print nothing.
"""
from __future__ import annotations

import contextlib
import math
import multiprocessing
import numbers
import os
import pickle
import sys
import tempfile
from collections.abc import Mapping, Sequence

import numpy as np
import optuna
from optuna.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend, JournalFileOpenLock
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from ._validation import check_choice, check_finite, check_int, check_random_state, check_xy

__all__ = [
    "SEARCH_SPACE",
    "DEFAULT_PARAMS",
    "suggest_network_params",
    "describe_space",
    "make_network",
    "holdout_score",
    "BudgetedScorer",
    "BudgetExceededError",
    "best_reachable_score",
    "best_so_far",
    "HoldoutObjective",
    "run_parallel_study",
]

#: The search space of the course network: Optuna distributions, one per hyperparameter.
#: ``lr`` (the SGD learning rate) and ``weight_decay`` (its L2 penalty) are searched on a log
#: scale, because a change from 1e-4 to 1e-3 matters as much as one from 0.1 to 1; ``width``
#: is the size of the single hidden layer; ``dropout`` the dropout probability after it.
#: The learning-rate range is wide on purpose: it runs from "barely moves in 5 epochs" to
#: "the loss blows up".
SEARCH_SPACE: dict[str, BaseDistribution] = {
    "lr": FloatDistribution(1e-4, 10.0, log=True),
    "weight_decay": FloatDistribution(1e-6, 1e-1, log=True),
    "width": CategoricalDistribution((16, 32, 64, 128, 256)),
    "dropout": FloatDistribution(0.0, 0.5),
}

#: Values used for a hyperparameter that a setting leaves out.
DEFAULT_PARAMS: dict[str, float | int] = {"lr": 0.1, "weight_decay": 0.0, "width": 64,
                                          "dropout": 0.0}

#: Score given to a run whose training loss became NaN or infinite: the AUROC of a
#: constant prediction.
DIVERGED_SCORE = 0.5


# ----------------------------------------------------------------------------------------
# Argument checks
# ----------------------------------------------------------------------------------------
def _check_space(space) -> dict[str, BaseDistribution]:
    if space is None:
        return dict(SEARCH_SPACE)
    if not isinstance(space, Mapping) or len(space) == 0:
        raise TypeError(f"space must be a non-empty dict mapping a hyperparameter name to an "
                        f"optuna distribution, like SEARCH_SPACE; got {type(space).__name__}.")
    for name, dist in space.items():
        if name not in DEFAULT_PARAMS:
            raise ValueError(f"space must only hold the hyperparameters "
                             f"{sorted(DEFAULT_PARAMS)}; got {name!r}.")
        if not isinstance(dist, (FloatDistribution, CategoricalDistribution)):
            raise TypeError(f"space[{name!r}] must be an optuna FloatDistribution or "
                            f"CategoricalDistribution; got {type(dist).__name__}.")
    return dict(space)


def _check_params(params) -> dict:
    if params is None:
        return dict(DEFAULT_PARAMS)
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict such as {{'lr': 0.01, 'width': 64}} or None; "
                        f"got {type(params).__name__}.")
    unknown = sorted(set(params) - set(DEFAULT_PARAMS))
    if unknown:
        raise ValueError(f"params must only hold the keys {sorted(DEFAULT_PARAMS)}; got "
                         f"{unknown[0]!r}.")
    resolved = {**DEFAULT_PARAMS, **params}
    for name in ("lr", "weight_decay", "dropout"):
        value = resolved[name]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(f"params[{name!r}] must be a finite number; got {value!r} of "
                            f"type {type(value).__name__}.")
        if not math.isfinite(value):  # a number, but NaN or infinite: a bad value
            raise ValueError(f"params[{name!r}] must be a finite number; got {value!r}.")
    if not resolved["lr"] > 0:
        raise ValueError(f"params['lr'] must be a float in (0, inf); got {resolved['lr']!r}.")
    if not resolved["weight_decay"] >= 0:
        raise ValueError(f"params['weight_decay'] must be a float in [0, inf); got "
                         f"{resolved['weight_decay']!r}.")
    if not 0 <= resolved["dropout"] < 1:
        raise ValueError(f"params['dropout'] must be a float in [0, 1); got "
                         f"{resolved['dropout']!r}.")
    resolved["width"] = check_int(resolved["width"], "params['width']", low=1)
    return {"lr": float(resolved["lr"]), "weight_decay": float(resolved["weight_decay"]),
            "width": resolved["width"], "dropout": float(resolved["dropout"])}


def _check_trial(trial):
    if not hasattr(trial, "suggest_float") or not hasattr(trial, "suggest_categorical"):
        raise TypeError(f"trial must be an optuna Trial (or FixedTrial); got "
                        f"{type(trial).__name__}.")
    return trial


def _check_xy(X, y, X_name: str, y_name: str) -> tuple[np.ndarray, np.ndarray]:
    """The shared X/y checks, plus exactly two classes (the score is an AUROC)."""
    X, y = check_xy(X, y, X_name, y_name)
    if X.dtype.kind in "biuf":
        check_finite(X, X_name)  # caught here, not inside the first trial
    if len(np.unique(y)) != 2:
        raise ValueError(f"{y_name} must hold exactly 2 classes (the score is an AUROC); "
                         f"got {len(np.unique(y))}.")
    return X, y


def _check_training(max_epochs, batch_size):
    return (check_int(max_epochs, "max_epochs", low=1),
            check_int(batch_size, "batch_size", low=1))


# ----------------------------------------------------------------------------------------
# The search space
# ----------------------------------------------------------------------------------------
def suggest_network_params(trial, space=None) -> dict:
    """Ask an Optuna trial for one setting of the network's hyperparameters.

    This is Optuna's *define-by-run* style: the search space is whatever the objective asks
    the trial for.  Each distribution of ``space`` becomes one ``trial.suggest_*`` call.

    Parameters
    ----------
    trial : optuna.trial.Trial or optuna.trial.FixedTrial
        The trial to ask.
    space : dict or None, default=None
        Hyperparameter name -> ``optuna.distributions.FloatDistribution`` (``log=True`` for
        a log scale) or ``CategoricalDistribution``.  ``None`` uses :data:`SEARCH_SPACE`.
        The names must be among ``lr``, ``weight_decay``, ``width`` and ``dropout``.

    Returns
    -------
    dict
        The suggested setting, ready for :func:`make_network` or :func:`holdout_score`.

    Examples
    --------
    >>> import optuna
    >>> trial = optuna.trial.FixedTrial({"lr": 0.01, "weight_decay": 1e-4, "width": 32,
    ...                                  "dropout": 0.1})
    >>> suggest_network_params(trial)
    {'lr': 0.01, 'weight_decay': 0.0001, 'width': 32, 'dropout': 0.1}
    """
    trial = _check_trial(trial)
    space = _check_space(space)
    params = {}
    for name, dist in space.items():
        if isinstance(dist, CategoricalDistribution):
            params[name] = trial.suggest_categorical(name, dist.choices)
        else:
            params[name] = trial.suggest_float(name, dist.low, dist.high, log=dist.log,
                                               step=dist.step)
    return params


def describe_space(space=None) -> dict[str, str]:
    """A readable description of a search space, for a tuning report.

    Parameters
    ----------
    space : dict or None, default=None
        As in :func:`suggest_network_params`; ``None`` describes :data:`SEARCH_SPACE`.

    Returns
    -------
    dict
        Hyperparameter name -> text such as ``"log-uniform [1e-05, 0.1]"``.

    Examples
    --------
    >>> describe_space()["lr"]
    'log-uniform [0.0001, 10]'
    >>> describe_space()["width"]
    'one of (16, 32, 64, 128, 256)'
    """
    space = _check_space(space)
    text = {}
    for name, dist in space.items():
        if isinstance(dist, CategoricalDistribution):
            text[name] = f"one of {tuple(dist.choices)}"
        else:
            kind = "log-uniform" if dist.log else "uniform"
            step = f", step {dist.step:g}" if dist.step is not None else ""
            text[name] = f"{kind} [{dist.low:g}, {dist.high:g}{step}]"
    return text


# ----------------------------------------------------------------------------------------
# One setting -> one network -> one score
# ----------------------------------------------------------------------------------------
def make_network(params=None, *, optimizer="sgd", max_epochs=5, batch_size=64, random_state=0,
                 device=None):
    """The course network for one hyperparameter setting: standardize, then an MLP.

    A ``Pipeline(StandardScaler(), NeuralNetClassifier(...))`` with one hidden layer of
    ``width`` units, trained for a fixed number of epochs (plain SGD by default).  Because
    the scaler is part of the pipeline, cross-validation fits it on the training folds only.

    Parameters
    ----------
    params : dict or None, default=None
        Any of ``lr``, ``weight_decay``, ``width`` and ``dropout``; missing ones take
        :data:`DEFAULT_PARAMS`.
    optimizer : {"sgd", "adam", "adamw"} or torch.optim.Optimizer subclass, default="sgd"
        The optimization algorithm.  Plain SGD (no momentum) is sensitive to the learning
        rate, which makes it a good subject for a search; Adam is far less so.
    max_epochs : int, default=5
        Passes over the training data (a fixed, small budget: no early stopping).
    batch_size : int, default=64
        Samples per mini-batch.
    random_state : int, default=0
        Seed of the initial weights and of the shuffling.  Keep it fixed while comparing
        settings, so that the settings, not the seeds, differ.
    device : str, torch.device or None, default=None
        Where to train; ``None`` uses a GPU if there is one
        (see :func:`dlbio.training.select_device`).

    Returns
    -------
    sklearn.pipeline.Pipeline
        Unfitted; its steps are named ``"scale"`` and ``"net"``.
    """
    import torch

    from .estimators import NeuralNetClassifier
    from .training import OPTIMIZERS, select_device

    params = _check_params(params)
    select_device(device)  # raises for an unknown or unavailable device
    if not (isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer)):
        optimizer = check_choice(optimizer, "optimizer", sorted(OPTIMIZERS))
    max_epochs, batch_size = _check_training(max_epochs, batch_size)
    _, seed = check_random_state(random_state)
    net = NeuralNetClassifier(hidden=(params["width"],), dropout=params["dropout"],
                              optimizer=optimizer, lr=params["lr"],
                              weight_decay=params["weight_decay"], batch_size=batch_size,
                              max_epochs=max_epochs, device=device, random_state=seed)
    return Pipeline([("scale", StandardScaler()), ("net", net)])


def holdout_score(params, X_train, y_train, X_val, y_val, *, optimizer="sgd", max_epochs=5,
                  batch_size=64, random_state=0, device=None) -> float:
    """Train the network with one setting and return its validation AUROC.

    Parameters
    ----------
    params : dict or None
        The setting, as in :func:`make_network`.
    X_train, y_train : array-like
        Training data (raw features: the pipeline standardizes them) and binary labels.
    X_val, y_val : array-like
        Validation data, used only to score the trained network.
    optimizer, max_epochs, batch_size, random_state, device
        As in :func:`make_network`.

    Returns
    -------
    float
        Area under the ROC curve on the validation data.  A run whose training loss became
        NaN or infinite (a learning rate far too high) scores 0.5, like a constant guess.

    Examples
    --------
    >>> from dlbio.datasets import make_expression
    >>> d = make_expression(200, 20, n_informative=5, random_state=0)
    >>> score = holdout_score({"lr": 0.3}, d.X[:100], d.y[:100], d.X[100:], d.y[100:],
    ...                       device="cpu")
    >>> 0.5 < score <= 1.0
    True
    """
    X_train, y_train = _check_xy(X_train, y_train, "X_train", "y_train")
    X_val, y_val = _check_xy(X_val, y_val, "X_val", "y_val")
    if X_val.shape[1] != X_train.shape[1]:
        raise ValueError(f"X_val must have the same number of columns as X_train "
                         f"({X_train.shape[1]}); got {X_val.shape[1]}.")
    model = make_network(params, optimizer=optimizer, max_epochs=max_epochs, batch_size=batch_size,
                         random_state=random_state, device=device)
    try:
        model.fit(X_train, y_train)
    except FloatingPointError:
        return DIVERGED_SCORE
    return float(roc_auc_score(y_val, model.predict_proba(X_val)[:, 1]))


class BudgetExceededError(RuntimeError):
    """Raised by :class:`BudgetedScorer` when a search asks for more trainings than allowed."""


class BudgetedScorer:
    """:func:`holdout_score` with a fixed training pipeline and a limited number of calls.

    A search under a compute budget: every call trains the network once and counts
    against ``budget``; the call after the last allowed one raises
    :class:`BudgetExceededError` instead of training.

    Parameters
    ----------
    budget : int
        The number of trainings allowed (>= 1).
    optimizer, max_epochs, batch_size, random_state, device
        The fixed training pipeline, as in :func:`holdout_score`.  ``batch_size=None``
        trains on the whole training set as one batch (full-batch gradient descent).

    Attributes
    ----------
    calls : int
        Trainings used so far.
    history : list of (dict, float)
        Every setting scored so far, with its score, in order.

    Examples
    --------
    >>> from dlbio.datasets import make_expression
    >>> d = make_expression(200, 20, n_informative=5, random_state=0)
    >>> score = BudgetedScorer(2, device="cpu")
    >>> s = score({"lr": 0.3}, d.X[:100], d.y[:100], d.X[100:], d.y[100:])
    >>> score.calls, score.remaining
    (1, 1)
    """

    def __init__(self, budget, *, optimizer="sgd", max_epochs=5, batch_size=64, random_state=0,
                 device=None):
        self.budget = check_int(budget, "budget", low=1)
        if batch_size is not None:
            batch_size = check_int(batch_size, "batch_size", low=1)
        self.max_epochs = check_int(max_epochs, "max_epochs", low=1)
        self.batch_size = batch_size
        self.optimizer = optimizer
        _, self.random_state = check_random_state(random_state)
        self.device = device
        self.calls = 0
        self.history: list[tuple[dict, float]] = []

    @property
    def remaining(self) -> int:
        """Trainings left."""
        return self.budget - self.calls

    def __call__(self, params, X_train, y_train, X_val, y_val) -> float:
        """Train once with ``params`` and return the validation AUROC (counts one call)."""
        if self.calls >= self.budget:
            raise BudgetExceededError(
                f"budget exhausted: this scorer allows {self.budget} trainings and all "
                f"{self.budget} are spent. Choose among the settings already scored.")
        batch_size = self.batch_size if self.batch_size is not None else len(np.asarray(y_train))
        score = holdout_score(params, X_train, y_train, X_val, y_val, optimizer=self.optimizer,
                              max_epochs=self.max_epochs, batch_size=batch_size,
                              random_state=self.random_state, device=self.device)
        self.calls += 1
        self.history.append((dict(params) if isinstance(params, Mapping) else params, score))
        return score


def best_reachable_score(X_train, y_train, X_new, y_new, *, optimizer="sgd", max_epochs=5,
                         batch_size=64, random_state=0, device=None) -> float:
    """The best AUROC of 9 learning rates on new data: a grader's yardstick for a pipeline.

    A yardstick for a budgeted search: with no budget, train the network with the pipeline
    on ``X_train, y_train`` at 9 learning rates from 0.001 to 10 (evenly spaced on the log
    scale; the other hyperparameters at :data:`DEFAULT_PARAMS`; weight seed
    ``random_state``), score each on ``X_new, y_new`` and return the best AUROC.  It is not
    the best the pipeline can reach: a search over all hyperparameters can match or exceed
    it.  It picks the learning rate on the very data it scores, so it is slightly
    optimistic: a reference to compare a choice with, not an estimate of performance.

    Parameters
    ----------
    X_train, y_train : array-like
        The data the network is trained on.
    X_new, y_new : array-like
        New samples of the same population, used only to score.
    optimizer, max_epochs, random_state, device
        The training pipeline, as in :func:`holdout_score`.
    batch_size : int or None, default=64
        Samples per mini-batch; ``None`` trains on the whole training set as one batch, as
        in :class:`BudgetedScorer`.

    Returns
    -------
    float
        The highest AUROC on ``X_new, y_new`` among the settings tried.

    Examples
    --------
    >>> from dlbio.datasets import make_expression
    >>> d = make_expression(200, 20, n_informative=5, random_state=0)
    >>> best = best_reachable_score(d.X[:100], d.y[:100], d.X[100:], d.y[100:], device="cpu")
    >>> best >= holdout_score({"lr": 0.1}, d.X[:100], d.y[:100], d.X[100:], d.y[100:], device="cpu")
    True
    """
    X_train, y_train = _check_xy(X_train, y_train, "X_train", "y_train")
    if batch_size is None:
        batch_size = len(y_train)
    batch_size = check_int(batch_size, "batch_size", low=1)
    return max(holdout_score({"lr": float(lr)}, X_train, y_train, X_new, y_new, optimizer=optimizer,
                             max_epochs=max_epochs, batch_size=batch_size, random_state=random_state,
                             device=device)
               for lr in np.geomspace(1e-3, 10.0, 9))


# ----------------------------------------------------------------------------------------
# Following a search
# ----------------------------------------------------------------------------------------
def best_so_far(values, *, direction="maximize") -> np.ndarray:
    """The best score found up to and including each trial.

    Parameters
    ----------
    values : sequence of float or None, or an optuna Study
        One score per trial, in the order the trials ran.  ``None`` or NaN marks a trial
        without a score (pruned or failed): it keeps the best so far unchanged.  A Study
        gives the values of its trials in the order of their numbers, with ``None`` for
        every trial that did not complete.
    direction : {"maximize", "minimize"}, default="maximize"
        Whether a higher or a lower score is better.  For a Study, its own direction is
        used and this argument must agree with it.

    Returns
    -------
    ndarray of shape (n_trials,)
        NaN until the first trial with a score.

    Examples
    --------
    >>> best_so_far([0.6, None, 0.7, 0.65])
    array([0.6, 0.6, 0.7, 0.7])
    >>> best_so_far([3.0, 1.0, 2.0], direction="minimize")
    array([3., 1., 1.])
    """
    direction = check_choice(direction, "direction", ["maximize", "minimize"])
    if isinstance(values, optuna.Study):
        study = values
        if len(study.directions) != 1:
            raise ValueError("values must be a single-objective study.")
        study_direction = study.direction.name.lower()
        if study_direction != direction:
            raise ValueError(f"direction must match the study's direction "
                             f"({study_direction!r}); got {direction!r}.")
        trials = sorted(study.get_trials(deepcopy=False), key=lambda t: t.number)
        values = [t.value if t.state == optuna.trial.TrialState.COMPLETE else None
                  for t in trials]
    elif isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise TypeError(f"values must be a sequence of scores (None for a trial without a "
                        f"score) or an optuna Study; got {type(values).__name__}.")
    for k, value in enumerate(values):
        nested = isinstance(value, (Sequence, np.ndarray)) and not isinstance(value, (str, bytes))
        if value is not None and not nested and (isinstance(value, (bool, np.bool_))
                                                 or not isinstance(value, numbers.Real)):
            raise TypeError(f"values must hold numbers (None or NaN for a trial without a "
                            f"score); got {value!r} of type {type(value).__name__} at "
                            f"position {k}.")
    scores = np.array([np.nan if v is None else v for v in values], dtype=float)
    if scores.ndim != 1:
        raise ValueError(f"values must be one-dimensional; got shape {scores.shape}.")
    if np.isinf(scores).any():
        raise ValueError("values must be finite numbers, None or NaN; got an infinity.")
    better = np.fmax if direction == "maximize" else np.fmin
    return better.accumulate(scores) if len(scores) else scores


# ----------------------------------------------------------------------------------------
# One study, several processes
# ----------------------------------------------------------------------------------------
class HoldoutObjective:
    """An Optuna objective: the validation AUROC of the network for the suggested setting.

    A class rather than a function so that it can be sent to worker processes, which
    import it from ``dlbio.tuning`` (a function defined in a notebook cannot be imported).

    Parameters
    ----------
    X_train, y_train, X_val, y_val : array-like
        Training and validation data, as in :func:`holdout_score`.
    space : dict or None, default=None
        The search space (:data:`SEARCH_SPACE` if None).
    max_epochs, batch_size, random_state : int
        As in :func:`make_network`.
    device : str, torch.device or None, default="cpu"
        Where each trial trains.  The CPU by default: worker processes on one machine
        should not compete for one GPU, and a forked worker cannot use a GPU that its
        parent process has used.

    Examples
    --------
    >>> import optuna
    >>> from dlbio.datasets import make_expression
    >>> d = make_expression(200, 20, n_informative=5, random_state=0)
    >>> objective = HoldoutObjective(d.X[:100], d.y[:100], d.X[100:], d.y[100:])
    >>> objective(optuna.trial.FixedTrial({"lr": 0.3, "weight_decay": 1e-5, "width": 16,
    ...                                    "dropout": 0.0})) > 0.5
    True
    """

    def __init__(self, X_train, y_train, X_val, y_val, *, space=None, max_epochs=5,
                 batch_size=64, random_state=0, device="cpu"):
        self.X_train, self.y_train = _check_xy(X_train, y_train, "X_train", "y_train")
        self.X_val, self.y_val = _check_xy(X_val, y_val, "X_val", "y_val")
        self.space = _check_space(space)
        self.max_epochs, self.batch_size = _check_training(max_epochs, batch_size)
        _, self.random_state = check_random_state(random_state)
        from .training import select_device

        select_device(device)  # raises for an unknown or unavailable device
        self.device = device

    def __call__(self, trial) -> float:
        params = suggest_network_params(trial, self.space)
        return holdout_score(params, self.X_train, self.y_train, self.X_val, self.y_val,
                             max_epochs=self.max_epochs, batch_size=self.batch_size,
                             random_state=self.random_state, device=self.device)


def _journal(path: str) -> JournalStorage:
    # The open-file lock works on every OS (the default symlink lock needs symlinks).
    return JournalStorage(JournalFileBackend(path, lock_obj=JournalFileOpenLock(path)))


def _worker(journal_path: str, study_name: str, objective, n_trials: int, seed: int,
            n_startup_trials: int, worker: int) -> None:
    """Body of one worker process: join the study in the journal and run its trials."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # no INFO line per trial on stderr
    sampler = optuna.samplers.TPESampler(seed=seed + worker, n_startup_trials=n_startup_trials)
    study = optuna.load_study(study_name=study_name, storage=_journal(journal_path),
                              sampler=sampler)

    def tagged(trial):
        trial.set_user_attr("worker", worker)
        trial.set_user_attr("pid", os.getpid())
        return objective(trial)

    study.optimize(tagged, n_trials=n_trials)


#: Environment variables that limit the thread pools of OpenMP (PyTorch) and the BLAS
#: libraries; a fresh worker interpreter reads them when it imports numpy and torch.
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                     "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


@contextlib.contextmanager
def _one_thread_per_worker():
    """Set the thread variables to 1 while worker interpreters start, then restore them.

    A forked worker inherits the thread limits of this process; a spawned one starts from
    the environment, and without these variables every worker would start one thread per
    core and the workers would compete for the cores.
    """
    saved = {name: os.environ.get(name) for name in _THREAD_VARIABLES}
    os.environ.update({name: "1" for name in _THREAD_VARIABLES})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _default_start_method() -> str:
    # fork is fast (the workers inherit the imported libraries) but only safe on Linux;
    # macOS and Windows start fresh interpreters.
    return "fork" if sys.platform.startswith("linux") else "spawn"


def run_parallel_study(objective, *, n_trials=8, n_workers=2, study_name="parallel-study",
                       seed=0, n_startup_trials=4, directory=None, start_method=None):
    """Run one Optuna study (TPE, maximize) with several worker processes.

    The study lives in a *journal file* that every worker reads and appends to: a worker
    that asks for a new setting sees the trials that the other workers have finished (and,
    through TPE's "constant liar", those still running).  On a cluster the same code runs
    unchanged with a storage every node can reach, such as a PostgreSQL or MySQL URL
    (``storage="postgresql://user@host/db"``), or a journal file on a shared file system.

    Parameters
    ----------
    objective : callable
        ``objective(trial) -> float``.  It must be importable by the workers (a module-level
        function or an instance of a module-level class such as :class:`HoldoutObjective`),
        not a function defined in a notebook.
    n_trials : int, default=8
        Total number of trials, shared out between the workers.
    n_workers : int, default=2
        Number of worker processes, at most ``n_trials``.
    study_name : str, default="parallel-study"
        Name of the study in the journal.
    seed : int, default=0
        Worker ``k`` uses ``TPESampler(seed=seed + k)``: workers with the same seed would
        propose the same settings.
    n_startup_trials : int, default=4
        Random trials (counted over all workers) before TPE starts to model the results.
    directory : str or None, default=None
        Where to write the journal file (``<study_name>.log``).  None uses a temporary
        directory that is removed afterwards.  An existing journal is reused, so that the
        study continues.
    start_method : {"fork", "spawn", "forkserver"} or None, default=None
        How to start the workers.  None uses ``"fork"`` on Linux (fast: a worker is a copy
        of this process, with its libraries already imported) and ``"spawn"`` elsewhere (a
        fresh interpreter per worker, which costs several seconds of imports).  Forked
        workers must not use a GPU that this process has used: the objective should train
        on the CPU, as :class:`HoldoutObjective` does by default.

    Returns
    -------
    optuna.Study
        An in-memory copy of the study.  Every trial carries the user attributes
        ``worker`` (0 .. n_workers - 1) and ``pid``.

    Raises
    ------
    RuntimeError
        If a worker process fails.
    """
    if not callable(objective):
        raise TypeError(f"objective must be callable (trial -> float); got "
                        f"{type(objective).__name__}.")
    n_trials = check_int(n_trials, "n_trials", low=1)
    n_workers = check_int(n_workers, "n_workers", low=1, high=n_trials)
    if not isinstance(study_name, str) or not study_name or os.sep in study_name:
        raise ValueError(f"study_name must be a non-empty str usable as a file name; got "
                         f"{study_name!r}.")
    seed = check_int(seed, "seed", low=0, high=2**32 - 1 - n_workers)
    n_startup_trials = check_int(n_startup_trials, "n_startup_trials", low=0)
    if start_method is None:
        start_method = _default_start_method()
    start_method = check_choice(start_method, "start_method",
                                multiprocessing.get_all_start_methods())
    if directory is not None and not os.path.isdir(directory):
        raise ValueError(f"directory must be an existing folder or None; got {directory!r}.")
    if start_method != "fork":
        # "spawn" and "forkserver" send the objective to fresh processes by pickling it.
        try:
            pickle.dumps(objective)
        except (pickle.PicklingError, AttributeError, TypeError) as error:
            raise TypeError(
                f"objective must be picklable with start_method={start_method!r}: the "
                "workers are new processes that receive it by pickling. Use a "
                "HoldoutObjective or a function defined with def at the top level of a "
                f"module, not a lambda or a nested function (pickle said: {error}).") from None

    context = multiprocessing.get_context(start_method)
    shares = [n_trials // n_workers + (k < n_trials % n_workers) for k in range(n_workers)]
    with tempfile.TemporaryDirectory() as scratch:
        journal_path = os.path.join(directory or scratch, f"{study_name}.log")
        storage = _journal(journal_path)
        optuna.create_study(study_name=study_name, storage=storage, direction="maximize",
                            load_if_exists=True)
        workers = [context.Process(target=_worker,
                                   args=(journal_path, study_name, objective, share, seed,
                                         n_startup_trials, k))
                   for k, share in enumerate(shares)]
        with _one_thread_per_worker():
            for process in workers:
                process.start()
        for process in workers:
            process.join()
        failed = [k for k, process in enumerate(workers) if process.exitcode != 0]
        if failed:
            raise RuntimeError(f"worker(s) {failed} of run_parallel_study failed (exit codes "
                               f"{[workers[k].exitcode for k in failed]}); run the objective "
                               "once in this process to see the error.")
        memory = optuna.storages.InMemoryStorage()
        optuna.copy_study(from_study_name=study_name, from_storage=_journal(journal_path),
                          to_storage=memory)
        return optuna.load_study(study_name=study_name, storage=memory)

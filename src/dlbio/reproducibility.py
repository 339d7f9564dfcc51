"""Make nondeterminism visible on a CPU, and check run records (Tip 3).

A GPU adds numbers in an order that changes from run to run, so the last bits of a sum
change too.  These helpers reproduce that on a CPU, where everything is deterministic:
:func:`sum_in_random_orders` adds the same float32 numbers in different orders, and
:func:`reordering_divergence` trains two networks that differ *only* in the order in which
each mini-batch's rows are added up, and follows how far apart they drift.
:func:`json_problems` lists the values of a run record that JSON cannot store, and
:func:`code_commit` reads the git commit of the code for that record.
"""
from __future__ import annotations

import numpy as np
import torch
from sklearn.utils import Bunch

from ._validation import check_choice, check_float, check_int, check_random_state

__all__ = ["train_seeded_mlp", "sum_in_random_orders", "reordering_divergence", "json_problems",
           "code_commit"]


def train_seeded_mlp(seed: int, X, y, *, hidden=(64, 64), optimizer: str = "adam", lr=None,
                     max_epochs: int = 10, batch_size: int = 32, device=None):
    """Seed everything, build an :class:`~dlbio.models.MLP` and train it with :func:`~dlbio.training.fit`.

    The reference for Tip 3's seeded run: the same ``seed`` gives bitwise-identical weights
    on a CPU (and on a GPU with deterministic algorithms).

    Parameters
    ----------
    seed : int
        Seeds the initial weights and the order of the mini-batches.
    X : array-like of shape (n_samples, n_features)
        Training inputs.
    y : array-like of shape (n_samples,)
        Class labels 0, 1, ..., K-1.
    hidden : tuple of int, default=(64, 64)
        Widths of the hidden layers.
    optimizer : {"adam", "adamw", "sgd"}, default="adam"
        The optimizer, see :func:`~dlbio.training.fit`.
    lr : float or None, default=None
        Learning rate; None keeps the optimizer's own default (1e-3 in PyTorch).
    max_epochs, batch_size : int
        Passed to :func:`~dlbio.training.fit`.
    device : str, torch.device or None
        Where to train (None: a GPU if there is one).

    Returns
    -------
    dlbio.models.MLP
        The trained network, in evaluation mode.
    """
    from .models import MLP
    from .training import fit, seed_everything

    seed_everything(seed)
    n_classes = int(np.max(np.asarray(y))) + 1 if np.asarray(y).size else 2
    model = MLP(np.asarray(X).shape[1], max(n_classes, 2), hidden=tuple(hidden))
    fit(model, X, y, optimizer=optimizer, lr=lr, max_epochs=max_epochs, batch_size=batch_size, device=device)
    return model


def sum_in_random_orders(values, *, n_orders: int = 20, random_state=0) -> np.ndarray:
    """Add the same float32 numbers in ``n_orders`` random orders.

    In exact arithmetic every order gives the same sum.  In float32, each addition rounds
    to 24 significant bits, so ``(a + b) + c`` and ``a + (b + c)`` can differ in the last
    bit, and a long sum collects many such roundings.  This is what makes GPU reductions
    (atomic additions in whatever order threads finish) nondeterministic.

    Parameters
    ----------
    values : array-like of shape (n,)
        The numbers, converted to float32 (at least 2).
    n_orders : int, default=20
        How many random orders to try (at least 2).
    random_state : int, numpy.random.Generator or None, default=0
        Seed of the random orders.

    Returns
    -------
    numpy.ndarray of shape (n_orders,)
        The float32 sums (stored as float64 so that printing shows every bit).
    """
    values = np.asarray(values, dtype=np.float32)
    if values.ndim != 1 or values.size < 2:
        raise ValueError(f"values must be a 1-D array of at least 2 numbers; got shape {values.shape}.")
    if not np.all(np.isfinite(values)):
        raise ValueError("values must be finite; got NaN or infinity.")
    n_orders = check_int(n_orders, "n_orders", low=2, high=10_000)
    rng, _ = check_random_state(random_state)
    return np.array([float(np.sum(values[rng.permutation(values.size)], dtype=np.float32))
                     for _ in range(n_orders)])


def _max_gap(model_a: torch.nn.Module, model_b: torch.nn.Module) -> float:
    return max((a - b).abs().max().item() for a, b in zip(model_a.parameters(), model_b.parameters()))


def reordering_divergence(make_model, X, y, *, X_eval=None, seed: int = 0, optimizer: str = "adam",
                          lr: float = 1e-3, max_epochs: int = 10, batch_size: int = 32,
                          device="cpu") -> Bunch:
    """Train two networks that differ only in the order of additions, and measure the drift.

    Both runs start from the same seed (same initial weights) and see the same mini-batches
    in the same order.  In run B the rows *inside* each mini-batch are listed in another
    order.  The mean loss of a mini-batch, and so every gradient, is mathematically the
    same; only float32 rounding differs, by about one unit in the last place, as it would
    between two runs on a GPU without deterministic algorithms.

    Parameters
    ----------
    make_model : callable
        ``make_model()`` returns a fresh ``torch.nn.Module`` whose outputs are class scores
        (logits); it is called right after seeding, once per run.
    X : array-like of shape (n_samples, n_features)
        Training inputs (float32).
    y : array-like of shape (n_samples,)
        Integer class labels.
    X_eval : array-like of shape (n_eval, n_features), optional
        Inputs on which to count how many predicted classes the two runs disagree on.
    seed : int, default=0
        Seed for the initial weights and the order of the mini-batches.
    optimizer : {"adam", "sgd"}, default="adam"
        Plain Adam or plain SGD (no momentum).
    lr : float, default=1e-3
        Learning rate, in (0, 10].
    max_epochs : int, default=10
        Passes over the training set.
    batch_size : int, default=32
        Samples per mini-batch (at least 2, so that there is an order to change).
    device : str or torch.device, default="cpu"
        Where to train.

    Returns
    -------
    Bunch
        ``weight_gap`` (array of max |w_A - w_B| over all weights: at the start, then after
        every epoch), ``n_disagree`` (predicted classes that differ on ``X_eval``; None
        without it), ``model_a`` and ``model_b`` (in eval mode).
    """
    if not callable(make_model):
        raise TypeError(f"make_model must be a callable that returns a torch.nn.Module; got "
                        f"{type(make_model).__name__}.")
    seed = check_int(seed, "seed", low=0, high=2**32 - 1)
    optimizer = check_choice(optimizer, "optimizer", ["adam", "sgd"])
    lr = check_float(lr, "lr", low=0.0, high=10.0, low_inclusive=False)
    max_epochs = check_int(max_epochs, "max_epochs", low=1, high=10_000)
    batch_size = check_int(batch_size, "batch_size", low=2)
    device = torch.device(device)
    X = torch.as_tensor(np.asarray(X, dtype=np.float32), device=device)
    y = torch.as_tensor(np.asarray(y), dtype=torch.long, device=device)
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
        raise ValueError(f"X must be 2-D and y 1-D with one label per row of X; got shapes "
                         f"{tuple(X.shape)} and {tuple(y.shape)}.")

    models = []
    for _ in range(2):
        torch.manual_seed(seed)
        model = make_model()
        if not isinstance(model, torch.nn.Module):
            raise TypeError(f"make_model() must return a torch.nn.Module; got {type(model).__name__}.")
        models.append(model.to(device).train())
    make_optimizer = torch.optim.Adam if optimizer == "adam" else torch.optim.SGD
    optimizers = [make_optimizer(m.parameters(), lr=lr) for m in models]
    loss_fn = torch.nn.CrossEntropyLoss()
    batches = torch.Generator().manual_seed(seed)
    within = torch.Generator().manual_seed(seed + 1 if seed < 2**32 - 1 else 0)
    gaps = [_max_gap(*models)]
    for _ in range(max_epochs):
        order = torch.randperm(len(X), generator=batches).to(device)
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            reordered = rows[torch.randperm(len(rows), generator=within).to(device)]
            for model, opt, idx in zip(models, optimizers, (rows, reordered)):
                opt.zero_grad()
                loss_fn(model(X[idx]), y[idx]).backward()
                opt.step()
        gaps.append(_max_gap(*models))
    for model in models:
        model.eval()
    n_disagree = None
    if X_eval is not None:
        X_eval = torch.as_tensor(np.asarray(X_eval, dtype=np.float32), device=device)
        with torch.no_grad():
            n_disagree = int((models[0](X_eval).argmax(1) != models[1](X_eval).argmax(1)).sum().item())
    return Bunch(weight_gap=np.array(gaps), n_disagree=n_disagree, model_a=models[0], model_b=models[1])


def json_problems(record, *, name: str = "record") -> list[str]:
    """List the values in ``record`` that ``json.dumps`` cannot write, with where they are.

    JSON knows dicts with string keys, lists, strings, Python ints and floats, booleans and
    None.  NumPy numbers (``np.int64``, ``np.float32``), arrays, tensors, dates and paths
    are not JSON; convert them first (``int(...)``, ``float(...)``, ``.tolist()``, ``str(...)``).

    Parameters
    ----------
    record : object
        Typically a dict such as a run record or a dataset card.
    name : str, default="record"
        What to call ``record`` in the messages (for example ``"draft"``).

    Returns
    -------
    list of str
        One entry per problem, such as ``"record['seed'] is numpy.int64"``; empty if
        ``json.dumps(record)`` will work.

    Examples
    --------
    >>> json_problems({"seed": np.int64(3), "metrics": {"acc": 0.9}})
    ["record['seed'] is numpy.int64"]
    >>> json_problems({"seed": np.int64(3)}, name="draft")
    ["draft['seed'] is numpy.int64"]
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str; got {type(name).__name__} {name!r}.")
    problems: list[str] = []
    if isinstance(record, dict):
        for key, value in record.items():
            where = f"{name}[{key!r}]"
            if not isinstance(key, str):
                problems.append(f"{where}: the key is {type(key).__module__}.{type(key).__name__}, "
                                "JSON keys must be strings")
            problems += json_problems(value, name=where)
    elif isinstance(record, (list, tuple)):
        for i, value in enumerate(record):
            problems += json_problems(value, name=f"{name}[{i}]")
    elif record is None or isinstance(record, (str, bool, int, float)):
        pass  # np.float64 subclasses float, so JSON writes it; np.int64 and np.float32 do not
    else:
        kind = type(record)
        kind_name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
        problems.append(f"{name} is {kind_name}")
    return problems


def code_commit(path=".") -> str | None:
    """The git commit of the code in ``path``, for a run record.

    Parameters
    ----------
    path : str or os.PathLike, default="."
        A folder inside the git repository that holds the code (the notebook's folder).

    Returns
    -------
    str or None
        The full hash of the checked-out commit, followed by ``"+uncommitted"`` when tracked
        files differ from that commit (the run used code that no commit holds: commit first,
        or say so).  None when ``path`` is not inside a git repository or git is not installed;
        record that too.
    """
    import os
    import subprocess

    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike; got {type(path).__name__} {path!r}.")
    if not os.path.isdir(path):
        raise ValueError(f"path must be an existing folder; got {os.fspath(path)!r}.")

    def git(*args):
        try:
            done = subprocess.run(["git", "-C", os.fspath(path), *args], capture_output=True, text=True,
                                  timeout=20, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if not commit:
        return None
    changes = git("status", "--porcelain", "--untracked-files=no")
    return commit + "+uncommitted" if changes else commit

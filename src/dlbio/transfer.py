"""Transfer learning for motif CNNs (tip 5): pre-trained source networks and ways to reuse them.

* :func:`pretrained_motif_cnn` trains (once, then cached) a :class:`~dlbio.models.MotifCNN`
  on a large multi-task *source* data set: simulated DNA in which each of several motifs is
  present or absent, with one output per motif.  It stands in for a network pre-trained on a
  public compendium such as ChIP-seq of many transcription factors.
* :func:`reuse_motif_cnn` trains a network for a new, small *target* data set in one of five
  ways: from scratch, as a frozen feature extractor with a new head, head first and then
  fine-tuned, fine-tuned all at once from a fresh head, or started from the pre-trained weights
  and trained exactly like the scratch network (transfer versus random initialisation).
* :func:`frozen_features` returns a network's pooled filter scores for a set of sequences as
  a NumPy array (no gradients, in batches, on the network's device): the frozen features a
  new head or any scikit-learn model can be fitted to.
* :func:`compare_over_seeds` summarises several training strategies run with the same seeds:
  the mean and spread of each, and its paired difference from a reference with a
  t-interval over the seeds.

Both are pure functions of their arguments: PyTorch's global random state is left unchanged.
"""
from __future__ import annotations

import copy
import functools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import torch
from scipy import stats
from sklearn.metrics import roc_auc_score
from sklearn.utils import Bunch
from torch import nn

from ._validation import check_choice, check_finite, check_float, check_int
from .models import MLP, MotifCNN

__all__ = ["STRATEGIES", "pretrained_motif_cnn", "reuse_motif_cnn", "frozen_features",
           "compare_over_seeds"]

#: The ways :func:`reuse_motif_cnn` can train a network for the target task.
STRATEGIES = ("scratch", "frozen", "head_first", "all_at_once", "init")


def _motif_items(motifs) -> tuple[tuple[str, str], ...]:
    """``motifs`` (built-in names or a dict name -> consensus) as a hashable tuple of pairs."""
    from .datasets.sequences import ALPHABET, MOTIFS

    if isinstance(motifs, Mapping):
        items = list(motifs.items())
    elif isinstance(motifs, Sequence) and not isinstance(motifs, str):
        for name in motifs:
            if not isinstance(name, str) or name not in MOTIFS:
                raise ValueError(f"motifs must list built-in motif names from {sorted(MOTIFS)} "
                                 f"or be a dict name -> consensus string; got {name!r}.")
        items = [(name, MOTIFS[name]) for name in motifs]
    else:
        raise TypeError(f"motifs must be a list of built-in motif names such as ['A', 'B'] or a "
                        f"dict name -> consensus string; got {motifs!r} of type "
                        f"{type(motifs).__name__}.")
    if not items:
        raise ValueError("motifs must name at least one motif; got none.")
    for name, consensus in items:
        if (not isinstance(name, str) or not isinstance(consensus, str) or not consensus
                or set(consensus.upper()) - set(ALPHABET)):
            raise ValueError(f"motifs must map names to consensus strings of A, C, G, T; got "
                             f"{name!r}: {consensus!r}.")
    if len({name for name, _ in items}) != len(items):
        raise ValueError(f"motifs must not repeat a name; got {[name for name, _ in items]}.")
    return tuple((name, consensus.upper()) for name, consensus in items)


@functools.lru_cache(maxsize=16)
def _pretrained(items, n_samples, seq_length, epochs, n_filters, kernel_size, seed):
    from .datasets import make_motif_sequences
    from .training import fit, predict_logits

    data_seeds = np.random.SeedSequence(seed).generate_state(3)
    settings = dict(motifs=dict(items), label="multilabel", positive_fraction=0.35)
    source = make_motif_sequences(n_samples, seq_length, random_state=int(data_seeds[0]),
                                  **settings)
    test = make_motif_sequences(1000, seq_length, random_state=int(data_seeds[1]), **settings)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(data_seeds[2]))
        model = MotifCNN(len(items), n_filters=n_filters, kernel_size=kernel_size)
        generator = torch.Generator().manual_seed(int(data_seeds[2]))
        fit(model, source.X, source.y.astype(np.float32), loss_fn=nn.BCEWithLogitsLoss(),
            lr=1e-2, batch_size=64, max_epochs=epochs, device="cpu", generator=generator)
    # Batches of 128 keep a wide network's activations small (512 filters x 1,024 sequences is ~0.8 GB).
    logits = predict_logits(model, test.X, batch_size=128, device="cpu").numpy()
    aurocs = {name: float(roc_auc_score(test.y[:, m], logits[:, m]))
              for m, (name, _) in enumerate(items)}
    return model, aurocs


def pretrained_motif_cnn(motifs, *, n_samples=2000, seq_length=200, epochs=5, n_filters=32,
                         kernel_size=12, random_state=0) -> Bunch:
    """A :class:`~dlbio.models.MotifCNN` pre-trained on a multi-task motif data set.

    The source data come from :func:`dlbio.datasets.make_motif_sequences` with
    ``label="multilabel"``: each motif is present in a sequence with probability 0.35,
    independently of the others (consensus probability 0.95), and the network has one
    output per motif, trained with ``BCEWithLogitsLoss`` (Adam, learning rate 0.01, batches
    of 64) on the CPU.  Training is done once per set of arguments and cached, so asking
    again is instant; each call returns its own copy of the network.

    Parameters
    ----------
    motifs : list of str or dict
        The source motifs: built-in names such as ``["A", "B", "C", "D"]``, or a dict
        name -> consensus string (for example a mutated motif from
        :func:`dlbio.datasets.mutate_motif`).
    n_samples : int, default=2000
        Source training sequences, in [100, 100000].
    seq_length : int, default=200
        Sequence length, in [24, 10000].
    epochs : int, default=5
        Training epochs, in [1, 1000].
    n_filters : int, default=32
        Convolution filters, in [1, 1024].
    kernel_size : int, default=12
        Filter width, in [1, 64].
    random_state : int, default=0
        Seed of the source data and of the training, in [0, 2**32 - 1].

    Returns
    -------
    Bunch
        ``model`` (trained, on the CPU, in eval mode), ``motif_names``, ``source_auroc``
        (test AUROC of each output on 1,000 fresh source sequences) and ``params``.

    Examples
    --------
    >>> source = pretrained_motif_cnn(["A", "B"], n_samples=200, epochs=1)
    >>> source.model.n_outputs, source.motif_names
    (2, ['A', 'B'])
    """
    items = _motif_items(motifs)
    n_samples = check_int(n_samples, "n_samples", low=100, high=100_000)
    seq_length = check_int(seq_length, "seq_length", low=24, high=10_000)
    epochs = check_int(epochs, "epochs", low=1, high=1000)
    n_filters = check_int(n_filters, "n_filters", low=1, high=1024)
    kernel_size = check_int(kernel_size, "kernel_size", low=1, high=64)
    seed = check_int(random_state, "random_state", low=0, high=2**32 - 1)
    if kernel_size > seq_length:
        raise ValueError(f"kernel_size must be at most seq_length={seq_length}; got "
                         f"{kernel_size}.")
    model, aurocs = _pretrained(items, n_samples, seq_length, epochs, n_filters, kernel_size,
                                seed)
    return Bunch(model=copy.deepcopy(model), motif_names=[name for name, _ in items],
                 source_auroc=dict(aurocs),
                 params=dict(motifs=dict(items), n_samples=n_samples, seq_length=seq_length,
                             epochs=epochs, n_filters=n_filters, kernel_size=kernel_size,
                             random_state=seed))


def _pooled_features(model: MotifCNN, X, batch_size=128) -> torch.Tensor:
    """The pooled filter scores of ``model`` for ``X``, on the CPU, in batches."""
    if isinstance(X, torch.Tensor):
        X = X.detach().cpu().numpy()
    X = np.asarray(X, dtype=np.float32)
    device = next(model.parameters()).device
    model.eval()
    with torch.no_grad():
        chunks = [model.features(torch.from_numpy(X[i:i + batch_size]).to(device)).cpu()
                  for i in range(0, len(X), batch_size)]
    return torch.cat(chunks) if chunks else torch.zeros(0, model.n_filters)


def frozen_features(network, X, *, batch_size=128) -> np.ndarray:
    """The pooled filter scores of a :class:`~dlbio.models.MotifCNN`: its frozen features.

    ``network.features(x)`` gives, for each sequence, the best score of each convolution
    filter anywhere in the sequence (after the ReLU): one number per filter.  This function
    computes them for all of ``X`` without gradients, ``batch_size`` sequences at a time, on
    the device the network lives on, and returns them on the CPU as a NumPy array, ready for
    any model fitted outside PyTorch.  The network is not changed: it is evaluated in eval
    mode and left in the train or eval mode it came in.

    Parameters
    ----------
    network : MotifCNN
        A (pre-trained) network, on any device.
    X : array-like or tensor of shape (n_samples, 4, length)
        One-hot sequences, PyTorch's channels-first layout: finite numbers.
    batch_size : int, default=128
        Sequences per forward pass, in [1, 100000]; it changes the memory used, not the result.

    Returns
    -------
    numpy.ndarray of shape (n_samples, network.n_filters), dtype float32

    Raises
    ------
    TypeError
        If ``network`` is not a MotifCNN or ``X`` does not hold numbers.
    ValueError
        If ``X`` holds NaN or infinite values, has the wrong shape or is shorter than the
        filters, or ``batch_size`` is out of range.

    Examples
    --------
    >>> from dlbio.datasets import make_motif_sequences
    >>> source = pretrained_motif_cnn(["A", "B"], n_samples=200, epochs=1, n_filters=8)
    >>> frozen_features(source.model, make_motif_sequences(5, 60, random_state=0).X).shape
    (5, 8)
    """
    if not isinstance(network, MotifCNN):
        raise TypeError(f"network must be a dlbio.models.MotifCNN; got an object of type "
                        f"{type(network).__name__}.")
    batch_size = check_int(batch_size, "batch_size", low=1, high=100_000)
    if isinstance(X, torch.Tensor):
        X = X.detach().cpu().numpy()
    X = check_finite(X, "X").astype(np.float32, copy=False)  # TypeError / ValueError naming X
    if X.ndim != 3 or X.shape[1] != network.n_channels:
        raise ValueError(f"X must have shape (n_samples, {network.n_channels}, length), one-hot "
                         f"sequences with the channels first; got shape {X.shape}.")
    if X.shape[2] < network.kernel_size:
        raise ValueError(f"X's sequences must be at least kernel_size={network.kernel_size} "
                         f"bases long; got length {X.shape[2]}.")
    was_training = network.training
    try:
        return _pooled_features(network, X, batch_size=batch_size).numpy()
    finally:
        network.train(was_training)  # leave the network in the mode it came in


def reuse_motif_cnn(pretrained, X, y, *, strategy="frozen", n_outputs=2, epochs=30, lr=1e-2,
                    fine_tune_epochs=10, fine_tune_lr=1e-3, batch_size=32, random_state=0,
                    device=None) -> MotifCNN:
    """Train a network for a target task, reusing a pre-trained :class:`MotifCNN` (or not).

    ``strategy`` says how:

    ``"scratch"``
        A new network with the same architecture and random weights, trained for
        ``epochs`` epochs at ``lr``: the baseline every transfer must beat.
    ``"frozen"``
        A copy of the pre-trained network with a new random head of ``n_outputs`` outputs;
        the convolution filters are frozen (``requires_grad=False``) and only the head is
        trained, for ``epochs`` epochs at ``lr``.  The filters keep their pre-trained values.
    ``"head_first"``
        As ``"frozen"``, then the filters are unfrozen and the whole network is trained for
        ``fine_tune_epochs`` more epochs at ``fine_tune_lr`` ("linear probing, then
        fine-tuning", Kumar et al. 2022).
    ``"all_at_once"``
        A copy with a new random head, the whole network trained from the start at
        ``fine_tune_lr`` for ``epochs + fine_tune_epochs`` epochs (the same number of
        epochs as ``"head_first"``).  At the start the filters are updated through a head that
        has not learned anything yet; Kumar et al. (2022) argue that this can distort
        pre-trained features, which ``"head_first"`` avoids.
    ``"init"``
        A copy with a new random head, the whole network trained exactly like ``"scratch"``
        (``epochs`` epochs at ``lr``; ``fine_tune_epochs`` and ``fine_tune_lr`` are not
        used).  Only the starting weights differ from ``"scratch"``, so the pair measures
        what pre-trained weights add over random initialisation at the same budget.

    Training uses Adam, cross-entropy and shuffled batches (:func:`dlbio.training.fit`).
    The pre-trained network is never changed, and PyTorch's global random state is left
    unchanged: the result is a pure function of the arguments.

    Parameters
    ----------
    pretrained : MotifCNN
        The pre-trained network (for example ``pretrained_motif_cnn(...).model``).
    X : array-like of shape (n_samples, 4, length)
        One-hot target sequences.
    y : array-like of shape (n_samples,)
        Integer class labels 0 to ``n_outputs - 1``.
    strategy : {"scratch", "frozen", "head_first", "all_at_once", "init"}, default="frozen"
    n_outputs : int, default=2
        Outputs of the new head, in [1, 1000].
    epochs : int, default=30
        Epochs of the first phase, in [1, 10000].
    lr : float, default=0.01
        Learning rate of the first phase (scratch, init, or the new head on frozen filters),
        in (0, 10].
    fine_tune_epochs : int, default=10
        Epochs of whole-network fine-tuning, in [0, 10000].
    fine_tune_lr : float, default=0.001
        Learning rate of whole-network fine-tuning, in (0, 10].
    batch_size : int, default=32
        Mini-batch size, in [1, 100000].
    random_state : int, default=0
        Seed of the new weights and of the shuffling, in [0, 2**32 - 1].
    device : str, torch.device or None, default=None
        Where to train; see :func:`dlbio.training.select_device`.

    Returns
    -------
    MotifCNN
        The trained network, in eval mode, on ``device``.

    Examples
    --------
    >>> from dlbio.datasets import make_motif_sequences
    >>> source = pretrained_motif_cnn(["A", "B"], n_samples=200, epochs=1)
    >>> target = make_motif_sequences(40, 60, random_state=0)
    >>> model = reuse_motif_cnn(source.model, target.X, target.y, epochs=2)
    >>> bool(torch.equal(model.conv.weight.cpu(), source.model.conv.weight))
    True
    """
    from .training import fit

    if not isinstance(pretrained, MotifCNN):
        raise TypeError(f"pretrained must be a dlbio.models.MotifCNN; got an object of type "
                        f"{type(pretrained).__name__}.")
    strategy = check_choice(strategy, "strategy", STRATEGIES)
    n_outputs = check_int(n_outputs, "n_outputs", low=1, high=1000)
    epochs = check_int(epochs, "epochs", low=1, high=10_000)
    lr = check_float(lr, "lr", low=0.0, high=10.0, low_inclusive=False)
    fine_tune_epochs = check_int(fine_tune_epochs, "fine_tune_epochs", low=0, high=10_000)
    fine_tune_lr = check_float(fine_tune_lr, "fine_tune_lr", low=0.0, high=10.0,
                               low_inclusive=False)
    batch_size = check_int(batch_size, "batch_size", low=1, high=100_000)
    seed = check_int(random_state, "random_state", low=0, high=2**32 - 1)

    settings = dict(batch_size=batch_size, device=device)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        generator = torch.Generator().manual_seed(seed)
        if strategy == "scratch":
            model = MotifCNN(n_outputs, n_channels=pretrained.n_channels,
                             n_filters=pretrained.n_filters,
                             kernel_size=pretrained.kernel_size, pool=pretrained.pool)
            fit(model, X, y, lr=lr, max_epochs=epochs, generator=generator, **settings)
            return model
        model = copy.deepcopy(pretrained)
        model.n_outputs = n_outputs
        model.head = MLP(model.n_filters, n_outputs, hidden=())
        if strategy in ("all_at_once", "init"):
            for parameter in model.parameters():
                parameter.requires_grad = True
            if strategy == "init":      # the schedule of "scratch": only the start differs
                fit(model, X, y, lr=lr, max_epochs=epochs, generator=generator, **settings)
            else:
                fit(model, X, y, lr=fine_tune_lr, max_epochs=epochs + fine_tune_epochs,
                    generator=generator, **settings)
            return model
        for parameter in model.conv.parameters():
            parameter.requires_grad = False
        # Frozen filters give the same pooled scores in every epoch: compute them once and
        # train the head on them (as one does with the embeddings of a large pre-trained
        # model).  The result is the same as training the whole network with frozen filters.
        fit(model.head, _pooled_features(model, X), y, lr=lr, max_epochs=epochs,
            generator=generator, **settings)
        model.to(next(model.head.parameters()).device).eval()
        if strategy == "head_first" and fine_tune_epochs > 0:
            for parameter in model.conv.parameters():
                parameter.requires_grad = True
            fit(model, X, y, lr=fine_tune_lr, max_epochs=fine_tune_epochs,
                generator=generator, **settings)
        return model


def compare_over_seeds(scores, reference, *, confidence=0.95) -> pd.DataFrame:
    """Paired comparison of several models or strategies run with the same seeds.

    ``scores[name][k]`` is the score of ``name`` with seed k.  Within a seed every entry saw
    the same data, so the fair comparison is the *paired* difference
    ``scores[name][k] - scores[reference][k]``; its mean gets a Student-t interval with
    ``n_seeds - 1`` degrees of freedom.  The interval covers the noise that changes with
    the seed (the data sets drawn and the initial weights), not other sources of variation
    that all seeds share (for example one fixed pre-trained network or test set).

    Parameters
    ----------
    scores : mapping of str to array-like of float
        Scores per model, one per seed, all of the same length (at least 2), in the same
        seed order.
    reference : str
        The key of ``scores`` that every model is compared with.
    confidence : float, default=0.95
        Coverage of the interval, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        One row per model, in the order given, with ``mean``, ``sd`` (over seeds, ddof=1),
        ``min``, ``max``, ``diff`` (mean paired difference from the reference), ``low`` and
        ``high`` (its interval), ``better`` (in how many seeds the model beat the
        reference) and ``n``.  The reference's own row has zero differences.

    Examples
    --------
    >>> table = compare_over_seeds({"scratch": [0.6, 0.7, 0.65], "frozen": [0.9, 0.92, 0.88]},
    ...                            reference="scratch")
    >>> round(float(table.loc["frozen", "diff"]), 3), int(table.loc["frozen", "better"])
    (0.25, 3)
    """
    if not isinstance(scores, Mapping) or not scores:
        raise TypeError(f"scores must be a non-empty dict of name -> scores per seed; got "
                        f"{scores!r:.60}.")
    arrays = {}
    for name, values in scores.items():
        array = np.asarray(values, dtype=float).ravel()
        if array.size < 2 or not np.isfinite(array).all():
            raise ValueError(f"scores[{name!r}] must hold at least 2 finite scores (one per "
                             f"seed); got {array.size} values: {array[:5].tolist()}.")
        arrays[name] = array
    sizes = {name: array.size for name, array in arrays.items()}
    if len(set(sizes.values())) != 1:
        raise ValueError(f"every entry of scores must have one score per seed, the same "
                         f"seeds for all; got lengths {sizes}.")
    if reference not in arrays:
        raise ValueError(f"reference must be one of {list(arrays)}; got {reference!r}.")
    confidence = check_float(confidence, "confidence", low=0.0, high=1.0,
                             low_inclusive=False, high_inclusive=False)
    n = next(iter(sizes.values()))
    quantile = stats.t.ppf(0.5 + confidence / 2, df=n - 1)
    rows = {}
    for name, array in arrays.items():
        differences = array - arrays[reference]
        half = quantile * differences.std(ddof=1) / np.sqrt(n)
        mean_diff = float(differences.mean())
        rows[name] = dict(mean=float(array.mean()), sd=float(array.std(ddof=1)),
                          min=float(array.min()), max=float(array.max()), diff=mean_diff,
                          low=mean_diff - float(half), high=mean_diff + float(half),
                          better=int((differences > 0).sum()), n=n)
    return pd.DataFrame.from_dict(rows, orient="index")

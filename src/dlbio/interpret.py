"""Attributions of a sequence model, scored against the planted truth (tip 8).

A simulated data set knows where its motifs are (``truth.motif_mask`` of
:func:`dlbio.datasets.make_motif_sequences`), so an attribution method can be *graded*: does it
put its largest scores on the planted bases?  This module holds that scoring and the pieces
around it that students are not meant to write themselves:

- :func:`confident_correct` picks the predictions worth explaining;
- :func:`position_scores` turns a ``(n, 4, L)`` attribution into one score per position;
- :func:`attribution_auroc` grades each sequence's scores against the planted-motif mask;
- :func:`single_base_mutants` does the bookkeeping of in-silico mutagenesis (ISM);
- :func:`reference_attributions` computes reference attributions (Captum for the gradient
  methods, :func:`in_silico_mutagenesis` for ISM), to check hand-written ones against;
- :func:`randomize_layers` re-initialises chosen layers, for the sanity checks of
  Adebayo et al. (2018), and :func:`rank_similarity` compares two explanations by rank;
- :func:`motif_scan` and :func:`filter_activations` are two "explanations" that ignore all or
  part of the model, to test sanity checks with;
- :func:`off_simplex_correction` removes the part of an input gradient that points off the
  one-hot simplex (Majdandzic et al. 2023);
- :func:`plot_attribution_track` draws one sequence's scores with the motif marked;
- :func:`train_motif_cnn` trains a small motif CNN on fresh simulated data, reproducibly;
- :func:`logistic_summary` reads an unpenalised logistic regression with standard errors and
  Wald intervals (tip 9: a coefficient without its uncertainty cannot show a bias).

All attributions here are of a *logit* (the output before the softmax), for one target
class, and are returned as NumPy arrays of shape ``(n_sequences, n_channels, length)``.

References
----------
Lee BD, Gitter A, Greene CS, Raschka S, Maguire F, et al. Ten quick tips for deep learning in
biology. PLoS Comput Biol 18(3): e1009803 (2022), tip 8.

Adebayo J, Gilmer J, Muelly M, Goodfellow I, Hardt M, Kim B. Sanity checks for saliency maps.
NeurIPS 2018.

Sundararajan M, Taly A, Yan Q. Axiomatic attribution for deep networks. ICML 2017
(integrated gradients).

Majdandzic A, Rajesh C, Koo PK. Correcting gradient-based interpretations of deep neural
networks for genomics. Genome Biol 24, 109 (2023).

Kokhlikyan N, Miglani V, Martin M, et al. Captum: a unified and generic model
interpretability library for PyTorch. arXiv:2009.07896 (2020).
"""
from __future__ import annotations

import copy
import functools
from collections.abc import Iterator

import numpy as np
import torch
from scipy.stats import rankdata
from sklearn.utils import Bunch
from torch import nn

from ._validation import check_choice, check_float, check_int
from .training import _model_device

__all__ = [
    "REDUCTIONS",
    "METHODS",
    "confident_correct",
    "position_scores",
    "attribution_auroc",
    "single_base_mutants",
    "in_silico_mutagenesis",
    "reference_attributions",
    "randomize_layers",
    "rank_similarity",
    "off_simplex_correction",
    "window_to_positions",
    "motif_scan",
    "filter_activations",
    "plot_attribution_track",
    "train_motif_cnn",
    "logistic_summary",
]

#: How :func:`position_scores` turns the scores of the channels (A, C, G, T) at one position
#: into one number.
REDUCTIONS = {
    "sum": "sum over channels (signed); on one-hot input, the score of the observed base",
    "abs_sum": "sum of absolute values over channels",
    "max_abs": "largest absolute value over channels (for saliency)",
    "max_drop": "largest decrease over channels, -min(0, ...) (for ISM effects)",
}

#: The methods of :func:`reference_attributions`, with the reduction that suits each.
METHODS = {
    "saliency": "max_abs",
    "gradient_x_input": "sum",
    "integrated_gradients": "sum",
    "ism": "max_drop",
}


# ----------------------------------------------------------------------------------------
# Small private helpers
# ----------------------------------------------------------------------------------------
def _as_float_array(values, name: str, ndim: int | tuple[int, ...]) -> np.ndarray:
    """A finite float64 NumPy array with the allowed number of dimensions."""
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers; got {type(values).__name__}.") \
            from None
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if array.ndim not in allowed:
        shapes = " or ".join(f"{d}-D" for d in allowed)
        raise ValueError(f"{name} must be a {shapes} array; got shape {array.shape}.")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must contain only finite numbers; got "
                         f"{int((~np.isfinite(array)).sum())} NaN or infinite value(s).")
    return array


def _as_mask(mask, name: str = "mask") -> np.ndarray:
    """A 2-D boolean array (sequences x positions)."""
    if isinstance(mask, torch.Tensor):
        mask = mask.detach().cpu().numpy()
    array = np.asarray(mask)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D boolean array (sequences x positions); got "
                         f"shape {array.shape}.")
    if array.dtype != bool:
        if not np.isin(array, (0, 1)).all():
            raise ValueError(f"{name} must be boolean (True at the planted bases); got "
                             f"values other than 0 and 1 (dtype {array.dtype}).")
        array = array.astype(bool)
    return array


def _check_model(model, name: str = "model") -> nn.Module:
    if not isinstance(model, nn.Module):
        raise TypeError(f"{name} must be a torch.nn.Module; got {type(model).__name__}.")
    return model


def _as_sequences(X, name: str = "X") -> torch.Tensor:
    """A float32 tensor of shape (n, channels, length) on the CPU."""
    if isinstance(X, torch.Tensor):
        tensor = X.detach().to("cpu", torch.float32)
    else:
        try:
            tensor = torch.as_tensor(np.asarray(X, dtype=np.float32))
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be an array of one-hot sequences; got "
                            f"{type(X).__name__}.") from None
    if tensor.ndim != 3 or 0 in tensor.shape:
        raise ValueError(f"{name} must have shape (n_sequences, n_channels, length) with no "
                         f"empty axis, e.g. (50, 4, 200); got {tuple(tensor.shape)}.")
    if not torch.isfinite(tensor).all():
        raise ValueError(f"{name} must contain only finite numbers.")
    return tensor


def _check_target(model: nn.Module, X: torch.Tensor, target) -> int:
    target = check_int(target, "target", low=0)
    with torch.no_grad():
        n_outputs = model(X[:1].to(_model_device(model))).shape[-1]
    if target >= n_outputs:
        raise ValueError(f"target must be an output index in [0, {n_outputs - 1}] for this "
                         f"model; got {target}.")
    return target


# ----------------------------------------------------------------------------------------
# Which predictions to explain
# ----------------------------------------------------------------------------------------
def confident_correct(proba, y, *, threshold=0.9, label=1, max_n=None) -> np.ndarray:
    """Return the indices of confidently correct predictions of one class.

    An attribution explains what the *model* did.  It can only be graded against the planted
    motif when the model has found the motif: for a wrong or a hesitant prediction, a "bad"
    attribution may be a faithful picture of a model that missed the motif.  And a negative
    sequence has no motif to find.  So attributions are scored on the sequences of class
    ``label`` that the model gives a probability of at least ``threshold`` for that class.

    Parameters
    ----------
    proba : array-like of shape (n_samples,) or (n_samples, n_classes)
        Predicted probabilities: of class 1 (1-D), or of every class (2-D).
    y : array-like of shape (n_samples,)
        True integer labels.
    threshold : float, default=0.9
        Smallest probability of ``label`` counted as confident, in [0.5, 1].
    label : int, default=1
        The class whose sequences are explained (1 = "motif present").
    max_n : int or None, default=None
        Keep at most the first ``max_n`` such indices (at least 1).

    Returns
    -------
    ndarray of int, shape (n_selected,)
        Increasing indices into ``proba`` and ``y``; possibly empty.

    Examples
    --------
    >>> confident_correct([0.95, 0.6, 0.99, 0.97], [1, 1, 0, 1])
    array([0, 3])
    """
    proba = _as_float_array(proba, "proba", (1, 2))
    labels = np.asarray(y)
    if labels.ndim != 1 or len(labels) != len(proba):
        raise ValueError(f"y must be a 1-D array with one label per row of proba "
                         f"({len(proba)}); got shape {labels.shape}.")
    threshold = check_float(threshold, "threshold", low=0.5, high=1.0)
    label = check_int(label, "label", low=0)
    if proba.ndim == 1:
        if label > 1:
            raise ValueError(f"label must be 0 or 1 when proba is 1-D (the probability of "
                             f"class 1); got {label}.")
        p_label = proba if label == 1 else 1.0 - proba
    else:
        if label >= proba.shape[1]:
            raise ValueError(f"label must be a class index in [0, {proba.shape[1] - 1}]; "
                             f"got {label}.")
        p_label = proba[:, label]
    if ((p_label < 0) | (p_label > 1)).any():
        raise ValueError("proba must hold probabilities in [0, 1].")
    if max_n is not None:
        max_n = check_int(max_n, "max_n", low=1)
    selected = np.flatnonzero((labels == label) & (p_label >= threshold))
    return selected if max_n is None else selected[:max_n]


# ----------------------------------------------------------------------------------------
# Scoring attributions against the truth
# ----------------------------------------------------------------------------------------
def position_scores(attributions, *, reduce) -> np.ndarray:
    """Reduce attributions of shape ``(n, channels, length)`` to one score per position.

    Parameters
    ----------
    attributions : array-like or torch.Tensor of shape (n, channels, length)
        One score per base and position, for example the output of
        :func:`reference_attributions`.
    reduce : {"sum", "abs_sum", "max_abs", "max_drop"}
        How the channels are combined (see :data:`REDUCTIONS`).  ``"sum"`` keeps the sign:
        on one-hot input, gradient x input and integrated gradients are zero except at the
        observed base, so the sum is the score of that base.  ``"max_drop"`` is for ISM
        effects (mutant minus original): the most damaging substitution at each position.

    Returns
    -------
    ndarray of float64, shape (n, length)

    Examples
    --------
    >>> a = np.array([[[1.0, -2.0], [0.0, 0.5]]])          # 1 sequence, 2 channels, 2 positions
    >>> position_scores(a, reduce="sum"), position_scores(a, reduce="max_drop")
    (array([[ 1. , -1.5]]), array([[0., 2.]]))
    """
    array = _as_float_array(attributions, "attributions", 3)
    reduce = check_choice(reduce, "reduce", REDUCTIONS)
    if reduce == "sum":
        return array.sum(axis=1)
    if reduce == "abs_sum":
        return np.abs(array).sum(axis=1)
    if reduce == "max_abs":
        return np.abs(array).max(axis=1)
    return np.maximum(-array.min(axis=1), 0.0)


def attribution_auroc(attributions, mask, *, reduce=None) -> np.ndarray:
    """Score each sequence's attribution by its AUROC against the planted-motif mask.

    For one sequence, the AUROC is the probability that a randomly chosen planted base gets a
    higher score than a randomly chosen background base (ties count one half).  1.0 means
    every planted base outranks every background base, 0.5 is what random scores give, and
    values below 0.5 mean the motif gets *lower* scores than the background.

    Parameters
    ----------
    attributions : array-like of shape (n, length) or (n, channels, length)
        Position scores, or per-channel attributions that ``reduce`` turns into position
        scores (see :func:`position_scores`).
    mask : array-like of bool, shape (n, length)
        True at planted bases (``truth.motif_mask`` of the sequences).  Every row needs at
        least one planted and one background position.
    reduce : {"sum", "abs_sum", "max_abs", "max_drop"} or None, default=None
        Required for 3-D ``attributions``; must be None for 2-D ones.

    Returns
    -------
    ndarray of float64, shape (n,)
        One AUROC per sequence.

    Examples
    --------
    >>> scores = np.array([[0.1, 0.9, 0.8, 0.2], [0.5, 0.1, 0.2, 0.3]])
    >>> mask = np.array([[False, True, True, False], [False, True, True, False]])
    >>> attribution_auroc(scores, mask)
    array([1., 0.])
    """
    array = _as_float_array(attributions, "attributions", (2, 3))
    if array.ndim == 3:
        if reduce is None:
            raise ValueError("reduce must be given for attributions of shape (n, channels, "
                             f"length), one of {sorted(REDUCTIONS)}; got None.")
        array = position_scores(array, reduce=reduce)
    elif reduce is not None:
        raise ValueError(f"reduce must be None for attributions that are already position "
                         f"scores (2-D); got {reduce!r}.")
    truth = _as_mask(mask)
    if truth.shape != array.shape:
        raise ValueError(f"mask must have the shape of the position scores {array.shape}; "
                         f"got {truth.shape}.")
    n_planted = truth.sum(axis=1)
    bad = np.flatnonzero((n_planted == 0) | (n_planted == truth.shape[1]))
    if bad.size:
        raise ValueError(f"every row of mask needs planted and background positions; rows "
                         f"{bad[:5].tolist()} have none of one kind (a negative sequence has "
                         f"no motif to find: score positives only).")
    # Mann-Whitney U from the ranks within each sequence (ties get their average rank).
    ranks = rankdata(array, axis=1)
    n_background = truth.shape[1] - n_planted
    u = np.where(truth, ranks, 0.0).sum(axis=1) - n_planted * (n_planted + 1) / 2.0
    return u / (n_planted * n_background)


# ----------------------------------------------------------------------------------------
# In-silico mutagenesis
# ----------------------------------------------------------------------------------------
def single_base_mutants(X) -> Iterator[tuple[int, int, torch.Tensor]]:
    """Yield every single-base substitution of a batch of one-hot sequences.

    For each position ``j`` and each channel (base) ``c``, yields ``(j, c, mutant)`` where
    ``mutant`` is a copy of all the sequences with position ``j`` set to base ``c`` (a one-hot
    column).  Where a sequence already has base ``c`` at ``j``, its mutant equals the
    original.  In-silico mutagenesis runs the model on each mutant and records how the output
    changes; this generator does the bookkeeping.

    Parameters
    ----------
    X : array-like or torch.Tensor of shape (n_sequences, n_channels, length)
        One-hot sequences.

    Yields
    ------
    position : int
    base : int
        The channel set to 1 (0=A, 1=C, 2=G, 3=T for DNA).
    mutant : torch.Tensor of float32, shape (n_sequences, n_channels, length)
        A new tensor each time, on the CPU.

    Examples
    --------
    >>> X = torch.tensor([[[1.0, 0.0], [0.0, 1.0]]])        # one sequence "AC" over {A, C}
    >>> [(j, c, m[0].argmax(0).tolist()) for j, c, m in single_base_mutants(X)]
    [(0, 0, [0, 1]), (0, 1, [1, 1]), (1, 0, [0, 0]), (1, 1, [0, 1])]
    """
    X = _as_sequences(X)
    n_channels, length = X.shape[1], X.shape[2]
    for position in range(length):
        for base in range(n_channels):
            mutant = X.clone()
            mutant[:, :, position] = 0.0
            mutant[:, base, position] = 1.0
            yield position, base, mutant


def in_silico_mutagenesis(model, X, *, target=1) -> np.ndarray:
    """Return the effect of every single-base substitution on one output of ``model``.

    ``effects[i, c, j] = f(x_i with base c at position j) - f(x_i)``, where ``f`` is the
    logit of class ``target``.  It is 0 at the observed base, negative where a substitution
    weakens the prediction.  ``position_scores(effects, reduce="max_drop")`` gives each
    position the damage of its most harmful substitution.

    The model is used as it is (call ``model.eval()`` first if it has dropout) and is not
    changed.

    Parameters
    ----------
    model : torch.nn.Module
        Maps ``(n, channels, length)`` float32 input to logits ``(n, n_outputs)``.
    X : array-like or torch.Tensor of shape (n_sequences, n_channels, length)
        One-hot sequences.
    target : int, default=1
        Which output (class) to explain.

    Returns
    -------
    ndarray of float32, shape (n_sequences, n_channels, length)

    Examples
    --------
    A linear model over 2 bases (A, C) and 2 positions; its weight of base c at position j
    is ``w[c, j]``, so changing base b to c at j changes the logit by ``w[c, j] - w[b, j]``:

    >>> w = torch.tensor([[1.0, 2.0], [0.0, -1.0]])         # rows: A, C; columns: positions
    >>> linear = lambda x: (x * w).sum(dim=(1, 2)).unsqueeze(1)
    >>> model = torch.nn.Module(); model.forward = linear
    >>> X = torch.tensor([[[1.0, 0.0], [0.0, 1.0]]])        # the sequence "AC"
    >>> in_silico_mutagenesis(model, X, target=0)[0]
    array([[ 0.,  3.],
           [-1.,  0.]], dtype=float32)
    """
    model = _check_model(model)
    X = _as_sequences(X)
    target = _check_target(model, X, target)
    device = _model_device(model)
    effects = torch.zeros_like(X)
    with torch.no_grad():
        original = model(X.to(device))[:, target].cpu()
        for position, base, mutant in single_base_mutants(X):
            effects[:, base, position] = model(mutant.to(device))[:, target].cpu() - original
    return effects.numpy()


# ----------------------------------------------------------------------------------------
# Reference attributions
# ----------------------------------------------------------------------------------------
def reference_attributions(model, X, method, *, target=1, baseline=None,
                           n_steps=50) -> np.ndarray:
    """Compute a reference attribution with Captum (or :func:`in_silico_mutagenesis`).

    Use it to check a hand-written method, and to explain a model without writing one.

    ``"saliency"``
        ``|d f / d x|`` at every base (Captum ``Saliency``, Simonyan et al. 2014).
    ``"gradient_x_input"``
        ``x * d f / d x`` (Captum ``InputXGradient``).
    ``"integrated_gradients"``
        ``(x - x') * mean of d f / d x`` along the straight path from the baseline ``x'`` to
        ``x``, with the midpoint Riemann rule over ``n_steps`` steps (Captum
        ``IntegratedGradients(..., method="riemann_middle")``).  Captum's default rule
        (Gauss-Legendre) differs slightly; its ``"riemann_trapezoid"`` is scaled by
        ``(n_steps - 1) / n_steps``.
    ``"ism"``
        The effects of :func:`in_silico_mutagenesis`.

    Here ``f`` is the logit of class ``target``.

    Parameters
    ----------
    model : torch.nn.Module
        The network; it is not changed.
    X : array-like or torch.Tensor of shape (n_sequences, n_channels, length)
        One-hot sequences.
    method : {"saliency", "gradient_x_input", "integrated_gradients", "ism"}
        The method (see :data:`METHODS` for the reduction that suits each).
    target : int, default=1
        Which output (class) to explain.
    baseline : array-like of shape (channels, length) or like X, optional
        Integrated gradients only: the reference input.  ``None`` means all zeros.
    n_steps : int, default=50
        Integrated gradients only: number of steps, in [1, 10000].

    Returns
    -------
    ndarray of float32, shape like X
    """
    model = _check_model(model)
    X = _as_sequences(X)
    method = check_choice(method, "method", METHODS)
    n_steps = check_int(n_steps, "n_steps", low=1, high=10_000)
    target = _check_target(model, X, target)
    if baseline is not None and method != "integrated_gradients":
        raise ValueError(f"baseline is only used by method='integrated_gradients'; got it "
                         f"with method={method!r}.")
    if method == "ism":
        return in_silico_mutagenesis(model, X, target=target)

    # Captum is imported here so that `import dlbio` stays light.
    from captum.attr import InputXGradient, IntegratedGradients, Saliency

    device = _model_device(model)
    inputs = X.to(device).requires_grad_(True)    # Captum warns if the input needs no grad
    if method == "saliency":
        result = Saliency(model).attribute(inputs, target=target, abs=True)
    elif method == "gradient_x_input":
        result = InputXGradient(model).attribute(inputs, target=target)
    else:
        if baseline is None:
            reference = torch.zeros_like(X)
        else:
            reference = _as_float_array(baseline, "baseline", (2, 3)).astype(np.float32)
            if reference.shape not in (X.shape[1:], tuple(X.shape)):
                raise ValueError(f"baseline must have shape {tuple(X.shape[1:])} or "
                                 f"{tuple(X.shape)}; got {reference.shape}.")
            reference = torch.as_tensor(np.broadcast_to(reference, X.shape).copy())
        result = IntegratedGradients(model).attribute(
            inputs, baselines=reference.to(device), target=target, n_steps=n_steps,
            method="riemann_middle")
    return result.detach().cpu().numpy().astype(np.float32)


# ----------------------------------------------------------------------------------------
# Sanity checks: randomised weights
# ----------------------------------------------------------------------------------------
def randomize_layers(model, layers, *, random_state=0) -> nn.Module:
    """Return a copy of ``model`` whose named layers get fresh random weights.

    Each named sub-module (for :class:`dlbio.models.MotifCNN`: ``"conv"`` and ``"head"``) is
    re-initialised with PyTorch's own initialisation (its ``reset_parameters``), drawn from a
    generator seeded by ``random_state``.  The original model and PyTorch's global random
    state are left unchanged.  Randomising layers from the top (``["head"]``, then
    ``["head", "conv"]``) is the *cascading randomisation* of Adebayo et al. (2018): an
    attribution method that explains the model must change when the model does.

    Parameters
    ----------
    model : torch.nn.Module
        The trained network.
    layers : str or list of str
        Names of sub-modules, as in ``model.named_children()`` (nested names such as
        ``"head.layers"`` work too).  An empty list returns an unchanged copy.
    random_state : int, default=0
        Seed of the new weights, in [0, 2**32 - 1].

    Returns
    -------
    torch.nn.Module
        A deep copy, on the same device, in the same train/eval mode.

    Examples
    --------
    >>> from dlbio.models import MotifCNN
    >>> model = MotifCNN(2, n_filters=4, kernel_size=3)
    >>> shuffled = randomize_layers(model, ["head"], random_state=1)
    >>> torch.equal(shuffled.conv.weight, model.conv.weight)
    True
    >>> torch.equal(shuffled.head.network[0].weight, model.head.network[0].weight)
    False
    """
    model = _check_model(model)
    names = [layers] if isinstance(layers, str) else layers
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        raise TypeError(f"layers must be a layer name or a list of names; got {layers!r}.")
    available = [name for name, _ in model.named_modules() if name]
    for name in names:
        if name not in available:
            top = [name for name, _ in model.named_children()]
            raise ValueError(f"layers must name sub-modules of the model, such as {top}; "
                             f"got {name!r}.")
    seed = check_int(random_state, "random_state", low=0, high=2**32 - 1)
    copied = copy.deepcopy(model)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for name in names:
            for module in copied.get_submodule(name).modules():
                own = list(module.parameters(recurse=False))
                if not own:
                    continue
                if not hasattr(module, "reset_parameters"):
                    raise TypeError(f"cannot re-initialise {type(module).__name__} inside "
                                    f"{name!r}: it has no reset_parameters method.")
                device = own[0].device
                if device.type != "cpu":      # draw on the CPU, so the seed decides
                    module.to("cpu")
                module.reset_parameters()
                module.to(device)
    return copied


def rank_similarity(scores_a, scores_b) -> np.ndarray:
    """Spearman rank correlation between two explanations of the same sequences, row by row.

    The similarity measure of the sanity checks of Adebayo et al. (2018): the explanation of
    a randomised model is compared with the explanation of the trained model.  A value near
    1 means the randomisation left the ranking of the positions almost unchanged (the
    explanation does not depend on what was randomised); near 0, the ranking changed
    completely; near -1, it was reversed.

    Parameters
    ----------
    scores_a, scores_b : array-like of shape (n, length)
        Position scores (see :func:`position_scores`) of the same ``n`` sequences.

    Returns
    -------
    ndarray of float64, shape (n,)
        One correlation per sequence (the Pearson correlation of the ranks, ties sharing
        their average rank).  A row that is constant in either input has no ranking and
        gets 0.0.

    Examples
    --------
    >>> a = np.array([[0.1, 0.5, 0.9, 0.3], [1.0, 2.0, 3.0, 4.0]])
    >>> rank_similarity(a, np.array([[1.0, 5.0, 9.0, 3.0], [4.0, 3.0, 2.0, 1.0]]))
    array([ 1., -1.])
    """
    a = _as_float_array(scores_a, "scores_a", 2)
    b = _as_float_array(scores_b, "scores_b", 2)
    if a.shape != b.shape:
        raise ValueError(f"scores_a and scores_b must have the same shape (n, length); got "
                         f"{a.shape} and {b.shape}.")
    ra = rankdata(a, axis=1)
    rb = rankdata(b, axis=1)
    ra -= ra.mean(axis=1, keepdims=True)
    rb -= rb.mean(axis=1, keepdims=True)
    norm = np.sqrt((ra ** 2).sum(axis=1) * (rb ** 2).sum(axis=1))
    product = (ra * rb).sum(axis=1)
    safe = np.where(norm > 0, norm, 1.0)
    return np.where(norm > 0, product / safe, 0.0)


def off_simplex_correction(gradients) -> np.ndarray:
    """Remove the part of an input gradient that points off the one-hot simplex.

    A one-hot base always sums to 1 over the channels, so a model never sees its input move
    along the direction (1, 1, 1, 1) at a position; the gradient's component along that
    direction is unconstrained by the data and adds arbitrary noise to saliency maps.
    Majdandzic et al. (2023) remove it by subtracting, at every position, the mean of the
    gradient over the channels.  Differences between bases (what in-silico mutagenesis
    measures, to first order) are unchanged.

    Parameters
    ----------
    gradients : array-like or torch.Tensor of shape (n, channels, length)
        Input gradients (signed, not absolute values).

    Returns
    -------
    ndarray of float64, shape (n, channels, length)
        The corrected gradients; they sum to 0 over the channels at every position.

    Examples
    --------
    >>> g = np.array([[[1.0, 0.0], [3.0, 0.0], [1.0, 2.0], [3.0, 2.0]]])   # 1 x 4 x 2
    >>> off_simplex_correction(g)[0, :, 0]
    array([-1.,  1., -1.,  1.])
    """
    array = _as_float_array(gradients, "gradients", 3)
    return array - array.mean(axis=1, keepdims=True)


def window_to_positions(window_scores, length) -> np.ndarray:
    """Spread scores of sliding windows back to positions: each position gets the largest
    score of the windows that cover it.

    Parameters
    ----------
    window_scores : array-like of shape (n, n_windows)
        One score per window start; window ``j`` covers positions ``j`` to
        ``j + length - n_windows`` (all windows have the same width).
    length : int
        Sequence length, at least ``n_windows``.

    Returns
    -------
    ndarray of float64, shape (n, length)

    Examples
    --------
    >>> window_to_positions(np.array([[1.0, 3.0, 2.0]]), 4)     # windows of width 2
    array([[1., 3., 3., 2.]])
    """
    scores = _as_float_array(window_scores, "window_scores", 2)
    n, n_windows = scores.shape
    length = check_int(length, "length", low=max(1, n_windows))
    width = length - n_windows + 1
    out = np.full((n, length), -np.inf)
    for offset in range(width):
        out[:, offset:offset + n_windows] = np.maximum(out[:, offset:offset + n_windows], scores)
    return out


def motif_scan(X, pwm) -> np.ndarray:
    """Score every position by its best match to a motif, without any model.

    The log-odds score of a window is the sum over its bases of ``log2(pwm / 0.25)``; both
    strands are scanned, and each position gets the best score of the windows that cover it
    (:func:`window_to_positions`).  This is a *plausible* picture of the motif, often with a
    perfect AUROC against the planted sites, but it explains no model: it is the same for a
    trained and a random network, which is what a sanity check must catch.

    Parameters
    ----------
    X : array-like or torch.Tensor of shape (n, 4, length)
        One-hot sequences (channels A, C, G, T).
    pwm : array-like of shape (4, width)
        Position weight matrix (probabilities, each column summing to 1), for example
        ``truth.pwms["A"]`` of :func:`dlbio.datasets.make_motif_sequences`.

    Returns
    -------
    ndarray of float64, shape (n, length)
    """
    sequences = _as_sequences(X).numpy().astype(np.float64)
    matrix = _as_float_array(pwm, "pwm", 2)
    if matrix.shape[0] != 4 or (matrix <= 0).any() or not np.allclose(matrix.sum(axis=0), 1.0):
        raise ValueError(f"pwm must have shape (4, width) with positive probabilities summing to 1 "
                         f"in each column; got shape {matrix.shape}.")
    width = matrix.shape[1]
    if sequences.shape[1] != 4 or sequences.shape[2] < width:
        raise ValueError(f"X must have shape (n, 4, length) with length >= {width}; got "
                         f"{tuple(sequences.shape)}.")
    weights = np.log2(matrix / 0.25)
    reverse = weights[::-1, ::-1]          # the reverse complement (A<->T, C<->G, reversed)
    n_windows = sequences.shape[2] - width + 1
    forward = np.zeros((len(sequences), n_windows))
    backward = np.zeros((len(sequences), n_windows))
    for t in range(width):
        column = sequences[:, :, t:t + n_windows]
        forward += np.einsum("c,ncj->nj", weights[:, t], column)
        backward += np.einsum("c,ncj->nj", reverse[:, t], column)
    return window_to_positions(np.maximum(forward, backward), sequences.shape[2])


def filter_activations(model, X) -> np.ndarray:
    """Score every position by the strongest first-layer filter activation covering it.

    Uses only the convolution layer ``model.conv`` (ReLU of its output, the largest over the
    filters, spread to positions by :func:`window_to_positions`), and ignores the rest of the
    network.  It therefore cannot change when the head is randomised: an "explanation" that
    passes a sanity check which randomises only the whole network, and fails one that counts
    the head.

    Parameters
    ----------
    model : torch.nn.Module
        A network with a ``conv`` attribute (a ``Conv1d``), such as
        :class:`dlbio.models.MotifCNN`.
    X : array-like or torch.Tensor of shape (n, channels, length)
        One-hot sequences.

    Returns
    -------
    ndarray of float64, shape (n, length)
    """
    model = _check_model(model)
    conv = getattr(model, "conv", None)
    if not isinstance(conv, nn.Conv1d):
        raise TypeError(f"model must have a Conv1d layer named 'conv' (a MotifCNN); got "
                        f"{type(conv).__name__}.")
    inputs = _as_sequences(X)
    with torch.no_grad():
        activation = torch.relu(conv(inputs.to(_model_device(model)))).amax(dim=1)
    return window_to_positions(activation.cpu().numpy(), inputs.shape[2])


# ----------------------------------------------------------------------------------------
# Plotting
# ----------------------------------------------------------------------------------------
def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of every run of True in a 1-D boolean array (end exclusive)."""
    padded = np.concatenate([[False], mask, [False]]).astype(int)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2], edges[1::2]))


def plot_attribution_track(scores, mask=None, *, sequence=None, window=None, ax=None,
                           title="Attribution along the sequence"):
    """Plot one sequence's position scores as bars, with the planted motif shaded.

    Parameters
    ----------
    scores : array-like of shape (length,)
        One score per position (see :func:`position_scores`).
    mask : array-like of bool, shape (length,), optional
        True at planted bases; each planted site is shaded.
    sequence : str, optional
        The bases; printed under the bars when at most 80 positions are shown.
    window : (int, int), optional
        ``(start, end)`` of the positions to show; default all.
    ax : matplotlib Axes, optional
        Where to draw; default a new figure.
    title : str
        The title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from .plotting import PALETTE, _check_axes, label

    values = _as_float_array(scores, "scores", 1)
    length = len(values)
    if mask is not None:
        planted = np.asarray(mask)
        if planted.shape != (length,) or not np.isin(planted, (0, 1)).all():
            raise ValueError(f"mask must be a boolean array of shape ({length},); got shape "
                             f"{planted.shape}.")
        planted = planted.astype(bool)
    if sequence is not None and (not isinstance(sequence, str) or len(sequence) != length):
        raise ValueError(f"sequence must be a string of {length} bases; got "
                         f"{type(sequence).__name__} of length "
                         f"{len(sequence) if hasattr(sequence, '__len__') else '?'}.")
    start, end = 0, length
    if window is not None:
        if not isinstance(window, (tuple, list)) or len(window) != 2:
            raise TypeError(f"window must be a (start, end) pair; got {window!r}.")
        start = check_int(window[0], "window[0]", low=0, high=length - 1)
        end = check_int(window[1], "window[1]", low=start + 1, high=length)
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 2.8))
    else:
        _check_axes(ax)

    positions = np.arange(start, end)
    shown = values[start:end]
    colours = np.where(shown >= 0, PALETTE["blue"], PALETTE["vermillion"])
    ax.bar(positions, shown, width=1.0, color=colours, linewidth=0)
    ax.axhline(0.0, color="0.3", linewidth=0.8)
    handles = []
    if mask is not None:
        for run_start, run_end in _runs(planted):
            if run_end > start and run_start < end:
                ax.axvspan(max(run_start, start) - 0.5, min(run_end, end) - 0.5,
                           color=PALETTE["bluish_green"], alpha=0.25, linewidth=0)
        handles.append(Patch(color=PALETTE["bluish_green"], alpha=0.25, label="planted motif"))
    if sequence is not None and end - start <= 80:
        ax.set_xticks(positions, list(sequence[start:end]), fontsize=7, family="monospace")
    ax.set_xlim(start - 0.5, end - 0.5)
    label(ax, title, "position (base)", "attribution")
    if handles:
        ax.legend(handles=handles, loc="upper left", frameon=False)
    return ax


# ----------------------------------------------------------------------------------------
# A trained model on fresh data
# ----------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _trained_motif_cnn(seed: int, n_train: int, n_test: int, seq_length: int,
                       epochs: int, n_filters: int):
    from .datasets import make_motif_sequences
    from .models import MotifCNN
    from .training import fit, predict_proba

    data_seeds = np.random.SeedSequence(seed).generate_state(3)
    train = make_motif_sequences(n_train, seq_length, random_state=int(data_seeds[0]))
    test = make_motif_sequences(n_test, seq_length, random_state=int(data_seeds[1]))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(data_seeds[2]))
        model = MotifCNN(2, n_filters=n_filters)
        generator = torch.Generator().manual_seed(int(data_seeds[2]))
        fit(model, train.X, train.y, lr=1e-2, batch_size=64, max_epochs=epochs,
            device="cpu", generator=generator)
    proba = predict_proba(model, test.X, device="cpu")[:, 1]
    return model, test, proba


def train_motif_cnn(random_state=0, *, n_train=1000, n_test=500, seq_length=200, epochs=10,
                    n_filters=16) -> Bunch:
    """Train a :class:`~dlbio.models.MotifCNN` on fresh motif data and return it with a test set.

    The training and test sets come from :func:`dlbio.datasets.make_motif_sequences` (motif
    A, 12 bp, consensus probability 0.95, half of the sequences positive).  The network (16
    filters of width 12, global max pooling, a linear head) is trained with Adam (learning
    rate 0.01, batches of 64) on the CPU.  Everything is a pure function of the arguments:
    the same ``random_state`` gives the same data and the same weights, and PyTorch's global
    random state is left unchanged.  Results are cached, so asking again is instant; each
    call returns its own copy of the model.

    Parameters
    ----------
    random_state : int, default=0
        Seed of the data and of the training, in [0, 2**32 - 1].
    n_train : int, default=1000
        Training sequences, in [20, 100000].
    n_test : int, default=500
        Test sequences, in [10, 100000].
    seq_length : int, default=200
        Sequence length, in [24, 10000].
    epochs : int, default=10
        Training epochs, in [1, 1000].
    n_filters : int, default=16
        Convolution filters, in [1, 1024].

    Returns
    -------
    Bunch
        ``model`` (trained, on the CPU, in eval mode), ``X_test``, ``y_test``,
        ``sequences_test``, ``mask_test`` (``truth.motif_mask`` of the test set),
        ``proba_test`` (the model's P(motif present)), ``accuracy`` (on the test set),
        ``confident`` (:func:`confident_correct` with the defaults: the confidently
        correct positives) and ``params``.
    """
    seed = check_int(random_state, "random_state", low=0, high=2**32 - 1)
    n_train = check_int(n_train, "n_train", low=20, high=100_000)
    n_test = check_int(n_test, "n_test", low=10, high=100_000)
    seq_length = check_int(seq_length, "seq_length", low=24, high=10_000)
    epochs = check_int(epochs, "epochs", low=1, high=1000)
    n_filters = check_int(n_filters, "n_filters", low=1, high=1024)
    model, test, proba = _trained_motif_cnn(seed, n_train, n_test, seq_length, epochs,
                                            n_filters)
    return Bunch(
        model=copy.deepcopy(model),
        X_test=test.X.copy(),
        y_test=test.y.copy(),
        sequences_test=test.sequences.copy(),
        mask_test=test.truth.motif_mask.copy(),
        proba_test=proba.copy(),
        accuracy=float(((proba >= 0.5) == test.y).mean()),
        confident=confident_correct(proba, test.y),
        params=dict(random_state=seed, n_train=n_train, n_test=n_test, seq_length=seq_length,
                    epochs=epochs, n_filters=n_filters),
    )


# ----------------------------------------------------------------------------------------
# Reading a logistic regression with its uncertainty (tip 9)
# ----------------------------------------------------------------------------------------
def logistic_summary(X, y, *, level=0.95):
    """Fit an unpenalised logistic regression and return its coefficients with Wald intervals.

    Each coefficient is the change in the log-odds of ``y = 1`` per unit of its column with
    the other columns held fixed.  Its standard error comes from the inverse of the observed
    Fisher information at the maximum-likelihood fit, and the interval is
    ``coef +/- z * se`` with ``z`` the normal quantile for ``level``.  The interval covers
    the noise of drawing a finite cohort from the same population; it says nothing about
    bias (confounding, colliders, a misspecified model).

    Parameters
    ----------
    X : pandas DataFrame of shape (n, p)
        Numeric columns; the names label the rows of the result.
    y : array-like of shape (n,)
        Binary outcome (0/1), with both values present.
    level : float, default=0.95
        Confidence level of the intervals, in (0, 1).

    Returns
    -------
    pandas DataFrame
        One row per column of ``X`` and columns ``"coef"``, ``"se"``, ``"ci_low"`` and
        ``"ci_high"``.

    Examples
    --------
    >>> import pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"x": rng.normal(size=2000)})
    >>> y = (rng.random(2000) < 1 / (1 + np.exp(-(0.5 + 1.0 * X["x"])))).astype(int)
    >>> table = logistic_summary(X, y)
    >>> bool(table.loc["x", "ci_low"] < 1.0 < table.loc["x", "ci_high"])
    True
    """
    import pandas as pd
    from scipy.stats import norm
    from sklearn.linear_model import LogisticRegression

    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"X must be a pandas DataFrame (its column names label the "
                        f"coefficients); got {type(X).__name__}.")
    level = check_float(level, "level", low=0.0, high=1.0, low_inclusive=False,
                        high_inclusive=False)
    design = X.to_numpy(dtype=float)
    if design.ndim != 2 or design.shape[1] == 0 or not np.isfinite(design).all():
        raise ValueError(f"X must hold at least one column of finite numbers; got shape "
                         f"{design.shape}.")
    outcome = np.asarray(y)
    if outcome.shape != (len(design),):
        raise ValueError(f"y must have one value per row of X ({len(design)}); got shape "
                         f"{outcome.shape}.")
    if not np.isin(outcome, (0, 1)).all() or len(np.unique(outcome)) < 2:
        raise ValueError("y must be binary (0/1) with both values present; got values "
                         f"{np.unique(outcome)[:5].tolist()}.")
    model = LogisticRegression(C=np.inf, solver="newton-cholesky", max_iter=200)
    model.fit(design, outcome)
    p = model.predict_proba(design)[:, 1]
    augmented = np.column_stack([np.ones(len(design)), design])
    information = augmented.T @ (augmented * (p * (1.0 - p))[:, None])
    covariance = np.linalg.pinv(information)
    se = np.sqrt(np.clip(np.diag(covariance)[1:], 0.0, None))
    coef = model.coef_[0]
    z = norm.ppf(0.5 + level / 2.0)
    return pd.DataFrame({"coef": coef, "se": se, "ci_low": coef - z * se,
                         "ci_high": coef + z * se}, index=list(X.columns))

"""Privacy of models trained on sensitive data: membership inference and DP-SGD.

A model trained on patients can give away *who was in the training set*: it usually fits its
own training examples better (a lower loss) than examples it has never seen, and an attacker
who can query the model can exploit that gap (Yeom et al. 2018; Shokri et al. 2017).  This
module holds the tools around such an attack that a lesson does not ask students to write:

* :func:`per_example_loss`: the cross-entropy of each example under a model;
* :func:`attack_auc` and :func:`membership_advantage`: how well membership scores separate
  members from non-members, over all thresholds (AUC) or at one threshold (TPR - FPR);
* :func:`tpr_at_fpr`: the true-positive rate of an attack at a low false-positive rate, the
  number that says whether *some* patients are identified with confidence (Carlini et al.
  2022); an AUC averages over all thresholds and can hide it;
* :func:`calibrated_score`: the difficulty-calibrated membership score (the model's loss
  compared with the loss the example would have anyway), a stronger attack than the plain loss;
* :func:`dp_tpr_bound`: the most that any attack can reach at a given false-positive rate
  against an (epsilon, delta)-differentially private training run;
* :func:`matched_sample`: non-members drawn with the members' group mix, so that an attack
  is not credited for telling the groups apart;
* :func:`noise_multiplier` and :func:`train_dp`: differentially private training with
  DP-SGD (Abadi et al. 2016) through Opacus, with the privacy budget epsilon reported by the
  Renyi-DP accountant.

Opacus is imported only inside :func:`noise_multiplier` and :func:`train_dp`, because
importing it takes several seconds.
"""
from __future__ import annotations

import functools
import math
import time
import warnings

import numpy as np
import torch
from sklearn.metrics import roc_auc_score
from sklearn.utils import Bunch
from torch import nn

from ._validation import check_float, check_int, check_random_state
from .training import (
    MAX_LR,
    OPTIMIZERS,
    _check_finite,
    _check_label_range,
    _check_n_features,
    _check_sizes,
    _model_device,
    _model_dtype,
    _to_tensor,
    predict_logits,
    select_device,
)

__all__ = [
    "per_example_loss",
    "attack_auc",
    "membership_advantage",
    "tpr_at_fpr",
    "calibrated_score",
    "dp_tpr_bound",
    "matched_sample",
    "noise_multiplier",
    "train_dp",
]

# Opacus warns once per PrivacyEngine that it does not use a cryptographically secure
# random number generator (that needs the separate torchcsprng package).  Course models are
# experiments, not releases, so this one message is filtered, and only inside train_dp.
_SECURE_RNG_MESSAGE = r"Secure RNG turned off"

# Renyi orders at which the RDP accountant evaluates the privacy loss: Opacus' defaults
# (1.1 to 63) plus larger orders.  Large noise over few steps has its tightest bound above
# order 63, where Opacus would warn that the range of orders is too small.
_EXTRA_ALPHAS = (80, 96, 128, 160, 192, 256, 384, 512, 768, 1024)


def _n_outputs(model: nn.Module, X: torch.Tensor) -> int:
    """The number of output columns (classes) of ``model``, from one forward pass."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            output = model(X[:2].to(_model_device(model)))
    except RuntimeError as error:
        raise ValueError(f"model(X) failed on the first samples of X (shape {tuple(X.shape)}): "
                         f"{error}. Check that X has the shape the model expects.") from None
    finally:
        model.train(was_training)
    if output.ndim != 2 or output.shape[1] < 2:
        raise ValueError("train_dp needs model outputs of shape (n_samples, n_classes) with at "
                         f"least 2 classes (it trains with cross-entropy); got shape "
                         f"{tuple(output.shape)}.")
    return int(output.shape[1])


def _alphas() -> list:
    from opacus.accountants import RDPAccountant

    return list(RDPAccountant.DEFAULT_ALPHAS) + list(_EXTRA_ALPHAS)


# ---------------------------------------------------------------------------------------
# Losses and attack scores
# ---------------------------------------------------------------------------------------

def per_example_loss(model: nn.Module, X, y, *, batch_size: int = 1024,
                     device=None) -> np.ndarray:
    """Return the cross-entropy loss of every example under ``model``.

    The loss of example ``i`` is ``-log p_i[y_i]``, where ``p_i`` is the softmax of the
    model's logits (computed in float64, so that very confident predictions keep
    distinct losses).  A low loss means that the model fits the example well, which is
    what a loss-threshold membership-inference attack looks for.

    Parameters
    ----------
    model : torch.nn.Module
        A trained classifier returning logits of shape (n_samples, n_classes).
    X : array-like or torch.Tensor of shape (n_samples, n_features)
        Inputs.
    y : array-like of shape (n_samples,)
        Integer class labels 0 to n_classes - 1.
    batch_size : int, default=1024
        Number of samples per forward pass.
    device : str, torch.device or None, default=None
        Where to compute; ``None`` uses the device the model is on.

    Returns
    -------
    ndarray of shape (n_samples,), float64
        Non-negative losses.

    Examples
    --------
    >>> import torch
    >>> model = torch.nn.Linear(1, 2)
    >>> with torch.no_grad():
    ...     _ = model.weight.zero_(), model.bias.zero_()
    >>> per_example_loss(model, [[0.0], [1.0]], [0, 1]).round(4)  # log(2) for a coin flip
    array([0.6931, 0.6931])
    """
    logits = predict_logits(model, X, batch_size=batch_size, device=device).double()
    if logits.ndim != 2 or logits.shape[1] < 2:
        raise ValueError("per_example_loss needs model outputs of shape (n_samples, n_classes) "
                         f"with at least 2 classes; got shape {tuple(logits.shape)}.")
    labels = _to_tensor(y, "y", kind="labels", device="cpu")
    if labels.ndim != 1 or len(labels) != len(logits):
        raise ValueError(f"y must hold one label per row of X; got shape {tuple(labels.shape)} "
                         f"for {len(logits)} rows.")
    _check_label_range(labels, logits.shape[1], "y")
    losses = nn.functional.cross_entropy(logits, labels, reduction="none").numpy()
    return np.maximum(losses, 0.0) + 0.0  # no -0.0 or rounding below zero


def _scores(values, name: str) -> np.ndarray:
    """A 1-D float array of finite scores with at least one value."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a 1-D array of numbers; got {type(values).__name__}.") from None
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of numbers; got shape {array.shape}.")
    if len(array) == 0:
        raise ValueError(f"{name} must contain at least 1 score; got 0.")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must contain finite numbers; got {int((~np.isfinite(array)).sum())} "
                         "NaN or infinite value(s).")
    return array


def attack_auc(member_scores, nonmember_scores) -> float:
    """Area under the ROC curve of a membership-inference attack.

    The probability that a random member gets a higher membership score than a random
    non-member (ties count one half).  0.5 means that the attack cannot tell them apart;
    1.0 means that it separates them perfectly.  For a loss-threshold attack the score is
    the *negative* loss (a lower loss looks more like a member).

    Parameters
    ----------
    member_scores : array-like of shape (n_members,)
        Membership scores of examples that were in the training set.
    nonmember_scores : array-like of shape (n_nonmembers,)
        Membership scores of examples that were not.

    Returns
    -------
    float

    Examples
    --------
    >>> attack_auc([3.0, 2.0], [1.0, 2.0])
    0.875
    """
    members = _scores(member_scores, "member_scores")
    nonmembers = _scores(nonmember_scores, "nonmember_scores")
    labels = np.r_[np.ones(len(members)), np.zeros(len(nonmembers))]
    return float(roc_auc_score(labels, np.r_[members, nonmembers]))


def membership_advantage(member_scores, nonmember_scores, *, threshold) -> dict:
    """True- and false-positive rates and advantage of an attack at one threshold.

    An example is guessed to be a member when its score is at least ``threshold``.  The
    membership advantage of Yeom et al. (2018) is ``TPR - FPR``: 0 for an attacker that
    guesses blindly, 1 for a perfect one.

    Parameters
    ----------
    member_scores, nonmember_scores : array-like
        Membership scores (higher means "more likely a member").
    threshold : float
        Guess "member" when ``score >= threshold``.

    Returns
    -------
    dict
        ``{"tpr": float, "fpr": float, "advantage": float}``.

    Examples
    --------
    A loss-threshold attack scores by the negative loss, so "loss <= 0.5" is
    "score >= -0.5":

    >>> membership_advantage([-0.1, -0.4, -0.9], [-0.3, -1.2, -2.0], threshold=-0.5)
    {'tpr': 0.6666666666666666, 'fpr': 0.3333333333333333, 'advantage': 0.3333333333333333}
    """
    members = _scores(member_scores, "member_scores")
    nonmembers = _scores(nonmember_scores, "nonmember_scores")
    threshold = check_float(threshold, "threshold")
    tpr = float(np.mean(members >= threshold))
    fpr = float(np.mean(nonmembers >= threshold))
    return {"tpr": tpr, "fpr": fpr, "advantage": tpr - fpr}


def tpr_at_fpr(member_scores, nonmember_scores, fpr) -> dict:
    """True-positive rate of a membership attack at a chosen false-positive rate.

    The attacker flags as members all examples whose score is at least a threshold, and
    sets the threshold on the non-members: among all thresholds that flag at most a
    fraction ``fpr`` of the non-members, the one that flags the most members.  At a low
    false-positive rate (1% or 0.1%) this says whether the attack identifies *some*
    patients with confidence, which an AUC, an average over all thresholds, can hide
    (Carlini et al. 2022).

    The non-members must be numerous enough for the rate to mean something: with ``n``
    non-members the smallest false-positive rate above zero is ``1 / n``, so at least
    ``ceil(1 / fpr)`` of them are required (ten times that keeps the threshold from
    resting on one or two examples).

    Parameters
    ----------
    member_scores, nonmember_scores : array-like of shape (n,)
        Membership scores (higher means "more likely a member"; for a loss-threshold
        attack, the negative loss).
    fpr : float
        The largest admissible false-positive rate, in (0, 1).

    Returns
    -------
    dict
        ``{"tpr": float, "fpr": float, "threshold": float, "n_members": int,
        "n_nonmembers": int}``: the fraction of members flagged, the fraction of
        non-members flagged (at most ``fpr``), the score threshold (``inf`` when no
        threshold flags any non-member within the budget and none flags a member) and the
        two sample sizes, which an interval on the rates needs.

    Raises
    ------
    ValueError
        When there are fewer than ``ceil(1 / fpr)`` non-members.

    References
    ----------
    .. [1] Carlini N, Chien S, Nasr M, Song S, Terzis A, Tramer F. Membership inference
       attacks from first principles. IEEE Symposium on Security and Privacy, 1897-1914
       (2022). doi:10.1109/SP46214.2022.9833649

    Examples
    --------
    >>> result = tpr_at_fpr([5.0, 4.0, 1.0], [3.0, 2.0, 0.0, -1.0], fpr=0.25)
    >>> result["tpr"], result["fpr"], result["threshold"]
    (0.6666666666666666, 0.25, 3.0)
    """
    members = _scores(member_scores, "member_scores")
    nonmembers = _scores(nonmember_scores, "nonmember_scores")
    fpr = check_float(fpr, "fpr", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    needed = math.ceil(1.0 / fpr - 1e-9)
    if len(nonmembers) < needed:
        raise ValueError(f"nonmember_scores must hold at least ceil(1 / fpr) = {needed} scores to "
                         f"resolve a false-positive rate of {fpr:g}; got {len(nonmembers)}. Audit "
                         "the attack on more non-members (they cost only a forward pass).")
    # Candidate thresholds: every distinct score, highest first.  Flagging "score >= t"
    # flags count_ge(t) examples of each set.
    candidates = np.unique(np.r_[members, nonmembers])[::-1]
    sorted_members, sorted_nonmembers = np.sort(members), np.sort(nonmembers)
    flagged_members = len(members) - np.searchsorted(sorted_members, candidates, side="left")
    flagged_nonmembers = len(nonmembers) - np.searchsorted(sorted_nonmembers, candidates, side="left")
    allowed = flagged_nonmembers <= fpr * len(nonmembers) + 1e-9
    if not allowed.any():
        return {"tpr": 0.0, "fpr": 0.0, "threshold": math.inf, "n_members": len(members),
                "n_nonmembers": len(nonmembers)}
    best = int(np.flatnonzero(allowed)[-1])  # the lowest admissible threshold flags the most
    return {"tpr": float(flagged_members[best] / len(members)),
            "fpr": float(flagged_nonmembers[best] / len(nonmembers)),
            "threshold": float(candidates[best]), "n_members": len(members),
            "n_nonmembers": len(nonmembers)}


def calibrated_score(model_losses, y, reference_proba) -> np.ndarray:
    """Difficulty-calibrated membership score: reference loss minus the model's loss.

    A plain loss attack flags every example with a low loss, but an easy example (one far
    from the class boundary) has a low loss whether or not it was trained on.  Watson et
    al. (2022) calibrate each example by its difficulty: the score is the loss the example
    would get from a model that never saw it (the *reference*) minus its loss under the
    audited model, ``-log p_ref(y | x) - loss``.  A member the model has memorised scores
    high; an easy outsider scores about zero.  Higher means "more likely a member".

    With simulated data the reference can be the true class probability (the simulator's
    truth), which gives an *idealised* attacker who knows each example's difficulty
    exactly.  A real attacker estimates it, for example from reference models trained on
    data from the same population without the example (LiRA, Carlini et al. 2022).

    Parameters
    ----------
    model_losses : array-like of shape (n,)
        Cross-entropy loss of each example under the audited model (as returned by
        :func:`per_example_loss`), finite and >= 0.
    y : array-like of shape (n,)
        Binary label (0/1) of each example, the label the loss was computed with.
    reference_proba : array-like of shape (n,)
        Reference probability that ``y = 1`` for each example, in [0, 1]; it is clipped to
        [1e-12, 1 - 1e-12] before the logarithm.

    Returns
    -------
    ndarray of shape (n,)
        The score of each example (higher: more likely a member).

    References
    ----------
    .. [1] Watson L, Guo C, Cormode G, Sablayrolles A. On the importance of difficulty
       calibration in membership inference attacks. ICLR (2022).
    .. [2] Carlini N, Chien S, Nasr M, Song S, Terzis A, Tramer F. Membership inference
       attacks from first principles. IEEE S&P, 1897-1914 (2022).

    Examples
    --------
    >>> score = calibrated_score([0.01, 0.01], [1, 1], [0.99, 0.5])
    >>> [round(float(v), 3) for v in score]   # easy example: ~0; hard example fit well: high
    [0.0, 0.683]
    """
    losses = _scores(model_losses, "model_losses")
    if (losses < 0).any():
        raise ValueError(f"model_losses must be >= 0 (cross-entropy losses); got a minimum of "
                         f"{losses.min():g}.")
    labels = np.asarray(y)
    if labels.shape != losses.shape or not np.isin(labels, (0, 1)).all():
        raise ValueError(f"y must hold one 0/1 label per loss ({losses.shape[0]}); got shape "
                         f"{labels.shape} with values {np.unique(labels)[:5].tolist()}.")
    proba = np.asarray(reference_proba, dtype=float)
    if proba.shape != losses.shape or not np.all((proba >= 0) & (proba <= 1)):
        raise ValueError(f"reference_proba must hold one probability in [0, 1] per loss "
                         f"({losses.shape[0]}); got shape {proba.shape}, range "
                         f"[{np.nanmin(proba) if proba.size else 'n/a'}, "
                         f"{np.nanmax(proba) if proba.size else 'n/a'}].")
    proba = np.clip(proba, 1e-12, 1 - 1e-12)
    reference_loss = -np.log(np.where(labels == 1, proba, 1.0 - proba))
    return reference_loss - losses


def dp_tpr_bound(fpr, epsilon, delta=0.0):
    """The highest true-positive rate any membership attack can reach under (epsilon, delta)-DP.

    If a training algorithm is (epsilon, delta)-differentially private, every test of
    "was this patient in the training set?" that flags non-members with probability
    ``fpr`` flags members with probability at most
    ``min(1, exp(epsilon) * fpr + delta, 1 - exp(-epsilon) * (1 - delta - fpr))``
    (Kairouz et al. 2015).  The bound covers every attack, however strong, but it is
    only informative where it is well below 1: at epsilon = 8 the first term,
    ``2981 * fpr``, reaches 1 already at ``fpr`` of about 3.4e-4.

    Parameters
    ----------
    fpr : float or array-like
        False-positive rate(s), each in [0, 1].
    epsilon : float
        The privacy budget, >= 0 (``inf`` for a non-private model: the bound is 1).
    delta : float, default=0.0
        The privacy parameter delta, in [0, 1].

    Returns
    -------
    float or ndarray
        The bound, of the same shape as ``fpr``.

    References
    ----------
    .. [1] Kairouz P, Oh S, Viswanath P. The composition theorem for differential
       privacy. Proc. ICML 2015, 1376-1385.

    Examples
    --------
    >>> round(dp_tpr_bound(0.01, epsilon=1.0, delta=1e-5), 4)
    0.0272
    >>> round(dp_tpr_bound(0.01, epsilon=8.0, delta=1e-5), 4)   # vacuous
    0.9997
    """
    no_privacy = isinstance(epsilon, (int, float, np.floating)) and epsilon == math.inf
    epsilon = math.inf if no_privacy else check_float(epsilon, "epsilon", low=0.0)
    delta = check_float(delta, "delta", low=0.0, high=1.0)
    try:
        rates = np.asarray(fpr, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"fpr must be a number or an array of numbers in [0, 1]; got "
                        f"{type(fpr).__name__}.") from None
    if not (np.isfinite(rates).all() and (rates >= 0).all() and (rates <= 1).all()):
        raise ValueError("fpr must lie in [0, 1]; got values from "
                         f"{np.nanmin(rates) if rates.size else 'none'} to "
                         f"{np.nanmax(rates) if rates.size else 'none'}.")
    if math.isinf(epsilon):
        bound = np.ones_like(rates)
    else:
        with np.errstate(over="ignore"):
            first = math.exp(epsilon) * rates + delta
        second = 1.0 - math.exp(-epsilon) * (1.0 - delta - rates)
        bound = np.minimum(1.0, np.minimum(first, second))
    bound = np.maximum(bound, rates)  # no bound can be below a blind guess (TPR = FPR)
    return float(bound) if bound.ndim == 0 else bound


def matched_sample(reference_groups, pool_groups, *, random_state=0) -> np.ndarray:
    """Indices of a sample of ``pool_groups`` with the group mix of ``reference_groups``.

    A membership attack is scored by how well it tells members from non-members.  When
    the two sets differ in composition (say members are 89% group A and the non-members
    half group B), anything that differs between the groups, such as their typical loss,
    separates the sets too, and the attack is credited for recognising the group rather
    than the patient.  Comparing the members with non-members drawn with the same group
    proportions removes that.  The sample is as large as the pool allows: the group that
    runs out first sets the size.

    Parameters
    ----------
    reference_groups : array-like of shape (n_reference,)
        Group label of each reference example (the members).
    pool_groups : array-like of shape (n_pool,)
        Group label of each candidate (the non-members).  Every reference group must
        occur in it.
    random_state : int, numpy Generator or None, default=0
        Seeds which candidates are drawn.

    Returns
    -------
    ndarray of int
        Sorted positions in ``pool_groups``, without repeats.

    Examples
    --------
    >>> idx = matched_sample(["A"] * 9 + ["B"], ["A"] * 50 + ["B"] * 50, random_state=0)
    >>> len(idx), int((idx >= 50).sum())   # about 9 A for each B, as among the members
    (54, 5)
    """
    reference = np.asarray(reference_groups)
    pool = np.asarray(pool_groups)
    if reference.ndim != 1 or len(reference) == 0:
        raise ValueError(f"reference_groups must be a non-empty 1-D array of group labels; got "
                         f"shape {reference.shape}.")
    if pool.ndim != 1:
        raise ValueError(f"pool_groups must be a 1-D array of group labels; got shape {pool.shape}.")
    rng, _ = check_random_state(random_state)
    labels, counts = np.unique(reference, return_counts=True)
    available = np.array([int(np.sum(pool == g)) for g in labels])
    if (available == 0).any():
        missing = labels[available == 0].tolist()
        raise ValueError(f"pool_groups must contain every group of reference_groups; missing {missing}.")
    shares = counts / counts.sum()
    size = int(np.floor(np.min(available / shares) + 1e-9))
    chosen = []
    for g, share in zip(labels, shares):
        candidates = np.flatnonzero(pool == g)
        take = min(len(candidates), int(np.floor(share * size + 1e-9)))
        chosen.append(rng.choice(candidates, size=take, replace=False))
    return np.sort(np.concatenate(chosen))


# ---------------------------------------------------------------------------------------
# Differentially private training
# ---------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=64)
def _noise_multiplier_cached(epsilon: float, delta: float, sample_rate: float, steps: int) -> float:
    from opacus.accountants.utils import get_noise_multiplier

    return float(get_noise_multiplier(target_epsilon=epsilon, target_delta=delta,
                                      sample_rate=sample_rate, steps=steps, accountant="rdp",
                                      alphas=_alphas()))


def noise_multiplier(target_epsilon, *, target_delta=1e-5, sample_rate, steps) -> float:
    """The DP-SGD noise multiplier that spends ``target_epsilon`` in ``steps`` steps.

    Searches (with Opacus' ``get_noise_multiplier`` and the Renyi-DP accountant) for the
    smallest noise standard deviation, relative to the clipping norm, whose privacy loss
    after ``steps`` Poisson-sampled steps at ``sample_rate`` stays within
    ``(target_epsilon, target_delta)``.  The accountant evaluates Renyi orders from 1.1 to
    1024 (Opacus' defaults stop at 63, which is too few for large noise over few steps).
    The search takes up to a second or two, so its results are cached.

    Parameters
    ----------
    target_epsilon : float
        The privacy budget epsilon, in (0, 100].  Smaller is more private.
    target_delta : float, default=1e-5
        The additive slack of the guarantee, in (0, 0.1]: the probability of any outcome
        may change by a factor exp(epsilon) *plus* delta (it is not the probability that
        the guarantee fails).  Choose it well below 1 / (number of training examples).
    sample_rate : float
        Probability that an example is in a given batch (expected batch size over the
        number of examples), in (0, 1].
    steps : int
        Number of optimizer steps, at least 1.

    Returns
    -------
    float
        The noise multiplier sigma.

    Raises
    ------
    ValueError
        For arguments out of range, and for a budget that no noise level reaches (too
        small an epsilon for the number of steps); the message names the arguments.
    """
    target_epsilon = check_float(target_epsilon, "target_epsilon", low=0.0, high=100.0,
                                 low_inclusive=False)
    target_delta = check_float(target_delta, "target_delta", low=0.0, high=0.1,
                               low_inclusive=False)
    sample_rate = check_float(sample_rate, "sample_rate", low=0.0, high=1.0,
                              low_inclusive=False)
    steps = check_int(steps, "steps", low=1)
    try:
        return _noise_multiplier_cached(target_epsilon, target_delta, sample_rate, steps)
    except ValueError as error:
        if "budget is too low" not in str(error):
            raise
        raise ValueError(
            f"target_epsilon={target_epsilon:g} (with target_delta={target_delta:g}) cannot "
            f"be reached in steps={steps} steps at sample_rate={sample_rate:g}: even the "
            "largest noise multiplier that Opacus searches spends more privacy. Raise "
            "target_epsilon or target_delta, or take fewer steps or a smaller "
            "sample_rate.") from None


def train_dp(model: nn.Module, X, y, *, target_epsilon, target_delta=1e-5, epochs=20,
             batch_size=50, max_grad_norm=1.0, lr=1e-2, optimizer="adam",
             random_state=0, device=None) -> Bunch:
    """Train a classifier with DP-SGD (Opacus) to a stated privacy budget.

    Differentially private SGD (Abadi et al. 2016) changes two things in each training
    step: every example's gradient is clipped to a norm of at most ``max_grad_norm``, so
    that no single patient can move the model much, and Gaussian noise with standard
    deviation ``noise_multiplier * max_grad_norm`` is added to the summed gradient.
    Batches are drawn by Poisson sampling (each example joins a batch independently with
    probability ``batch_size / n``).  The noise multiplier is chosen so that the whole run
    spends at most ``(target_epsilon, target_delta)``, counted by the Renyi-DP accountant
    (fast to set up; Opacus' default PRV accountant gives slightly tighter numbers but
    searches several times longer).

    DP-SGD needs different settings from ordinary training: a small network (fewer
    weights share the noise), a larger learning rate, large batches and few epochs.

    The model is trained in place and returned in evaluation mode, without any Opacus
    wrapper, so it can be used like any other model.

    Parameters
    ----------
    model : torch.nn.Module
        A freshly initialised classifier returning logits (for example
        :class:`dlbio.models.MLP` with a small hidden layer).  Its layers must be
        supported by per-example gradients (``Linear`` and activations are).
    X : array-like or torch.Tensor of shape (n_samples, n_features)
        Training inputs (the members).
    y : array-like of shape (n_samples,)
        Integer class labels 0 to K-1.
    target_epsilon : float
        Privacy budget epsilon, in (0, 100].
    target_delta : float, default=1e-5
        Privacy parameter delta, in (0, 0.1].
    epochs : int, default=20
        Passes over the data (in expectation), at least 1.
    batch_size : int, default=50
        Expected batch size, in [1, n_samples].
    max_grad_norm : float, default=1.0
        Clipping norm of the per-example gradients, > 0.
    lr : float, default=1e-2
        Learning rate, > 0.
    optimizer : {"adam", "adamw", "sgd"}, default="adam"
        The optimizer wrapped by Opacus.
    random_state : int, numpy Generator or None, default=0
        Seeds the batch sampling and the noise (the model's initial weights are the
        caller's).  PyTorch's global random state is not used.
    device : str, torch.device or None, default=None
        Where to train; see :func:`dlbio.training.select_device`.

    Returns
    -------
    Bunch
        ``model`` (the trained model), ``epsilon`` (the budget spent, from the accountant),
        ``delta``, ``noise_multiplier``, ``sample_rate``, ``steps``, ``max_grad_norm``,
        ``accountant`` (``"rdp"``) and ``seconds``.

    References
    ----------
    .. [1] Abadi M, Chu A, Goodfellow I, et al. Deep learning with differential privacy.
       Proc. ACM CCS 2016, 308-318. doi:10.1145/2976749.2978318
    .. [2] Mironov I. Renyi differential privacy. IEEE CSF 2017, 263-275.
       doi:10.1109/CSF.2017.11
    .. [3] Yousefpour A, Shilov I, Sablayrolles A, et al. Opacus: user-friendly
       differential privacy library in PyTorch. arXiv:2109.12298 (2021).
    """
    start_time = time.perf_counter()
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    target_epsilon = check_float(target_epsilon, "target_epsilon", low=0.0, high=100.0,
                                 low_inclusive=False)
    target_delta = check_float(target_delta, "target_delta", low=0.0, high=0.1,
                               low_inclusive=False)
    epochs = check_int(epochs, "epochs", low=1)
    batch_size = check_int(batch_size, "batch_size", low=1)
    max_grad_norm = check_float(max_grad_norm, "max_grad_norm", low=0.0, low_inclusive=False)
    lr = check_float(lr, "lr", low=0.0, low_inclusive=False, high=MAX_LR)
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {sorted(OPTIMIZERS)}; got {optimizer!r}.")
    _, seed = check_random_state(random_state)
    device = select_device(device)

    float_dtype = _model_dtype(model)
    X = _to_tensor(X, "X", kind="features", device=device, float_dtype=float_dtype)
    y = _to_tensor(y, "y", kind="labels", device=device)
    _check_sizes(X, y, "X", "y")
    _check_finite(X, "X")
    _check_n_features(model, X, "X")
    if y.ndim != 1:
        raise ValueError(f"y must be one-dimensional (one class label per sample); got shape "
                         f"{tuple(y.shape)}.")
    _check_label_range(y, _n_outputs(model, X), "y")  # the same check as fit's
    n_samples = len(X)
    if batch_size > n_samples:
        raise ValueError(f"batch_size must be an int in [1, n_samples] = [1, {n_samples}]; "
                         f"got {batch_size}.")

    from opacus import PrivacyEngine
    from opacus.data_loader import DPDataLoader

    # Poisson sampling: each example joins a batch with probability sample_rate.
    generator = torch.Generator(device="cpu").manual_seed(seed)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y),
                                         batch_size=batch_size)
    loader = DPDataLoader.from_data_loader(loader, generator=generator)
    steps_per_epoch = len(loader)
    sample_rate = 1.0 / steps_per_epoch
    steps = epochs * steps_per_epoch
    sigma = noise_multiplier(target_epsilon, target_delta=target_delta,
                             sample_rate=sample_rate, steps=steps)

    model.to(device)
    base_optimizer = OPTIMIZERS[optimizer](model.parameters(), lr=lr)
    noise_generator = torch.Generator(device=device).manual_seed(seed + 1)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_SECURE_RNG_MESSAGE, category=UserWarning)
        engine = PrivacyEngine(accountant="rdp")
    # "ew" (expanded weights) computes per-example gradients without backward hooks, so
    # torch's "full backward hook ... no inputs require gradients" warning never fires.
    private_model, private_optimizer, loader = engine.make_private(
        module=model, optimizer=base_optimizer, data_loader=loader, noise_multiplier=sigma,
        max_grad_norm=max_grad_norm, poisson_sampling=False, noise_generator=noise_generator,
        grad_sample_mode="ew")

    loss_fn = nn.CrossEntropyLoss()
    private_model.train()
    for _ in range(epochs):
        for X_batch, y_batch in loader:
            if len(X_batch) == 0:
                # An empty Poisson batch (vanishingly rare at course sizes) still counts as a
                # step of the mechanism: record it so that epsilon stays honest.
                engine.accountant.step(noise_multiplier=sigma, sample_rate=sample_rate)
                continue
            private_optimizer.zero_grad()
            loss = loss_fn(private_model(X_batch), y_batch)
            if not math.isfinite(loss.item()):
                raise FloatingPointError("The DP training loss became NaN or infinite; try a "
                                         "lower learning rate (lr).")
            loss.backward()
            private_optimizer.step()
    epsilon = float(engine.accountant.get_epsilon(delta=target_delta, alphas=_alphas()))
    private_model.cleanup()  # drops Opacus' per-example gradients from the parameters
    for parameter in model.parameters():
        parameter.grad = None
    model.eval()
    return Bunch(model=model, epsilon=epsilon, delta=target_delta, noise_multiplier=sigma,
                 sample_rate=sample_rate, steps=steps, max_grad_norm=max_grad_norm,
                 accountant="rdp", seconds=time.perf_counter() - start_time)

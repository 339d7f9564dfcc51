"""Training and prediction helpers for PyTorch models, written to be read.

The functions here cover the practical side of the course:

* where to compute (:func:`select_device`, :func:`limit_threads`),
* how to make a run repeatable (:func:`seed_everything`, :func:`check_scatter_determinism`),
* a plain training loop with an optional tuning set and early stopping (:func:`fit`),
* predictions and simple summaries (:func:`predict_logits`, :func:`predict_proba`,
  :func:`predict`, :func:`accuracy`, :func:`count_parameters`).

The scikit-learn style :class:`~dlbio.estimators.NeuralNetClassifier` can also be imported
from here.
"""
from __future__ import annotations

import math
import os
import random
import sys
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import threadpoolctl
import torch
from torch import nn
from tqdm.auto import tqdm

from ._validation import check_allocation, check_bool, check_choice, check_float, check_int

__all__ = [
    "select_device",
    "limit_threads",
    "seed_everything",
    "History",
    "fit",
    "predict_logits",
    "predict_proba",
    "predict",
    "accuracy",
    "count_parameters",
    "weights_equal",
    "check_scatter_determinism",
    "max_threads",
    "NeuralNetClassifier",
]

#: The largest learning rate :func:`fit` accepts.  Useful rates are below 1; from about
#: 3e37 on, Adam's first step no longer fits in a float32 and torch fails with an
#: overflow error instead of a readable one.
MAX_LR = 1e6

#: Optimizers that can be chosen by name in :func:`fit`.
OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
}


def __getattr__(name):
    # ``NeuralNetClassifier`` is defined in ``dlbio.estimators``, which itself imports this
    # module; importing it lazily here avoids a circular import.
    if name == "NeuralNetClassifier":
        from .estimators import NeuralNetClassifier
        return NeuralNetClassifier
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------------------------------
# Where to compute
# ---------------------------------------------------------------------------------------

_DEVICE_HELP = ("'cpu', 'cuda', 'cuda:N' (N = GPU number), 'mps', a torch.device, "
                "or None (choose automatically)")


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return mps is not None and mps.is_available()


def select_device(device=None) -> torch.device:
    """Return the ``torch.device`` to compute on.

    Parameters
    ----------
    device : str, torch.device or None, default=None
        ``None`` picks the fastest device available: an NVIDIA GPU (``"cuda"``), else an
        Apple GPU (``"mps"``), else the CPU.  A string such as ``"cpu"``, ``"cuda"``,
        ``"cuda:1"`` or ``"mps"`` asks for that device.

    Returns
    -------
    torch.device

    Raises
    ------
    ValueError
        If the string is not a device name, or the device is not available on this
        machine (for example ``"cuda"`` on a laptop without an NVIDIA GPU).
    TypeError
        If ``device`` is neither None, a string nor a ``torch.device``.
    """
    if device is None:
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")

    if isinstance(device, str):
        try:
            chosen = torch.device(device)
        except (RuntimeError, ValueError):
            raise ValueError(f"device must be one of {_DEVICE_HELP}; got {device!r}.") from None
    elif isinstance(device, torch.device):
        chosen = device
    else:
        raise TypeError(f"device must be one of {_DEVICE_HELP}; got {device!r} "
                        f"of type {type(device).__name__}.")

    if chosen.type == "cpu":
        if chosen.index not in (None, 0):
            raise ValueError(f"device must be one of {_DEVICE_HELP}; got {device!r}: PyTorch "
                             "has a single CPU device, 'cpu' (or 'cpu:0').")
        return torch.device("cpu")
    if chosen.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"device={device!r} was requested, but CUDA is not available on "
                             "this machine (torch.cuda.is_available() is False). "
                             "Use device='cpu' or device=None.")
        n_gpus = torch.cuda.device_count()
        if chosen.index is not None and chosen.index >= n_gpus:
            raise ValueError(f"device={device!r} was requested, but this machine has only "
                             f"{n_gpus} CUDA device(s): cuda:0 to cuda:{n_gpus - 1}.")
        return chosen
    if chosen.type == "mps":
        if not _mps_available():
            raise ValueError(f"device={device!r} was requested, but the Apple GPU backend "
                             "(MPS) is not available on this machine. "
                             "Use device='cpu' or device=None.")
        return chosen
    raise ValueError(f"device must be one of {_DEVICE_HELP}; got {device!r}.")


#: :func:`limit_threads` accepts at most this many threads per CPU core (``os.cpu_count()``).
MAX_THREADS_PER_CPU = 4


def max_threads() -> int:
    """The largest thread count :func:`limit_threads` accepts: 4 per CPU core.

    More threads than cores only adds overhead, and absurd counts (a million) make OpenMP
    run out of memory or crash the process at the next matrix product.
    """
    return MAX_THREADS_PER_CPU * (os.cpu_count() or 1)


def _check_threads(n_threads, name: str = "n_threads") -> int:
    """Return ``n_threads`` as an int in [1, :func:`max_threads`], or raise naming ``name``."""
    high = max_threads()
    try:
        return check_int(n_threads, name, low=1, high=high)
    except ValueError as error:
        raise ValueError(f"{error} The upper bound is {MAX_THREADS_PER_CPU} threads per CPU "
                         f"core, and this machine has {os.cpu_count() or 1}.") from None


def limit_threads(n_threads: int = 1) -> int:
    """Limit the number of CPU threads used by PyTorch, BLAS and OpenMP (for good).

    Calls ``torch.set_num_threads``, ``threadpoolctl.threadpool_limits`` (kept in force,
    not used as a context manager) and, when still possible,
    ``torch.set_num_interop_threads`` (PyTorch allows that one only once, before any
    parallel work; later calls are silently skipped).

    Why: the course models are tiny, and splitting such small matrix products over
    threads costs more than it saves.  On a shared 2-core machine, 2 threads made tiny
    models 5 to 100 times slower, and erratically so, while one thread was never slower.

    Parameters
    ----------
    n_threads : int, default=1
        Number of threads, in [1, 4 x the number of CPU cores] (see :func:`max_threads`).

    Returns
    -------
    int
        The number of threads now in force.
    """
    n_threads = _check_threads(n_threads, "n_threads")
    torch.set_num_threads(n_threads)
    try:
        torch.set_num_interop_threads(n_threads)
    except RuntimeError:
        pass  # can only be set once per process, before any parallel work
    threadpoolctl.threadpool_limits(limits=n_threads)
    return n_threads


# ---------------------------------------------------------------------------------------
# Reproducibility
# ---------------------------------------------------------------------------------------

def seed_everything(seed: int, *, deterministic: bool = True) -> int:
    """Seed every random number generator used in a PyTorch project.

    Seeds Python's ``random``, NumPy's global generator (``np.random``) and PyTorch on the
    CPU and on all CUDA devices.

    With ``deterministic=True`` it also asks PyTorch for deterministic algorithms
    (``torch.use_deterministic_algorithms(True)``) and makes cuDNN deterministic
    (``cudnn.deterministic=True``, ``cudnn.benchmark=False``).  A PyTorch operation that has
    no deterministic version on the GPU then raises a ``RuntimeError`` instead of
    silently giving slightly different results each run.  It also sets the environment
    variable ``CUBLAS_WORKSPACE_CONFIG=:4096:8`` if it is not set yet: PyTorch's
    reproducibility notes require it for deterministic cuBLAS matrix products with CUDA 10.2
    and later (without it, deterministic mode raises an error on such operations), and it only
    takes effect if it is set *before the first CUDA call* of the process, so call this
    function early in a notebook.

    ``deterministic=False`` seeds the generators and switches deterministic algorithms off
    again (faster on GPUs, but results can differ in the last digits between runs).

    Parameters
    ----------
    seed : int
        The seed, in [0, 2**32 - 1].
    deterministic : bool, default=True
        Whether to require deterministic algorithms (see above).

    Returns
    -------
    int
        The seed, so that it can be recorded.
    """
    seed = check_int(seed, "seed", low=0, high=2**32 - 1)
    deterministic = check_bool(deterministic, "deterministic")

    if deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)           # the CPU and every CUDA device
    torch.cuda.manual_seed_all(seed)  # explicit; does nothing without CUDA

    torch.use_deterministic_algorithms(deterministic)
    torch.backends.cudnn.deterministic = deterministic
    torch.backends.cudnn.benchmark = False
    return seed


def check_scatter_determinism(device=None, *, n: int = 100_000, n_bins: int = 100,
                              repeats: int = 3) -> dict:
    """Show whether summing many numbers into bins gives the same result every time.

    Runs ``torch.zeros(n_bins).scatter_add_(0, index, values)`` on the same random float32
    inputs ``repeats`` times, first with PyTorch's deterministic algorithms switched off
    and then switched on, and compares the results bit by bit.  Many values land in the
    same bin, so the order of the additions matters in floating point
    (``(a + b) + c`` is not always ``a + (b + c)``).

    On the CPU the additions always happen in the same order, so both answers are
    ``True``.  On a CUDA GPU thousands of threads add into the same bin at once (atomic
    additions) in an order that changes from run to run, so without deterministic
    algorithms the results usually differ in the last digits; with them they are
    identical.

    The deterministic-algorithms setting in force before the call is restored afterwards.

    Parameters
    ----------
    device : str, torch.device or None, default=None
        Where to run; see :func:`select_device`.
    n : int, default=100_000
        Number of values to add.
    n_bins : int, default=100
        Number of bins (fewer bins mean more collisions).
    repeats : int, default=3
        How many times to repeat each computation (at least 2).

    Returns
    -------
    dict
        ``{"device": str, "identical_without_deterministic": bool,
        "identical_with_deterministic": bool, "max_abs_difference": float}``, where
        ``max_abs_difference`` is the largest difference between a repeat and the first
        result, over both settings.
    """
    device = select_device(device)
    n = check_int(n, "n", low=1)
    n_bins = check_int(n_bins, "n_bins", low=1)
    repeats = check_int(repeats, "repeats", low=2)
    # float32 values plus int64 indices: 12 bytes per value, 16 with headroom.
    check_allocation({"n": n}, bytes_per_value=16, what="values and their bin indices")
    check_allocation({"n_bins": n_bins, "repeats": repeats}, bytes_per_value=4 * 2,
                     what="repeated bin sums")

    generator = torch.Generator().manual_seed(0)  # fixed inputs; global RNG untouched
    index = torch.randint(0, n_bins, (n,), generator=generator).to(device)
    values = torch.randn(n, generator=generator).to(device)

    def run_repeats():
        return [torch.zeros(n_bins, device=device).scatter_add_(0, index, values).cpu()
                for _ in range(repeats)]

    was_deterministic = torch.are_deterministic_algorithms_enabled()
    was_warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    try:
        torch.use_deterministic_algorithms(False)
        without = run_repeats()
        torch.use_deterministic_algorithms(True)
        with_ = run_repeats()
    finally:
        torch.use_deterministic_algorithms(was_deterministic, warn_only=was_warn_only)

    max_difference = max((result - results[0]).abs().max().item()
                         for results in (without, with_) for result in results)
    return {
        "device": str(device),
        "identical_without_deterministic": all(torch.equal(r, without[0]) for r in without),
        "identical_with_deterministic": all(torch.equal(r, with_[0]) for r in with_),
        "max_abs_difference": float(max_difference),
    }


# ---------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------

@dataclass
class History:
    """What happened during :func:`fit`, one entry per epoch.

    Attributes
    ----------
    epoch : list of int
        Epoch numbers, starting at 1.
    train_loss : list of float
        Mean training loss over the epoch's mini-batches (the weights change during the
        epoch, so this is a running summary, not the loss of the final weights).
    tune_loss : list of float
        Loss on the tuning set at the end of each epoch (empty without a tuning set).
    tune_accuracy : list of float
        Accuracy on the tuning set at the end of each epoch (empty without a tuning set,
        or when the targets are not class labels).
    best_epoch : int or None
        Epoch with the lowest tuning loss (None without a tuning set).  The model's weights
        are set back to this epoch only when early stopping (``patience``) was used.
    stopped_early : bool
        True if training stopped before ``max_epochs`` because the tuning loss stopped
        improving.
    seconds : float
        Wall-clock duration of the training.
    """

    epoch: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    tune_loss: list = field(default_factory=list)
    tune_accuracy: list = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False
    seconds: float = 0.0

    def to_frame(self):
        """Return the per-epoch values as a pandas DataFrame indexed by epoch.

        Handy for plotting learning curves: ``history.to_frame().plot()``.
        """
        import pandas as pd

        columns = {"train_loss": self.train_loss}
        if self.tune_loss:
            columns["tune_loss"] = self.tune_loss
        if self.tune_accuracy:
            columns["tune_accuracy"] = self.tune_accuracy
        n_epochs = len(self.epoch)
        wrong = [f"{name} has {len(values)}" for name, values in columns.items()
                 if len(values) != n_epochs]
        if wrong:
            raise ValueError(f"History must hold one value per epoch in train_loss (and in "
                             f"tune_loss and tune_accuracy when they are not empty): epoch has "
                             f"{n_epochs} entries but {', '.join(wrong)}.")
        return pd.DataFrame(columns, index=pd.Index(self.epoch, name="epoch"))


def _to_tensor(data, name: str, *, kind: str, device=None,
               float_dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Convert an array-like or tensor to a tensor in one step.

    ``kind`` is ``"features"`` (``float_dtype``), ``"labels"`` (int64, integer values
    required) or ``"targets"`` (int64 for integers, ``float_dtype`` otherwise).
    ``device=None`` keeps a tensor where it is and puts a NumPy array on the CPU.
    """
    if isinstance(data, torch.Tensor):
        tensor = data.detach()
    else:
        array = np.asarray(data)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"{name} must contain numbers; got an array of dtype "
                            f"{array.dtype}.")
        if not array.flags.writeable:
            array = array.copy()  # torch warns about read-only arrays
        tensor = torch.from_numpy(np.ascontiguousarray(array))

    is_integer = not (tensor.is_floating_point() or tensor.is_complex())
    if tensor.is_complex():
        raise TypeError(f"{name} must contain real numbers; got dtype {tensor.dtype}.")
    if kind == "features":
        dtype = float_dtype
    elif kind == "labels":
        # Integral floats (0.0, 1.0, ...) are accepted as labels: they are what
        # pandas or a CSV reader often returns.  Fractions and NaN are refused.
        if not is_integer and not _is_integral(tensor):
            raise TypeError(f"{name} must contain integer class labels 0, 1, ..., K-1 for "
                            f"the default loss (cross-entropy); got dtype {tensor.dtype} with "
                            f"values that are not whole numbers. Convert it, e.g. "
                            f"{name}.astype(int), or encode text labels "
                            "with sklearn.preprocessing.LabelEncoder.")
        dtype = torch.int64
    else:  # "targets": whatever a custom loss needs
        dtype = torch.int64 if is_integer and tensor.dtype != torch.bool else float_dtype
    return tensor.to(device=device, dtype=dtype)


def _is_integral(tensor: torch.Tensor) -> bool:
    """True if a float tensor holds only finite whole numbers (such as 0.0 and 1.0)."""
    if tensor.numel() == 0:
        return True
    smallest, largest = torch.aminmax(tensor)
    if not (math.isfinite(smallest.item()) and math.isfinite(largest.item())):
        return False
    return bool(torch.equal(tensor, torch.round(tensor)))


def _check_label_range(y: torch.Tensor, n_classes: int, name: str = "y") -> None:
    """Raise if the class labels ``y`` are not all in 0..n_classes-1 (shared by fit,
    accuracy, per_example_loss and train_dp)."""
    if y.numel() == 0:
        return
    low, high = int(y.min()), int(y.max())
    if low < 0 or high >= n_classes:
        raise ValueError(f"{name} must contain class labels 0 to {n_classes - 1} because "
                         f"the model has {n_classes} outputs (one per class); got labels from "
                         f"{low} to {high}.")


def _expected_n_features(model: nn.Module) -> int | None:
    """The number of input features (columns of X) ``model`` expects, when it can be told.

    Known for :class:`dlbio.models.MLP` (``n_features``), a ``torch.nn.Linear`` and a
    ``torch.nn.Sequential`` that starts with one; ``None`` otherwise.
    """
    first = model
    if isinstance(model, nn.Sequential) and len(model) > 0:
        first = model[0]
    for candidate in (model, first):
        width = getattr(candidate, "n_features", None)
        if isinstance(candidate, nn.Linear):
            width = candidate.in_features
        if isinstance(width, int) and not isinstance(width, bool) and width > 0:
            return width
    return None


def _check_n_features(model: nn.Module, X: torch.Tensor, name: str = "X") -> None:
    """Raise if ``X`` has not the number of columns the model expects (when known)."""
    expected = _expected_n_features(model)
    if expected is not None and X.ndim == 2 and X.shape[1] != expected:
        raise ValueError(f"{name} must have {expected} features (columns), the input size of "
                         f"the model ({type(model).__name__}); got {X.shape[1]} "
                         f"({name} has shape {tuple(X.shape)}).")


def _model_dtype(model: nn.Module) -> torch.dtype:
    """The floating-point dtype of the model's weights: float32 unless converted."""
    for parameter in model.parameters():
        if parameter.is_floating_point():
            return parameter.dtype
    return torch.float32


def _check_finite(tensor: torch.Tensor, name: str) -> None:
    """Raise if a (non-empty) float tensor holds NaN or +-inf."""
    if not tensor.is_floating_point() or tensor.numel() == 0:
        return
    # The smallest and largest values are NaN or infinite exactly when some value is;
    # this is ~10x faster than torch.isfinite(tensor).all() and needs no extra memory.
    smallest, largest = torch.aminmax(tensor)
    if not (math.isfinite(smallest.item()) and math.isfinite(largest.item())):
        raise ValueError(f"{name} contains NaN or infinite values; remove or impute them "
                         "first.")


def _check_sizes(X: torch.Tensor, y: torch.Tensor, X_name: str, y_name: str) -> None:
    if X.ndim < 2:
        raise ValueError(f"{X_name} must have shape (n_samples, n_features); got shape "
                         f"{tuple(X.shape)}. For a single feature use {X_name}.reshape(-1, 1).")
    if len(X) == 0:
        raise ValueError(f"{X_name} must contain at least 1 sample; got 0.")
    if len(X) != len(y):
        raise ValueError(f"{X_name} and {y_name} must have the same number of samples; got "
                         f"{len(X)} rows in {X_name} and {len(y)} labels in {y_name}.")


def _make_optimizer(optimizer, model: nn.Module, lr, weight_decay, optimizer_kwargs):
    """Build the optimizer, passing only what the user set (torch defaults otherwise)."""
    allowed = f"one of {sorted(OPTIMIZERS)} or a torch.optim.Optimizer subclass"
    if isinstance(optimizer, str):
        optimizer_class = OPTIMIZERS[check_choice(optimizer, "optimizer", sorted(OPTIMIZERS))]
    elif isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer):
        optimizer_class = optimizer
    else:
        raise TypeError(f"optimizer must be {allowed} (a class, not an optimizer already "
                        f"built); got {optimizer!r}.")

    if optimizer_kwargs is None:
        kwargs = {}
    elif isinstance(optimizer_kwargs, Mapping):
        kwargs = dict(optimizer_kwargs)
    else:
        raise TypeError(f"optimizer_kwargs must be a dict or None, such as "
                        f"{{'momentum': 0.9}}; got {optimizer_kwargs!r}.")
    for key in ("params", "lr", "weight_decay"):
        if key in kwargs:
            raise ValueError(f"optimizer_kwargs must not contain {key!r}; "
                             + ("pass it as an argument of fit()."
                                if key != "params" else "fit() passes the model's parameters."))
    if lr is not None:
        kwargs["lr"] = lr
    if weight_decay is not None:
        kwargs["weight_decay"] = weight_decay
    try:
        return optimizer_class(model.parameters(), **kwargs)
    except TypeError as error:
        raise TypeError(f"optimizer_kwargs {kwargs} are not accepted by "
                        f"{optimizer_class.__name__}: {error}") from None


def _evaluate(model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn,
              batch_size: int) -> tuple[float, float | None]:
    """Mean loss and accuracy (None if not a classification) of ``model`` on (X, y)."""
    model.eval()
    total_loss = torch.zeros((), device=X.device)
    n_correct = torch.zeros((), device=X.device)
    is_classification = False
    with torch.no_grad():
        for start in range(0, len(X), batch_size):
            X_batch, y_batch = X[start:start + batch_size], y[start:start + batch_size]
            output = model(X_batch)
            total_loss += loss_fn(output, y_batch) * len(X_batch)
            is_classification = (y.dtype == torch.int64 and output.ndim == 2
                                 and output.shape[1] >= 2)
            if is_classification:
                n_correct += (output.argmax(dim=1) == y_batch).sum()
    loss, correct = torch.stack([total_loss, n_correct]).tolist()  # one device sync
    return loss / len(X), (correct / len(X) if is_classification else None)


#: Losses that compare the output with the target value by value: y must be float and
#: shaped like the output (torch would broadcast (n,) against (n, 1) without an error).
_ELEMENTWISE_LOSSES = (nn.MSELoss, nn.L1Loss, nn.SmoothL1Loss, nn.HuberLoss, nn.BCELoss,
                       nn.BCEWithLogitsLoss)


def _check_model_output(model, X, y, loss_fn, uses_default_loss: bool) -> None:
    """Run the model once on two samples to catch shape and label mistakes early."""
    was_training = model.training
    model.eval()  # no dropout, no batch-norm updates, no random numbers used
    with torch.no_grad():
        try:
            output = model(X[:2])
        except RuntimeError as error:
            raise ValueError(f"model(X) failed on the first samples of X (shape "
                             f"{tuple(X.shape)}): {error}. Check that X has the shape the "
                             "model expects (number of features or channels).") from None
        if uses_default_loss:
            if output.ndim != 2:
                raise ValueError(f"The default loss (cross-entropy) needs model outputs of "
                                 f"shape (n_samples, n_classes); got shape "
                                 f"{tuple(output.shape)}.")
            _check_label_range(y, output.shape[1], "y")
        elif isinstance(loss_fn, _ELEMENTWISE_LOSSES) and (
                tuple(y.shape[1:]) != tuple(output.shape[1:]) or not y.is_floating_point()):
            raise ValueError(
                f"loss_fn={type(loss_fn).__name__}() compares the model output with y value "
                f"by value, so y must be a float array of the output's shape (n_samples"
                f"{''.join(f', {d}' for d in output.shape[1:])}); got y of shape "
                f"{tuple(y.shape)} and dtype {y.dtype}. For class labels use the default "
                "loss (loss_fn=None, cross-entropy); for one output per sample, reshape y "
                "with y.reshape(-1, 1) and convert it with y.astype('float32').")
        try:
            loss = loss_fn(output, y[:2])
        except (RuntimeError, ValueError, IndexError, TypeError) as error:
            raise ValueError(f"loss_fn={loss_fn!r} failed on the model output (shape "
                             f"{tuple(output.shape)}, dtype {output.dtype}) and y (shape "
                             f"{tuple(y[:2].shape)}, dtype {y.dtype}) of the first samples: "
                             f"{error}") from None
        if not isinstance(loss, torch.Tensor) or loss.ndim != 0:
            raise ValueError("loss_fn must return a single number (a 0-d tensor), such as "
                             "the mean loss of a batch; use reduction='mean'.")
    model.train(was_training)


#: :func:`fit` warns when a feature's mean or standard deviation exceeds this in absolute
#: value: far from the standardised scale (mean 0, sd 1) that networks train well on.
UNSTANDARDIZED_SCALE = 100.0


def _warn_if_not_standardized(X: torch.Tensor, name: str = "X") -> None:
    """Warn (UserWarning) when a feature of ``X`` is far from the standardised scale.

    A feature whose mean or standard deviation exceeds :data:`UNSTANDARDIZED_SCALE` (100)
    in absolute value dominates the first layer's weighted sums, and Adam's small steps
    cannot undo that within a few epochs: the usual cause is a forgotten scaler.
    """
    if not X.is_floating_point() or len(X) < 2:
        return
    flat = X.reshape(len(X), -1).double()
    mean = flat.mean(dim=0)
    sd = flat.std(dim=0)
    scale = torch.maximum(mean.abs(), sd)
    worst = int(scale.argmax())
    if float(scale[worst]) > UNSTANDARDIZED_SCALE:
        warnings.warn(
            f"{name} looks unstandardised: feature {worst} has mean {float(mean[worst]):.3g} "
            f"and standard deviation {float(sd[worst]):.3g} (more than "
            f"{UNSTANDARDIZED_SCALE:g} in absolute value). Neural networks train poorly on "
            "such inputs. Did you forget to standardise? Fit "
            "sklearn.preprocessing.StandardScaler on the training set and transform every "
            "set with it.", UserWarning, stacklevel=3)


def fit(model: nn.Module, X, y, *, X_tune=None, y_tune=None, loss_fn=None,
        optimizer="adam", lr=None, weight_decay=None, optimizer_kwargs=None,
        batch_size: int = 32, max_epochs: int = 10, patience=None, device=None,
        generator=None, progress: bool = False) -> History:
    """Train ``model`` with mini-batch gradient descent and return its :class:`History`.

    Each epoch shuffles the training samples, cuts them into mini-batches of
    ``batch_size`` samples, and takes one optimizer step per mini-batch.  If a tuning set
    (``X_tune``, ``y_tune``) is given, the loss and accuracy on it are computed after every
    epoch (with dropout off).  With ``patience``, training stops once the tuning loss has
    not improved for ``patience`` epochs, and the weights of the best epoch are put back
    into the model (early stopping).

    The model is trained in place: after the call it holds the trained weights, lives on
    ``device`` and is in evaluation mode (``model.eval()``; dropout off).

    Parameters
    ----------
    model : torch.nn.Module
        The network, for example :class:`dlbio.models.MLP`.
    X : array-like or torch.Tensor of shape (n_samples, n_features)
        Training inputs, converted once to a float32 tensor on ``device`` (or to the
        model's dtype, if it was converted with e.g. ``model.double()``).
    y : array-like or torch.Tensor of shape (n_samples,)
        Training targets.  For the default loss: integer class labels 0, 1, ..., K-1,
        where K is the number of model outputs (floats that are whole numbers, such as
        0.0 and 1.0, are accepted too).  For an element-wise loss such as
        ``torch.nn.MSELoss`` or ``torch.nn.BCEWithLogitsLoss``: floats of the output's
        shape.
    X_tune, y_tune : array-like or torch.Tensor, optional
        A tuning (validation) set, used to monitor overfitting and for early stopping.
        Never use the test set here.
    loss_fn : callable, optional
        ``loss_fn(model_output, y_batch)`` returning the mean loss of a batch.  Default:
        ``torch.nn.CrossEntropyLoss()``, which expects logits of shape (n, K).
    optimizer : {"adam", "adamw", "sgd"} or torch.optim.Optimizer subclass, default="adam"
        The optimization algorithm.
    lr : float, optional
        Learning rate, in (0, 1e6].  ``None`` keeps the optimizer's own default (1e-3 for
        Adam, AdamW and SGD in PyTorch 2.x).  Defaults matter: look them up rather than guess.
    weight_decay : float, optional
        L2 penalty (decoupled for AdamW).  ``None`` keeps the optimizer's own default
        (0 for Adam and SGD, 0.01 for AdamW).
    optimizer_kwargs : dict, optional
        Other optimizer settings, for example ``{"momentum": 0.9}`` for SGD.
    batch_size : int, default=32
        Number of samples per mini-batch.
    max_epochs : int, default=10
        Maximum number of passes over the training set.
    patience : int, optional
        Early stopping: stop after this many epochs without a lower tuning loss, and restore
        the best weights.  Needs a tuning set.  ``None`` trains for ``max_epochs`` epochs.
    device : str, torch.device or None, default=None
        Where to train; see :func:`select_device`.
    generator : torch.Generator, optional
        Random number generator for shuffling.  ``None`` uses PyTorch's global generator,
        which :func:`seed_everything` seeds.
    progress : bool, default=False
        Show one progress bar (on standard output), updated once per epoch.

    Returns
    -------
    History
        Losses per epoch, the best epoch, whether training stopped early, and its duration.

    Raises
    ------
    FloatingPointError
        If a loss becomes NaN or infinite (usually a learning rate that is too high).
    ValueError, TypeError
        For invalid arguments; the message names the argument.  This includes an ``X``
        whose number of columns differs from the model's input size (when the model is a
        :class:`dlbio.models.MLP`, a ``torch.nn.Linear`` or a ``torch.nn.Sequential``
        starting with one), and a ``loss_fn`` that cannot compare the output with ``y``.

    Warns
    -----
    UserWarning
        When a feature of ``X`` has a mean or standard deviation above 100 in absolute
        value: the inputs were probably not standardised.
    """
    start_time = time.perf_counter()

    # --- check the arguments before doing any work ------------------------------------
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    if loss_fn is not None and not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable, such as torch.nn.CrossEntropyLoss(), or "
                        f"None; got {loss_fn!r}.")
    if lr is not None:
        lr = check_float(lr, "lr", low=0.0, low_inclusive=False, high=MAX_LR)
    if weight_decay is not None:
        weight_decay = check_float(weight_decay, "weight_decay", low=0.0)
    batch_size = check_int(batch_size, "batch_size", low=1)
    max_epochs = check_int(max_epochs, "max_epochs", low=1)
    if patience is not None:
        patience = check_int(patience, "patience", low=1)
    progress = check_bool(progress, "progress")
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None; got {generator!r}.")
    if (X_tune is None) != (y_tune is None):
        missing = "y_tune" if y_tune is None else "X_tune"
        raise ValueError(f"X_tune and y_tune must be given together; {missing} is missing.")
    has_tune = X_tune is not None
    if patience is not None and not has_tune:
        raise ValueError(f"patience={patience} needs a tuning set: pass X_tune and y_tune "
                         "(early stopping watches the tuning loss).")
    device = select_device(device)

    # --- data: converted once, then kept on the device --------------------------------
    uses_default_loss = loss_fn is None
    if uses_default_loss:
        loss_fn = nn.CrossEntropyLoss()
    target_kind = "labels" if uses_default_loss else "targets"
    float_dtype = _model_dtype(model)  # float32, unless the model was converted
    X = _to_tensor(X, "X", kind="features", device=device, float_dtype=float_dtype)
    y = _to_tensor(y, "y", kind=target_kind, device=device, float_dtype=float_dtype)
    _check_sizes(X, y, "X", "y")
    if uses_default_loss and y.ndim != 1:
        raise ValueError(f"y must be one-dimensional (one class label per sample) for the "
                         f"default loss; got shape {tuple(y.shape)}. Use y.ravel().")
    _check_finite(X, "X")
    _check_finite(y, "y")
    _check_n_features(model, X, "X")
    _warn_if_not_standardized(X, "X")
    if has_tune:
        X_tune = _to_tensor(X_tune, "X_tune", kind="features", device=device,
                            float_dtype=float_dtype)
        y_tune = _to_tensor(y_tune, "y_tune", kind=target_kind, device=device,
                            float_dtype=float_dtype)
        _check_sizes(X_tune, y_tune, "X_tune", "y_tune")
        if X_tune.shape[1:] != X.shape[1:]:
            raise ValueError(f"X_tune must have the same number of features as X; got shape "
                             f"{tuple(X_tune.shape)} for X_tune and {tuple(X.shape)} for X.")
        _check_finite(X_tune, "X_tune")
        _check_finite(y_tune, "y_tune")

    model.to(device)
    _check_model_output(model, X, y, loss_fn, uses_default_loss)
    if has_tune:
        _check_model_output(model, X_tune, y_tune, loss_fn, uses_default_loss)
    optimizer = _make_optimizer(optimizer, model, lr, weight_decay, optimizer_kwargs)

    # --- the training loop ------------------------------------------------------------
    n_samples = len(X)
    shuffle_device = generator.device if generator is not None else "cpu"

    history = History()
    best_loss, best_state, epochs_without_improvement = math.inf, None, 0
    bar = (tqdm(total=max_epochs, desc="fit", unit="epoch", file=sys.stdout)
           if progress else None)
    try:
        for epoch in range(1, max_epochs + 1):
            model.train()
            order = torch.randperm(n_samples, generator=generator,
                                   device=shuffle_device).to(device)
            total_loss = torch.zeros((), dtype=float_dtype, device=device)
            for start in range(0, n_samples, batch_size):
                batch = order[start:start + batch_size]
                optimizer.zero_grad()
                loss = loss_fn(model(X[batch]), y[batch])
                loss.backward()
                optimizer.step()
                # The loss is a batch mean; summed on the device, without a sync.
                total_loss += loss.detach() * len(batch)
            # One device-to-host sync per epoch, not per step (much faster on GPUs).
            train_loss = total_loss.item() / n_samples
            if not math.isfinite(train_loss):
                raise FloatingPointError(
                    f"The training loss became {train_loss} (not a finite number) during "
                    f"epoch {epoch}; the weights are no longer usable. Try a lower learning "
                    "rate (lr), standardize the features, or check X for extreme values.")
            history.epoch.append(epoch)
            history.train_loss.append(train_loss)

            if has_tune:
                tune_loss, tune_accuracy = _evaluate(model, X_tune, y_tune, loss_fn,
                                                     batch_size)
                if not math.isfinite(tune_loss):
                    raise FloatingPointError(
                        f"The tuning loss became {tune_loss} (not a finite number) during "
                        f"epoch {epoch}. Try a lower learning rate (lr) or standardize the "
                        "features.")
                history.tune_loss.append(tune_loss)
                if tune_accuracy is not None:
                    history.tune_accuracy.append(tune_accuracy)
                if tune_loss < best_loss:
                    best_loss, history.best_epoch = tune_loss, epoch
                    epochs_without_improvement = 0
                    if patience is not None:
                        best_state = {name: value.detach().clone()
                                      for name, value in model.state_dict().items()}
                else:
                    epochs_without_improvement += 1

            if bar is not None:
                postfix = {"train_loss": f"{train_loss:.4f}"}
                if has_tune:
                    postfix["tune_loss"] = f"{tune_loss:.4f}"
                bar.set_postfix(postfix, refresh=False)
                bar.update(1)

            if patience is not None and epochs_without_improvement >= patience:
                history.stopped_early = epoch < max_epochs
                break
    finally:
        if bar is not None:
            bar.close()

    if best_state is not None:
        model.load_state_dict(best_state)  # early stopping: back to the best epoch
    model.eval()
    history.seconds = time.perf_counter() - start_time
    return history


# ---------------------------------------------------------------------------------------
# Prediction
# ---------------------------------------------------------------------------------------

def _model_device(model: nn.Module) -> torch.device:
    """The device of the model's first parameter or buffer (CPU for an empty model)."""
    for tensor in list(model.parameters()) + list(model.buffers()):
        return tensor.device
    return torch.device("cpu")


def predict_logits(model: nn.Module, X, *, batch_size: int = 1024,
                   device=None) -> torch.Tensor:
    """Return the model's raw outputs (logits) for ``X``, as a tensor on the CPU.

    Runs in evaluation mode (dropout off) without gradient tracking, ``batch_size``
    samples at a time to limit memory.  The model's training/evaluation mode is restored
    afterwards.

    Parameters
    ----------
    model : torch.nn.Module
        A trained model.
    X : array-like or torch.Tensor of shape (n_samples, n_features)
        Inputs (converted to float32, or to the model's dtype if it is not float32).
    batch_size : int, default=1024
        Number of samples per forward pass.
    device : str, torch.device or None, default=None
        Where to compute.  ``None`` uses the device the model is already on; otherwise
        the model is moved there (see :func:`select_device`).

    Returns
    -------
    torch.Tensor of shape (n_samples, n_outputs)
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    batch_size = check_int(batch_size, "batch_size", low=1)
    if device is None:
        device = _model_device(model)
    else:
        device = select_device(device)
        model.to(device)
    X = _to_tensor(X, "X", kind="features", float_dtype=_model_dtype(model))
    if X.ndim < 2:
        raise ValueError(f"X must have shape (n_samples, n_features); got shape "
                         f"{tuple(X.shape)}. For a single sample use X.reshape(1, -1).")
    _check_finite(X, "X")
    _check_n_features(model, X, "X")

    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            outputs = [model(X[start:start + batch_size].to(device)).cpu()
                       for start in range(0, len(X), batch_size)]
    finally:
        model.train(was_training)
    if not outputs:  # no samples
        raise ValueError("X must contain at least 1 sample; got 0.")
    return torch.cat(outputs)


def _class_logits(logits: torch.Tensor, caller: str) -> torch.Tensor:
    """Logits of shape (n, K >= 2); a single output column is read as a binary logit."""
    if logits.ndim != 2:
        raise ValueError(f"{caller} needs model outputs of shape (n_samples, n_classes); "
                         f"got shape {tuple(logits.shape)}.")
    if logits.shape[1] == 1:
        # One output z is the logit of class 1 (as trained with BCEWithLogitsLoss):
        # softmax([0, z]) = [1 - sigmoid(z), sigmoid(z)].
        logits = torch.cat([torch.zeros_like(logits), logits], dim=1)
    return logits


def predict_proba(model: nn.Module, X, *, batch_size: int = 1024,
                  device=None) -> np.ndarray:
    """Return class probabilities (softmax of the logits), shape (n_samples, n_classes).

    Each row sums to 1.  Computed in float64 so that very confident predictions stay
    distinguishable.  Arguments as in :func:`predict_logits`.

    A model with a single output column (such as ``torch.nn.Linear(n, 1)`` trained with
    ``torch.nn.BCEWithLogitsLoss``) is treated as a binary classifier whose output ``z``
    is the logit of class 1: the result has two columns, ``1 - sigmoid(z)`` and
    ``sigmoid(z)``.
    """
    logits = _class_logits(predict_logits(model, X, batch_size=batch_size, device=device),
                           "predict_proba")
    return torch.softmax(logits.double(), dim=1).numpy()


def predict(model: nn.Module, X, *, batch_size: int = 1024, device=None) -> np.ndarray:
    """Return the predicted class index (0 to K-1) of each sample: the largest logit.

    A model with a single output column is a binary classifier (see
    :func:`predict_proba`): class 1 where its logit is above 0.  Arguments as in
    :func:`predict_logits`.
    """
    logits = _class_logits(predict_logits(model, X, batch_size=batch_size, device=device),
                           "predict")
    return logits.argmax(dim=1).numpy()


def accuracy(model: nn.Module, X, y, *, batch_size: int = 1024, device=None) -> float:
    """Return the fraction of samples whose predicted class equals ``y``.

    ``y`` holds integer class labels 0 to K-1 (K the number of model outputs, 2 for a
    single output column; whole-number floats are accepted).  Other arguments as in
    :func:`predict_logits`.
    """
    y = _to_tensor(y, "y", kind="labels", device="cpu")
    if y.ndim != 1:
        raise ValueError(f"y must be one-dimensional (one label per sample); got shape "
                         f"{tuple(y.shape)}.")
    logits = _class_logits(predict_logits(model, X, batch_size=batch_size, device=device),
                           "accuracy")
    if len(logits) != len(y):
        raise ValueError(f"X and y must have the same number of samples; got {len(logits)} "
                         f"rows in X and {len(y)} labels in y.")
    _check_label_range(y, logits.shape[1], "y")
    predicted = logits.argmax(dim=1).numpy()
    return float((predicted == y.numpy()).mean())


def count_parameters(model: nn.Module, *, trainable_only: bool = True) -> int:
    """Return the number of weights (parameters) in ``model``.

    Parameters
    ----------
    model : torch.nn.Module
    trainable_only : bool, default=True
        Count only parameters that training updates (``requires_grad=True``).

    Examples
    --------
    A ``Linear(10, 3)`` layer has 10 * 3 weights plus 3 biases:

    >>> count_parameters(torch.nn.Linear(10, 3))
    33
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    trainable_only = check_bool(trainable_only, "trainable_only")
    return sum(p.numel() for p in model.parameters()
               if p.requires_grad or not trainable_only)


def weights_equal(model_a: nn.Module, model_b: nn.Module) -> bool:
    """True if two models have the same parameter names and bitwise-identical values.

    "Bitwise" means exactly equal, not merely close: this is the test for a reproducible
    training run (the same seed must give the same network, down to the last bit).

    Examples
    --------
    >>> a, b = torch.nn.Linear(3, 2), torch.nn.Linear(3, 2)
    >>> weights_equal(a, a), weights_equal(a, b)
    (True, False)
    """
    for name, model in (("model_a", model_a), ("model_b", model_b)):
        if not isinstance(model, nn.Module):
            raise TypeError(f"{name} must be a torch.nn.Module; got {type(model).__name__}.")
    params_a = dict(model_a.named_parameters())
    params_b = dict(model_b.named_parameters())
    if params_a.keys() != params_b.keys():
        return False
    return all(params_a[k].shape == params_b[k].shape
               and torch.equal(params_a[k].detach().cpu(), params_b[k].detach().cpu())
               for k in params_a)

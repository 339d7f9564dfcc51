"""Argument checks shared by every public ``dlbio`` function.

Each check raises ``TypeError`` for a value of the wrong type and ``ValueError`` for a value
outside its allowed range.  The message always names the parameter, the allowed range and
the value received, for example::

    n_samples must be an int in [1, inf); got 0.

``bool`` is rejected where a number is expected (``isinstance(True, int)`` is true in
Python, but ``n_samples=True`` is always a mistake), and numpy scalars are accepted.
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Iterable

import numpy as np

__all__ = [
    "check_int",
    "check_float",
    "check_fraction",
    "check_choice",
    "check_bool",
    "check_random_state",
    "check_xy",
    "check_finite",
    "check_allocation",
    "describe_range",
    "MAX_ALLOCATION_BYTES",
]

#: The largest single allocation (in bytes) that a dlbio function agrees to make: 4 GiB.
#: A size argument whose estimated memory exceeds it is refused with a ``ValueError`` that
#: names the argument, instead of numpy's or torch's ``MemoryError`` (or a crash) later.
#: The course's data sets need a few MB; Binder gives 2 GB in all.
MAX_ALLOCATION_BYTES = 4 * 2**30


def _fmt(value: Any) -> str:
    """A short, readable rendering of a received value for error messages."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def describe_range(low, high, *, low_inclusive: bool = True, high_inclusive: bool = True) -> str:
    """Render an interval such as ``[1, inf)`` or ``(0, 1]``."""
    left = "[" if (low is not None and low_inclusive) else "("
    right = "]" if (high is not None and high_inclusive) else ")"
    lo = "-inf" if low is None else f"{low:g}" if isinstance(low, float) else str(low)
    hi = "inf" if high is None else f"{high:g}" if isinstance(high, float) else str(high)
    return f"{left}{lo}, {hi}{right}"


def check_int(value: Any, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as a Python int, or raise naming ``name`` and the range [low, high]."""
    allowed = describe_range(low, high)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int in {allowed}; got {_fmt(value)} "
                        f"of type {type(value).__name__}.")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be an int in {allowed}; got {value}.")
    return value


def check_float(value: Any, name: str, *, low: float | None = None, high: float | None = None,
                low_inclusive: bool = True, high_inclusive: bool = True,
                allow_inf: bool = False) -> float:
    """Return ``value`` as a Python float inside the interval, or raise naming ``name``.

    NaN is always refused.  Infinity is refused too unless ``allow_inf=True``, and then only
    on a side of the interval that is open (no ``low`` for -inf, no ``high`` for +inf).
    """
    allowed = describe_range(low, high, low_inclusive=low_inclusive, high_inclusive=high_inclusive)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in {allowed}; got {_fmt(value)} "
                        f"of type {type(value).__name__}.")
    value = float(value)
    if math.isnan(value) or math.isinf(value) and not (
            allow_inf and ((value < 0 and low is None) or (value > 0 and high is None))):
        raise ValueError(f"{name} must be a finite number in {allowed}; got {value}.")
    too_low = low is not None and (value < low if low_inclusive else value <= low)
    too_high = high is not None and (value > high if high_inclusive else value >= high)
    if too_low or too_high:
        raise ValueError(f"{name} must be a number in {allowed}; got {value:g}.")
    return value


def check_fraction(value: Any, name: str, *, low_inclusive: bool = True,
                   high_inclusive: bool = True) -> float:
    """A float in [0, 1] (the ends may be excluded)."""
    return check_float(value, name, low=0.0, high=1.0, low_inclusive=low_inclusive,
                       high_inclusive=high_inclusive)


def check_choice(value: Any, name: str, choices: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``choices``, else raise a ``ValueError`` listing them."""
    choices = list(choices)
    try:
        ok = value in choices
    except TypeError:  # unhashable or incomparable
        ok = False
    if not ok:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {{{listed}}}; got {_fmt(value)}.")
    return value


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` as a bool; only ``True``/``False`` (or numpy bools) are accepted."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {_fmt(value)} "
                        f"of type {type(value).__name__}.")
    return bool(value)


def check_random_state(random_state: Any, name: str = "random_state") -> tuple[np.random.Generator, int]:
    """Turn ``random_state`` into a fresh ``Generator`` plus the integer seed that built it.

    ``None`` draws fresh entropy (the seed is recorded so that the call can be repeated), an
    int in [0, 2**32 - 1] is used as the seed, and a ``Generator`` or ``RandomState`` is used
    to draw a seed, so it is advanced but otherwise left alone.  The global ``np.random``
    state is never touched.
    """
    if random_state is None:
        seed = int(np.random.SeedSequence().entropy % (2**32))
    elif isinstance(random_state, np.random.Generator):
        seed = int(random_state.integers(0, 2**32))
    elif isinstance(random_state, np.random.RandomState):
        seed = int(random_state.randint(0, 2**32, dtype=np.uint64))
    elif isinstance(random_state, (bool, np.bool_)) or not isinstance(random_state, numbers.Integral):
        raise TypeError(f"{name} must be None, an int in [0, 4294967295] or a numpy Generator; "
                        f"got {_fmt(random_state)} of type {type(random_state).__name__}.")
    else:
        seed = check_int(random_state, name, low=0, high=2**32 - 1)
    return np.random.default_rng(seed), seed


def check_xy(X: Any, y: Any, X_name: str = "X", y_name: str = "y") -> tuple[np.ndarray, np.ndarray]:
    """Return ``(X, y)`` as arrays after checking that X is 2-D, y is 1-D and they match."""
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"{X_name} must be a 2-D array (samples x features); got shape "
                         f"{X.shape}.")
    if y.ndim != 1:
        raise ValueError(f"{y_name} must be a 1-D array of labels; got shape {y.shape}.")
    if len(X) != len(y):
        raise ValueError(f"{X_name} and {y_name} must have the same number of samples; got "
                         f"{len(X)} and {len(y)}.")
    return X, y


def check_finite(array: Any, name: str) -> np.ndarray:
    """Return ``array`` as a numeric numpy array, or raise if it holds NaN or infinity.

    The message names ``name`` and counts the bad values, for example::

        X_pool contains 3 NaN or infinite values; remove or impute them first.
    """
    array = np.asarray(array)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must contain numbers; got an array of dtype {array.dtype}.")
    if array.dtype.kind == "f":
        n_bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        if n_bad:
            raise ValueError(f"{name} contains {n_bad} NaN or infinite values; remove or "
                             "impute them first.")
    return array


def check_allocation(sizes: dict, *, bytes_per_value: int = 8, factor: int = 1,
                     what: str = "array") -> None:
    """Refuse sizes whose estimated memory exceeds :data:`MAX_ALLOCATION_BYTES` (4 GiB).

    The estimate is ``factor * bytes_per_value * prod(sizes.values())``, computed with
    Python's exact integers (no overflow).  ``sizes`` maps each size argument's name to its
    value, so that the message names them, for example::

        n_samples=10000000000 and n_genes=200 need an estimated 14901.2 GiB for the
        n_samples x n_genes array, above dlbio's limit of 4 GiB; choose smaller sizes.
    """
    n_bytes = int(factor) * int(bytes_per_value)
    for value in sizes.values():
        n_bytes *= max(int(value), 1)
    if n_bytes > MAX_ALLOCATION_BYTES:
        named = ", ".join(f"{name}={int(value)}" for name, value in sizes.items())
        verb = "needs" if len(sizes) == 1 else "need"
        raise ValueError(f"{named} {verb} an estimated {n_bytes / 2**30:.1f} GiB for the {what}, "
                         f"above dlbio's limit of {MAX_ALLOCATION_BYTES / 2**30:g} GiB for one "
                         f"allocation; choose a smaller {' or '.join(sizes)}.")

"""Friendly checks for the visible tests in the notebooks.

Each helper does nothing when the check passes and raises ``AssertionError`` when it
fails, with a message that says which property failed, what value was seen, what was
expected and (optionally) a hint::

    Check failed: test accuracy. Got 0.42; expected a value in [0.7, 1]. Hint: did you
    scale the features?

Problems with the *student's* value (wrong type, NaN, wrong shape) are reported as
``AssertionError`` too, so that a notebook cell always fails with a readable message.
Mistakes in how a check is *written* (an empty ``what``, ``low > high``) raise
``TypeError`` or ``ValueError``.
"""
from __future__ import annotations

import numbers
from collections.abc import Mapping
from contextlib import contextmanager

import numpy as np

from ._validation import check_float

__all__ = ["check", "check_close", "check_between", "check_type", "check_shape",
           "check_keys", "forbid_calls"]


# ----------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------
def _short(value) -> str:
    """A compact rendering of a value for a message."""
    if isinstance(value, np.ndarray) and value.size > 6:
        return f"array of shape {value.shape}"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _check_what(what) -> str:
    if not isinstance(what, str):
        raise TypeError(f"what must be a non-empty string describing the property; got "
                        f"{what!r} of type {type(what).__name__}.")
    if not what.strip():
        raise ValueError("what must be a non-empty string describing the property; got "
                         f"{what!r}.")
    return what.strip().rstrip(".")


def _check_hint(hint):
    if hint is not None and not isinstance(hint, str):
        raise TypeError(f"hint must be None or a string; got {hint!r} of type "
                        f"{type(hint).__name__}.")
    return hint


def _fail(what: str, got: str | None, expected: str | None, hint: str | None):
    message = f"Check failed: {what}."
    if got is not None:
        message += f" Got {got}"
        message += f"; expected {expected}." if expected is not None else "."
    if hint:
        message += f" Hint: {hint}"
    raise AssertionError(message)


def _as_numbers(value, what: str, hint: str | None, expected: str) -> np.ndarray:
    """The student's value as a float array, or an AssertionError if it is not numeric."""
    if isinstance(value, (bool, np.bool_, str, bytes)) or value is None:
        _fail(what, f"{_short(value)} of type {type(value).__name__}", expected, hint)
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        _fail(what, f"{_short(value)} of type {type(value).__name__}", expected, hint)
    if np.isnan(array).any():
        n_nan = int(np.isnan(array).sum())
        got = "NaN" if array.ndim == 0 else f"{n_nan} NaN value(s) in {_short(value)}"
        _fail(what, got, expected, hint)
    return array


# ----------------------------------------------------------------------------------------
# Public checks
# ----------------------------------------------------------------------------------------
def check(condition, what, *, hint=None) -> None:
    """Fail with a readable message unless ``condition`` is true.

    Parameters
    ----------
    condition : bool
        The result of the test, e.g. ``len(train) > len(test)``.  A numpy array is not
        accepted (use ``.all()`` or ``.any()`` to say which one you mean), nor are a
        string, a list, tuple, set or dict: they are "true" whenever they are not
        empty, so ``check("no", ...)`` would pass.  Write a comparison instead.
    what : str
        The property being checked, e.g. ``"the training set is larger than the test
        set"``.
    hint : str, optional
        What to try if the check fails.

    Examples
    --------
    >>> check(3 > 2, "three is larger than two")
    """
    what = _check_what(what)
    hint = _check_hint(hint)
    if isinstance(condition, np.ndarray) and condition.size != 1:
        raise TypeError(f"condition must be True or False; got an array of shape "
                        f"{condition.shape} (use .all() or .any()).")
    if isinstance(condition, (str, bytes, list, tuple, set, dict)):
        raise TypeError(f"condition must be True or False, such as the result of a "
                        f"comparison; got {condition!r:.60} of type "
                        f"{type(condition).__name__}, which counts as true whenever it is "
                        "not empty.")
    if not bool(condition):
        _fail(what, None, None, hint)


def check_close(actual, expected, what, *, atol=0.0, rtol=1e-7, hint=None) -> None:
    """Check that a number (or every element of an array) is close to the expected one.

    Passes when ``|actual - expected| <= atol + rtol * |expected|`` everywhere (the rule
    of :func:`numpy.isclose`).  NaN always fails.

    Parameters
    ----------
    actual : float or array-like
        The student's value.
    expected : float or array-like
        The reference value; an array must have the same shape as ``actual``.
    what : str
        What the value is, e.g. ``"the mean of y"``.
    atol, rtol : float
        Absolute and relative tolerance (>= 0).
    hint : str, optional
        What to try if the check fails.

    Examples
    --------
    >>> check_close(0.1 + 0.2, 0.3, "a sum")
    >>> check_close([1.0, 2.0], [1.0, 2.001], "two values", atol=0.01)
    """
    what = _check_what(what)
    hint = _check_hint(hint)
    atol = check_float(atol, "atol", low=0.0)
    rtol = check_float(rtol, "rtol", low=0.0)
    try:
        reference = np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"expected must be a number or an array of numbers; got "
                        f"{_short(expected)} of type {type(expected).__name__}.") from None
    if np.isnan(reference).any():
        raise ValueError("expected must not contain NaN.")
    tolerance = f"within {atol:g} + {rtol:g} * |expected|"
    if reference.ndim == 0:
        wanted = f"{float(reference):.6g} ({tolerance})"
    else:
        wanted = f"an array of shape {reference.shape}, every element {tolerance}"
    value = _as_numbers(actual, what, hint, wanted)
    if value.shape != reference.shape:
        _fail(what, f"shape {value.shape}", f"shape {reference.shape}", hint)
    close = np.isclose(value, reference, atol=atol, rtol=rtol)
    if close.all():
        return
    if value.ndim == 0:
        _fail(what, f"{float(value):.6g}", wanted, hint)
    difference = np.where(close, 0.0, np.abs(value - reference))
    difference = np.where(np.isnan(difference), np.inf, difference)  # inf vs. -inf
    worst = np.unravel_index(int(np.argmax(difference)), value.shape)
    index = worst if len(worst) > 1 else worst[0]
    _fail(what, f"{int((~close).sum())} of {value.size} element(s) not close, the worst at "
          f"index {index}: {value[worst]:.6g} instead of {reference[worst]:.6g}", wanted,
          hint)


def check_between(value, low, high, what, *, hint=None) -> None:
    """Check that a number (or every element of an array) lies in ``[low, high]``.

    Parameters
    ----------
    value : float or array-like
        The student's value.  NaN always fails.
    low, high : float
        Inclusive bounds, ``low <= high``.  Use ``-numpy.inf`` or ``numpy.inf`` for an
        open side.
    what : str
        What the value is, e.g. ``"test AUROC"``.
    hint : str, optional
        What to try if the check fails.

    Examples
    --------
    >>> check_between(0.83, 0.7, 1.0, "test accuracy")
    """
    what = _check_what(what)
    hint = _check_hint(hint)
    low = check_float(low, "low", allow_inf=True)
    high = check_float(high, "high", allow_inf=True)
    if low > high:
        raise ValueError(f"low must be <= high; got low={low:g} and high={high:g}.")
    wanted = f"a value in [{low:g}, {high:g}]"
    array = _as_numbers(value, what, hint, wanted)
    outside = (array < low) | (array > high)
    if not outside.any():
        return
    if array.ndim == 0:
        _fail(what, f"{float(array):.6g}", wanted, hint)
    _fail(what, f"{int(outside.sum())} of {array.size} value(s) outside, ranging from "
          f"{array.min():.6g} to {array.max():.6g}", f"every value in [{low:g}, {high:g}]",
          hint)


def _type_names(types) -> str:
    names = [t.__name__ for t in types]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def check_type(value, types, what, *, hint=None) -> None:
    """Check that ``value`` is an instance of ``types`` (a type or a tuple of types).

    ``bool`` is not accepted where ``int`` is asked for (unless ``bool`` is listed).

    Examples
    --------
    >>> import numpy as np
    >>> check_type(np.zeros(3), np.ndarray, "X_train")
    """
    what = _check_what(what)
    hint = _check_hint(hint)
    if isinstance(types, type):
        types = (types,)
    if (not isinstance(types, tuple) or not types
            or not all(isinstance(t, type) for t in types)):
        raise TypeError(f"types must be a type or a non-empty tuple of types; got "
                        f"{types!r}.")
    ok = isinstance(value, types)
    if ok and isinstance(value, bool) and bool not in types:
        ok = False
    if not ok:
        _fail(what, f"{_short(value)} of type {type(value).__name__}",
              f"an object of type {_type_names(types)}", hint)


def check_shape(array, shape, what, *, hint=None) -> None:
    """Check the shape of an array (numpy, torch or pandas); ``None`` matches any size.

    Examples
    --------
    >>> import numpy as np
    >>> check_shape(np.zeros((10, 3)), (None, 3), "X_train")
    """
    what = _check_what(what)
    hint = _check_hint(hint)
    if not isinstance(shape, (tuple, list)) or not all(
            s is None or (isinstance(s, numbers.Integral) and not isinstance(s, bool)
                          and s >= 0) for s in shape):
        raise TypeError(f"shape must be a tuple of non-negative ints or None; got "
                        f"{shape!r}.")
    shape = tuple(shape)
    wanted = "shape (" + ", ".join("any" if s is None else str(s) for s in shape) + \
             ("," if len(shape) == 1 else "") + ")"
    if not hasattr(array, "shape"):
        _fail(what, f"an object of type {type(array).__name__} with no .shape", wanted,
              hint)
    seen = tuple(int(s) for s in array.shape)
    if len(seen) != len(shape) or any(s is not None and s != t for s, t in zip(shape, seen)):
        _fail(what, f"shape {seen}", wanted, hint)


def check_keys(mapping, required, what, *, hint=None) -> None:
    """Check that a dict (or any mapping) has all the required keys.

    Examples
    --------
    >>> check_keys({"auroc": 0.9, "auprc": 0.8}, ["auroc", "auprc"], "the metric panel")
    """
    what = _check_what(what)
    hint = _check_hint(hint)
    if isinstance(required, (str, bytes)):
        raise TypeError(f"required must be a list of keys, not a single string; got "
                        f"{required!r}.")
    required = list(required)
    if not isinstance(mapping, Mapping):
        _fail(what, f"an object of type {type(mapping).__name__}",
              f"a dict with the keys {required}", hint)
    missing = [key for key in required if key not in mapping]
    if missing:
        present = list(mapping.keys())
        _fail(what, f"the keys {_short(present)}, missing "
              f"{', '.join(repr(k) for k in missing)}", f"all of {required}", hint)


@contextmanager
def forbid_calls(functions, reason, *, namespace=None):
    """Make library functions raise while a block runs, then put them back.

    A hidden test uses this when an exercise asks students to write a method themselves
    rather than call the library's version of it: inside the ``with`` block, each listed
    function raises ``AssertionError(reason)``. The originals are restored when the block
    ends, also when it raises.

    Parameters
    ----------
    functions : sequence of (owner, name) pairs
        Each owner is a module or a class, and ``name`` the attribute that holds the
        function, e.g. ``(dlbio.privacy, "tpr_at_fpr")``.
    reason : str
        The message of the ``AssertionError``; say what the answer must not call.
    namespace : dict, optional
        A namespace such as a notebook's ``globals()``. Every name in it that is bound to
        one of the functions (``from dlbio.privacy import tpr_at_fpr as t`` included) is
        swapped too, so the function cannot be reached under another name.

    Examples
    --------
    >>> import math
    >>> with forbid_calls([(math, "sqrt")], "write the square root yourself"):
    ...     try:
    ...         math.sqrt(4.0)
    ...     except AssertionError as error:
    ...         print(error)
    write the square root yourself
    >>> math.sqrt(4.0)
    2.0
    """
    if not isinstance(reason, str) or not reason.strip():
        raise ValueError(f"reason must be a non-empty string saying what must not be called; "
                         f"got {reason!r}.")
    if namespace is not None and not isinstance(namespace, dict):
        raise TypeError(f"namespace must be None or a dict such as globals(); got an object of "
                        f"type {type(namespace).__name__}.")
    if not isinstance(functions, (list, tuple)) or not functions:
        raise ValueError(f"functions must be a non-empty list of (owner, name) pairs; got "
                         f"{functions!r}.")
    pairs = list(functions)
    for pair in pairs:
        if (not isinstance(pair, tuple) or len(pair) != 2 or not isinstance(pair[1], str)
                or not callable(getattr(pair[0], pair[1], None))):
            raise ValueError(f"functions must hold (owner, name) pairs, each naming a function "
                             f"that the owner (a module or class) has; got {pair!r}.")
    if len({(id(owner), name) for owner, name in pairs}) < len(pairs):
        raise ValueError(f"functions must name each (owner, name) pair once; got {functions!r}.")

    def forbidden(*args, **kwargs):
        raise AssertionError(reason)

    # What each owner holds itself (a staticmethod stays a staticmethod), or _INHERITED when the
    # attribute comes from a parent class: then the swap is undone by deleting it again.
    originals = [(owner, name, vars(owner).get(name, _INHERITED)) for owner, name in pairs]
    forbidden_objects = [getattr(owner, name) for owner, name in pairs]
    aliases = []
    if namespace is not None:
        aliases = [(key, value) for key, value in namespace.items()
                   if any(value is original for original in forbidden_objects)]
    try:
        for owner, name, _ in originals:
            setattr(owner, name, forbidden)
        for key, _ in aliases:
            namespace[key] = forbidden
        yield
    finally:
        for owner, name, original in reversed(originals):
            if original is _INHERITED:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
        for key, value in aliases:
            namespace[key] = value


_INHERITED = object()

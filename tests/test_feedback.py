"""Tests for dlbio.feedback: silent on success, a readable AssertionError on failure."""
import numpy as np
import pandas as pd
import pytest

import dlbio.privacy
from dlbio.feedback import (check, check_between, check_close, check_keys, check_shape,
                            check_type, forbid_calls)
from dlbio.privacy import tpr_at_fpr

HINT = "try the thing from section 2"


def _message(fn, *args, **kwargs):
    with pytest.raises(AssertionError) as info:
        fn(*args, **kwargs)
    message = str(info.value)
    assert message.startswith("Check failed: ")
    assert not message.startswith("✗")
    return message


# ---- check ------------------------------------------------------------------------------
def test_check():
    assert check(True, "it works") is None
    check(np.bool_(True), "numpy bools are fine")
    message = _message(check, 1 > 2, "one is larger than two", hint=HINT)
    assert "one is larger than two" in message and f"Hint: {HINT}" in message


def test_check_without_hint_has_no_hint_text():
    assert "Hint" not in _message(check, False, "something")


def test_check_refuses_ambiguous_arrays_and_bad_descriptions():
    with pytest.raises(TypeError, match="any"):
        check(np.array([True, False]), "an array")
    with pytest.raises(ValueError, match="what"):
        check(True, "  ")
    with pytest.raises(TypeError, match="what"):
        check(True, None)
    with pytest.raises(TypeError, match="hint"):
        check(True, "x", hint=3)


# ---- check_close ------------------------------------------------------------------------
def test_check_close_scalars():
    check_close(0.1 + 0.2, 0.3, "a sum")
    check_close(1.05, 1.0, "a rounded value", atol=0.1)
    check_close(101.0, 100.0, "a relative match", rtol=0.02)
    message = _message(check_close, 0.42, 0.5, "the mean of y", atol=0.01, hint=HINT)
    assert "the mean of y" in message and "Got 0.42" in message and "expected 0.5" in message
    assert HINT in message


def test_check_close_arrays():
    check_close(np.arange(4.0), [0, 1, 2, 3], "a vector")
    wrong = np.arange(4.0)
    wrong[2] = 2.5
    message = _message(check_close, wrong, np.arange(4.0), "a vector", atol=0.1, hint=HINT)
    assert "index 2" in message and "2.5" in message and HINT in message
    message = _message(check_close, np.zeros(3), np.zeros(4), "a vector")
    assert "shape (3,)" in message and "shape (4,)" in message


@pytest.mark.parametrize("actual", [np.nan, [1.0, np.nan], None, "0.5", True])
def test_check_close_rejects_nan_and_non_numbers(actual):
    message = _message(check_close, actual, 0.5 if np.ndim(actual) == 0 else [1.0, 1.0],
                       "a value", atol=1.0, hint=HINT)
    assert HINT in message


def test_check_close_rejects_bad_tolerances():
    with pytest.raises(ValueError, match="atol"):
        check_close(1.0, 1.0, "x", atol=-1.0)
    with pytest.raises(ValueError, match="expected"):
        check_close(1.0, np.nan, "x")


# ---- check_between ----------------------------------------------------------------------
def test_check_between():
    check_between(0.8, 0.7, 1.0, "accuracy")
    check_between(0.7, 0.7, 1.0, "accuracy (bounds are inclusive)")
    check_between([0.1, 0.9], 0.0, 1.0, "probabilities")
    check_between(5.0, 0.0, np.inf, "a positive value")
    message = _message(check_between, 0.42, 0.7, 1.0, "test accuracy", hint=HINT)
    assert "Got 0.42" in message and "[0.7, 1]" in message and HINT in message
    message = _message(check_between, [0.2, 1.5], 0.0, 1.0, "probabilities")
    assert "1 of 2" in message and "1.5" in message


def test_check_between_rejects_nan_and_bad_bounds():
    assert "NaN" in _message(check_between, float("nan"), 0.0, 1.0, "a value")
    with pytest.raises(ValueError, match="low"):
        check_between(0.5, 1.0, 0.0, "a value")


# ---- check_type -------------------------------------------------------------------------
def test_check_type():
    check_type(np.zeros(2), np.ndarray, "X")
    check_type(3, (int, float), "a number")
    message = _message(check_type, [1, 2], np.ndarray, "X_train", hint=HINT)
    assert "list" in message and "ndarray" in message and HINT in message
    assert "bool" in _message(check_type, True, int, "n_epochs")
    with pytest.raises(TypeError, match="types"):
        check_type(1, "int", "x")


# ---- check_shape ------------------------------------------------------------------------
def test_check_shape():
    check_shape(np.zeros((10, 3)), (10, 3), "X")
    check_shape(np.zeros((10, 3)), (None, 3), "X")
    check_shape(pd.DataFrame(np.zeros((4, 2))), (4, 2), "a data frame")
    message = _message(check_shape, np.zeros((10, 4)), (None, 3), "X_train", hint=HINT)
    assert "(10, 4)" in message and "(any, 3)" in message and HINT in message
    assert "(10,)" in _message(check_shape, np.zeros(10), (10, 1), "y")
    assert "no .shape" in _message(check_shape, [1, 2], (2,), "y")
    with pytest.raises(TypeError, match="shape"):
        check_shape(np.zeros(2), 2, "y")


# ---- check_keys -------------------------------------------------------------------------
def test_check_keys():
    check_keys({"auroc": 0.9, "auprc": 0.8, "n": 3}, ["auroc", "auprc"], "the panel")
    message = _message(check_keys, {"auroc": 0.9}, ["auroc", "auprc", "mcc"], "the panel",
                       hint=HINT)
    assert "'auprc', 'mcc'" in message and HINT in message
    assert "list" in _message(check_keys, [("auroc", 0.9)], ["auroc"], "the panel")
    with pytest.raises(TypeError, match="required"):
        check_keys({}, "auroc", "the panel")


class _Reference:
    def attribute(self):
        return "the reference"


def test_forbid_calls_blocks_every_route_to_the_function_and_restores_them():
    original = dlbio.privacy.tpr_at_fpr
    alias = tpr_at_fpr                      # as a notebook imports it under another name
    namespace = {"alias": alias, "unrelated": len}
    with forbid_calls([(dlbio.privacy, "tpr_at_fpr"), (_Reference, "attribute")],
                      "write the rule yourself", namespace=namespace):
        for route in (dlbio.privacy.tpr_at_fpr, namespace["alias"], _Reference().attribute):
            with pytest.raises(AssertionError, match="write the rule yourself"):
                route()
        from dlbio.privacy import tpr_at_fpr as imported_inside   # an import inside the answer
        with pytest.raises(AssertionError):
            imported_inside()
        assert namespace["unrelated"] is len
    assert dlbio.privacy.tpr_at_fpr is original and namespace["alias"] is original
    assert _Reference().attribute() == "the reference"


def test_forbid_calls_restores_the_functions_when_the_block_raises():
    original = dlbio.privacy.tpr_at_fpr
    with pytest.raises(RuntimeError):
        with forbid_calls([(dlbio.privacy, "tpr_at_fpr")], "no"):
            raise RuntimeError("the student's function crashed")
    assert dlbio.privacy.tpr_at_fpr is original


class _Parent:
    def inherited(self):
        return "the parent's"

    @staticmethod
    def static(x):
        return x + 1

    @classmethod
    def made(cls):
        return cls.__name__


class _Child(_Parent):
    pass


def test_forbid_calls_restores_static_class_and_inherited_methods_as_they_were():
    with forbid_calls([(_Parent, "static"), (_Parent, "made"), (_Child, "inherited")], "no"):
        for route in (lambda: _Parent.static(1), lambda: _Parent().made(), lambda: _Child().inherited()):
            with pytest.raises(AssertionError, match="no"):
                route()
        assert _Parent().inherited() == "the parent's"      # only the child's route is blocked
    assert _Parent().static(1) == 2 and _Parent.static(1) == 2
    assert _Child().made() == "_Child"                       # still a classmethod
    assert "inherited" not in vars(_Child) and _Child().inherited() == "the parent's"


@pytest.mark.parametrize("functions, reason, namespace, match", [
    ([], "no", None, "functions must be a non-empty list"),
    (None, "no", None, "functions must be a non-empty list"),
    (3, "no", None, "functions must be a non-empty list"),
    ({dlbio.privacy: "tpr_at_fpr"}, "no", None, "functions must be a non-empty list"),
    ([(dlbio.privacy, "tpr_at_fpr")] * 2, "no", None, "each \\(owner, name\\) pair once"),
    ("tpr_at_fpr", "no", None, "functions must be a non-empty list"),
    ([(dlbio.privacy, "no_such_function")], "no", None, "functions must hold"),
    ([("dlbio.privacy", "tpr_at_fpr")], "no", None, "functions must hold"),
    ([(dlbio.privacy, "tpr_at_fpr")], " ", None, "reason must be a non-empty string"),
    ([(dlbio.privacy, "tpr_at_fpr")], "no", ["a list"], "namespace must be None or a dict"),
])
def test_forbid_calls_rejects_bad_arguments(functions, reason, namespace, match):
    with pytest.raises((TypeError, ValueError), match=match):
        with forbid_calls(functions, reason, namespace=namespace):
            pass
    assert dlbio.privacy.tpr_at_fpr is tpr_at_fpr

"""The shared argument checks: every message names the parameter, the allowed range and
the value received."""
import numpy as np
import pytest

from dlbio._validation import (check_bool, check_choice, check_float, check_fraction, check_int,
                               check_random_state, describe_range)


def test_check_int_accepts_python_and_numpy_ints():
    assert check_int(5, "n", low=1) == 5
    assert type(check_int(np.int64(5), "n", low=1)) is int


@pytest.mark.parametrize("value, error, text", [
    (0, ValueError, r"n_samples must be an int in \[1, inf\); got 0\."),
    (11, ValueError, r"n_samples must be an int in \[1, 10\]; got 11\."),
    (True, TypeError, r"n_samples must be an int .* got True of type bool"),
    (2.0, TypeError, r"n_samples must be an int .* got 2\.0 of type float"),
    ("3", TypeError, r"n_samples .* got '3' of type str"),
])
def test_check_int_errors_name_parameter_range_and_value(value, error, text):
    high = 10 if value == 11 else None
    with pytest.raises(error, match=text):
        check_int(value, "n_samples", low=1, high=high)


def test_check_float_bounds_and_non_finite_values():
    assert check_float(0.5, "lr", low=0, low_inclusive=False) == 0.5
    with pytest.raises(ValueError, match=r"lr must be a number in \(0, inf\); got 0\."):
        check_float(0.0, "lr", low=0.0, low_inclusive=False)
    with pytest.raises(ValueError, match=r"lr must be a finite number .* got nan"):
        check_float(float("nan"), "lr", low=0.0)
    with pytest.raises(ValueError, match=r"p must be a finite number in \[0, 1\]; got inf"):
        check_float(float("inf"), "p", low=0.0, high=1.0)
    with pytest.raises(TypeError, match="lr must be a number .* of type bool"):
        check_float(False, "lr")
    assert check_float(float("inf"), "x", low=0.0, allow_inf=True) == float("inf")  # open side, if allowed
    with pytest.raises(ValueError, match="x must be a finite number"):
        check_float(float("inf"), "x", low=0.0)


def test_check_fraction_and_open_ends():
    assert check_fraction(1.0, "prevalence") == 1.0
    with pytest.raises(ValueError, match=r"prevalence must be a number in \(0, 1\); got 1\."):
        check_fraction(1.0, "prevalence", low_inclusive=False, high_inclusive=False)


def test_check_choice_lists_the_choices():
    assert check_choice("adam", "optimizer", ["adam", "sgd"]) == "adam"
    with pytest.raises(ValueError, match=r"optimizer must be one of \{'adam', 'sgd'\}; got 'rmsprop'"):
        check_choice("rmsprop", "optimizer", ["adam", "sgd"])
    with pytest.raises(ValueError, match="optimizer must be one of"):
        check_choice(["unhashable"], "optimizer", ["adam"])


def test_check_bool_rejects_truthy_non_bools():
    assert check_bool(np.bool_(True), "flag") is True
    with pytest.raises(TypeError, match="flag must be True or False; got 1 of type int"):
        check_bool(1, "flag")


def test_check_random_state_forms_and_global_state_untouched():
    before = np.random.get_state()[1].copy()
    rng_a, seed_a = check_random_state(7)
    rng_b, seed_b = check_random_state(7)
    assert seed_a == seed_b == 7 and rng_a.random() == rng_b.random()
    _, seed_none = check_random_state(None)
    assert 0 <= seed_none < 2**32
    generator = np.random.default_rng(3)
    _, seed_gen = check_random_state(generator)
    _, seed_gen_again = check_random_state(np.random.default_rng(3))
    assert seed_gen == seed_gen_again  # a Generator gives a reproducible seed
    _, seed_rs = check_random_state(np.random.RandomState(3))
    assert 0 <= seed_rs < 2**32
    assert np.array_equal(np.random.get_state()[1], before)
    with pytest.raises(ValueError, match=r"random_state must be an int in \[0, 4294967295\]; got -1"):
        check_random_state(-1)
    with pytest.raises(TypeError, match="random_state must be None, an int .* got 'x'"):
        check_random_state("x")
    with pytest.raises(TypeError, match="random_state"):
        check_random_state(True)


def test_describe_range():
    assert describe_range(1, None) == "[1, inf)"
    assert describe_range(0.0, 1.0, low_inclusive=False) == "(0, 1]"


def test_check_xy_shapes_and_lengths():
    from dlbio._validation import check_xy

    X, y = check_xy([[1, 2], [3, 4]], [0, 1])
    assert X.shape == (2, 2) and y.shape == (2,)
    with pytest.raises(ValueError, match=r"X_pool must be a 2-D array"):
        check_xy([1, 2], [0, 1], "X_pool", "y_pool")
    with pytest.raises(ValueError, match=r"y_pool must be a 1-D array"):
        check_xy([[1], [2]], [[0], [1]], "X_pool", "y_pool")
    with pytest.raises(ValueError, match=r"X_pool and y_pool must have the same number of samples; got 2 and 3"):
        check_xy([[1], [2]], [0, 1, 0], "X_pool", "y_pool")

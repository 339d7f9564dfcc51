"""Regression tests for the bad-input cases of issue 15 (found by a fuzzing pass).

Each case either raises a clear ValueError/TypeError that names the parameter, its allowed
range or type, and the value received, or is documented valid behaviour checked here.
The property-based version that keeps the whole class closed is tests/test_fuzz.py.
"""
from __future__ import annotations

import numpy as np
import pytest

from dlbio import datasets
from dlbio._validation import MAX_ALLOCATION_BYTES, check_allocation, check_finite


# --------------------------------------------------------------------------------------
# Shared checks
# --------------------------------------------------------------------------------------
def test_check_allocation_names_every_size_and_the_limit():
    check_allocation({"n": 1000, "m": 1000})  # 8 MB: fine
    with pytest.raises(ValueError, match=r"n_samples=10000000000, n_genes=200 .*4 GiB"):
        check_allocation({"n_samples": 10**10, "n_genes": 200})
    # Exactly at the limit passes; one byte more does not.
    check_allocation({"n": MAX_ALLOCATION_BYTES}, bytes_per_value=1)
    with pytest.raises(ValueError, match="n="):
        check_allocation({"n": MAX_ALLOCATION_BYTES + 1}, bytes_per_value=1)


def test_check_finite_counts_the_bad_values():
    assert check_finite([[1.0, 2.0]], "X").shape == (1, 2)
    with pytest.raises(ValueError, match="X_pool contains 2 NaN or infinite"):
        check_finite([1.0, np.nan, np.inf], "X_pool")
    with pytest.raises(TypeError, match="X must contain numbers"):
        check_finite(["a"], "X")


# --------------------------------------------------------------------------------------
# Data sets: sizes, overflow-safe range checks, new upper bounds
# --------------------------------------------------------------------------------------
HUGE_SIZES = [
    ("make_expression", "n_samples"), ("make_expression", "n_genes"),
    ("make_batch_expression", "n_samples"), ("make_batch_expression", "n_genes"),
    ("make_batch_expression", "n_external"), ("make_batch_expression", "n_batches"),
    ("make_repeated_measures", "n_subjects"), ("make_repeated_measures", "n_visits"),
    ("make_repeated_measures", "n_features"), ("make_clinical", "n_patients"),
    ("make_cohort", "n_members"), ("make_cohort", "n_nonmembers"), ("make_cohort", "n_features"),
    ("make_sequence_families", "n_families"), ("make_sequence_families", "family_size"),
    ("make_sequence_families", "seq_length"), ("make_imbalanced", "n_samples"),
    ("make_imbalanced", "n_features"), ("make_motif_sequences", "n_samples"),
    ("make_motif_sequences", "seq_length"),
]


@pytest.mark.parametrize("maker, size", HUGE_SIZES)
def test_huge_sizes_are_refused_before_allocating(maker, size):
    with pytest.raises(ValueError, match=rf"{size}=10000000000\b.*GiB.*limit"):
        getattr(datasets, maker)(**{size: 10**10}, random_state=0)


@pytest.mark.parametrize("maker, name", [("make_repeated_measures", "signal"),
                                         ("make_imbalanced", "effect_size")])
def test_range_checks_do_not_overflow(maker, name):
    with pytest.raises(ValueError, match=rf"{name} must be a number in \[0, .*got 1e\+300"):
        getattr(datasets, maker)(**{name: 1e300}, random_state=0)


@pytest.mark.parametrize("value", [10.5, 1100.0, 1e39])
def test_batch_effect_has_an_upper_bound(value):
    with pytest.raises(ValueError, match=r"batch_effect must be a number in \[0, 10\]; got"):
        datasets.make_batch_expression(40, 30, batch_effect=value, random_state=0)


def test_largest_batch_effect_stays_finite():
    data = datasets.make_batch_expression(40, 50, batch_effect=10.0, random_state=0)
    for array in (data.X, data.X_external, data.truth.X_complete, data.truth.batch_factor):
        assert np.isfinite(array).all()


@pytest.mark.parametrize("value", [10.01, 1000.0, 1e6])
def test_dispersion_has_an_upper_bound(value):
    with pytest.raises(ValueError, match=r"dispersion must be a number in \[0, 10\]; got"):
        datasets.make_expression(50, 20, dispersion=value, random_state=0)


def test_largest_dispersion_still_gives_counts_in_every_sample():
    data = datasets.make_expression(200, 50, dispersion=10.0, random_state=0)
    assert (data.truth.counts.sum(axis=1) > 0).all()

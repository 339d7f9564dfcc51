"""The randomness contract that every dataset generator in dlbio.datasets keeps.

Each generator is a pure function of its arguments and ``random_state``:

- a numpy Generator is accepted, used for one seed and advanced, so that two calls with the
  same Generator give different data and record different seeds;
- the seed recorded in ``params`` (with the other resolved arguments) reproduces the data,
  also when ``random_state=None`` drew a fresh one;
- the global ``np.random`` state is never used or changed.

The generator-specific properties (sub-streams, truth, validation) are tested in each
generator's own ``test_datasets_*.py``.
"""
import numpy as np
import pandas as pd
import pytest

from dlbio import datasets
from dlbio.datasets import (
    make_batch_expression,
    make_clinical,
    make_cohort,
    make_expression,
    make_imbalanced,
    make_motif_sequences,
    make_repeated_measures,
    make_sequence_families,
)

# Small, fast arguments for each generator; the second set switches on optional parts
# (duplicates and missing values, two motifs with the AND rule) so that they are covered too.
CASES = {
    "make_expression": (make_expression, dict(n_samples=60, n_genes=40, n_informative=8), {}),
    "make_batch_expression": (
        make_batch_expression, dict(n_samples=80, n_genes=50, n_informative=10, n_external=30),
        dict(n_duplicates=7, missing_fraction=0.05)),
    "make_repeated_measures": (
        make_repeated_measures, dict(n_subjects=12, n_visits=4, n_features=6, n_informative=2), {}),
    "make_clinical": (make_clinical, dict(n_patients=400), {}),
    "make_cohort": (make_cohort, dict(n_members=40, n_nonmembers=40, subgroup_fraction=0.5), {}),
    "make_sequence_families": (
        make_sequence_families, dict(n_families=12, family_size=4, seq_length=30), {}),
    "make_imbalanced": (
        make_imbalanced, dict(n_samples=2000, n_features=8, n_informative=3, prevalence=0.02), {}),
    "make_motif_sequences": (
        make_motif_sequences, dict(n_samples=20, seq_length=40), dict(motifs=2, label="and")),
}


def _assert_same(a, b, where="data"):
    """Every field of two results is identical (arrays, frames, nested dicts, NaN == NaN)."""
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, obj=where)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, obj=where)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            _assert_same(a[key], b[key], f"{where}.{key}")
    else:
        np.testing.assert_equal(a, b, err_msg=where)


def _main_data(result):
    """The part of a result that must change with the seed."""
    return result.codes if "codes" in result else np.asarray(result.X)


def test_every_generator_is_covered():
    generators = [name for name in datasets.__all__ if name.startswith("make_")]
    assert sorted(generators) == sorted(CASES)


@pytest.mark.parametrize("name", CASES)
def test_generator_is_accepted_and_advanced(name):
    make, small, _ = CASES[name]
    a = make(**small, random_state=np.random.default_rng(5))
    b = make(**small, random_state=np.random.default_rng(5))
    _assert_same(dict(a), dict(b))
    rng = np.random.default_rng(5)
    first = make(**small, random_state=rng)
    second = make(**small, random_state=rng)
    assert not np.array_equal(_main_data(first), _main_data(second))
    assert first.params["random_state"] != second.params["random_state"]


@pytest.mark.parametrize("name", CASES)
def test_recorded_params_reproduce_the_data(name):
    make, small, extra = CASES[name]
    for kwargs in (small, {**small, **extra}):
        data = make(**kwargs)                      # random_state=None: a fresh seed
        _assert_same(dict(data), dict(make(**data.params)))
        again = make(**kwargs, random_state=data.params["random_state"])
        _assert_same(dict(data), dict(again))


@pytest.mark.parametrize("name", CASES)
def test_global_numpy_state_is_untouched(name):
    make, small, extra = CASES[name]
    np.random.seed(12345)
    before = np.random.get_state()
    make(**small, random_state=None)
    make(**small, **extra, random_state=3)
    after = np.random.get_state()
    assert before[0] == after[0]
    np.testing.assert_array_equal(before[1], after[1])
    assert before[2:] == after[2:]

"""Tests for dlbio.reproducibility: visible nondeterminism on a CPU, seeded runs, JSON checks."""
import json
import shutil
import subprocess

import numpy as np
import pytest
import torch

from dlbio.models import MLP
from dlbio.reproducibility import (code_commit, json_problems, reordering_divergence, sum_in_random_orders,
                                   train_seeded_mlp)
from dlbio.training import weights_equal


def test_float32_sums_depend_on_the_order_but_not_by_much():
    values = np.random.default_rng(0).normal(size=20_000)
    sums = sum_in_random_orders(values, n_orders=10, random_state=0)
    assert len(np.unique(sums)) > 1
    assert np.all(np.abs(sums - values.astype(np.float32).astype(np.float64).sum()) < 1e-2)
    assert np.array_equal(sums, sum_in_random_orders(values, n_orders=10, random_state=0))


def test_sum_in_random_orders_rejects_bad_input():
    with pytest.raises(ValueError, match="values"):
        sum_in_random_orders([1.0])
    with pytest.raises(ValueError, match="n_orders"):
        sum_in_random_orders([1.0, 2.0], n_orders=1)


def _data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 6)).astype(np.float32)
    y = (X[:, 0] + 0.5 * rng.normal(size=n) > 0).astype(np.int64)
    return X, y


def test_reordering_changes_only_the_rounding_at_a_small_learning_rate():
    X, y = _data()
    r = reordering_divergence(lambda: MLP(6, 2, hidden=(16,)), X, y, X_eval=X, seed=0, lr=1e-3, max_epochs=3)
    assert r.weight_gap.shape == (4,) and r.weight_gap[0] == 0.0
    assert 0 < r.weight_gap[-1] < 1e-4
    assert r.n_disagree == 0
    assert not r.model_a.training and not r.model_b.training


def test_reordering_divergence_checks_its_arguments():
    X, y = _data()
    with pytest.raises(TypeError, match="make_model"):
        reordering_divergence(None, X, y)
    with pytest.raises(ValueError, match="optimizer"):
        reordering_divergence(lambda: MLP(6, 2), X, y, optimizer="rmsprop")
    with pytest.raises(ValueError, match="lr"):
        reordering_divergence(lambda: MLP(6, 2), X, y, lr=0)


def test_train_seeded_mlp_is_bitwise_reproducible():
    X, y = _data()
    a = train_seeded_mlp(3, X, y, hidden=(8,), max_epochs=2, device="cpu")
    b = train_seeded_mlp(3, X, y, hidden=(8,), max_epochs=2, device="cpu")
    c = train_seeded_mlp(4, X, y, hidden=(8,), max_epochs=2, device="cpu")
    assert weights_equal(a, b) and not weights_equal(a, c)


def test_json_problems_names_every_value_json_cannot_write():
    record = {"seed": np.int64(1), "metrics": {"acc": np.float32(0.5), "auc": np.float64(0.7)},
              "shape": [2, np.array([1])], "device": torch.device("cpu"), "ok": [1, 2.0, "x", None, True]}
    problems = json_problems(record)
    assert problems == ["record['seed'] is numpy.int64", "record['metrics']['acc'] is numpy.float32",
                        "record['shape'][1] is numpy.ndarray", "record['device'] is torch.device"]
    clean = {"seed": 1, "metrics": {"acc": 0.5, "auc": np.float64(0.7)}}
    assert json_problems(clean) == [] and json.dumps(clean)
    assert json_problems({"seed": np.int64(1)}, name="draft") == ["draft['seed'] is numpy.int64"]
    with pytest.raises(TypeError, match="name must be a str"):
        json_problems({}, name=3)


def _git(folder, *args):
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_code_commit_reads_the_commit_and_flags_uncommitted_changes(tmp_path):
    assert code_commit(tmp_path) is None  # not a git repository
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "user.email", "a@b.c")
    _git(tmp_path, "config", "user.name", "a")
    (tmp_path / "train.py").write_text("print(1)\n")
    _git(tmp_path, "add", "train.py")
    _git(tmp_path, "commit", "-q", "-m", "first")
    head = subprocess.run(["git", "-C", str(tmp_path), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()
    assert code_commit(tmp_path) == head and len(head) == 40
    (tmp_path / "train.py").write_text("print(2)\n")
    assert code_commit(str(tmp_path)) == head + "+uncommitted"


def test_code_commit_checks_its_argument(tmp_path):
    with pytest.raises(TypeError, match="path must be a str or os.PathLike"):
        code_commit(3)
    with pytest.raises(ValueError, match="path must be an existing folder"):
        code_commit(tmp_path / "missing")

"""Tests for dlbio.training."""
import copy
import math
import os
import random

import numpy as np
import pandas as pd
import pytest
import threadpoolctl
import torch
from torch import nn

import dlbio.training as training
from dlbio.models import MLP
from dlbio.training import (History, accuracy, check_scatter_determinism, count_parameters,
                            fit, limit_threads, predict, predict_logits, predict_proba,
                            seed_everything, select_device)

CUDA = torch.cuda.is_available()
MPS = training._mps_available()


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    limit_threads(1)


@pytest.fixture(autouse=True)
def _restore_global_torch_flags():
    """seed_everything changes process-wide settings; put them back after each test."""
    deterministic = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    cudnn = (torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark)
    yield
    torch.use_deterministic_algorithms(deterministic, warn_only=warn_only)
    torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = cudnn


def easy_data(n=300, n_features=5, seed=0):
    """Two linearly separable classes (the label is the sign of the first feature)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    return X, y


def small_model(n_features=5, seed=0, **kwargs):
    torch.manual_seed(seed)
    return MLP(n_features, 2, hidden=(16,), **kwargs)


def assert_same_parameters(model_a, model_b):
    for (name, a), (_, b) in zip(model_a.named_parameters(), model_b.named_parameters()):
        assert torch.equal(a, b), f"parameter {name} differs"


def any_parameter_differs(model_a, model_b):
    return any(not torch.equal(a, b)
               for a, b in zip(model_a.parameters(), model_b.parameters()))


# --- select_device ----------------------------------------------------------------------

def test_select_device_default_prefers_cuda_then_mps_then_cpu():
    expected = "cuda" if CUDA else "mps" if MPS else "cpu"
    assert select_device().type == expected
    assert select_device(None).type == expected


def test_select_device_accepts_strings_and_devices():
    assert select_device("cpu") == torch.device("cpu")
    assert select_device(torch.device("cpu")) == torch.device("cpu")


@pytest.mark.skipif(CUDA, reason="checks the error on a machine without CUDA")
@pytest.mark.parametrize("name", ["cuda", "cuda:0", torch.device("cuda")])
def test_select_device_rejects_unavailable_cuda(name):
    with pytest.raises(ValueError, match="CUDA is not available"):
        select_device(name)


@pytest.mark.skipif(not CUDA, reason="needs a CUDA GPU")
def test_select_device_rejects_missing_gpu_number():
    with pytest.raises(ValueError, match="cuda:99"):
        select_device("cuda:99")


@pytest.mark.skipif(MPS, reason="checks the error on a machine without MPS")
def test_select_device_rejects_unavailable_mps():
    with pytest.raises(ValueError, match="MPS"):
        select_device("mps")


@pytest.mark.parametrize("bad, error", [
    ("gpu", ValueError), ("CPU please", ValueError), ("meta", ValueError), (0, TypeError),
])
def test_select_device_rejects_bad_values(bad, error):
    with pytest.raises(error, match=r"device must be one of .*'cpu', 'cuda'"):
        select_device(bad)


# --- limit_threads ----------------------------------------------------------------------

def test_limit_threads_sets_torch_and_blas_threads():
    try:
        assert limit_threads(2) == 2
        assert torch.get_num_threads() == 2
        assert limit_threads(1) == 1
        assert torch.get_num_threads() == 1
        # the limit stays in force after the call returns (not a context manager)
        pools = threadpoolctl.threadpool_info()
        assert pools, "threadpoolctl found no thread pool to limit"
        assert all(pool["num_threads"] == 1 for pool in pools)
    finally:
        limit_threads(1)


@pytest.mark.parametrize("bad, error", [(0, ValueError), (1.5, TypeError), ("2", TypeError)])
def test_limit_threads_rejects_bad_values(bad, error):
    with pytest.raises(error, match="n_threads"):
        limit_threads(bad)


# --- seed_everything --------------------------------------------------------------------

def test_seed_everything_seeds_python_numpy_and_torch():
    assert seed_everything(123) == 123
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    seed_everything(123)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first
    seed_everything(124)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) != first


def test_seed_everything_switches_deterministic_algorithms():
    seed_everything(0)
    assert torch.are_deterministic_algorithms_enabled()
    assert torch.backends.cudnn.deterministic and not torch.backends.cudnn.benchmark
    assert "CUBLAS_WORKSPACE_CONFIG" in os.environ
    seed_everything(0, deterministic=False)
    assert not torch.are_deterministic_algorithms_enabled()
    assert not torch.backends.cudnn.deterministic


def _seeded_training(seed):
    seed_everything(seed)
    X, y = easy_data()
    model = MLP(5, 2, hidden=(16,), dropout=0.2)  # dropout uses random numbers too
    fit(model, X, y, max_epochs=3)
    return model


def test_same_seed_gives_bitwise_identical_weights():
    assert_same_parameters(_seeded_training(7), _seeded_training(7))


def test_different_seeds_give_different_weights():
    assert any_parameter_differs(_seeded_training(7), _seeded_training(8))


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (2**32, ValueError),
                                        (1.0, TypeError), (None, TypeError)])
def test_seed_everything_rejects_bad_seeds(bad, error):
    with pytest.raises(error, match="seed"):
        seed_everything(bad)


def test_seed_everything_rejects_non_bool_deterministic():
    with pytest.raises(TypeError, match="deterministic"):
        seed_everything(0, deterministic=1)


# --- check_scatter_determinism ----------------------------------------------------------

@pytest.mark.parametrize("was_deterministic", [False, True])
def test_scatter_determinism_on_cpu_and_setting_restored(was_deterministic):
    torch.use_deterministic_algorithms(was_deterministic)
    result = check_scatter_determinism("cpu", n=20_000, n_bins=10)
    assert result == {"device": "cpu", "identical_without_deterministic": True,
                      "identical_with_deterministic": True, "max_abs_difference": 0.0}
    assert torch.are_deterministic_algorithms_enabled() == was_deterministic


@pytest.mark.skipif(not CUDA, reason="needs a CUDA GPU")
def test_scatter_determinism_on_cuda_is_identical_with_deterministic_algorithms():
    result = check_scatter_determinism("cuda")
    assert result["device"].startswith("cuda")
    assert result["identical_with_deterministic"] is True


@pytest.mark.parametrize("kwargs, error, match", [
    ({"repeats": 1}, ValueError, "repeats"), ({"n": 0}, ValueError, "n must"),
    ({"n_bins": 0}, ValueError, "n_bins"), ({"device": "gpu"}, ValueError, "device"),
])
def test_scatter_determinism_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        check_scatter_determinism(**kwargs)


# --- fit ----------------------------------------------------------------------------------

def test_fit_reduces_the_loss_on_an_easy_problem():
    X, y = easy_data()
    model = small_model()
    history = fit(model, X, y, lr=0.01, max_epochs=15,
                  generator=torch.Generator().manual_seed(0))
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    assert accuracy(model, X, y) > 0.95


def test_train_loss_is_the_mean_over_samples():
    """With uneven batches (16, 16, 16, 2) the epoch loss is still the per-sample mean."""
    X, y = easy_data(n=50)
    model = small_model()
    expected = nn.functional.cross_entropy(model(torch.from_numpy(X)),
                                           torch.from_numpy(y)).item()
    history = fit(model, X, y, optimizer="sgd", lr=1e-12, batch_size=16, max_epochs=1)
    assert history.train_loss[0] == pytest.approx(expected, rel=1e-5)


def test_history_without_tuning_set():
    X, y = easy_data(n=100)
    history = fit(small_model(), X, y, max_epochs=4)
    assert isinstance(history, History)
    assert history.epoch == [1, 2, 3, 4]
    assert len(history.train_loss) == 4
    assert all(isinstance(v, float) and math.isfinite(v) for v in history.train_loss)
    assert history.tune_loss == [] and history.tune_accuracy == []
    assert history.best_epoch is None and history.stopped_early is False
    assert history.seconds > 0
    frame = history.to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["train_loss"]
    assert list(frame.index) == [1, 2, 3, 4] and frame.index.name == "epoch"


def test_history_with_tuning_set_without_patience():
    X, y = easy_data(n=200)
    model = small_model()
    history = fit(model, X[:150], y[:150], X_tune=X[150:], y_tune=y[150:], max_epochs=5)
    assert len(history.tune_loss) == len(history.tune_accuracy) == 5
    assert all(0.0 <= a <= 1.0 for a in history.tune_accuracy)
    assert history.best_epoch == int(np.argmin(history.tune_loss)) + 1
    assert history.stopped_early is False
    # the last tune accuracy is that of the final model (no early stopping: no restore)
    assert history.tune_accuracy[-1] == pytest.approx(accuracy(model, X[150:], y[150:]))
    assert list(history.to_frame().columns) == ["train_loss", "tune_loss", "tune_accuracy"]


def _overfitting_problem():
    """Random labels: the tuning loss gets worse after a few epochs."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(240, 10)).astype(np.float32)
    y = rng.integers(0, 2, size=240)
    return X[:40], y[:40], X[40:], y[40:]


def test_early_stopping_stops_and_restores_the_best_weights():
    X, y, X_tune, y_tune = _overfitting_problem()
    torch.manual_seed(0)
    model = MLP(10, 2, hidden=(128, 128))
    initial = copy.deepcopy(model)
    history = fit(model, X, y, X_tune=X_tune, y_tune=y_tune, lr=0.01, batch_size=8,
                  max_epochs=100, patience=3, generator=torch.Generator().manual_seed(0))

    assert history.stopped_early is True
    assert history.best_epoch == int(np.argmin(history.tune_loss)) + 1
    assert len(history.epoch) == history.best_epoch + 3 < 100
    # The model now has the best epoch's weights: its tuning loss is the best one ...
    tune_loss = nn.functional.cross_entropy(predict_logits(model, X_tune),
                                            torch.as_tensor(y_tune)).item()
    assert tune_loss == pytest.approx(min(history.tune_loss), rel=1e-5)
    assert tune_loss < history.tune_loss[-1]
    # ... and bitwise the weights of a run that simply stopped at the best epoch.
    replay = copy.deepcopy(initial)
    fit(replay, X, y, lr=0.01, batch_size=8, max_epochs=history.best_epoch,
        generator=torch.Generator().manual_seed(0))
    assert_same_parameters(model, replay)


def test_generator_makes_shuffling_repeatable():
    X, y = easy_data(n=100)
    base = small_model()
    runs = []
    for seed in (0, 0, 1):
        model = copy.deepcopy(base)
        fit(model, X, y, max_epochs=2, generator=torch.Generator().manual_seed(seed))
        runs.append(model)
    assert_same_parameters(runs[0], runs[1])
    assert any_parameter_differs(runs[0], runs[2])


def test_numpy_and_tensor_inputs_give_the_same_model():
    X, y = easy_data(n=100)
    base = small_model()
    from_numpy, from_tensor = copy.deepcopy(base), copy.deepcopy(base)
    fit(from_numpy, X.astype(np.float64), y.astype(np.int32), max_epochs=2,
        generator=torch.Generator().manual_seed(0))
    fit(from_tensor, torch.from_numpy(X), torch.from_numpy(y), max_epochs=2,
        generator=torch.Generator().manual_seed(0))
    assert_same_parameters(from_numpy, from_tensor)


def test_fit_accepts_read_only_arrays_without_warning(recwarn):
    X, y = easy_data(n=50)
    X.setflags(write=False)
    fit(small_model(), X, y, max_epochs=1)
    assert not [w for w in recwarn if "not writable" in str(w.message)]


def test_fit_moves_model_to_device_and_leaves_it_in_eval_mode():
    X, y = easy_data(n=50)
    model = small_model()
    fit(model, X, y, max_epochs=1, device="cpu")
    assert not model.training
    assert all(p.device.type == "cpu" for p in model.parameters())


def test_lr_none_keeps_the_optimizer_default():
    """Defaults matter: lr=None must not replace PyTorch's default learning rate."""
    received = []

    class RecordingSGD(torch.optim.SGD):
        def __init__(self, params, **kwargs):
            received.append(kwargs)
            super().__init__(params, **kwargs)

    X, y = easy_data(n=50)
    fit(small_model(), X, y, max_epochs=1, optimizer=RecordingSGD)
    fit(small_model(), X, y, max_epochs=1, optimizer=RecordingSGD, lr=0.5, weight_decay=0.1,
        optimizer_kwargs={"momentum": 0.9})
    assert received == [{}, {"momentum": 0.9, "lr": 0.5, "weight_decay": 0.1}]


@pytest.mark.parametrize("name, expected_class", [("adam", torch.optim.Adam),
                                                  ("adamw", torch.optim.AdamW),
                                                  ("sgd", torch.optim.SGD)])
def test_optimizer_names(monkeypatch, name, expected_class):
    built = []
    real = training._make_optimizer
    monkeypatch.setattr(training, "_make_optimizer",
                        lambda *args: built.append(real(*args)) or built[-1])
    X, y = easy_data(n=50)
    fit(small_model(), X, y, max_epochs=1, optimizer=name)
    assert type(built[0]) is expected_class
    assert built[0].defaults["lr"] == 1e-3  # PyTorch's own default, not ours


def test_custom_loss_with_float_targets():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3)).astype(np.float32)
    y = X @ np.array([[1.0], [-2.0], [0.5]], dtype=np.float32)  # regression, shape (n, 1)
    torch.manual_seed(0)
    model = MLP(3, 1, hidden=(16,))
    history = fit(model, X, y, X_tune=X, y_tune=y, loss_fn=nn.MSELoss(), lr=0.01,
                  max_epochs=20, generator=torch.Generator().manual_seed(0))
    assert history.train_loss[-1] < 0.2 * history.train_loss[0]
    assert len(history.tune_loss) == 20 and history.tune_accuracy == []


def test_non_finite_loss_raises_a_clear_error():
    X, y = easy_data(n=200)
    with pytest.raises(FloatingPointError, match=r"epoch 1.*lower learning rate"):
        fit(small_model(), X, y, optimizer="sgd", lr=1e6, max_epochs=5,
            generator=torch.Generator().manual_seed(0))


def test_progress_bar_writes_one_bar_to_stdout_only(capfd, monkeypatch):
    bars = []

    class CountingBar(training.tqdm):
        def __init__(self, *args, **kwargs):
            bars.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(training, "tqdm", CountingBar)
    X, y = easy_data(n=100)
    fit(small_model(), X, y, X_tune=X, y_tune=y, max_epochs=3, progress=True)
    out, err = capfd.readouterr()
    assert err == ""
    assert len(bars) == 1
    assert bars[0].n == 3 and "tune_loss" in out

    fit(small_model(), X, y, max_epochs=3, progress=False)
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
    assert len(bars) == 1


def _valid_fit_arguments():
    X, y = easy_data(n=20)
    return {"model": small_model(), "X": X, "y": y}


@pytest.mark.parametrize("changes, error, match", [
    ({"batch_size": 0}, ValueError, r"batch_size must be an int in \[1, inf\); got 0"),
    ({"batch_size": 1.5}, TypeError, "batch_size"),
    ({"max_epochs": 0}, ValueError, "max_epochs"),
    ({"lr": 0.0}, ValueError, r"lr must be a number in \(0, 1e\+06\]"),
    ({"lr": 3.4e37}, ValueError, r"lr must be a number in \(0, 1e\+06\]; got 3.4e\+37"),
    ({"lr": "0.1"}, TypeError, "lr"),
    ({"lr": float("nan")}, ValueError, "lr"),
    ({"weight_decay": -1.0}, ValueError, "weight_decay"),
    ({"patience": 0, "X_tune": np.zeros((3, 5)), "y_tune": np.zeros(3, int)}, ValueError,
     "patience"),
    ({"patience": 2}, ValueError, "patience=2 needs a tuning set"),
    ({"progress": "yes"}, TypeError, "progress"),
    ({"optimizer": "adm"}, ValueError, "optimizer must be one of"),
    ({"optimizer": 3}, TypeError, "optimizer"),
    ({"optimizer": torch.optim.Adam([torch.zeros(1, requires_grad=True)])}, TypeError,
     "optimizer"),
    ({"optimizer_kwargs": "momentum"}, TypeError, "optimizer_kwargs"),
    ({"optimizer_kwargs": {"lr": 0.1}}, ValueError, "optimizer_kwargs must not contain 'lr'"),
    ({"optimizer_kwargs": {"colour": 1}}, TypeError, "optimizer_kwargs"),
    ({"generator": 0}, TypeError, "generator"),
    ({"device": "gpu"}, ValueError, "device"),
    ({"loss_fn": "cross-entropy"}, TypeError, "loss_fn"),
    ({"model": "MLP"}, TypeError, "model"),
    ({"y": np.zeros(19, int)}, ValueError, "same number of samples"),
    ({"X": np.zeros(20)}, ValueError, r"X must have shape \(n_samples, n_features\)"),
    ({"X": np.zeros((0, 5)), "y": np.zeros(0, int)}, ValueError, "at least 1 sample"),
    ({"X": np.full((20, 5), np.nan)}, ValueError, "X contains NaN"),
    ({"X": np.array([["a"] * 5] * 20)}, TypeError, "X must contain numbers"),
    ({"y": np.linspace(0, 1, 20)}, TypeError, "y must contain integer class labels"),
    ({"y": np.arange(20)}, ValueError, "class labels 0 to 1"),
    ({"y": np.zeros((20, 1), int)}, ValueError, r"y must be one-dimensional.*y.ravel\(\)"),
    ({"X_tune": np.zeros((3, 5))}, ValueError, "y_tune is missing"),
    ({"y_tune": np.zeros(3, int)}, ValueError, "X_tune is missing"),
    ({"X_tune": np.zeros((3, 4)), "y_tune": np.zeros(3, int)}, ValueError,
     "X_tune must have the same number of features"),
    ({"X_tune": np.zeros((3, 5)), "y_tune": np.zeros(2, int)}, ValueError,
     "X_tune and y_tune must have the same number"),
    ({"loss_fn": nn.CrossEntropyLoss(reduction="none")}, ValueError, "single number"),
])
def test_fit_rejects_invalid_arguments(changes, error, match):
    arguments = {**_valid_fit_arguments(), **changes}
    model, X, y = arguments.pop("model"), arguments.pop("X"), arguments.pop("y")
    with pytest.raises(error, match=match):
        fit(model, X, y, **arguments)


# --- predictions --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def trained():
    X, y = easy_data()
    model = small_model()
    fit(model, X, y, max_epochs=10, generator=torch.Generator().manual_seed(0))
    return model, X, y


def test_predict_helpers_shapes_and_consistency(trained):
    model, X, y = trained
    logits = predict_logits(model, X)
    assert isinstance(logits, torch.Tensor) and logits.shape == (300, 2)
    assert logits.device.type == "cpu"
    proba = predict_proba(model, X)
    assert isinstance(proba, np.ndarray) and proba.shape == (300, 2)
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert ((proba >= 0) & (proba <= 1)).all()
    labels = predict(model, X)
    assert labels.shape == (300,)
    np.testing.assert_array_equal(labels, logits.argmax(dim=1).numpy())
    np.testing.assert_array_equal(labels, proba.argmax(axis=1))
    assert accuracy(model, X, y) == pytest.approx(np.mean(labels == y))


def test_predictions_do_not_depend_on_batch_size_and_restore_mode(trained):
    model, X, _ = trained
    model.train()
    try:
        small_batches = predict_logits(model, X, batch_size=7, device="cpu")
        assert model.training  # mode restored
    finally:
        model.eval()
    torch.testing.assert_close(small_batches, predict_logits(model, X), rtol=1e-5, atol=1e-6)


def test_predictions_use_eval_mode():
    X, _ = easy_data(n=20)
    model = small_model(dropout=0.5)
    model.train()
    torch.testing.assert_close(predict_logits(model, X), predict_logits(model, X),
                               rtol=0, atol=0)


@pytest.mark.parametrize("function", [predict_logits, predict_proba, predict])
def test_predict_helpers_reject_bad_arguments(trained, function):
    model, X, _ = trained
    with pytest.raises(ValueError, match="batch_size"):
        function(model, X, batch_size=0)
    with pytest.raises(TypeError, match="model"):
        function("model", X)
    with pytest.raises(ValueError, match="X contains NaN"):
        function(model, np.full((2, 5), np.nan))
    with pytest.raises(ValueError, match="X must have shape"):
        function(model, np.zeros(5))
    with pytest.raises(ValueError, match="device"):
        function(model, X, device="gpu")


def test_accuracy_rejects_mismatched_labels(trained):
    model, X, y = trained
    with pytest.raises(ValueError, match="same number of samples"):
        accuracy(model, X, y[:-1])
    with pytest.raises(TypeError, match="y must contain integer class labels"):
        accuracy(model, X, y + 0.5)
    # Whole-number floats (0.0, 1.0) are accepted as labels (issue 15).
    assert accuracy(model, X, y.astype(float)) == accuracy(model, X, y)


# --- count_parameters -----------------------------------------------------------------------

def test_count_parameters_by_hand_and_trainable_only():
    model = MLP(n_features=10, n_outputs=3, hidden=(5,))
    assert count_parameters(model) == 73  # (10*5 + 5) + (5*3 + 3)
    model.network[0].requires_grad_(False)  # freeze the first layer: 55 weights
    assert count_parameters(model) == 18
    assert count_parameters(model, trainable_only=False) == 73
    with pytest.raises(TypeError, match="trainable_only"):
        count_parameters(model, trainable_only=1)
    with pytest.raises(TypeError, match="model"):
        count_parameters([1, 2])


def test_neural_net_classifier_is_reexported():
    from dlbio.estimators import NeuralNetClassifier
    assert training.NeuralNetClassifier is NeuralNetClassifier
    assert "NeuralNetClassifier" in training.__all__


def test_weights_equal_is_bitwise():
    import torch

    from dlbio.training import weights_equal

    a = torch.nn.Linear(4, 3)
    b = torch.nn.Linear(4, 3)
    b.load_state_dict(a.state_dict())
    assert weights_equal(a, b)
    with torch.no_grad():
        b.bias[0] = torch.nextafter(b.bias[0], torch.tensor(10.0))  # one ulp apart
    assert not weights_equal(a, b)
    assert not weights_equal(a, torch.nn.Linear(4, 2))
    assert not weights_equal(a, torch.nn.Sequential(torch.nn.Linear(4, 3)))
    with pytest.raises(TypeError, match="model_b"):
        weights_equal(a, "not a model")

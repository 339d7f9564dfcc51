"""Tests for dlbio.tuning: the search space, scoring one setting, best-so-far curves, and one
Optuna study shared by several worker processes."""
import multiprocessing
import os
import pickle

import numpy as np
import optuna
import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution
from optuna.trial import FixedTrial, TrialState
from sklearn.metrics import roc_auc_score

from dlbio.datasets import make_expression
from dlbio.tuning import (
    DEFAULT_PARAMS,
    SEARCH_SPACE,
    HoldoutObjective,
    best_so_far,
    describe_space,
    holdout_score,
    make_network,
    run_parallel_study,
    suggest_network_params,
)

optuna.logging.set_verbosity(optuna.logging.WARNING)

SETTING = {"lr": 0.1, "weight_decay": 1e-4, "width": 16, "dropout": 0.1}


@pytest.fixture(scope="module")
def data():
    d = make_expression(240, 20, n_informative=6, random_state=0)
    return d.X[:120], d.y[:120], d.X[120:], d.y[120:]


class CountingObjective:
    """A cheap objective that leaves one file per evaluated trial number.

    The file is created in exclusive mode, so a trial number evaluated twice (by one
    worker or by two) raises instead of passing silently.
    """

    def __init__(self, folder):
        self.folder = str(folder)

    def __call__(self, trial):
        x = trial.suggest_float("x", -2.0, 2.0)
        with open(os.path.join(self.folder, f"trial-{trial.number}"), "x") as handle:
            handle.write(os.environ.get("OMP_NUM_THREADS", "unset"))
        return -(x - 0.5) ** 2


class FailingObjective:
    def __call__(self, trial):
        raise RuntimeError("broken objective")


# ----------------------------------------------------------------------------------------
# The search space
# ----------------------------------------------------------------------------------------
def test_search_space_scales_and_ranges():
    assert set(SEARCH_SPACE) == {"lr", "weight_decay", "width", "dropout"} == set(DEFAULT_PARAMS)
    assert SEARCH_SPACE["lr"].log and SEARCH_SPACE["weight_decay"].log
    assert not SEARCH_SPACE["dropout"].log and SEARCH_SPACE["dropout"].high < 1
    assert isinstance(SEARCH_SPACE["width"], CategoricalDistribution)


def test_suggest_network_params_fixed_trial():
    assert suggest_network_params(FixedTrial(SETTING)) == SETTING


def test_suggest_network_params_records_the_distributions():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    trial = study.ask()
    params = suggest_network_params(trial)
    assert set(params) == set(SEARCH_SPACE)
    assert trial.distributions == SEARCH_SPACE
    for name, dist in SEARCH_SPACE.items():
        assert dist._contains(dist.to_internal_repr(params[name]))


def test_suggest_network_params_log_scale_draws():
    # Sampled on a log scale, each decade of [1e-4, 10] gets about a fifth of the draws.
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    lrs = np.array([suggest_network_params(study.ask())["lr"] for _ in range(1000)])
    counts = np.histogram(np.log10(lrs), bins=np.arange(-4, 2))[0]
    assert counts.min() > 150 and counts.max() < 250


def test_suggest_network_params_custom_space():
    space = {"lr": FloatDistribution(0.01, 1.0, log=True)}
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    params = suggest_network_params(study.ask(), space)
    assert list(params) == ["lr"] and 0.01 <= params["lr"] <= 1.0


@pytest.mark.parametrize("space, error, match", [
    ({"momentum": FloatDistribution(0, 1)}, ValueError, "space"),
    ({"lr": (1e-4, 1.0)}, TypeError, "space"),
    ({}, TypeError, "space"),
    ([("lr", FloatDistribution(0.1, 1))], TypeError, "space"),
])
def test_suggest_network_params_rejects_bad_spaces(space, error, match):
    with pytest.raises(error, match=match):
        suggest_network_params(FixedTrial(SETTING), space)


def test_suggest_network_params_rejects_a_non_trial():
    with pytest.raises(TypeError, match="trial"):
        suggest_network_params({"lr": 0.1})


def test_describe_space():
    text = describe_space()
    assert text == {"lr": "log-uniform [0.0001, 10]", "weight_decay": "log-uniform [1e-06, 0.1]",
                    "width": "one of (16, 32, 64, 128, 256)", "dropout": "uniform [0, 0.5]"}
    assert describe_space({"dropout": FloatDistribution(0.0, 0.4, step=0.1)}) == {
        "dropout": "uniform [0, 0.4, step 0.1]"}


# ----------------------------------------------------------------------------------------
# One setting -> one network -> one score
# ----------------------------------------------------------------------------------------
def test_make_network_maps_the_setting():
    model = make_network(SETTING, max_epochs=3, batch_size=16, random_state=4, device="cpu")
    assert [name for name, _ in model.steps] == ["scale", "net"]
    net = model.named_steps["net"]
    assert net.hidden == (16,) and net.lr == 0.1 and net.weight_decay == 1e-4
    assert net.dropout == 0.1 and net.optimizer == "sgd"
    assert (net.max_epochs, net.batch_size, net.random_state) == (3, 16, 4)


def test_make_network_defaults_fill_missing_values():
    net = make_network({"lr": 0.5}).named_steps["net"]
    assert net.lr == 0.5 and net.hidden == (DEFAULT_PARAMS["width"],)
    assert net.dropout == DEFAULT_PARAMS["dropout"]
    assert make_network().named_steps["net"].lr == DEFAULT_PARAMS["lr"]
    assert make_network(optimizer="adam").named_steps["net"].optimizer == "adam"


@pytest.mark.parametrize("params, error, match", [
    ({"momentum": 0.9}, ValueError, "params"),
    ({"lr": 0.0}, ValueError, "lr"),
    ({"lr": float("nan")}, ValueError, "lr"),  # a number, but not a usable one (issue 15)
    ({"lr": "0.1"}, TypeError, "lr"),
    ({"weight_decay": -1e-3}, ValueError, "weight_decay"),
    ({"dropout": 1.0}, ValueError, "dropout"),
    ({"width": 0}, ValueError, "width"),
    ({"width": 16.5}, TypeError, "width"),
    ([("lr", 0.1)], TypeError, "params"),
])
def test_make_network_rejects_bad_params(params, error, match):
    with pytest.raises(error, match=match):
        make_network(params)


@pytest.mark.parametrize("kwargs, match", [
    ({"max_epochs": 0}, "max_epochs"), ({"batch_size": 0}, "batch_size"),
    ({"random_state": -1}, "random_state"), ({"optimizer": "rmsprop"}, "optimizer"),
    ({"device": "tpu"}, "device"),
])
def test_make_network_rejects_bad_training_arguments(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        make_network(SETTING, **kwargs)


def test_holdout_score_is_the_validation_auroc_and_repeatable(data):
    X_train, y_train, X_val, y_val = data
    score = holdout_score(SETTING, X_train, y_train, X_val, y_val, device="cpu")
    model = make_network(SETTING, device="cpu").fit(X_train, y_train)
    assert score == pytest.approx(roc_auc_score(y_val, model.predict_proba(X_val)[:, 1]))
    assert holdout_score(SETTING, X_train, y_train, X_val, y_val, device="cpu") == score
    assert 0.6 < score <= 1.0


def test_holdout_score_learning_rate_matters(data):
    # Five epochs of plain SGD: a tiny learning rate barely moves the weights.
    X_train, y_train, X_val, y_val = data
    good = holdout_score({"lr": 0.3}, X_train, y_train, X_val, y_val, device="cpu")
    tiny = holdout_score({"lr": 1e-4}, X_train, y_train, X_val, y_val, device="cpu")
    assert good > tiny + 0.1


def test_holdout_score_diverged_run_scores_one_half(data):
    X_train, y_train, X_val, y_val = data
    assert holdout_score({"lr": 1e4}, X_train, y_train, X_val, y_val, device="cpu") == 0.5


def test_holdout_score_rejects_bad_data(data):
    X_train, y_train, X_val, y_val = data
    with pytest.raises(ValueError, match="X_val"):
        holdout_score(SETTING, X_train, y_train, X_val[:, :5], y_val)
    with pytest.raises(ValueError, match="y_train"):
        holdout_score(SETTING, X_train, y_train[:-1], X_val, y_val)
    with pytest.raises(ValueError, match="y_val"):
        holdout_score(SETTING, X_train, y_train, X_val, np.zeros(len(y_val), dtype=int))
    with pytest.raises(ValueError, match="X_train"):
        holdout_score(SETTING, X_train[:, 0], y_train, X_val, y_val)


# ----------------------------------------------------------------------------------------
# Best so far
# ----------------------------------------------------------------------------------------
def test_best_so_far_running_max_and_gaps():
    np.testing.assert_array_equal(best_so_far([0.6, None, 0.7, np.nan, 0.65]),
                                  [0.6, 0.6, 0.7, 0.7, 0.7])
    out = best_so_far([None, 0.5, 0.4])
    assert np.isnan(out[0]) and list(out[1:]) == [0.5, 0.5]
    np.testing.assert_array_equal(best_so_far([3.0, 1.0, 2.0], direction="minimize"),
                                  [3.0, 1.0, 1.0])
    assert best_so_far([]).shape == (0,)


def test_best_so_far_of_a_study_skips_pruned_trials():
    study = optuna.create_study(direction="maximize")
    for value in (0.2, None, 0.9, 0.5):
        trial = study.ask()
        if value is None:
            study.tell(trial, state=TrialState.PRUNED)
        else:
            study.tell(trial, value)
    np.testing.assert_array_equal(best_so_far(study), [0.2, 0.2, 0.9, 0.9])
    with pytest.raises(ValueError, match="direction"):
        best_so_far(study, direction="minimize")


@pytest.mark.parametrize("values, error, match", [
    ("0.5", TypeError, "values"), (0.5, TypeError, "values"),
    ([[0.1, 0.2]], ValueError, "values"), ([0.1, np.inf], ValueError, "values"),
])
def test_best_so_far_rejects_bad_values(values, error, match):
    with pytest.raises(error, match=match):
        best_so_far(values)


def test_best_so_far_rejects_bad_direction():
    with pytest.raises(ValueError, match="direction"):
        best_so_far([0.1], direction="max")
    with pytest.raises(ValueError, match="single-objective"):
        best_so_far(optuna.create_study(directions=["maximize", "minimize"]))


# ----------------------------------------------------------------------------------------
# Objectives and worker processes
# ----------------------------------------------------------------------------------------
def test_holdout_objective_matches_holdout_score_and_pickles(data):
    objective = HoldoutObjective(*data, max_epochs=3)
    restored = pickle.loads(pickle.dumps(objective))
    expected = holdout_score(SETTING, *data, max_epochs=3, device="cpu")
    assert restored(FixedTrial(SETTING)) == pytest.approx(expected)


def test_holdout_objective_validates(data):
    X_train, y_train, X_val, y_val = data
    with pytest.raises(ValueError, match="y_train"):
        HoldoutObjective(X_train, y_train[:5], X_val, y_val)
    with pytest.raises(ValueError, match="max_epochs"):
        HoldoutObjective(*data, max_epochs=0)
    with pytest.raises(ValueError, match="space"):
        HoldoutObjective(*data, space={"momentum": FloatDistribution(0, 1)})
    with pytest.raises(ValueError, match="device"):
        HoldoutObjective(*data, device="tpu")


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_parallel_study_records_every_trial_exactly_once(tmp_path, start_method):
    if start_method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{start_method} is not available on this platform")
    calls = tmp_path / "calls"
    calls.mkdir()
    threads_before = os.environ.get("OMP_NUM_THREADS")
    study = run_parallel_study(CountingObjective(calls), n_trials=6, n_workers=2, seed=3,
                               directory=str(tmp_path), study_name="shared",
                               start_method=start_method)
    trials = study.trials
    # Six trials, numbered 0-5 once each, all complete, run by both workers (not this process).
    assert sorted(t.number for t in trials) == list(range(6))
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert {t.user_attrs["worker"] for t in trials} == {0, 1}
    assert os.getpid() not in {t.user_attrs["pid"] for t in trials}
    assert len({t.user_attrs["pid"] for t in trials}) == 2
    # The objective ran exactly once per trial (a second run would have failed to create its
    # file), in workers limited to one thread; this process's environment is restored.
    assert sorted(p.name for p in calls.iterdir()) == sorted(f"trial-{k}" for k in range(6))
    assert {p.read_text() for p in calls.iterdir()} == {"1"}
    assert os.environ.get("OMP_NUM_THREADS") == threads_before
    # The journal on disk holds the same six trials.
    storage = optuna.storages.JournalStorage(
        optuna.storages.journal.JournalFileBackend(str(tmp_path / "shared.log")))
    on_disk = optuna.load_study(study_name="shared", storage=storage)
    assert sorted(t.number for t in on_disk.trials) == list(range(6))


def test_parallel_study_continues_an_existing_journal(tmp_path):
    calls = tmp_path / "calls"
    calls.mkdir()
    first = run_parallel_study(CountingObjective(calls), n_trials=4, n_workers=2,
                               directory=str(tmp_path), study_name="resumed")
    more = run_parallel_study(CountingObjective(calls), n_trials=2, n_workers=2, seed=5,
                              directory=str(tmp_path), study_name="resumed")
    assert len(first.trials) == 4
    assert sorted(t.number for t in more.trials) == list(range(6))
    assert len(list(calls.iterdir())) == 6


def test_parallel_study_workers_use_different_seeds(tmp_path):
    calls = tmp_path / "calls"
    calls.mkdir()
    study = run_parallel_study(CountingObjective(calls), n_trials=4, n_workers=2,
                               n_startup_trials=10)
    xs = [t.params["x"] for t in study.trials]
    assert len(set(xs)) == 4  # two workers with one seed would propose the same values


def test_parallel_study_uses_a_temporary_directory_by_default(tmp_path):
    calls = tmp_path / "calls"
    calls.mkdir()
    study = run_parallel_study(CountingObjective(calls), n_trials=3, n_workers=2)
    assert len(study.trials) == 3 and study.best_value <= 0
    assert study.best_trial.user_attrs["worker"] in (0, 1)


def test_parallel_study_reports_a_failed_worker():
    with pytest.raises(RuntimeError, match="worker"):
        run_parallel_study(FailingObjective(), n_trials=2, n_workers=2)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"objective": 3}, TypeError, "objective"),
    ({"n_trials": 0}, ValueError, "n_trials"),
    ({"n_workers": 5, "n_trials": 4}, ValueError, "n_workers"),
    ({"study_name": ""}, ValueError, "study_name"),
    ({"seed": -1}, ValueError, "seed"),
    ({"n_startup_trials": -1}, ValueError, "n_startup_trials"),
    ({"directory": "/no/such/folder"}, ValueError, "directory"),
    ({"start_method": "thread"}, ValueError, "start_method"),
])
def test_run_parallel_study_validates(kwargs, error, match):
    arguments = {"objective": FailingObjective(), **kwargs}
    with pytest.raises(error, match=match):
        run_parallel_study(**arguments)

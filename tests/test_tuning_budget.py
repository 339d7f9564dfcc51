"""Tests for dlbio.tuning.BudgetedScorer (holdout_score with a call budget and a fixed pipeline) and
best_reachable_score (the best-of-9-learning-rates yardstick a budgeted search is judged against)."""
import pytest

from dlbio.datasets import make_expression
import numpy as np

from dlbio.tuning import BudgetedScorer, BudgetExceededError, best_reachable_score, holdout_score


@pytest.fixture(scope="module")
def parts():
    d = make_expression(160, 20, n_informative=5, random_state=0)
    return d.X[:80], d.y[:80], d.X[80:], d.y[80:]


def test_counts_calls_and_refuses_the_one_after_the_budget(parts):
    score = BudgetedScorer(2, device="cpu")
    assert score.remaining == 2
    first = score({"lr": 0.3}, *parts)
    assert first == pytest.approx(holdout_score({"lr": 0.3}, *parts, device="cpu"))
    score({"lr": 0.03}, *parts)
    assert score.calls == 2 and score.remaining == 0 and len(score.history) == 2
    with pytest.raises(BudgetExceededError, match="budget"):
        score({"lr": 1.0}, *parts)
    assert score.calls == 2


def test_full_batch_uses_the_training_set_as_one_batch(parts):
    full = BudgetedScorer(1, batch_size=None, device="cpu")({"lr": 1.0}, *parts)
    assert full == pytest.approx(holdout_score({"lr": 1.0}, *parts, batch_size=80, device="cpu"))


@pytest.mark.parametrize("kwargs", [{"budget": 0}, {"budget": 2.5}, {"budget": 3, "batch_size": 0}])
def test_bad_arguments_are_refused(kwargs):
    with pytest.raises((ValueError, TypeError), match="budget|batch_size"):
        BudgetedScorer(**kwargs)


def test_best_reachable_score_is_the_best_of_its_learning_rates(parts):
    best = best_reachable_score(*parts, device="cpu")
    tried = [holdout_score({"lr": float(lr)}, *parts, device="cpu") for lr in np.geomspace(1e-3, 10, 9)]
    assert best == pytest.approx(max(tried))
    assert best > 0.5  # the simulated signal is found at some learning rate


def test_best_reachable_score_full_batch_and_pipeline(parts):
    full = best_reachable_score(*parts, batch_size=None, max_epochs=2, device="cpu")
    same = best_reachable_score(*parts, batch_size=80, max_epochs=2, device="cpu")
    assert full == pytest.approx(same)
    assert full != pytest.approx(best_reachable_score(*parts, device="cpu"))  # the pipeline matters


@pytest.mark.parametrize("kwargs, match", [({"batch_size": 0}, "batch_size"), ({"max_epochs": 0}, "max_epochs"),
                                           ({"optimizer": "lbfgs"}, "optimizer")])
def test_best_reachable_score_refuses_bad_arguments(parts, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        best_reachable_score(*parts, device="cpu", **kwargs)


def test_best_reachable_score_refuses_one_class(parts):
    X, y, X_new, y_new = parts
    with pytest.raises(ValueError, match="y_train"):
        best_reachable_score(X, np.zeros_like(y), X_new, y_new, device="cpu")

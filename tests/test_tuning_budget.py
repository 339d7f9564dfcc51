"""Tests for dlbio.tuning.BudgetedScorer: holdout_score with a call budget and a fixed pipeline."""
import pytest

from dlbio.datasets import make_expression
from dlbio.tuning import BudgetedScorer, BudgetExceededError, holdout_score


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

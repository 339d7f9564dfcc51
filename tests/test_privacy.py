"""Tests for dlbio.privacy: per-example losses, attack AUC and advantage, and DP-SGD."""
import math
import warnings

import numpy as np
import pytest
import torch
from torch import nn

from dlbio.datasets import make_cohort
from dlbio.models import MLP
from dlbio.privacy import (
    attack_auc,
    membership_advantage,
    noise_multiplier,
    per_example_loss,
    train_dp,
)
from dlbio.training import fit


def _linear(weight, bias):
    model = nn.Linear(len(weight[0]), len(weight))
    with torch.no_grad():
        model.weight.copy_(torch.tensor(weight, dtype=torch.float32))
        model.bias.copy_(torch.tensor(bias, dtype=torch.float32))
    return model


# ----------------------------------------------------------------------------------------
# per_example_loss
# ----------------------------------------------------------------------------------------
def test_per_example_loss_is_the_cross_entropy_of_each_example():
    model = _linear([[1.0, 0.0], [0.0, 2.0], [-1.0, 1.0]], [0.0, 0.5, -0.5])
    X = np.array([[0.5, 1.0], [2.0, -1.0], [0.0, 0.0], [-1.0, 3.0]])
    y = np.array([0, 1, 2, 1])
    logits = X @ np.array([[1.0, 0.0], [0.0, 2.0], [-1.0, 1.0]]).T + [0.0, 0.5, -0.5]
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    expected = -log_p[np.arange(4), y]
    losses = per_example_loss(model, X, y)
    assert losses.dtype == np.float64 and losses.shape == (4,)
    np.testing.assert_allclose(losses, expected, rtol=1e-6)


def test_per_example_loss_keeps_confident_predictions_apart():
    model = _linear([[0.0], [1.0]], [0.0, 0.0])
    losses = per_example_loss(model, [[10.0], [20.0]], [1, 1])  # float32 softmax: 0 for 20
    assert 0 < losses[1] < losses[0]


def test_per_example_loss_does_not_change_the_mode_or_the_weights():
    model = MLP(3, hidden=(4,), dropout=0.5)
    model.train()
    before = [p.detach().clone() for p in model.parameters()]
    first = per_example_loss(model, np.ones((5, 3)), np.zeros(5, dtype=int))
    second = per_example_loss(model, np.ones((5, 3)), np.zeros(5, dtype=int))
    np.testing.assert_array_equal(first, second)  # dropout off while scoring
    assert model.training
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))


@pytest.mark.parametrize("y, match", [
    ([0, 1, 2], "labels 0 to 1"),
    ([0, 1], "one label per row"),
    ([0.5, 1.0, 0.0], "integer class labels"),
])
def test_per_example_loss_rejects_bad_labels(y, match):
    with pytest.raises((ValueError, TypeError), match=match):
        per_example_loss(nn.Linear(2, 2), np.zeros((3, 2)), np.array(y))


def test_per_example_loss_needs_two_classes():
    with pytest.raises(ValueError, match="at least 2 classes"):
        per_example_loss(nn.Linear(2, 1), np.zeros((3, 2)), [0, 0, 0])


# ----------------------------------------------------------------------------------------
# attack_auc and membership_advantage
# ----------------------------------------------------------------------------------------
def test_attack_auc_known_values():
    assert attack_auc([3.0, 2.0], [1.0, 2.0]) == 0.875  # one tie counts one half
    assert attack_auc([5, 6, 7], [1, 2]) == 1.0
    assert attack_auc([1, 2], [5, 6, 7]) == 0.0
    assert attack_auc([1.0, 1.0], [1.0]) == 0.5


def test_attack_auc_is_near_half_for_identical_distributions():
    rng = np.random.default_rng(0)
    assert abs(attack_auc(rng.normal(size=4000), rng.normal(size=4000)) - 0.5) < 0.02


def test_membership_advantage_known_values():
    result = membership_advantage([-0.1, -0.5, -0.9], [-0.3, -1.2, -2.0], threshold=-0.5)
    assert result == {"tpr": pytest.approx(2 / 3), "fpr": pytest.approx(1 / 3),
                      "advantage": pytest.approx(1 / 3)}
    assert membership_advantage([1, 2], [3, 4], threshold=0)["advantage"] == 0.0  # all "in"
    assert membership_advantage([3, 4], [1, 2], threshold=2.5)["advantage"] == 1.0


@pytest.mark.parametrize("call, match", [
    (lambda: attack_auc([], [1.0]), "member_scores"),
    (lambda: attack_auc([1.0], [np.nan]), "nonmember_scores"),
    (lambda: attack_auc([[1.0, 2.0]], [1.0]), "member_scores"),
    (lambda: attack_auc(["a"], [1.0]), "member_scores"),
    (lambda: membership_advantage([1.0], [2.0], threshold=np.nan), "threshold"),
    (lambda: membership_advantage([1.0], [2.0], threshold="low"), "threshold"),
    (lambda: membership_advantage([1.0], [], threshold=0.0), "nonmember_scores"),
])
def test_attack_helpers_validate_their_arguments(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()


# ----------------------------------------------------------------------------------------
# noise_multiplier and train_dp
# ----------------------------------------------------------------------------------------
SETTINGS = dict(target_delta=1e-5, sample_rate=0.25, steps=40)


def test_smaller_budget_needs_more_noise():
    sigmas = [noise_multiplier(eps, **SETTINGS) for eps in (0.3, 4.0, 8.0)]
    assert sigmas[0] > sigmas[1] > sigmas[2] > 0


def test_noise_multiplier_validates_its_arguments():
    for kwargs, name in [(dict(target_epsilon=0.0), "target_epsilon"),
                         (dict(target_epsilon=4.0, target_delta=0.5), "target_delta"),
                         (dict(target_epsilon=4.0, sample_rate=1.5), "sample_rate"),
                         (dict(target_epsilon=4.0, steps=0), "steps")]:
        arguments = {**SETTINGS, **kwargs}
        epsilon = arguments.pop("target_epsilon")
        with pytest.raises(ValueError, match=name):
            noise_multiplier(epsilon, **arguments)


@pytest.fixture(scope="module")
def cohort():
    data = make_cohort(120, 200, n_features=10, n_informative=10, separation=4.0,
                       label_noise=0.1, subgroup_fraction=0.0, random_state=0)
    members = data.truth.is_member
    return data.X[members], data.y[members], data.X[~members], data.y[~members]


def _dp(cohort, epsilon=4.0, random_state=0, **kwargs):
    X, y, _, _ = cohort
    torch.manual_seed(0)
    model = MLP(10, hidden=(16,))
    settings = dict(epochs=10, batch_size=30)
    settings.update(kwargs)
    return train_dp(model, X, y, target_epsilon=epsilon, random_state=random_state, **settings)


def test_train_dp_spends_at_most_the_budget_and_learns(cohort):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no Opacus or torch warning escapes
        result = _dp(cohort)
    assert 3.5 < result.epsilon <= 4.0 + 1e-6
    assert result.steps == 40 and result.sample_rate == 0.25 and result.accountant == "rdp"
    assert result.noise_multiplier == pytest.approx(noise_multiplier(4.0, **SETTINGS))
    _, _, X_out, y_out = cohort
    model = result.model
    assert type(model) is MLP and not model.training
    accuracy = (model(torch.as_tensor(X_out)).argmax(1).numpy() == y_out).mean()
    assert accuracy > 0.7


def test_train_dp_leaves_a_plain_model(cohort):
    model = _dp(cohort).model
    for parameter in model.parameters():
        assert parameter.grad is None and not hasattr(parameter, "grad_sample")
    fit(model, cohort[0], cohort[1], max_epochs=1)  # trains like any model afterwards


def test_train_dp_is_reproducible(cohort):
    first, second = _dp(cohort).model, _dp(cohort).model
    other = _dp(cohort, random_state=1).model
    assert all(torch.equal(a, b) for a, b in zip(first.parameters(), second.parameters()))
    assert not all(torch.equal(a, b) for a, b in zip(first.parameters(), other.parameters()))


def test_train_dp_leaves_the_global_rng_alone(cohort):
    X, y, _, _ = cohort
    model = MLP(10, hidden=(16,))
    state = torch.get_rng_state()
    train_dp(model, X, y, target_epsilon=4.0, epochs=10, batch_size=30)
    assert torch.equal(torch.get_rng_state(), state)


def test_stronger_privacy_costs_utility_and_leaks_less(cohort):
    X, y, X_out, y_out = cohort
    results = {}
    for epsilon in (0.3, 8.0):
        model = _dp(cohort, epsilon=epsilon, lr=0.02).model
        member, outsider = per_example_loss(model, X, y), per_example_loss(model, X_out, y_out)
        results[epsilon] = (attack_auc(-member, -outsider),
                            (model(torch.as_tensor(X_out)).argmax(1).numpy() == y_out).mean())
    assert results[0.3][1] < results[8.0][1] - 0.05
    assert abs(results[0.3][0] - 0.5) < 0.1


@pytest.mark.parametrize("kwargs, error, name", [
    (dict(target_epsilon=-1.0), ValueError, "target_epsilon"),
    (dict(target_epsilon=None), TypeError, "target_epsilon"),
    (dict(target_delta=0.0), ValueError, "target_delta"),
    (dict(epochs=0), ValueError, "epochs"),
    (dict(batch_size=500), ValueError, "batch_size"),
    (dict(max_grad_norm=0.0), ValueError, "max_grad_norm"),
    (dict(lr=-0.1), ValueError, "lr"),
    (dict(optimizer="lbfgs"), ValueError, "optimizer"),
    (dict(random_state=1.5), TypeError, "random_state"),
    (dict(device="tpu"), ValueError, "device"),
])
def test_train_dp_validates_its_arguments(cohort, kwargs, error, name):
    X, y, _, _ = cohort
    arguments = dict(target_epsilon=4.0)
    arguments.update(kwargs)
    with pytest.raises(error, match=name):
        train_dp(MLP(10, hidden=(4,)), X, y, **arguments)


def test_train_dp_checks_the_model_and_data(cohort):
    X, y, _, _ = cohort
    with pytest.raises(TypeError, match="model"):
        train_dp("mlp", X, y, target_epsilon=1.0)
    with pytest.raises(ValueError, match="same number of samples"):
        train_dp(MLP(10), X, y[:-1], target_epsilon=1.0)
    bad = X.copy()
    bad[0, 0] = math.nan
    with pytest.raises(ValueError, match="NaN"):
        train_dp(MLP(10), bad, y, target_epsilon=1.0)

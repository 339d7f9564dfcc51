"""Tests for dlbio.models."""
import pytest
import torch
from torch import nn

from dlbio.models import MLP
from dlbio.training import count_parameters, limit_threads


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    limit_threads(1)


def test_output_shape_is_samples_by_outputs():
    model = MLP(n_features=7, n_outputs=3, hidden=(8, 4))
    assert model(torch.zeros(5, 7)).shape == (5, 3)


def test_layers_follow_hidden_widths():
    model = MLP(n_features=7, n_outputs=3, hidden=(8, 4))
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(7, 8), (8, 4), (4, 3)]
    assert sum(isinstance(m, nn.ReLU) for m in model.modules()) == 2
    assert not any(isinstance(m, nn.Dropout) for m in model.modules())
    # The head is last and has no activation after it: the model returns logits.
    assert isinstance(model.network[-1], nn.Linear)


def test_no_hidden_layer_is_logistic_regression():
    model = MLP(n_features=4, n_outputs=2, hidden=())
    assert [type(m) for m in model.network] == [nn.Linear]
    assert count_parameters(model) == 4 * 2 + 2


def test_parameter_count_matches_hand_count():
    model = MLP(n_features=10, n_outputs=3, hidden=(5,))
    assert count_parameters(model) == (10 * 5 + 5) + (5 * 3 + 3)


def test_attributes_are_stored():
    model = MLP(n_features=6, n_outputs=4, hidden=[16, 8], dropout=0.25)
    assert (model.n_features, model.n_outputs, model.hidden, model.dropout) == (6, 4, (16, 8), 0.25)


def test_dropout_is_active_only_in_training_mode():
    torch.manual_seed(0)
    model = MLP(n_features=20, n_outputs=2, hidden=(256,), dropout=0.5)
    assert sum(isinstance(m, nn.Dropout) for m in model.modules()) == 1
    x = torch.randn(4, 20)
    model.train()
    assert not torch.equal(model(x), model(x))
    model.eval()
    assert torch.equal(model(x), model(x))


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n_features": 0}, ValueError, "n_features"),
    ({"n_features": 2.5}, TypeError, "n_features"),
    ({"n_features": True}, TypeError, "n_features"),
    ({"n_features": 3, "n_outputs": 0}, ValueError, "n_outputs"),
    ({"n_features": 3, "hidden": 64}, TypeError, r"hidden must be a tuple.*\(64,\)"),
    ({"n_features": 3, "hidden": "64"}, TypeError, "hidden"),
    ({"n_features": 3, "hidden": (64, 0)}, ValueError, r"hidden\[1\]"),
    ({"n_features": 3, "hidden": (64, 8.0)}, TypeError, r"hidden\[1\]"),
    ({"n_features": 3, "dropout": 1.0}, ValueError, r"dropout must be a number in \[0, 1\)"),
    ({"n_features": 3, "dropout": -0.1}, ValueError, "dropout"),
    ({"n_features": 3, "dropout": "0.1"}, TypeError, "dropout"),
])
def test_invalid_arguments_name_the_parameter(kwargs, error, match):
    with pytest.raises(error, match=match):
        MLP(**kwargs)

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


# ----------------------------------------------------------------------------------------
# MotifCNN
# ----------------------------------------------------------------------------------------
from dlbio.models import MotifCNN  # noqa: E402


def _planted(length, start, pattern):
    """One sequence of zeros (no base) with a one-hot ``pattern`` (4, w) at ``start``."""
    x = torch.zeros(1, 4, length)
    x[0, :, start:start + pattern.shape[1]] = pattern
    return x


def test_cnn_output_and_feature_shapes():
    model = MotifCNN(n_outputs=3, n_filters=5, kernel_size=7)
    x = torch.rand(6, 4, 40)
    assert model(x).shape == (6, 3)
    assert model.features(x).shape == (6, 5)
    assert model.conv.weight.shape == (5, 4, 7)


def test_cnn_parameter_count_matches_hand_count_and_ignores_length():
    model = MotifCNN(n_outputs=2, n_filters=16, kernel_size=12)
    assert count_parameters(model) == (16 * 4 * 12 + 16) + (16 * 2 + 2)
    # the same weights serve any sequence length
    assert model(torch.rand(2, 4, 30)).shape == model(torch.rand(2, 4, 300)).shape
    deeper = MotifCNN(n_outputs=2, n_filters=8, kernel_size=5, hidden=(4,))
    assert count_parameters(deeper) == (8 * 4 * 5 + 8) + (8 * 4 + 4) + (4 * 2 + 2)


def test_cnn_with_global_max_pooling_ignores_where_the_motif_is():
    torch.manual_seed(0)
    model = MotifCNN(n_outputs=2, n_filters=8, kernel_size=6)
    pattern = torch.eye(4)[:, [0, 1, 2, 3, 3, 2]]            # ACGTTG
    # away from the ends, so that every window that overlaps the motif exists
    outputs = [model(_planted(60, start, pattern)) for start in (8, 27, 45)]
    for other in outputs[1:]:
        torch.testing.assert_close(other, outputs[0], rtol=0, atol=1e-6)
    # a network that flattens the positions does depend on where the motif is
    mlp = MLP(n_features=240, n_outputs=2, hidden=(8,))
    flat = [mlp(_planted(60, start, pattern).reshape(1, -1)) for start in (0, 17)]
    assert not torch.allclose(flat[0], flat[1])


@pytest.mark.parametrize("pool", ["max", "mean"])
def test_cnn_pooling_is_over_positions(pool):
    torch.manual_seed(1)
    model = MotifCNN(n_outputs=2, n_filters=3, kernel_size=4, pool=pool)
    x = torch.rand(5, 4, 20)
    activations = torch.relu(model.conv(x))
    expected = activations.amax(dim=2) if pool == "max" else activations.mean(dim=2)
    torch.testing.assert_close(model.features(x), expected)
    torch.testing.assert_close(model(x), model.head(expected))


def test_cnn_head_can_be_replaced_for_transfer_learning():
    model = MotifCNN(n_outputs=4, n_filters=6, kernel_size=3)
    model.head = nn.Linear(model.n_filters, 2)
    assert model(torch.rand(3, 4, 10)).shape == (3, 2)


def test_cnn_attributes_are_stored():
    model = MotifCNN(3, n_channels=5, n_filters=7, kernel_size=2, pool="mean", hidden=[4],
                     dropout=0.1)
    assert (model.n_outputs, model.n_channels, model.n_filters, model.kernel_size,
            model.pool, model.hidden, model.dropout) == (3, 5, 7, 2, "mean", (4,), 0.1)
    assert sum(isinstance(m, nn.Dropout) for m in model.modules()) == 1


def test_cnn_learns_a_planted_motif():
    from dlbio.datasets import make_motif_sequences
    from dlbio.training import accuracy, fit, seed_everything

    train = make_motif_sequences(400, 60, random_state=0)
    test = make_motif_sequences(300, 60, random_state=1)
    seed_everything(0)
    model = MotifCNN(n_filters=8)
    fit(model, train.X, train.y, lr=1e-2, batch_size=32, max_epochs=8)
    assert accuracy(model, test.X, test.y) > 0.85


@pytest.mark.parametrize("shape, match", [
    ((3, 800), "flattened"),
    ((3, 5, 50), r"\(n_samples, 4, length\)"),
    ((3, 4, 5), "kernel_size=12"),
])
def test_cnn_input_errors_explain_the_expected_shape(shape, match):
    with pytest.raises(ValueError, match=match):
        MotifCNN()(torch.zeros(shape))


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n_outputs": 0}, ValueError, "n_outputs"),
    ({"n_outputs": 1.0}, TypeError, "n_outputs"),
    ({"n_channels": 0}, ValueError, "n_channels"),
    ({"n_filters": 0}, ValueError, "n_filters"),
    ({"n_filters": True}, TypeError, "n_filters"),
    ({"kernel_size": 0}, ValueError, "kernel_size"),
    ({"kernel_size": "12"}, TypeError, "kernel_size"),
    ({"pool": "sum"}, ValueError, "pool"),
    ({"hidden": 8}, TypeError, "hidden"),
    ({"hidden": (8, 0)}, ValueError, r"hidden\[1\]"),
    ({"dropout": 1.0}, ValueError, "dropout"),
])
def test_cnn_invalid_arguments_name_the_parameter(kwargs, error, match):
    with pytest.raises(error, match=match):
        MotifCNN(**kwargs)

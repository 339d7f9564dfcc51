"""Tests for dlbio.transfer: cached source networks, the four reuse strategies, paired summaries."""
import numpy as np
import pytest
import torch

from dlbio.datasets import make_motif_sequences
from dlbio.models import MotifCNN
from dlbio.training import weights_equal
from dlbio.transfer import (STRATEGIES, compare_over_seeds, frozen_features, pretrained_motif_cnn,
                            reuse_motif_cnn)

SMALL = dict(n_samples=200, seq_length=60, epochs=1, n_filters=8)


@pytest.fixture(scope="module")
def source():
    return pretrained_motif_cnn(["A", "B"], **SMALL)


@pytest.fixture(scope="module")
def target():
    return make_motif_sequences(40, 60, motifs=["A", "B", "C"], label="and", random_state=3)


def test_pretrained_network_has_one_output_per_motif_and_reports_source_scores(source):
    assert isinstance(source.model, MotifCNN)
    assert source.model.n_outputs == 2 and source.model.n_filters == 8
    assert source.motif_names == ["A", "B"]
    assert set(source.source_auroc) == {"A", "B"}
    assert all(0.0 <= value <= 1.0 for value in source.source_auroc.values())
    assert source.params["motifs"] == {"A": "TGACTCAGCATG", "B": "GGCCAATCTCGT"}


def test_pretrained_network_is_cached_but_each_call_gets_its_own_copy(source):
    again = pretrained_motif_cnn(["A", "B"], **SMALL)
    assert again.model is not source.model
    assert weights_equal(again.model, source.model)
    with torch.no_grad():
        again.model.conv.weight.add_(1.0)
    assert weights_equal(pretrained_motif_cnn(["A", "B"], **SMALL).model, source.model)


def test_pretraining_depends_on_the_seed_and_accepts_custom_consensus(source):
    other = pretrained_motif_cnn(["A", "B"], **{**SMALL, "random_state": 1})
    assert not weights_equal(other.model, source.model)
    custom = pretrained_motif_cnn({"X": "ACGTTGCAACGT"}, **SMALL)
    assert custom.motif_names == ["X"] and custom.model.n_outputs == 1


def test_pretraining_leaves_the_global_torch_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    pretrained_motif_cnn(["C"], **{**SMALL, "random_state": 7})
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_every_strategy_returns_a_new_two_class_network_and_leaves_the_source_unchanged(
        source, target, strategy):
    before = [p.detach().clone() for p in source.model.parameters()]
    model = reuse_motif_cnn(source.model, target.X, target.y, strategy=strategy, epochs=2,
                            fine_tune_epochs=1, device="cpu")
    assert model is not source.model
    assert model(torch.from_numpy(target.X[:3])).shape == (3, 2)
    assert all(torch.equal(a, b) for a, b in zip(before, source.model.parameters()))
    again = reuse_motif_cnn(source.model, target.X, target.y, strategy=strategy, epochs=2,
                            fine_tune_epochs=1, device="cpu")
    assert weights_equal(model, again)


def test_frozen_keeps_the_filters_and_fine_tuning_moves_them(source, target):
    frozen = reuse_motif_cnn(source.model, target.X, target.y, strategy="frozen", epochs=3,
                             device="cpu")
    assert torch.equal(frozen.conv.weight, source.model.conv.weight)
    assert not torch.equal(frozen.head.network[0].weight, source.model.head.network[0].weight[:2])
    for strategy in ("head_first", "all_at_once", "init"):
        tuned = reuse_motif_cnn(source.model, target.X, target.y, strategy=strategy, epochs=3,
                                device="cpu")
        assert not torch.equal(tuned.conv.weight, source.model.conv.weight), strategy
    scratch = reuse_motif_cnn(source.model, target.X, target.y, strategy="scratch", epochs=1,
                              device="cpu")
    assert scratch.n_filters == source.model.n_filters
    assert not torch.equal(scratch.conv.weight, source.model.conv.weight)


def test_init_trains_the_pretrained_weights_on_the_scratch_schedule(source, target):
    init = reuse_motif_cnn(source.model, target.X, target.y, strategy="init", epochs=3, lr=0.02,
                           random_state=4, device="cpu")
    # Only the start differs from scratch: the schedule is epochs at lr, whatever fine_tune_* say ...
    same = reuse_motif_cnn(source.model, target.X, target.y, strategy="init", epochs=3, lr=0.02,
                           fine_tune_epochs=7, fine_tune_lr=0.5, random_state=4, device="cpu")
    assert weights_equal(init, same)
    # ... which is all at once at that rate with no extra epochs
    aao = reuse_motif_cnn(source.model, target.X, target.y, strategy="all_at_once", epochs=3,
                          fine_tune_epochs=0, fine_tune_lr=0.02, random_state=4, device="cpu")
    assert weights_equal(init, aao)
    scratch = reuse_motif_cnn(source.model, target.X, target.y, strategy="scratch", epochs=3,
                              lr=0.02, random_state=4, device="cpu")
    assert not weights_equal(init, scratch)


def test_frozen_shortcut_equals_training_the_whole_network_with_frozen_filters(source, target):
    import copy

    from dlbio.models import MLP
    from dlbio.training import fit

    fast = reuse_motif_cnn(source.model, target.X, target.y, strategy="frozen", epochs=4,
                           random_state=5, device="cpu")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(5)
        slow = copy.deepcopy(source.model)
        slow.head = MLP(slow.n_filters, 2, hidden=())
        for parameter in slow.conv.parameters():
            parameter.requires_grad = False
        fit(slow, target.X, target.y, lr=1e-2, batch_size=32, max_epochs=4, device="cpu",
            generator=torch.Generator().manual_seed(5))
    for a, b in zip(fast.state_dict().values(), slow.state_dict().values()):
        assert torch.allclose(a, b, atol=1e-6)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(strategy="finetune"), ValueError, "strategy"),
    (dict(epochs=0), ValueError, "epochs"),
    (dict(lr=0.0), ValueError, "lr"),
    (dict(fine_tune_epochs=-1), ValueError, "fine_tune_epochs"),
    (dict(random_state=-1), ValueError, "random_state"),
    (dict(n_outputs=1.5), TypeError, "n_outputs"),
])
def test_reuse_rejects_bad_arguments_by_name(source, target, kwargs, error, match):
    with pytest.raises(error, match=match):
        reuse_motif_cnn(source.model, target.X, target.y, **kwargs)


def test_reuse_needs_a_motif_cnn(target):
    with pytest.raises(TypeError, match="pretrained"):
        reuse_motif_cnn(torch.nn.Linear(3, 2), target.X, target.y)


@pytest.mark.parametrize("motifs, kwargs, error, match", [
    (["Z"], {}, ValueError, "motifs"),
    ("A", {}, TypeError, "motifs"),
    ({"X": "ACGU"}, {}, ValueError, "motifs"),
    ([], {}, ValueError, "motifs"),
    (["A"], dict(n_samples=10), ValueError, "n_samples"),
    (["A"], dict(seq_length=8), ValueError, "seq_length"),
    (["A"], dict(kernel_size=100, seq_length=60), ValueError, "kernel_size"),
])
def test_pretrained_rejects_bad_arguments_by_name(motifs, kwargs, error, match):
    with pytest.raises(error, match=match):
        pretrained_motif_cnn(motifs, **kwargs)


def test_frozen_features_are_the_pooled_filter_scores_in_any_batch_size(source, target):
    expected = source.model.features(torch.from_numpy(target.X)).detach().numpy()
    before = [p.detach().clone() for p in source.model.parameters()]
    for batch_size in (1, 7, 128):
        features = frozen_features(source.model, target.X, batch_size=batch_size)
        assert isinstance(features, np.ndarray) and features.dtype == np.float32
        assert features.shape == (len(target.X), source.model.n_filters)
        np.testing.assert_allclose(features, expected, atol=1e-5)
    np.testing.assert_allclose(frozen_features(source.model, torch.from_numpy(target.X)), expected,
                               atol=1e-5)
    assert (features >= 0).all()                      # scores after the ReLU
    assert all(torch.equal(a, b) for a, b in zip(before, source.model.parameters()))


@pytest.mark.parametrize("network, X, kwargs, error, match", [
    (torch.nn.Linear(3, 2), None, {}, TypeError, "network"),
    (None, np.zeros((3, 60, 4), np.float32), {}, ValueError, "shape"),
    (None, np.zeros((3, 4, 5), np.float32), {}, ValueError, "kernel_size"),
    (None, None, dict(batch_size=0), ValueError, "batch_size"),
    (None, np.full((3, 4, 60), "A"), {}, TypeError, "X must contain numbers"),
    (None, np.full((3, 4, 60), np.nan, np.float32), {}, ValueError, "X contains 720 NaN"),
])
def test_frozen_features_reject_bad_arguments_by_name(source, target, network, X, kwargs, error,
                                                      match):
    with pytest.raises(error, match=match):
        frozen_features(source.model if network is None else network,
                        target.X if X is None else X, **kwargs)


@pytest.mark.parametrize("training", [True, False])
def test_frozen_features_leave_the_network_in_the_mode_it_came_in(source, target, training):
    source.model.train(training)
    try:
        frozen_features(source.model, target.X[:5])
        assert source.model.training is training
    finally:
        source.model.eval()


def test_compare_over_seeds_pairs_by_seed_and_uses_student_t():
    scores = {"scratch": [0.60, 0.70, 0.65, 0.80], "reuse": [0.70, 0.75, 0.74, 0.86]}
    table = compare_over_seeds(scores, reference="scratch")
    differences = np.array(scores["reuse"]) - np.array(scores["scratch"])
    half = 3.182446305284263 * differences.std(ddof=1) / 2      # t(0.975, df=3) * sd / sqrt(4)
    row = table.loc["reuse"]
    assert row["diff"] == pytest.approx(differences.mean())
    assert row["low"] == pytest.approx(differences.mean() - half)
    assert row["high"] == pytest.approx(differences.mean() + half)
    assert row["better"] == 4 and row["n"] == 4
    assert table.loc["scratch", "diff"] == 0.0
    assert row["mean"] == pytest.approx(np.mean(scores["reuse"]))


def test_compare_over_seeds_rejects_unpaired_or_unknown_input():
    with pytest.raises(ValueError, match="same seeds"):
        compare_over_seeds({"a": [1, 2, 3], "b": [1, 2]}, reference="a")
    with pytest.raises(ValueError, match="reference"):
        compare_over_seeds({"a": [1, 2], "b": [1, 2]}, reference="c")
    with pytest.raises(ValueError, match="at least 2"):
        compare_over_seeds({"a": [1.0]}, reference="a")
    with pytest.raises(TypeError, match="scores"):
        compare_over_seeds([1, 2], reference="a")

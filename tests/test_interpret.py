"""Tests for dlbio.interpret: scoring attributions against the planted motif, ISM, references,
weight randomisation, the track plot and the cached motif CNN."""
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from torch import nn  # noqa: E402

from dlbio.interpret import (  # noqa: E402
    METHODS,
    attribution_auroc,
    confident_correct,
    filter_activations,
    in_silico_mutagenesis,
    logistic_summary,
    motif_scan,
    off_simplex_correction,
    plot_attribution_track,
    position_scores,
    randomize_layers,
    rank_similarity,
    reference_attributions,
    single_base_mutants,
    train_motif_cnn,
    window_to_positions,
)
from dlbio.models import MotifCNN  # noqa: E402


class LinearOnBases(nn.Module):
    """logit_k(x) = sum_{c,j} W[k, c, j] x[c, j] + b_k: every attribution has a known answer."""

    def __init__(self, weight, bias=None):
        super().__init__()
        weight = torch.as_tensor(weight, dtype=torch.float32)
        self.weight = nn.Parameter(weight)
        self.bias = nn.Parameter(torch.zeros(weight.shape[0]) if bias is None
                                 else torch.as_tensor(bias, dtype=torch.float32))

    def forward(self, x):
        return torch.einsum("ncl,kcl->nk", x, self.weight) + self.bias


def _one_hot(codes, n_channels=4):
    codes = np.asarray(codes)
    X = np.zeros((codes.shape[0], n_channels, codes.shape[1]), dtype=np.float32)
    for i, row in enumerate(codes):
        X[i, row, np.arange(len(row))] = 1.0
    return X


@pytest.fixture(scope="module")
def trained():
    return train_motif_cnn(3, n_train=600, n_test=200)


# ----------------------------------------------------------------------------------------
# confident_correct
# ----------------------------------------------------------------------------------------
def test_confident_correct_keeps_confident_true_positives_only():
    proba = np.array([0.95, 0.6, 0.99, 0.97, 0.9, 0.05])
    y = np.array([1, 1, 0, 1, 1, 0])
    assert confident_correct(proba, y).tolist() == [0, 3, 4]
    assert confident_correct(proba, y, threshold=0.96).tolist() == [3]
    assert confident_correct(proba, y, max_n=2).tolist() == [0, 3]
    # label 0 with 1-D probabilities uses 1 - p
    assert confident_correct(proba, y, label=0).tolist() == [5]


def test_confident_correct_accepts_class_probabilities():
    proba = np.array([[0.05, 0.95], [0.8, 0.2], [0.1, 0.9], [0.97, 0.03]])
    y = np.array([1, 0, 0, 0])
    assert confident_correct(proba, y).tolist() == [0]
    assert confident_correct(proba, y, label=0, threshold=0.95).tolist() == [3]


@pytest.mark.parametrize("kwargs, match", [
    (dict(threshold=0.3), "threshold"),
    (dict(threshold=1.5), "threshold"),
    (dict(label=2), "label"),
    (dict(label=-1), "label"),
    (dict(max_n=0), "max_n"),
])
def test_confident_correct_rejects_bad_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        confident_correct([0.9, 0.2], [1, 0], **kwargs)


def test_confident_correct_rejects_mismatched_or_invalid_inputs():
    with pytest.raises(ValueError, match="y must"):
        confident_correct([0.9, 0.2], [1, 0, 1])
    with pytest.raises(ValueError, match="probabilities"):
        confident_correct([1.9, 0.2], [1, 0])
    with pytest.raises(ValueError, match="finite"):
        confident_correct([np.nan, 0.2], [1, 0])


# ----------------------------------------------------------------------------------------
# position_scores and attribution_auroc
# ----------------------------------------------------------------------------------------
def test_position_scores_reductions():
    a = np.array([[[1.0, -2.0, 0.0], [-3.0, 0.5, 0.0]]])
    assert position_scores(a, reduce="sum").tolist() == [[-2.0, -1.5, 0.0]]
    assert position_scores(a, reduce="abs_sum").tolist() == [[4.0, 2.5, 0.0]]
    assert position_scores(a, reduce="max_abs").tolist() == [[3.0, 2.0, 0.0]]
    assert position_scores(a, reduce="max_drop").tolist() == [[3.0, 2.0, 0.0]]
    assert position_scores(torch.tensor(a), reduce="sum").tolist() == [[-2.0, -1.5, 0.0]]


def test_position_scores_rejects_bad_input():
    with pytest.raises(ValueError, match="reduce"):
        position_scores(np.zeros((1, 4, 3)), reduce="mean")
    with pytest.raises(ValueError, match="3-D"):
        position_scores(np.zeros((4, 3)), reduce="sum")
    with pytest.raises(ValueError, match="finite"):
        position_scores(np.full((1, 4, 3), np.nan), reduce="sum")


def test_attribution_auroc_equals_sklearn_per_sequence():
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 5, size=(20, 30)).astype(float)     # many ties
    mask = np.zeros((20, 30), dtype=bool)
    for i in range(20):
        start = rng.integers(0, 25)
        mask[i, start:start + rng.integers(1, 6)] = True
    expected = [roc_auc_score(m, s) for s, m in zip(scores, mask)]
    np.testing.assert_allclose(attribution_auroc(scores, mask), expected, atol=1e-12)


def test_attribution_auroc_perfect_inverted_and_reduced():
    mask = np.array([[False, True, True, False, False]])
    assert attribution_auroc(mask.astype(float), mask)[0] == 1.0
    assert attribution_auroc(-mask.astype(float), mask)[0] == 0.0
    assert attribution_auroc(np.zeros((1, 5)), mask)[0] == 0.5
    per_channel = np.zeros((1, 4, 5))
    per_channel[0, 2, 1:3] = -1.0          # large in absolute value, negative in sign
    assert attribution_auroc(per_channel, mask, reduce="max_abs")[0] == 1.0
    assert attribution_auroc(per_channel, mask, reduce="sum")[0] == 0.0


def test_attribution_auroc_explains_bad_input():
    mask = np.array([[False, True, False], [False, False, False]])
    with pytest.raises(ValueError, match="negative sequence has no motif"):
        attribution_auroc(np.zeros((2, 3)), mask)
    with pytest.raises(ValueError, match="shape"):
        attribution_auroc(np.zeros((2, 4)), mask)
    with pytest.raises(ValueError, match="reduce must be given"):
        attribution_auroc(np.zeros((2, 4, 3)), mask)
    with pytest.raises(ValueError, match="reduce must be None"):
        attribution_auroc(np.zeros((2, 3)), mask, reduce="sum")
    with pytest.raises(ValueError, match="boolean"):
        attribution_auroc(np.zeros((1, 3)), np.array([[0, 2, 0]]))


# ----------------------------------------------------------------------------------------
# single_base_mutants and in_silico_mutagenesis
# ----------------------------------------------------------------------------------------
def test_single_base_mutants_change_exactly_one_position():
    X = torch.as_tensor(_one_hot([[0, 1, 2, 3, 0], [3, 3, 1, 0, 2]]))
    before = X.clone()
    seen = []
    for position, base, mutant in single_base_mutants(X):
        seen.append((position, base))
        assert torch.equal(mutant[:, base, position], torch.ones(2))
        assert mutant[:, :, position].sum() == 2
        others = [j for j in range(5) if j != position]
        assert torch.equal(mutant[:, :, others], X[:, :, others])
    assert seen == [(j, c) for j in range(5) for c in range(4)]
    assert torch.equal(X, before)                 # the input is never changed


def test_single_base_mutants_rejects_a_flat_matrix():
    with pytest.raises(ValueError, match="n_sequences, n_channels, length"):
        next(single_base_mutants(np.zeros((3, 8))))


def test_ism_on_a_linear_model_has_the_known_answer():
    rng = np.random.default_rng(1)
    weight = rng.normal(size=(2, 4, 7))
    model = LinearOnBases(weight, bias=[0.3, -0.2])
    codes = rng.integers(0, 4, size=(3, 7))
    X = _one_hot(codes)
    effects = in_silico_mutagenesis(model, X, target=1)
    observed = weight[1][codes, np.arange(7)]              # (3, 7): weight of the observed base
    expected = weight[1][None, :, :] - observed[:, None, :]
    np.testing.assert_allclose(effects, expected, atol=1e-5)
    assert np.all(effects[np.arange(3)[:, None], codes, np.arange(7)] == 0)
    np.testing.assert_allclose(model.weight.detach().numpy(), weight, rtol=1e-6)


def test_ism_rejects_a_target_the_model_does_not_have():
    model = LinearOnBases(np.zeros((2, 4, 5)))
    with pytest.raises(ValueError, match="target"):
        in_silico_mutagenesis(model, _one_hot([[0, 1, 2, 3, 0]]), target=2)
    with pytest.raises(TypeError, match="model"):
        in_silico_mutagenesis("not a model", _one_hot([[0, 1, 2, 3, 0]]))


# ----------------------------------------------------------------------------------------
# reference_attributions
# ----------------------------------------------------------------------------------------
def test_reference_attributions_of_a_linear_model_are_exact():
    rng = np.random.default_rng(2)
    weight = rng.normal(size=(2, 4, 9))
    model = LinearOnBases(weight)
    X = _one_hot(rng.integers(0, 4, size=(4, 9)))
    baseline = np.full((4, 9), 0.25, dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # Captum must not warn (graded cells forbid stderr)
        saliency = reference_attributions(model, X, "saliency", target=0)
        gxi = reference_attributions(model, X, "gradient_x_input", target=0)
        ig = reference_attributions(model, X, "integrated_gradients", target=0, n_steps=8)
        ig_b = reference_attributions(model, X, "integrated_gradients", target=0,
                                      baseline=baseline, n_steps=3)
    np.testing.assert_allclose(saliency, np.abs(np.broadcast_to(weight[0], X.shape)), atol=1e-6)
    np.testing.assert_allclose(gxi, X * weight[0], atol=1e-6)
    np.testing.assert_allclose(ig, X * weight[0], atol=1e-5)           # linear: IG = x * w
    np.testing.assert_allclose(ig_b, (X - baseline) * weight[0], atol=1e-5)
    assert ig.dtype == np.float32 and ig.shape == X.shape


def test_reference_integrated_gradients_is_complete_on_a_cnn(trained):
    X = trained.X_test[trained.confident[:10]]
    ig = reference_attributions(trained.model, X, "integrated_gradients", n_steps=50)
    with torch.no_grad():
        delta = (trained.model(torch.as_tensor(X))[:, 1]
                 - trained.model(torch.zeros_like(torch.as_tensor(X)))[:, 1]).numpy()
    relative = np.abs(ig.sum(axis=(1, 2)) - delta) / np.abs(delta)
    assert np.median(relative) < 0.05


def test_reference_attributions_find_the_motif_of_a_trained_cnn(trained):
    chosen = trained.confident[:30]
    assert len(chosen) >= 20
    X, mask = trained.X_test[chosen], trained.mask_test[chosen]
    for method, reduce in METHODS.items():
        scores = attribution_auroc(reference_attributions(trained.model, X, method), mask,
                                   reduce=reduce)
        assert np.median(scores) > 0.85, method


def test_reference_attributions_rejects_bad_arguments():
    model = LinearOnBases(np.zeros((2, 4, 5)))
    X = _one_hot([[0, 1, 2, 3, 0]])
    with pytest.raises(ValueError, match="method"):
        reference_attributions(model, X, "deeplift")
    with pytest.raises(ValueError, match="n_steps"):
        reference_attributions(model, X, "integrated_gradients", n_steps=0)
    with pytest.raises(ValueError, match="baseline is only used"):
        reference_attributions(model, X, "saliency", baseline=np.zeros((4, 5)))
    with pytest.raises(ValueError, match="baseline must have shape"):
        reference_attributions(model, X, "integrated_gradients", baseline=np.zeros((4, 6)))


# ----------------------------------------------------------------------------------------
# randomize_layers
# ----------------------------------------------------------------------------------------
def test_randomize_layers_changes_only_the_named_layers():
    torch.manual_seed(0)
    model = MotifCNN(2, n_filters=4, kernel_size=5).eval()
    state = torch.random.get_rng_state()
    head_only = randomize_layers(model, ["head"], random_state=7)
    assert torch.equal(torch.random.get_rng_state(), state)      # global RNG untouched
    assert torch.equal(head_only.conv.weight, model.conv.weight)
    assert not torch.equal(head_only.head.network[0].weight, model.head.network[0].weight)
    everything = randomize_layers(model, ["head", "conv"], random_state=7)
    assert not torch.equal(everything.conv.weight, model.conv.weight)
    assert not torch.equal(everything.conv.bias, model.conv.bias)
    assert not head_only.training and not everything.training
    unchanged = randomize_layers(model, [], random_state=7)
    assert all(torch.equal(p, q) for p, q in zip(unchanged.parameters(), model.parameters()))
    assert unchanged is not model


def test_randomize_layers_is_reproducible_and_leaves_the_original_alone():
    torch.manual_seed(0)
    model = MotifCNN(2, n_filters=4, kernel_size=5)
    original = [p.detach().clone() for p in model.parameters()]
    a = randomize_layers(model, "conv", random_state=1)
    b = randomize_layers(model, "conv", random_state=1)
    c = randomize_layers(model, "conv", random_state=2)
    assert torch.equal(a.conv.weight, b.conv.weight)
    assert not torch.equal(a.conv.weight, c.conv.weight)
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), original))


def test_randomize_layers_rejects_unknown_names():
    model = MotifCNN(2, n_filters=4, kernel_size=5)
    with pytest.raises(ValueError, match=r"layers must name sub-modules.*'conv', 'head'"):
        randomize_layers(model, ["dense"])
    with pytest.raises(TypeError, match="layers"):
        randomize_layers(model, [1])
    with pytest.raises(ValueError, match="random_state"):
        randomize_layers(model, ["head"], random_state=-1)


def test_randomising_every_layer_destroys_the_attribution(trained):
    chosen = trained.confident[:30]
    X, mask = trained.X_test[chosen], trained.mask_test[chosen]
    before = np.median(attribution_auroc(
        reference_attributions(trained.model, X, "integrated_gradients"), mask, reduce="sum"))
    after = np.mean([np.median(attribution_auroc(reference_attributions(
        randomize_layers(trained.model, ["head", "conv"], random_state=seed), X,
        "integrated_gradients"), mask, reduce="sum")) for seed in range(3)])
    assert before > 0.9 and after < 0.7


# ----------------------------------------------------------------------------------------
# plot_attribution_track
# ----------------------------------------------------------------------------------------
def test_plot_attribution_track_shades_each_planted_site():
    scores = np.linspace(-1, 1, 30)
    mask = np.zeros(30, dtype=bool)
    mask[3:8] = True
    mask[20:25] = True
    ax = plot_attribution_track(scores, mask, sequence="ACGT" * 7 + "AC", title="t")
    spans = [p for p in ax.patches if p.__class__.__name__ == "Rectangle" and p.get_alpha()]
    assert len(spans) == 2
    assert len(ax.containers[0]) == 30
    assert [t.get_text() for t in ax.get_xticklabels()][:4] == list("ACGT")
    windowed = plot_attribution_track(scores, mask, window=(0, 10))
    assert len(windowed.containers[0]) == 10
    plt.close("all")


def test_plot_attribution_track_rejects_bad_input():
    with pytest.raises(ValueError, match="mask"):
        plot_attribution_track(np.zeros(10), np.zeros(9, dtype=bool))
    with pytest.raises(ValueError, match="sequence"):
        plot_attribution_track(np.zeros(10), sequence="ACGT")
    with pytest.raises(ValueError, match="window"):
        plot_attribution_track(np.zeros(10), window=(5, 5))
    with pytest.raises(ValueError, match="1-D"):
        plot_attribution_track(np.zeros((2, 10)))
    plt.close("all")


# ----------------------------------------------------------------------------------------
# train_motif_cnn
# ----------------------------------------------------------------------------------------
def test_train_motif_cnn_is_reproducible_and_isolated(trained):
    state = torch.random.get_rng_state()
    again = train_motif_cnn(3, n_train=600, n_test=200)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert all(torch.equal(p, q) for p, q in zip(again.model.parameters(),
                                                 trained.model.parameters()))
    assert again.model is not trained.model
    with torch.no_grad():
        again.model.conv.weight.zero_()              # a copy: the cache is not affected
    third = train_motif_cnn(3, n_train=600, n_test=200)
    assert torch.equal(third.model.conv.weight, trained.model.conv.weight)
    other = train_motif_cnn(4, n_train=600, n_test=200)
    assert not np.array_equal(other.X_test, trained.X_test)


def test_train_motif_cnn_learns_the_motif(trained):
    assert trained.accuracy > 0.85
    assert np.all(trained.y_test[trained.confident] == 1)
    assert np.all(trained.proba_test[trained.confident] >= 0.9)
    assert trained.mask_test[trained.y_test == 0].sum() == 0
    assert trained.mask_test[trained.y_test == 1].sum(axis=1).min() == 12
    assert not trained.model.training


@pytest.mark.parametrize("kwargs, match", [
    (dict(random_state=-1), "random_state"),
    (dict(n_train=5), "n_train"),
    (dict(epochs=0), "epochs"),
    (dict(seq_length=10), "seq_length"),
])
def test_train_motif_cnn_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        train_motif_cnn(**kwargs)


def test_rank_similarity_equals_scipy_spearman_and_handles_constant_rows():
    from scipy.stats import spearmanr

    rng = np.random.default_rng(0)
    a = rng.normal(size=(6, 30))
    b = a + rng.normal(scale=0.7, size=a.shape)
    b[2] = np.round(b[2])                                     # ties
    got = rank_similarity(a, b)
    for i in range(6):
        assert abs(got[i] - spearmanr(a[i], b[i])[0]) < 1e-12
    assert rank_similarity(a[:1], -a[:1])[0] == pytest.approx(-1.0)
    assert rank_similarity(np.zeros((1, 5)), a[:1, :5])[0] == 0.0   # no ranking: 0, no warning
    with pytest.raises(ValueError, match="same shape"):
        rank_similarity(a, b[:, :5])


def test_rank_similarity_sees_the_head_of_a_cnn(trained):
    # A score that ignores the head (the filters' activations) is identical after the head is
    # randomised; the signed gradient of the logit is not.
    task = trained
    X = task.X_test[task.confident[:10]]
    shuffled = randomize_layers(task.model, ["head"], random_state=1)
    signed = [position_scores(reference_attributions(m, X, "gradient_x_input"), reduce="sum")
              for m in (task.model, shuffled)]
    assert np.median(rank_similarity(*signed)) < 0.5
    with torch.no_grad():
        acts = [torch.relu(m.conv(torch.as_tensor(X))).amax(dim=1).numpy() for m in (task.model, shuffled)]
    assert np.allclose(rank_similarity(*acts), 1.0)


def test_off_simplex_correction_removes_the_channel_mean_only():
    rng = np.random.default_rng(1)
    g = rng.normal(size=(3, 4, 7))
    corrected = off_simplex_correction(g)
    assert np.allclose(corrected.sum(axis=1), 0.0)
    # differences between bases, which ISM measures to first order, are unchanged
    assert np.allclose(corrected[:, 1] - corrected[:, 0], g[:, 1] - g[:, 0])
    assert np.allclose(off_simplex_correction(g + 5.0), corrected)
    assert np.allclose(off_simplex_correction(torch.as_tensor(g)), corrected)
    with pytest.raises(ValueError):
        off_simplex_correction(g[0])


def test_logistic_summary_intervals_cover_the_truth_at_the_nominal_rate():
    import pandas as pd

    covered = []
    for seed in range(40):
        rng = np.random.default_rng(seed)
        X = pd.DataFrame({"x": rng.normal(size=400), "b": rng.integers(0, 2, 400)})
        z = -0.5 + 0.8 * X["x"] - 0.6 * X["b"]
        y = (rng.random(400) < 1 / (1 + np.exp(-z))).astype(int)
        table = logistic_summary(X, y)
        assert list(table.columns) == ["coef", "se", "ci_low", "ci_high"]
        covered.append(table.loc["x", "ci_low"] < 0.8 < table.loc["x", "ci_high"])
    assert 0.85 <= np.mean(covered) <= 1.0
    narrow = logistic_summary(X, y, level=0.5)
    assert (narrow["ci_high"] - narrow["ci_low"] < table["ci_high"] - table["ci_low"]).all()


def test_logistic_summary_rejects_bad_input():
    import pandas as pd

    X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]})
    with pytest.raises(TypeError, match="DataFrame"):
        logistic_summary(X.to_numpy(), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="binary"):
        logistic_summary(X, [0, 0, 0, 0])
    with pytest.raises(ValueError, match="one value per row"):
        logistic_summary(X, [0, 1])
    with pytest.raises(ValueError, match="level"):
        logistic_summary(X, [0, 1, 0, 1], level=1.5)


def test_window_to_positions_takes_the_best_covering_window():
    got = window_to_positions(np.array([[1.0, 3.0, 2.0], [0.0, -1.0, 5.0]]), 5)   # width 3
    assert np.allclose(got, [[1, 3, 3, 3, 2], [0, 0, 5, 5, 5]])
    with pytest.raises(ValueError, match="length"):
        window_to_positions(np.ones((1, 4)), 3)


def test_motif_scan_finds_the_motif_on_both_strands_without_a_model(trained):
    from dlbio.datasets import make_motif_sequences

    data = make_motif_sequences(40, 120, random_state=4)
    pwm = data.truth.pwms["A"]
    positives = np.flatnonzero(data.y == 1)
    scores = motif_scan(data.X[positives], pwm)
    assert scores.shape == (len(positives), 120)
    assert np.median(attribution_auroc(scores, data.truth.motif_mask[positives])) > 0.95
    strands = data.truth.instances.set_index("seq_index").loc[positives, "strand"]
    assert set(strands) == {"+", "-"}                       # both strands were scored
    with pytest.raises(ValueError, match="pwm"):
        motif_scan(data.X[:2], np.ones((4, 5)))


def test_filter_activations_ignore_the_head(trained):
    task = trained
    X = task.X_test[task.confident[:8]]
    scores = filter_activations(task.model, X)
    assert scores.shape == (8, X.shape[2])
    head_only = filter_activations(randomize_layers(task.model, ["head"], random_state=3), X)
    assert np.array_equal(scores, head_only)
    everything = filter_activations(randomize_layers(task.model, ["head", "conv"], random_state=3), X)
    assert np.median(rank_similarity(scores, everything)) < 0.5
    with pytest.raises(TypeError, match="conv"):
        filter_activations(nn.Sequential(nn.Flatten(), nn.Linear(8, 2)), X)

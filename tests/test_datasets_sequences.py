"""Tests for dlbio.datasets.make_motif_sequences.

Statistical checks use fixed seeds and loose thresholds, so they are deterministic on a
given numpy build and do not pin golden values.
"""
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.metrics import roc_auc_score

from dlbio.datasets import Bunch, make_motif_sequences
from dlbio.datasets.sequences import ALPHABET, MOTIFS

COMPLEMENT = str.maketrans("ACGT", "TGCA")


def revcomp(text):
    return text.translate(COMPLEMENT)[::-1]


def decode(X):
    """(N, 4, L) one-hot -> list of strings (the tests' own decoder)."""
    assert (X.sum(axis=1) == 1).all()
    return ["".join(ALPHABET[c] for c in row) for row in X.argmax(axis=1)]


@pytest.fixture(scope="module")
def small():
    return make_motif_sequences(60, 80, motifs=2, n_instances=(1, 3), random_state=0)


@pytest.fixture(scope="module")
def multi():
    return make_motif_sequences(300, 120, motifs=3, label="multilabel", positive_fraction=0.4,
                                n_instances=(1, 2), random_state=1)


# ----------------------------------------------------------------------------------------
# Shapes, dtypes and layout
# ----------------------------------------------------------------------------------------
def test_shapes_and_layout(small):
    assert isinstance(small, Bunch)
    assert small.X.shape == (60, 4, 80) and small.X.dtype == np.float32
    assert small.X.flags.c_contiguous
    assert small.y.shape == (60,) and small.y.dtype == np.int64
    assert small.sequences.shape == (60,) and all(len(s) == 80 for s in small.sequences)
    assert small.groups is None
    assert list(small.feature_names) == ["A", "C", "G", "T"]
    assert small.sample_ids[3] == "seq_0003" and len(set(small.sample_ids)) == 60
    t = small.truth
    assert t.motif_mask.shape == (60, 80) and t.motif_mask.dtype == bool
    assert t.motif_masks.shape == (60, 2, 80) and t.presence.shape == (60, 2)
    assert t.pwm_model.shape == small.X.shape and t.pwm_model.dtype == np.float32
    assert isinstance(t.instances, pd.DataFrame)
    assert list(t.instances.columns) == ["seq_index", "motif", "start", "end", "strand",
                                         "mismatches", "score"]
    assert t.motif_names == ["A", "B"] and set(t.pwms) == {"A", "B"}
    assert t.pwms["A"].shape == (4, 12)
    assert "motif" in small.DESCR and "region" in small.DESCR


def test_sequences_and_one_hot_agree(small):
    assert decode(small.X) == list(small.sequences)
    assert set("".join(small.sequences)) <= set(ALPHABET)


def test_nlc_layout_is_the_transpose():
    ncl = make_motif_sequences(20, 40, random_state=3)
    nlc = make_motif_sequences(20, 40, layout="NLC", random_state=3)
    assert nlc.X.shape == (20, 40, 4) and nlc.X.flags.c_contiguous
    np.testing.assert_array_equal(nlc.X, ncl.X.transpose(0, 2, 1))
    np.testing.assert_array_equal(nlc.truth.pwm_model, ncl.truth.pwm_model.transpose(0, 2, 1))


def test_return_X_y_gives_the_same_arrays(small):
    X, y = make_motif_sequences(60, 80, motifs=2, n_instances=(1, 3), return_X_y=True,
                                random_state=0)
    np.testing.assert_array_equal(X, small.X)
    np.testing.assert_array_equal(y, small.y)


def test_params_record_everything_needed_to_rebuild(small, multi):
    for data in (small, multi):
        assert isinstance(data.params["random_state"], int)
        again = make_motif_sequences(**data.params)
        np.testing.assert_array_equal(again.X, data.X)
        np.testing.assert_array_equal(again.y, data.y)
    custom = make_motif_sequences(20, 30, motifs={"x": np.full((4, 6), 0.25)}, random_state=2)
    again = make_motif_sequences(**custom.params)
    np.testing.assert_array_equal(again.X, custom.X)


# ----------------------------------------------------------------------------------------
# Labels
# ----------------------------------------------------------------------------------------
def test_presence_label_positives_carry_exactly_one_kind_of_motif(small):
    t = small.truth
    np.testing.assert_array_equal(small.y, t.presence.any(axis=1))
    assert (t.presence.sum(axis=1) <= 1).all()
    assert t.presence[:, 0].any() and t.presence[:, 1].any()   # both motifs are used
    assert not t.motif_mask[small.y == 0].any()


def test_and_label_negatives_carry_at_most_one_motif():
    data = make_motif_sequences(600, 100, motifs=["A", "B", "C"], label="and",
                                random_state=4)
    presence = data.truth.presence
    np.testing.assert_array_equal(data.y, presence[:, 0] & presence[:, 1])
    assert (presence[data.y == 1].sum(axis=1) == 2).all()
    negatives = presence[data.y == 0]
    assert (negatives.sum(axis=1) <= 1).all()
    # A-only, B-only, C-only and empty negatives all occur, about equally often
    kinds = np.where(negatives.any(axis=1), negatives.argmax(axis=1), 3)
    counts = np.bincount(kinds, minlength=4) / len(kinds)
    assert np.all(np.abs(counts - 0.25) < 0.07)
    assert abs(data.y.mean() - 0.5) < 0.06


def test_multilabel_labels_are_the_presence_matrix(multi):
    assert multi.y.shape == (300, 3) and multi.y.dtype == np.int64
    np.testing.assert_array_equal(multi.y, multi.truth.presence)
    assert np.all(np.abs(multi.y.mean(axis=0) - 0.4) < 0.08)
    # presence is independent between motifs: no strong correlation
    correlation = np.corrcoef(multi.y.T)[np.triu_indices(3, 1)]
    assert np.all(np.abs(correlation) < 0.15)


@pytest.mark.parametrize("fraction", [0.0, 1.0])
def test_all_negative_or_all_positive_sets(fraction):
    data = make_motif_sequences(30, 50, positive_fraction=fraction, random_state=5)
    assert (data.y == fraction).all()


# ----------------------------------------------------------------------------------------
# Ground truth matches the data
# ----------------------------------------------------------------------------------------
def test_instances_match_the_sequences(multi):
    for row in multi.truth.instances.itertuples():
        site = multi.sequences[row.seq_index][row.start:row.end]
        if row.strand == "-":
            site = revcomp(site)
        consensus = multi.truth.consensus[row.motif]
        assert row.end - row.start == len(consensus)
        assert sum(a != b for a, b in zip(site, consensus)) == row.mismatches


def test_masks_are_the_union_of_the_instances(multi):
    t = multi.truth
    mask = np.zeros_like(t.motif_masks)
    for row in t.instances.itertuples():
        m = t.motif_names.index(row.motif)
        assert not mask[row.seq_index, :, row.start:row.end].any()   # no overlaps
        mask[row.seq_index, m, row.start:row.end] = True
    np.testing.assert_array_equal(mask, t.motif_masks)
    np.testing.assert_array_equal(t.motif_masks.any(axis=1), t.motif_mask)
    widths = (t.instances.end - t.instances.start).sum()
    assert t.motif_mask.sum() == widths


def test_copy_numbers_follow_n_instances(small, multi):
    for data, (low, high) in ((small, (1, 3)), (multi, (1, 2))):
        table = data.truth.instances
        copies = table.groupby(["seq_index", "motif"]).size()
        assert copies.min() >= low and copies.max() <= high
        assert copies.min() == low and copies.max() == high   # the whole range is used
        carried = {(i, data.truth.motif_names[m]) for i, m in zip(*np.nonzero(data.truth.presence))}
        assert set(copies.index) == carried


def test_scores_are_the_log_odds_of_the_planted_sites(small):
    t = small.truth
    for row in t.instances.itertuples():
        site = small.sequences[row.seq_index][row.start:row.end]
        if row.strand == "-":
            site = revcomp(site)
        codes = [ALPHABET.index(b) for b in site]
        pwm = t.pwms[row.motif]
        expected = sum(np.log(pwm[c, j] / t.background[c]) for j, c in enumerate(codes))
        assert abs(row.score - expected) < 1e-9


def test_pwm_model_gives_the_generating_distribution(multi):
    t = multi.truth
    prob_of_base = (multi.X * t.pwm_model).sum(axis=1)       # P(observed base)
    assert (prob_of_base > 0).all()
    np.testing.assert_allclose(t.pwm_model.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(t.pwm_model.transpose(0, 2, 1)[~t.motif_mask], 0.25)
    row = t.instances.iloc[0]
    column_probs = t.pwm_model[row.seq_index, :, row.start:row.end]
    pwm = t.pwms[row.motif]
    expected = pwm if row.strand == "+" else pwm[::-1, ::-1]
    np.testing.assert_allclose(column_probs, expected, atol=1e-6)


def test_region_confines_every_site():
    data = make_motif_sequences(200, 100, motifs=2, region=(50, 100), n_instances=(1, 2),
                                random_state=6)
    table = data.truth.instances
    assert table.start.min() >= 50 and table.end.max() <= 100
    assert not data.truth.motif_mask[:, :50].any()
    fixed = make_motif_sequences(50, 100, region=(40, 52), random_state=6).truth.instances
    assert (fixed.start == 40).all()


def test_single_sites_cover_the_region_uniformly():
    data = make_motif_sequences(4000, 60, positive_fraction=1.0, random_state=7)
    starts = data.truth.instances.start.to_numpy()
    counts = np.bincount(starts, minlength=49)
    assert starts.min() == 0 and starts.max() == 60 - 12
    assert counts.min() > 0.6 * counts.mean() and counts.max() < 1.4 * counts.mean()


def test_consensus_prob_sets_the_mismatch_rate():
    exact = make_motif_sequences(200, 50, consensus_prob=1.0, random_state=8)
    assert (exact.truth.instances.mismatches == 0).all()
    soft = make_motif_sequences(2000, 50, consensus_prob=0.8, random_state=8)
    assert abs(soft.truth.instances.mismatches.mean() - 12 * 0.2) < 0.15


def test_strands(small):
    assert set(small.truth.instances.strand) == {"+", "-"}
    plus = make_motif_sequences(100, 50, revcomp=False, random_state=9)
    assert set(plus.truth.instances.strand) == {"+"}


def test_gc_content_of_the_background():
    data = make_motif_sequences(300, 200, gc_content=0.3, positive_fraction=0.0,
                                random_state=10)
    gc = data.X[:, 1:3].sum(axis=1).mean()
    assert abs(gc - 0.3) < 0.01
    assert abs(data.X[:, 0].mean() - data.X[:, 3].mean()) < 0.01


def test_custom_consensus_and_pwm_motifs():
    pwm = np.tile([[0.7, 0.1], [0.1, 0.1], [0.1, 0.7], [0.1, 0.1]], (1, 4))  # 8 bp
    data = make_motif_sequences(100, 60, motifs={"mine": "acgtacgt", "soft": pwm},
                                consensus_prob=1.0, random_state=11)
    t = data.truth
    assert t.consensus == {"mine": "ACGTACGT", "soft": None}
    np.testing.assert_array_equal(t.pwms["soft"], pwm)
    table = t.instances
    assert (table[table.motif == "soft"].mismatches == -1).all()
    assert (table[table.motif == "mine"].mismatches == 0).all()


def test_a_pwm_scan_separates_positives_from_negatives():
    """The motif is learnable: a scan with the true PWM (the oracle) finds it."""
    data = make_motif_sequences(400, 200, consensus_prob=0.9, random_state=12)
    pwm = data.truth.pwms["A"]
    log_odds = np.log(pwm / 0.25)                                     # (4, 12)
    codes = data.X.argmax(axis=1)                                     # (N, L)
    windows = sliding_window_view(codes, 12, axis=1)                  # (N, L-11, 12)
    forward = log_odds[windows, np.arange(12)].sum(axis=2)
    reverse = log_odds[3 - windows[..., ::-1], np.arange(12)].sum(axis=2)
    best = np.maximum(forward, reverse).max(axis=1)
    assert roc_auc_score(data.y, best) > 0.95
    # and the labels carry no signal in the base composition
    composition = data.X.mean(axis=2)
    assert abs(composition[data.y == 1].mean(0) - composition[data.y == 0].mean(0)).max() < 0.01


# ----------------------------------------------------------------------------------------
# Reproducibility and random streams
# ----------------------------------------------------------------------------------------
def test_same_seed_same_data_different_seed_different_data(small):
    again = make_motif_sequences(60, 80, motifs=2, n_instances=(1, 3), random_state=0)
    np.testing.assert_array_equal(again.X, small.X)
    pd.testing.assert_frame_equal(again.truth.instances, small.truth.instances)
    other = make_motif_sequences(60, 80, motifs=2, n_instances=(1, 3), random_state=1)
    assert not np.array_equal(other.X, small.X)
    assert not np.array_equal(other.y, small.y)


def test_gc_content_only_changes_the_background(small):
    other = make_motif_sequences(60, 80, motifs=2, n_instances=(1, 3), gc_content=0.7,
                                 random_state=0)
    np.testing.assert_array_equal(other.y, small.y)
    same = ["seq_index", "motif", "start", "end", "strand", "mismatches"]   # not the score
    pd.testing.assert_frame_equal(other.truth.instances[same], small.truth.instances[same])
    mask = small.truth.motif_mask
    on_sites = small.X.transpose(0, 2, 1)[mask]
    np.testing.assert_array_equal(other.X.transpose(0, 2, 1)[mask], on_sites)
    assert not np.array_equal(other.X, small.X)


def test_region_moves_the_same_sites():
    kwargs = dict(motifs=2, n_instances=(1, 2), random_state=13)
    left = make_motif_sequences(100, 200, region=(0, 100), **kwargs)
    right = make_motif_sequences(100, 200, region=(100, 200), **kwargs)
    np.testing.assert_array_equal(left.y, right.y)
    a, b = left.truth.instances, right.truth.instances
    np.testing.assert_array_equal(a.strand, b.strand)
    np.testing.assert_array_equal(a.motif, b.motif)
    np.testing.assert_array_equal(a.mismatches, b.mismatches)
    assert (a.end <= 100).all() and (b.start >= 100).all()
    # the planted bases are the same, only their position differs
    sites_left = [left.sequences[r.seq_index][r.start:r.end] for r in a.itertuples()]
    sites_right = [right.sequences[r.seq_index][r.start:r.end] for r in b.itertuples()]
    assert sites_left == sites_right
    # the background is the same wherever neither set has a site
    free = ~left.truth.motif_mask & ~right.truth.motif_mask
    np.testing.assert_array_equal(left.X.transpose(0, 2, 1)[free],
                                  right.X.transpose(0, 2, 1)[free])


def test_consensus_prob_only_changes_the_planted_bases(small):
    with pytest.warns(UserWarning, match="consensus_prob=0.6 is low"):
        other = make_motif_sequences(60, 80, motifs=2, n_instances=(1, 3), consensus_prob=0.6,
                                     random_state=0)
    np.testing.assert_array_equal(other.y, small.y)
    a, b = small.truth.instances, other.truth.instances
    np.testing.assert_array_equal(a.start, b.start)
    np.testing.assert_array_equal(a.strand, b.strand)
    outside = ~small.truth.motif_mask
    np.testing.assert_array_equal(other.X.transpose(0, 2, 1)[outside],
                                  small.X.transpose(0, 2, 1)[outside])
    assert b.mismatches.mean() > a.mismatches.mean()


def test_more_samples_keep_the_first_backgrounds():
    few = make_motif_sequences(30, 50, positive_fraction=0.0, random_state=14)
    many = make_motif_sequences(50, 50, positive_fraction=0.0, random_state=14)
    np.testing.assert_array_equal(many.X[:30], few.X)


# ----------------------------------------------------------------------------------------
# Argument validation
# ----------------------------------------------------------------------------------------
BAD_ARGUMENTS = [
    (dict(n_samples=0), ValueError, "n_samples"),
    (dict(n_samples=10.0), TypeError, "n_samples"),
    (dict(n_samples=True), TypeError, "n_samples"),
    (dict(seq_length=0), ValueError, "seq_length"),
    (dict(seq_length="50"), TypeError, "seq_length"),
    (dict(seq_length=10), ValueError, "seq_length is too short"),
    (dict(motifs=0), ValueError, "motifs"),
    (dict(motifs=7), ValueError, "motifs"),
    (dict(motifs=2.0), TypeError, "motifs"),
    (dict(motifs=True), TypeError, "motifs"),
    (dict(motifs="A"), TypeError, "motifs"),
    (dict(motifs=[]), ValueError, "motifs"),
    (dict(motifs=["A", "Z"]), ValueError, "motifs"),
    (dict(motifs=["A", "A"]), ValueError, "motifs"),
    (dict(motifs={}), ValueError, "motifs"),
    (dict(motifs={"x": "ACGN"}), ValueError, r"motifs\['x'\]"),
    (dict(motifs={"x": ""}), ValueError, r"motifs\['x'\]"),
    (dict(motifs={"x": np.ones((3, 5)) / 3}), ValueError, r"motifs\['x'\]"),
    (dict(motifs={"x": np.ones((4, 5))}), ValueError, r"motifs\['x'\]"),
    (dict(motifs={"x": None}), TypeError, r"motifs\['x'\]"),
    (dict(motifs={1: "ACGT"}), TypeError, "motifs"),
    (dict(label="or"), ValueError, "label"),
    (dict(label="and"), ValueError, "motifs must hold at least 2"),
    (dict(positive_fraction=1.5), ValueError, "positive_fraction"),
    (dict(positive_fraction=-0.1), ValueError, "positive_fraction"),
    (dict(positive_fraction="half"), TypeError, "positive_fraction"),
    (dict(consensus_prob=0.2), ValueError, "consensus_prob"),
    (dict(consensus_prob=1.1), ValueError, "consensus_prob"),
    (dict(consensus_prob=None), TypeError, "consensus_prob"),
    (dict(n_instances=0), ValueError, "n_instances"),
    (dict(n_instances=1.5), TypeError, "n_instances"),
    (dict(n_instances=(2, 1)), ValueError, r"n_instances\[1\]"),
    (dict(n_instances=(0, 1)), ValueError, r"n_instances\[0\]"),
    (dict(n_instances=(1, 2, 3)), ValueError, "n_instances"),
    (dict(n_instances=(1, 5)), ValueError, "seq_length is too short"),
    (dict(region=(10,)), TypeError, "region"),
    (dict(region="left"), TypeError, "region"),
    (dict(region=(-1, 20)), ValueError, r"region\[0\]"),
    (dict(region=(30, 20)), ValueError, r"region\[1\]"),
    (dict(region=(0, 51)), ValueError, r"region\[1\]"),
    (dict(region=(0, 11)), ValueError, "region is too short"),
    (dict(region=(0, 1.5)), TypeError, r"region\[1\]"),
    (dict(revcomp=1), TypeError, "revcomp"),
    (dict(gc_content=0.0), ValueError, "gc_content"),
    (dict(gc_content=1.0), ValueError, "gc_content"),
    (dict(gc_content="0.5"), TypeError, "gc_content"),
    (dict(layout="NHWC"), ValueError, "layout"),
    (dict(return_X_y="no"), TypeError, "return_X_y"),
    (dict(random_state=-1), ValueError, "random_state"),
    (dict(random_state="0"), TypeError, "random_state"),
]


@pytest.mark.parametrize("kwargs, error, name", BAD_ARGUMENTS,
                         ids=[f"{k}={v!r}"[:40] for kw, _, _ in BAD_ARGUMENTS
                              for k, v in kw.items()])
def test_invalid_argument_raises_a_clear_error(kwargs, error, name):
    arguments = dict(n_samples=20, seq_length=50, random_state=0)
    arguments.update(kwargs)
    with pytest.raises(error, match=name) as info:
        make_motif_sequences(**arguments)
    message = str(info.value)
    assert "got" in message or "too short" in message


def test_too_short_region_names_the_fix():
    with pytest.raises(ValueError, match="region is too short") as info:
        make_motif_sequences(20, 100, motifs=3, label="multilabel", region=(0, 30))
    assert "36 bases" in str(info.value)
    # the same motifs fit when only one is carried at a time
    make_motif_sequences(20, 100, motifs=3, label="presence", region=(0, 30), random_state=0)


def test_sizes_are_positional_and_the_rest_keyword_only():
    make_motif_sequences(20, 30, random_state=0)
    with pytest.raises(TypeError):
        make_motif_sequences(20, 30, 1)


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_samples=12), "positive"),
    (dict(n_samples=40, positive_fraction=0.9), "negative"),
    (dict(consensus_prob=0.6), "consensus_prob"),
    (dict(motifs={"short": "ACGT"}), "shorter than 6"),
])
def test_degenerate_settings_warn(kwargs, match):
    arguments = dict(n_samples=200, seq_length=50, random_state=0)
    arguments.update(kwargs)
    with pytest.warns(UserWarning, match=match):
        make_motif_sequences(**arguments)


def test_ordinary_settings_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_motif_sequences(random_state=0)
        make_motif_sequences(30, 50, positive_fraction=1.0, random_state=0)
        make_motif_sequences(300, 100, motifs=4, label="multilabel", positive_fraction=0.35,
                             random_state=0)
        make_motif_sequences(100, 200, motifs={"x": np.full((4, 8), 0.25)}, consensus_prob=0.3,
                             random_state=0)


def test_built_in_motifs_are_used_and_are_distinct(small):
    assert small.truth.consensus == {"A": MOTIFS["A"], "B": MOTIFS["B"]}
    assert make_motif_sequences(20, 100, motifs=6, random_state=0).truth.motif_names == list("ABCDEF")

    def best_overlap(a, b, min_overlap=6):
        return max(sum(x == y for x, y in zip(a[max(0, -shift):], b[max(0, shift):]))
                   for shift in range(-(len(a) - min_overlap), len(b) - min_overlap + 1))

    names = list(MOTIFS)
    for i, a in enumerate(names):
        assert len(MOTIFS[a]) == 12
        for b in names[i + 1:]:
            for other in (MOTIFS[b], revcomp(MOTIFS[b])):
                assert best_overlap(MOTIFS[a], other) <= 6, (a, b)


# ----------------------------------------------------------------------------------------
# mutate_motif: related-but-different motifs (tip 5)
# ----------------------------------------------------------------------------------------
from dlbio.datasets import mutate_motif  # noqa: E402


@pytest.mark.parametrize("k", [0, 1, 2, 5, 12])
def test_mutate_motif_changes_exactly_k_bases(k):
    mutant = mutate_motif("A", k, random_state=k)
    assert len(mutant) == 12 and set(mutant) <= set(ALPHABET)
    assert sum(a != b for a, b in zip(mutant, MOTIFS["A"])) == k


def test_mutate_motif_is_a_pure_function_of_its_seed_and_accepts_a_consensus():
    assert mutate_motif("acgtacgtac", 3, random_state=1) == mutate_motif("ACGTACGTAC", 3, random_state=1)
    mutants = {mutate_motif("B", 2, random_state=seed) for seed in range(10)}
    assert len(mutants) > 1


@pytest.mark.parametrize("args, error, match", [
    (("A", 13), ValueError, "n_substitutions"),
    (("A", -1), ValueError, "n_substitutions"),
    (("ACGU", 1), ValueError, "consensus"),
    ((42, 1), TypeError, "consensus"),
    (("A", 1.0), TypeError, "n_substitutions"),
])
def test_mutate_motif_rejects_bad_arguments_by_name(args, error, match):
    with pytest.raises(error, match=match):
        mutate_motif(*args)

"""Tests for dlbio.datasets.make_sequence_families.

Statistical checks use fixed seeds and loose thresholds, so they are deterministic on a
given numpy build and do not pin golden values.
"""
import warnings

import numpy as np
import pytest
from sklearn.model_selection import GroupKFold, StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier

from dlbio.datasets import Bunch, make_sequence_families
from dlbio.datasets.families import ALPHABETS
from dlbio.evaluation import identity_clusters, pairwise_identity

SMALL = dict(n_families=12, family_size=4, seq_length=30)


@pytest.fixture(scope="module")
def small():
    return make_sequence_families(**SMALL, random_state=0)


# ----------------------------------------------------------------------------------------
# Shapes, dtypes and layout
# ----------------------------------------------------------------------------------------
def test_shapes_dtypes_and_layout(small):
    n = 12 * 4
    assert isinstance(small, Bunch)
    assert small.X.shape == (n, 400) and small.X.dtype == np.float32
    assert small.codes.shape == (n, 30) and small.codes.dtype == np.int8
    assert small.y.shape == small.groups.shape == (n,)
    assert small.y.dtype == small.groups.dtype == np.int64
    assert small.sequences.shape == (n,) and all(len(s) == 30 for s in small.sequences)
    assert small.alphabet == ALPHABETS["protein"]
    assert list(small.feature_names[:2]) == ["AA", "AC"] and len(small.feature_names) == 400
    assert len(set(small.sample_ids)) == n and small.sample_ids[0].startswith("fam")
    t = small.truth
    assert t.ancestors.shape == (12, 30) and t.family_label.shape == (12,)
    assert t.mutated.shape == (n, 30) and t.mutated.dtype == bool
    assert t.divergence.shape == t.member.shape == (n,)
    assert "divergence" in small.DESCR


def test_sequences_codes_and_kmer_features_agree(small):
    letters = np.array(list(small.alphabet))
    assert all("".join(letters[row]) == text for row, text in zip(small.codes, small.sequences))
    np.testing.assert_allclose(small.X.sum(axis=1), 1.0, atol=1e-5)
    # count the 2-mers of one sequence by hand
    text = small.sequences[7]
    pairs = [text[i:i + 2] for i in range(len(text) - 1)]
    expected = np.array([pairs.count(name) for name in small.feature_names]) / len(pairs)
    np.testing.assert_allclose(small.X[7], expected, atol=1e-6)


def test_dna_alphabet_and_longer_kmers():
    data = make_sequence_families(10, 3, 20, alphabet="dna", kmer=3, random_state=1)
    assert data.X.shape == (30, 64) and data.feature_names[1] == "AAC"
    assert set("".join(data.sequences)) <= set("ACGT")
    assert data.codes.max() < 4


def test_return_X_y_gives_the_same_arrays(small):
    X, y = make_sequence_families(**SMALL, return_X_y=True, random_state=0)
    np.testing.assert_array_equal(X, small.X)
    np.testing.assert_array_equal(y, small.y)


def test_params_record_everything_needed_to_rebuild(small):
    assert isinstance(small.params["random_state"], int)
    again = make_sequence_families(**small.params)
    np.testing.assert_array_equal(again.codes, small.codes)


def test_shuffle_false_keeps_families_together():
    data = make_sequence_families(**SMALL, shuffle=False, random_state=0)
    np.testing.assert_array_equal(data.groups, np.repeat(np.arange(12), 4))
    np.testing.assert_array_equal(data.truth.member, np.tile(np.arange(4), 12))
    shuffled = make_sequence_families(**SMALL, random_state=0)
    assert not np.array_equal(shuffled.groups, data.groups)
    # the same sequences, in another order
    assert sorted(shuffled.sequences) == sorted(data.sequences)


# ----------------------------------------------------------------------------------------
# Reproducibility and random streams
# ----------------------------------------------------------------------------------------
def test_same_seed_same_data_different_seed_different_data(small):
    again = make_sequence_families(**SMALL, random_state=0)
    np.testing.assert_array_equal(again.codes, small.codes)
    np.testing.assert_array_equal(again.y, small.y)
    other = make_sequence_families(**SMALL, random_state=1)
    assert not np.array_equal(other.codes, small.codes)


def test_divergence_only_adds_mutations(small):
    more = make_sequence_families(**SMALL, divergence=0.5, random_state=0)
    t, u = small.truth, more.truth
    np.testing.assert_array_equal(u.ancestors, t.ancestors)
    np.testing.assert_array_equal(u.family_label, t.family_label)
    np.testing.assert_array_equal(more.groups, small.groups)
    np.testing.assert_array_equal(more.y, small.y)
    assert np.all(u.mutated[t.mutated])              # a superset of the mutated sites ...
    assert u.mutated.sum() > t.mutated.sum()
    np.testing.assert_array_equal(more.codes[t.mutated], small.codes[t.mutated])  # same letters


def test_positive_fraction_only_changes_the_labels(small):
    with pytest.warns(UserWarning, match="rarer class"):  # 3 positive families
        other = make_sequence_families(**SMALL, positive_fraction=0.25, random_state=0)
    np.testing.assert_array_equal(other.codes, small.codes)
    np.testing.assert_array_equal(other.groups, small.groups)
    assert other.truth.family_label.sum() == 3
    # the same random order of the families: the positives at 25% are among those at 50%
    assert np.all(small.truth.family_label[other.truth.family_label == 1] == 1)


def test_kmer_only_changes_X(small):
    other = make_sequence_families(**SMALL, kmer=1, random_state=0)
    np.testing.assert_array_equal(other.codes, small.codes)
    np.testing.assert_array_equal(other.y, small.y)
    assert other.X.shape == (48, 20)


# ----------------------------------------------------------------------------------------
# Ground truth matches the data
# ----------------------------------------------------------------------------------------
def test_members_are_mutated_copies_of_their_ancestor(small):
    t = small.truth
    parent = t.ancestors[small.groups]
    np.testing.assert_array_equal(small.codes[~t.mutated], parent[~t.mutated])
    assert np.all(small.codes[t.mutated] != parent[t.mutated])   # a substitution changes the letter
    np.testing.assert_allclose(t.divergence, t.mutated.mean(axis=1))
    np.testing.assert_array_equal(small.y, t.family_label[small.groups])
    assert t.family_label.sum() == 6
    # groups partition the samples into families of family_size members
    assert np.all(np.bincount(small.groups) == 4)
    for f in range(12):
        assert sorted(t.member[small.groups == f]) == [0, 1, 2, 3]


def test_identity_within_and_between_families_matches_truth():
    data = make_sequence_families(40, 6, 300, divergence=0.3, random_state=4)
    identity = pairwise_identity(data.codes)
    same = data.groups[:, None] == data.groups[None, :]
    off = ~np.eye(len(data.y), dtype=bool)
    assert abs(identity[same & off].mean() - data.truth.identity_within) < 0.01
    assert abs(identity[~same].mean() - data.truth.identity_between) < 0.005
    assert abs(data.truth.divergence.mean() - 0.3) < 0.01
    assert data.truth.identity_within == pytest.approx(0.7**2 + 0.3**2 / 19)
    # substitutions are uniform over the other letters
    counts = np.bincount(data.codes[data.truth.mutated], minlength=20)
    assert counts.min() > 0.8 * counts.mean()


def test_identity_clusters_at_a_good_threshold_recover_the_families():
    data = make_sequence_families(30, 5, 200, random_state=2)
    clusters = identity_clusters(pairwise_identity(data.codes), 0.3)
    # a one-to-one correspondence between clusters and families
    pairs = set(zip(clusters.tolist(), data.groups.tolist()))
    assert len(pairs) == 30 == len(set(clusters.tolist()))


def test_random_split_is_inflated_compared_with_family_held_out():
    data = make_sequence_families(60, 6, 150, random_state=0)
    knn = KNeighborsClassifier(n_neighbors=1)
    random = cross_val_score(knn, data.X, data.y, cv=StratifiedKFold(5, shuffle=True,
                                                                     random_state=0)).mean()
    held_out = cross_val_score(knn, data.X, data.y, cv=GroupKFold(5), groups=data.groups).mean()
    assert random > 0.95
    assert held_out < 0.7
    assert random - held_out > 0.3


# ----------------------------------------------------------------------------------------
# Argument validation
# ----------------------------------------------------------------------------------------
BAD_ARGUMENTS = [
    (dict(n_families=1), ValueError, "n_families"),
    (dict(n_families=10.0), TypeError, "n_families"),
    (dict(n_families=True), TypeError, "n_families"),
    (dict(family_size=0), ValueError, "family_size"),
    (dict(family_size="4"), TypeError, "family_size"),
    (dict(seq_length=0), ValueError, "seq_length"),
    (dict(seq_length=None), TypeError, "seq_length"),
    (dict(alphabet="rna"), ValueError, "alphabet"),
    (dict(alphabet=None), ValueError, "alphabet"),
    (dict(divergence=-0.1), ValueError, "divergence"),
    (dict(divergence=1.5), ValueError, "divergence"),
    (dict(divergence="low"), TypeError, "divergence"),
    (dict(kmer=0), ValueError, "kmer"),
    (dict(kmer=4), ValueError, "kmer"),          # 20**4 k-mers is too many
    (dict(kmer=2.0), TypeError, "kmer"),
    (dict(positive_fraction=0.0), ValueError, "positive_fraction"),
    (dict(positive_fraction=1.0), ValueError, "positive_fraction"),
    (dict(positive_fraction=0.01), ValueError, "positive_fraction"),  # no positive family
    (dict(positive_fraction="half"), TypeError, "positive_fraction"),
    (dict(shuffle="yes"), TypeError, "shuffle"),
    (dict(return_X_y=0), TypeError, "return_X_y"),
    (dict(random_state=-1), ValueError, "random_state"),
    (dict(random_state="0"), TypeError, "random_state"),
]


@pytest.mark.parametrize("kwargs, error, name", BAD_ARGUMENTS,
                         ids=[f"{k}={v!r}" for kw, _, _ in BAD_ARGUMENTS for k, v in kw.items()])
def test_invalid_argument_raises_a_clear_error(kwargs, error, name):
    arguments = dict(SMALL, random_state=0)
    arguments.update(kwargs)
    with pytest.raises(error, match=name) as info:
        make_sequence_families(**arguments)
    assert "got" in str(info.value)


def test_kmer_cannot_be_longer_than_the_sequences():
    with pytest.raises(ValueError, match="kmer.*seq_length=3"):
        make_sequence_families(12, 2, 3, alphabet="dna", kmer=4, random_state=0)


def test_sizes_are_positional_and_the_rest_keyword_only():
    make_sequence_families(12, 2, 10, random_state=0)
    with pytest.raises(TypeError):
        make_sequence_families(12, 2, 10, "dna")


@pytest.mark.parametrize("kwargs, match", [
    (dict(family_size=1), "family_size=1"),
    (dict(divergence=0.95), "hardly more alike"),
    (dict(n_families=6), "rarer class"),
])
def test_degenerate_settings_warn(kwargs, match):
    arguments = dict(SMALL, random_state=0)
    arguments.update(kwargs)
    with pytest.warns(UserWarning, match=match):
        make_sequence_families(**arguments)


def test_ordinary_settings_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_sequence_families(random_state=0)
        make_sequence_families(**SMALL, random_state=0)
        make_sequence_families(10, 2, 50, alphabet="dna", divergence=0.6, random_state=0)

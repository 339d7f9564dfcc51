"""Tests for dlbio.datasets.make_batch_expression.

Statistical checks use fixed seeds and loose thresholds, so they are deterministic on a
given numpy build and do not pin golden values.
"""
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from dlbio.datasets import Bunch, make_batch_expression

SMALL = dict(n_samples=80, n_genes=50, n_informative=10, n_external=30)
DEFECTS = dict(SMALL, n_duplicates=7, missing_fraction=0.05)


@pytest.fixture(scope="module")
def small():
    return make_batch_expression(**SMALL, random_state=0)


@pytest.fixture(scope="module")
def defective():
    return make_batch_expression(**DEFECTS, random_state=0)


def _distinct(data):
    """Rows of the originals (the copies removed)."""
    return data.truth.duplicate_of < 0


# ----------------------------------------------------------------------------------------
# Shapes, dtypes and layout
# ----------------------------------------------------------------------------------------
def test_shapes_and_dtypes(defective):
    n, g, d = DEFECTS["n_samples"], DEFECTS["n_genes"], DEFECTS["n_duplicates"]
    data = defective
    assert isinstance(data, Bunch)
    assert data.X.shape == (n + d, g) and data.X.dtype == np.float32
    assert data.y.shape == data.batch.shape == (n + d,)
    assert data.y.dtype == data.batch.dtype == np.int64
    assert data.groups is data.batch
    assert set(np.unique(data.batch)) <= {0, 1}
    assert data.X_external.shape == (30, g) and data.X_external.dtype == np.float32
    assert np.isfinite(data.X_external).all()
    assert data.y_external.shape == data.batch_external.shape == (30,)
    assert (data.batch_external == 2).all()
    assert len(data.feature_names) == g and data.feature_names[0] == "gene_0000"
    assert len(set(data.sample_ids)) == n + d
    t = data.truth
    assert t.batch_shift.shape == t.batch_factor.shape == (3, g)
    assert t.informative.shape == t.effect.shape == t.gene_level.shape == t.gene_scale.shape == (g,)
    assert t.missing_mask.shape == t.X_complete.shape == data.X.shape
    assert t.duplicate_of.shape == t.source_index.shape == t.confounded.shape == (n + d,)
    assert 0 < t.batch_variance_share < 1
    assert "ComBat" in data.DESCR and "duplicates" in data.DESCR


def test_return_X_y_gives_the_same_arrays(defective):
    X, y = make_batch_expression(**DEFECTS, return_X_y=True, random_state=0)
    np.testing.assert_array_equal(X, defective.X)
    np.testing.assert_array_equal(y, defective.y)


def test_params_record_everything_needed_to_rebuild(defective):
    p = defective.params
    assert isinstance(p["random_state"], int)
    again = make_batch_expression(**p)
    np.testing.assert_array_equal(again.X, defective.X)  # NaNs in the same places
    np.testing.assert_array_equal(again.X_external, defective.X_external)


def test_labels_have_exact_counts():
    data = make_batch_expression(101, 10, n_informative=2, prevalence=0.3, n_external=40,
                                 random_state=1)
    assert data.y.sum() == round(101 * 0.3)
    assert data.y_external.sum() == round(40 * 0.3)


def test_no_external_batch_gives_empty_arrays():
    data = make_batch_expression(30, 10, n_informative=2, n_external=0, random_state=1)
    assert data.X_external.shape == (0, 10) and data.y_external.shape == (0,)


# ----------------------------------------------------------------------------------------
# Reproducibility and random streams
# ----------------------------------------------------------------------------------------
def test_same_seed_same_data_different_seed_different_data(defective):
    again = make_batch_expression(**DEFECTS, random_state=0)
    for name in ("X", "y", "batch", "X_external", "y_external"):
        np.testing.assert_array_equal(again[name], defective[name])
    np.testing.assert_array_equal(again.truth.duplicate_of, defective.truth.duplicate_of)
    other = make_batch_expression(**DEFECTS, random_state=1)
    assert not np.array_equal(other.truth.X_complete, defective.truth.X_complete)
    assert not np.array_equal(other.truth.informative, defective.truth.informative)
    assert not np.array_equal(other.truth.duplicate_of, defective.truth.duplicate_of)


def test_batch_effect_only_changes_the_batch_term(small):
    none = make_batch_expression(**SMALL, batch_effect=0.0, random_state=0)
    strong = make_batch_expression(**SMALL, batch_effect=2.0, random_state=0)
    for other in (none, strong):
        np.testing.assert_array_equal(other.y, small.y)
        np.testing.assert_array_equal(other.batch, small.batch)
        np.testing.assert_array_equal(other.truth.informative, small.truth.informative)
    assert (none.truth.batch_shift == 0).all() and none.truth.batch_variance_share == 0
    np.testing.assert_allclose(strong.truth.batch_shift, 2 * small.truth.batch_shift)
    # Removing the batch term leaves the same biology in all three.
    for other in (small, strong):
        np.testing.assert_allclose(other.X - other.truth.batch_shift[other.batch], none.X,
                                   atol=1e-4)
        np.testing.assert_allclose(
            other.X_external - other.truth.batch_shift[2], none.X_external, atol=1e-4)
    assert strong.truth.batch_variance_share > small.truth.batch_variance_share


def test_confounding_only_moves_samples_into_home_batches(small):
    balanced = make_batch_expression(**SMALL, confounding=0.0, random_state=0)
    full = make_batch_expression(**SMALL, confounding=0.95, random_state=0)
    np.testing.assert_array_equal(balanced.y, small.y)
    np.testing.assert_array_equal(full.y, small.y)
    np.testing.assert_array_equal(full.truth.batch_shift, small.truth.batch_shift)
    # same biology: X minus the batch term is unchanged
    np.testing.assert_allclose(full.X - full.truth.batch_shift[full.batch],
                               balanced.X - balanced.truth.batch_shift[balanced.batch], atol=1e-4)
    # a sample that changes batch as confounding grows moves into its home batch
    moved = balanced.batch != full.batch
    assert moved.any()
    assert (full.batch[moved] == full.y[moved]).all()
    assert (full.batch == full.y).mean() > (small.batch == small.y).mean() > (
        balanced.batch == balanced.y).mean() - 0.1


def test_defects_leave_the_distinct_samples_unchanged(small, defective):
    keep = _distinct(defective)
    np.testing.assert_array_equal(defective.truth.X_complete[keep], small.X)
    np.testing.assert_array_equal(defective.y[keep], small.y)
    np.testing.assert_array_equal(defective.batch[keep], small.batch)
    np.testing.assert_array_equal(defective.X_external, small.X_external)
    # more missing values keep the earlier gaps (the same uniforms decide)
    more = make_batch_expression(**dict(DEFECTS, missing_fraction=0.2), random_state=0)
    assert (more.truth.missing_mask >= defective.truth.missing_mask).all()
    np.testing.assert_array_equal(more.truth.duplicate_of, defective.truth.duplicate_of)
    # turning duplication off keeps the gaps of the distinct samples
    no_copies = make_batch_expression(**dict(DEFECTS, n_duplicates=0), random_state=0)
    np.testing.assert_array_equal(no_copies.truth.missing_mask, defective.truth.missing_mask[keep])


def test_external_batch_leaves_the_main_data_unchanged(small):
    bigger = make_batch_expression(**dict(SMALL, n_external=200), random_state=0)
    np.testing.assert_array_equal(bigger.X, small.X)
    np.testing.assert_array_equal(bigger.batch, small.batch)
    three = make_batch_expression(**dict(SMALL, n_batches=3), random_state=0)
    np.testing.assert_array_equal(three.y, small.y)
    np.testing.assert_array_equal(three.truth.batch_shift[:2], small.truth.batch_shift[:2])


def test_sample_size_leaves_the_genes_and_batch_shifts_unchanged(small):
    # Genes and batch shifts have their own streams, so more samples keep them.
    bigger = make_batch_expression(**dict(SMALL, n_samples=120), random_state=0)
    for name in ("informative", "effect", "gene_level", "gene_scale", "batch_shift"):
        np.testing.assert_array_equal(bigger.truth[name], small.truth[name])


# ----------------------------------------------------------------------------------------
# Ground truth matches the data
# ----------------------------------------------------------------------------------------
def test_missing_mask_marks_exactly_the_nans(defective):
    t = defective.truth
    np.testing.assert_array_equal(np.isnan(defective.X), t.missing_mask)
    np.testing.assert_array_equal(defective.X[~t.missing_mask], t.X_complete[~t.missing_mask])
    assert np.isfinite(t.X_complete).all()
    assert 0.02 < t.missing_mask.mean() < 0.08  # missing_fraction=0.05


def test_duplicates_are_exact_copies_placed_after_their_original(defective):
    t = defective.truth
    copies = np.flatnonzero(t.duplicate_of >= 0)
    assert len(copies) == DEFECTS["n_duplicates"]
    originals = t.duplicate_of[copies]
    assert (originals < copies).all()
    assert len(set(originals)) == len(originals)
    np.testing.assert_array_equal(defective.X[copies], defective.X[originals])  # NaNs too
    np.testing.assert_array_equal(defective.y[copies], defective.y[originals])
    np.testing.assert_array_equal(defective.batch[copies], defective.batch[originals])
    np.testing.assert_array_equal(t.source_index[copies], t.source_index[originals])
    # what an analyst finds (exact duplicate rows, first occurrence kept) is the copies
    found = np.flatnonzero(pd.DataFrame(defective.X).duplicated(keep="first").to_numpy())
    np.testing.assert_array_equal(found, copies)
    # originals keep their order
    assert (np.diff(t.source_index[t.duplicate_of < 0]) == 1).all()


def test_copies_land_at_random_places():
    data = make_batch_expression(200, 5, n_informative=1, n_duplicates=40, random_state=3)
    copies = np.flatnonzero(data.truth.duplicate_of >= 0)
    gaps = copies - data.truth.duplicate_of[copies]
    assert copies.min() < 100 < copies.max()
    assert gaps.max() > 20 and gaps.min() < 20  # not always right after the original


def test_batch_variance_share_is_recomputable(small):
    t = small.truth
    batch_term = t.batch_shift[small.batch]
    share = batch_term.var(axis=0).sum() / small.X.astype(float).var(axis=0).sum()
    assert abs(share - t.batch_variance_share) < 1e-5
    np.testing.assert_allclose(t.batch_factor, 2.0 ** t.batch_shift)


def test_batch_shifts_are_what_the_data_show():
    data = make_batch_expression(2000, 20, n_informative=0, n_batches=3, confounding=0.0,
                                 n_external=2000, random_state=4)
    t = data.truth
    for b in range(3):
        estimate = data.X[data.batch == b].mean(axis=0) - t.gene_level
        np.testing.assert_allclose(estimate, t.batch_shift[b], atol=0.1)
    external = data.X_external.mean(axis=0) - t.gene_level
    np.testing.assert_allclose(external, t.batch_shift[3], atol=0.1)


def test_informative_genes_carry_the_class_difference():
    data = make_batch_expression(3000, 30, n_informative=6, effect_size=1.0, batch_effect=0.0,
                                 random_state=5)
    t = data.truth
    assert t.informative.sum() == 6
    assert (t.effect[~t.informative] == 0).all()
    assert np.allclose(np.abs(t.effect[t.informative]), 1.0)
    many = make_batch_expression(50, 200, n_informative=60, random_state=5).truth.effect
    assert 15 < (many > 0).sum() < 45  # random signs: genes go up or down with the disease
    diff = data.X[data.y == 1].mean(axis=0) - data.X[data.y == 0].mean(axis=0)
    np.testing.assert_allclose(diff / t.gene_scale, t.effect, atol=0.12)


def test_confounding_sets_how_often_batch_matches_the_label():
    for confounding in (0.0, 0.6, 1.0):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # confounding=1 warns, tested below
            data = make_batch_expression(4000, 5, n_informative=1, confounding=confounding,
                                         random_state=6)
        agreement = (data.batch == data.y).mean()
        assert abs(agreement - (1 + confounding) / 2) < 0.03
        assert abs(data.truth.label_batch_agreement - agreement) < 1e-12
        assert abs(data.truth.confounded.mean() - confounding) < 0.03
        auroc = roc_auc_score(data.y, data.batch)
        assert abs(auroc - (1 + confounding) / 2) < 0.03


def test_more_batches_lean_to_the_home_class():
    data = make_batch_expression(6000, 5, n_informative=1, n_batches=4, confounding=0.8,
                                 random_state=7)
    table = pd.crosstab(data.y, data.batch).to_numpy()
    assert table.shape == (2, 4)
    # batches 0 and 2 are home to class 0, batches 1 and 3 to class 1
    assert (table[0, [0, 2]] > 3 * table[1, [0, 2]]).all()
    assert (table[1, [1, 3]] > 3 * table[0, [1, 3]]).all()


def test_null_biology_with_confounding_is_learned_through_the_batch():
    """The demonstration of the lesson: with no biological signal, a model still scores
    well inside the confounded data and at chance on the balanced external batch."""
    data = make_batch_expression(200, 200, n_informative=0, confounding=0.8, n_external=200,
                                 random_state=8)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    model.fit(data.X[:150], data.y[:150])
    inside = roc_auc_score(data.y[150:], model.decision_function(data.X[150:]))
    outside = roc_auc_score(data.y_external, model.decision_function(data.X_external))
    assert inside > 0.75
    assert abs(outside - 0.5) < 0.12


def test_informative_and_other_genes_share_one_marginal_distribution():
    means_inf, means_other, sds_inf, sds_other = [], [], [], []
    for seed in range(5):
        data = make_batch_expression(400, 300, n_informative=60, effect_size=1.5,
                                     confounding=0.0, random_state=seed)
        inf = data.truth.informative
        mean, sd = data.X.mean(axis=0), data.X.std(axis=0)
        means_inf.append(mean[inf])
        means_other.append(mean[~inf])
        sds_inf.append(sd[inf])
        sds_other.append(sd[~inf])
    join = np.concatenate
    assert ks_2samp(join(means_inf), join(means_other)).pvalue > 0.01
    assert ks_2samp(join(sds_inf), join(sds_other)).pvalue > 0.01


# ----------------------------------------------------------------------------------------
# Argument validation
# ----------------------------------------------------------------------------------------
BAD_ARGUMENTS = [
    (dict(n_samples=1), ValueError, "n_samples"),
    (dict(n_samples=10.0), TypeError, "n_samples"),
    (dict(n_samples=True), TypeError, "n_samples"),
    (dict(n_genes=0), ValueError, "n_genes"),
    (dict(n_genes="20"), TypeError, "n_genes"),
    (dict(n_informative=-1), ValueError, "n_informative"),
    (dict(n_informative=21), ValueError, "n_informative"),
    (dict(n_informative=2.0), TypeError, "n_informative"),
    (dict(effect_size=0.0), ValueError, "effect_size"),
    (dict(effect_size=2.0), ValueError, "effect_size"),
    (dict(effect_size=float("nan")), ValueError, "effect_size"),
    (dict(effect_size="big"), TypeError, "effect_size"),
    (dict(prevalence=0.0), ValueError, "prevalence"),
    (dict(prevalence=1.0), ValueError, "prevalence"),
    (dict(prevalence="0.5"), TypeError, "prevalence"),
    (dict(n_batches=0), ValueError, "n_batches"),
    (dict(n_batches=2.5), TypeError, "n_batches"),
    (dict(batch_effect=-0.1), ValueError, "batch_effect"),
    (dict(batch_effect=float("inf")), ValueError, "batch_effect"),
    (dict(batch_effect=None), TypeError, "batch_effect"),
    (dict(confounding=-0.1), ValueError, "confounding"),
    (dict(confounding=1.1), ValueError, "confounding"),
    (dict(confounding=True), TypeError, "confounding"),
    (dict(n_external=-1), ValueError, "n_external"),
    (dict(n_external=1.5), TypeError, "n_external"),
    (dict(n_duplicates=-1), ValueError, "n_duplicates"),
    (dict(n_duplicates=51), ValueError, "n_duplicates"),
    (dict(n_duplicates="3"), TypeError, "n_duplicates"),
    (dict(missing_fraction=1.0), ValueError, "missing_fraction"),
    (dict(missing_fraction=-0.01), ValueError, "missing_fraction"),
    (dict(missing_fraction=[0.1]), TypeError, "missing_fraction"),
    (dict(return_X_y=1), TypeError, "return_X_y"),
    (dict(random_state=-1), ValueError, "random_state"),
    (dict(random_state=1.5), TypeError, "random_state"),
]


@pytest.mark.parametrize("kwargs, error, name", BAD_ARGUMENTS,
                         ids=[f"{k}={v!r}" for kw, _, _ in BAD_ARGUMENTS
                              for k, v in kw.items()])
def test_invalid_argument_raises_a_clear_error(kwargs, error, name):
    arguments = dict(n_samples=50, n_genes=20, n_informative=5, random_state=0)
    arguments.update(kwargs)
    with pytest.raises(error, match=name) as info:
        make_batch_expression(**arguments)
    assert "got" in str(info.value)


def test_cross_parameter_errors_name_both_parameters():
    with pytest.raises(ValueError, match="n_genes"):
        make_batch_expression(50, 20, n_informative=21)
    with pytest.raises(ValueError, match="n_samples"):
        make_batch_expression(50, 20, n_informative=2, n_duplicates=51)
    with pytest.raises(ValueError, match="prevalence"):
        make_batch_expression(50, 20, n_informative=2, effect_size=2.6, prevalence=0.2)


def test_effect_size_limit_depends_on_prevalence():
    # 1 / sqrt(0.1 * 0.9) = 3.33: allowed at prevalence 0.1, refused at 0.5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        make_batch_expression(50, 20, n_informative=2, effect_size=3.0, prevalence=0.1,
                              random_state=0)
    with pytest.raises(ValueError, match="effect_size"):
        make_batch_expression(50, 20, n_informative=2, effect_size=3.0, random_state=0)


def test_sizes_are_positional_and_the_rest_keyword_only():
    make_batch_expression(20, 10, n_informative=2, random_state=0)
    with pytest.raises(TypeError):
        make_batch_expression(20, 10, 2)


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_samples=15), "positive"),
    (dict(n_samples=50, prevalence=0.9), "negative"),
    (dict(n_samples=50, confounding=1.0), "confounding"),
    (dict(n_samples=50, n_batches=1, confounding=0.5), "n_batches=1"),
    (dict(n_samples=50, missing_fraction=0.6), "missing"),
])
def test_degenerate_settings_warn(kwargs, match):
    with pytest.warns(UserWarning, match=match):
        make_batch_expression(n_genes=10, n_informative=2, random_state=0, **kwargs)


def test_ordinary_settings_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_batch_expression(**DEFECTS, random_state=0)
        make_batch_expression(**SMALL, n_batches=1, confounding=0.0, random_state=0)
        make_batch_expression(200, 1000, n_informative=0, n_duplicates=6,
                              missing_fraction=0.001, random_state=0)

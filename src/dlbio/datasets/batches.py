"""Gene expression measured in batches: batch effects, confounding, and the defects an audit finds."""
from __future__ import annotations

import math
import warnings

import numpy as np
from sklearn.utils import Bunch

from ._common import spawn_streams

from .._validation import (
    check_allocation,
    check_bool,
    check_float,
    check_fraction,
    check_int,
    check_random_state,
)

__all__ = ["make_batch_expression"]

# Gene levels on the log2 scale (typical of microarray or log-CPM data) and the spread of
# the gene-wise standard deviations.
_LEVEL_MEAN = 7.0
_LEVEL_SD = 1.5
_SCALE_MEDIAN = 0.7
_SCALE_SDLOG = 0.25
#: Largest accepted ``batch_effect`` (in biological standard deviations).
MAX_BATCH_EFFECT = 10.0
# Names of the independent random sub-streams, in the fixed order they are spawned (append
# new ones at the end, never reorder).
_STREAMS = ("genes", "labels", "batches", "biology", "batch_effects", "missing",
            "duplicates", "external")


def _exact_labels(rng: np.random.Generator, n: int, prevalence: float) -> np.ndarray:
    """``round(n * prevalence)`` ones and the rest zeros, in a random order."""
    n_pos = int(round(n * prevalence))
    y = np.zeros(n, dtype=np.int64)
    y[:n_pos] = 1
    return y[rng.permutation(n)]


def _biology(noise: np.ndarray, y: np.ndarray, effect: np.ndarray, prevalence: float) -> np.ndarray:
    """Biological signal plus noise, with unit variance on every gene.

    ``effect[g]`` is the difference of the class means of gene ``g``; the noise is scaled
    down on informative genes so that every gene has the same marginal variance.
    """
    spread = np.sqrt(1.0 - effect**2 * prevalence * (1.0 - prevalence))
    return (y[:, None] - prevalence) * effect[None, :] + noise * spread[None, :]


_DESCR = """\
Simulated log2 gene expression measured in batches (a ComBat-style location model).

for each gene g:                                           # sub-stream "genes"
    informative[g]: n_informative genes chosen at random, effect[g] = +/-effect_size
    level[g] ~ Normal(7, 1.5), scale[g] ~ LogNormal(log 0.7, 0.25)
for each sample i:
    y[i]: exactly round(n_samples * prevalence) ones, in random order   # "labels"
    batch[i]: with probability `confounding` one of the "home" batches of class y[i]
              (batches b with b % 2 == y[i]), otherwise any batch        # "batches"
    bio[i, g] = effect[g] * (y[i] - prevalence)
                + sqrt(1 - effect[g]**2 * prevalence * (1 - prevalence)) * z[i, g]
                                                  z[i, g] ~ Normal(0, 1)  # "biology"
    gamma[b, g] ~ Normal(0, batch_effect**2)                        # "batch_effects"
    X[i, g] = level[g] + scale[g] * (bio[i, g] + gamma[batch[i], g])
then the defects an audit should find:
    missing: each value is deleted (NaN) with probability missing_fraction  # "missing"
    duplicates: n_duplicates samples are copied; each copy is inserted at a random
                place after its original, under a new sample id           # "duplicates"
external batch (batch number n_batches), balanced and clean:             # "external"
    n_external samples with the same prevalence, biology and gene levels, and the
    batch shift gamma[n_batches, g].

X holds n_samples + n_duplicates rows.  Ground truth (the batch shifts, the informative
genes, which rows are copies, where the values are missing, the complete values) is in
`truth`; only X, y, batch and the external batch may be used to fit and test a model."""


def make_batch_expression(n_samples=200, n_genes=1000, *, n_informative=20, effect_size=0.5,
                          prevalence=0.5, n_batches=2, batch_effect=1.0, confounding=0.6,
                          n_external=100, n_duplicates=0, missing_fraction=0.0,
                          return_X_y=False, random_state=None):
    """Simulate log2 gene expression measured in batches, with an optional external batch.

    Every sample is processed in one of ``n_batches`` batches (sequencing runs, hospitals,
    labs), and every batch shifts every gene by its own amount, as in the location model
    of ComBat [1]_.  The ``confounding`` knob controls how strongly the batch goes with the
    label: at 0 the design is balanced, at 1 each batch holds (almost) one class only, so a
    model can predict the label from the batch alone.  A separate, balanced *external*
    batch gives an honest test set.  The data can also carry the defects that an audit
    before modelling should catch: duplicated samples and missing values.

    Parameters
    ----------
    n_samples : int, default=200
        Number of distinct samples in the main data set, at least 2.  ``X`` has
        ``n_samples + n_duplicates`` rows.
    n_genes : int, default=1000
        Number of genes (columns), at least 1.
    n_informative : int, default=20
        Number of genes whose mean differs between the classes, in ``[0, n_genes]``.  0
        gives labels that carry no biological signal at all (a null data set).
    effect_size : float, default=0.5
        Difference between the class means of an informative gene, in units of the gene's
        within-class standard deviation scale (> 0).  Must satisfy
        ``effect_size**2 * prevalence * (1 - prevalence) < 1`` (below 2 for balanced
        classes), because every gene has the same total biological variance.
    prevalence : float, default=0.5
        Fraction of positive labels, in (0, 1).  Each data set holds exactly
        ``round(n * prevalence)`` positives.
    n_batches : int, default=2
        Number of batches in the main data set, at least 1.  The external batch is one
        more, numbered ``n_batches``.
    batch_effect : float, default=1.0
        Standard deviation of the per-gene batch shifts, in units of the gene's biological
        standard deviation, in [0, 10].  0 means no batch effect; 10 already buries the
        biology, and larger values would overflow ``truth.batch_factor`` (``2**shift``).
    confounding : float, default=0.6
        Strength of the link between batch and label, in [0, 1].  With probability
        ``confounding`` a sample goes to one of its class's "home" batches (the batches
        ``b`` with ``b % 2 == y``), otherwise to any batch at random.  With two batches a
        sample lands in batch ``y`` with probability ``(1 + confounding) / 2``.
    n_external : int, default=100
        Number of samples in the external batch (>= 0; 0 gives empty arrays).
    n_duplicates : int, default=0
        Number of samples that appear twice, in ``[0, n_samples]``.  Each copy is an exact
        copy of its original row (label and batch included) under a new sample id, placed
        at a random position after the original.
    missing_fraction : float, default=0.0
        Probability that a value of the main data is missing (``NaN``), in [0, 1).
        Missingness is completely at random; a copied row carries its original's gaps.
    return_X_y : bool, default=False
        If True, return only ``(X, y)``.
    random_state : None, int or numpy.random.Generator, default=None
        Seed (a legacy ``RandomState`` also works).  ``None`` draws a fresh seed and
        records it in ``params``.  The global ``np.random`` state is never used.

    Returns
    -------
    data : Bunch
        With ``return_X_y=False`` (the default), a Bunch with:

        X : ndarray of shape (n_samples + n_duplicates, n_genes), float32
            log2 expression, with ``NaN`` where a value is missing.
        y : ndarray of shape (n_samples + n_duplicates,), int64
            Binary label (1 = positive).
        batch : ndarray of shape (n_samples + n_duplicates,), int64
            The batch of each sample, in ``[0, n_batches)``.
        groups : ndarray
            The same array as ``batch``: the grouping to respect when splitting.
        feature_names, sample_ids : ndarray of str
            ``"gene_0000"``, ... and ``"sample_0000"``, ... (in row order, so a copy's id
            does not reveal its original).
        X_external, y_external, batch_external : ndarray
            The external batch: ``(n_external, n_genes)`` float32 without defects, its
            labels, and its batch number (all ``n_batches``).
        truth : Bunch
            Hidden ground truth:

            - ``informative`` (bool, n_genes) and ``effect`` (the signed difference of the
              class means on the biological scale; 0 for other genes);
            - ``gene_level`` and ``gene_scale`` (n_genes);
            - ``batch_shift`` (n_batches + 1, n_genes): the shift of each batch on the
              log2 scale (the last row is the external batch), and ``batch_factor``
              ``= 2 ** batch_shift``, the same effect as a fold change of expression;
            - ``batch_variance_share``: the share of the total variance of the complete,
              de-duplicated main data that the batch shifts explain;
            - ``confounded`` (bool, per row): the sample's batch was drawn from its class's
              home batches; ``label_batch_agreement``: the fraction of distinct samples
              in a home batch of their class;
            - ``duplicate_of`` (int, per row): -1 for an original, otherwise the row index
              of the original it copies; ``source_index`` (per row): the distinct sample
              (0 to n_samples - 1) each row comes from;
            - ``missing_mask`` (bool, like X): where values were deleted, and
              ``X_complete``: X before the deletion.
        params : dict
            The resolved arguments; ``random_state`` holds the integer seed used.
        DESCR : str
            The generative process in pseudo-code.

    (X, y) : tuple
        With ``return_X_y=True``.

    Warns
    -----
    UserWarning
        When fewer than 10 positives (or negatives) are expected, when two batches are
        completely confounded with the label (``confounding=1``), when a single batch
        makes ``confounding`` meaningless, or when at least half of the values are
        missing.

    See Also
    --------
    dlbio.datasets.make_expression : counts with co-expressed gene programs, no batches.

    Notes
    -----
    The generative process, for gene ``g``, sample ``i`` and batch ``b``:

    1. ``n_informative`` genes, chosen uniformly at random, get a class-mean difference
       ``effect_g = +/-effect_size`` (random sign); all other genes get 0.  Every gene gets
       a level ``mu_g ~ N(7, 1.5**2)`` and a scale ``s_g ~ LogNormal(log 0.7, 0.25)``
       drawn from the same distributions for every gene, so informative genes cannot be
       told apart by their mean or variance.
    2. Labels: exactly ``round(n_samples * prevalence)`` ones in a random order.
    3. Batches: with probability ``confounding`` the sample goes to a home batch of its
       class (``b % 2 == y``), chosen uniformly; otherwise to any of the ``n_batches``
       batches, chosen uniformly.  The same two uniforms per sample are used for every
       value of ``confounding``, so raising it only moves samples into home batches.
    4. Biology: ``bio_ig = effect_g (y_i - prevalence) + sqrt(1 - effect_g**2 p (1 - p))
       z_ig`` with ``z_ig ~ N(0, 1)`` and ``p = prevalence``, so every gene has unit
       biological variance.
    5. Batch shifts ``gamma_bg ~ N(0, batch_effect**2)``: the additive batch term of the
       ComBat model [1]_ on the log scale, which is a multiplicative batch factor
       ``2**(s_g gamma_bg)`` on the expression scale, as in Splat [2]_.
    6. ``X_ig = mu_g + s_g (bio_ig + gamma_b(i),g)``.
    7. Defects: each value goes missing with probability ``missing_fraction``; then
       ``n_duplicates`` distinct samples are copied, and each copy is inserted at a random
       place after its original.
    8. The external batch ``b = n_batches`` repeats steps 2, 4 and 6 for ``n_external``
       samples, with no confounding (one batch) and no defects.

    Each component draws from its own random sub-stream ("genes", "labels", "batches",
    "biology", "batch_effects", "missing", "duplicates", "external").  With the same seed,
    changing ``batch_effect`` changes only the batch term of X; changing ``confounding``
    changes only ``batch``; turning the defects on leaves the distinct samples unchanged
    (``X_complete`` without the copied rows is the same array); and changing the external
    batch leaves the main data unchanged.

    A balanced, external batch is the remedy Lee et al. [3]_ recommend for confounding
    ("test models on truly independent data"); Leek et al. [4]_ review how common and how
    damaging batch effects are.

    References
    ----------
    .. [1] Johnson WE, Li C, Rabinovic A. Adjusting batch effects in microarray expression
       data using empirical Bayes methods. Biostatistics 8(1), 118-127 (2007).
       doi:10.1093/biostatistics/kxj037
    .. [2] Zappia L, Phipson B, Oshlack A. Splatter: simulation of single-cell RNA
       sequencing data. Genome Biology 18, 174 (2017). doi:10.1186/s13059-017-1305-0
    .. [3] Lee BD, Gitter A, Greene CS, et al. Ten quick tips for deep learning in
       biology. PLoS Comput Biol 18(3): e1009803 (2022), Tip 4.
       doi:10.1371/journal.pcbi.1009803
    .. [4] Leek JT, Scharpf RB, Bravo HC, et al. Tackling the widespread and critical
       impact of batch effects in high-throughput data. Nat Rev Genet 11, 733-739 (2010).
       doi:10.1038/nrg2825

    Examples
    --------
    >>> from dlbio.datasets import make_batch_expression
    >>> data = make_batch_expression(40, 30, n_informative=5, n_duplicates=3,
    ...                              n_external=10, random_state=0)
    >>> data.X.shape, data.X_external.shape, int((data.truth.duplicate_of >= 0).sum())
    ((43, 30), (10, 30), 3)
    """
    # ---- 1. Check every argument, then the constraints between them. -----------------
    try:
        n_samples = check_int(n_samples, "n_samples", low=2)
    except ValueError as err:
        raise ValueError(f"{err} At least two samples are needed to hold both classes.") from None
    n_genes = check_int(n_genes, "n_genes", low=1)
    n_informative = check_int(n_informative, "n_informative", low=0)
    if n_informative > n_genes:
        raise ValueError(f"n_informative must be an int in [0, n_genes={n_genes}]; "
                         f"got {n_informative}.")
    effect_size = check_float(effect_size, "effect_size", low=0.0, low_inclusive=False)
    prevalence = check_fraction(prevalence, "prevalence", low_inclusive=False,
                                high_inclusive=False)
    limit = 1.0 / math.sqrt(prevalence * (1.0 - prevalence))
    if effect_size >= limit:
        raise ValueError(
            f"effect_size must be a number in (0, {limit:.4g}) when prevalence={prevalence:g} "
            "(effect_size**2 * prevalence * (1 - prevalence) must stay below 1, the "
            f"biological variance of a gene); got {effect_size:g}.")
    n_batches = check_int(n_batches, "n_batches", low=1)
    batch_effect = check_float(batch_effect, "batch_effect", low=0.0, high=MAX_BATCH_EFFECT)
    confounding = check_fraction(confounding, "confounding")
    n_external = check_int(n_external, "n_external", low=0)
    n_duplicates = check_int(n_duplicates, "n_duplicates", low=0)
    if n_duplicates > n_samples:
        raise ValueError(f"n_duplicates must be an int in [0, n_samples={n_samples}] "
                         f"(each distinct sample is copied at most once); got {n_duplicates}.")
    missing_fraction = check_fraction(missing_fraction, "missing_fraction",
                                      high_inclusive=False)
    return_X_y = check_bool(return_X_y, "return_X_y")
    _, seed = check_random_state(random_state)
    check_allocation({"n_samples": n_samples, "n_genes": n_genes}, what="samples x genes matrix")
    check_allocation({"n_external": n_external, "n_genes": n_genes},
                     what="external samples x genes matrix")
    check_allocation({"n_batches": n_batches, "n_genes": n_genes}, what="batches x genes shifts")
    check_allocation({"n_genes": n_genes}, bytes_per_value=64, what="gene names")

    expected_pos, expected_neg = n_samples * prevalence, n_samples * (1.0 - prevalence)
    if min(expected_pos, expected_neg) < 10:
        warnings.warn(
            f"Only about {min(expected_pos, expected_neg):.1f} "
            f"{'positive' if expected_pos <= expected_neg else 'negative'} samples are "
            f"expected (n_samples={n_samples}, prevalence={prevalence:g}); metrics will be "
            "very noisy. Increase n_samples or move prevalence away from 0 or 1.",
            UserWarning, stacklevel=2)
    if n_batches == 2 and confounding == 1.0:
        warnings.warn(
            "confounding=1 with n_batches=2 puts each class in its own batch: the batch "
            "effect and the label cannot be told apart, and no model can be tested within "
            "a batch.", UserWarning, stacklevel=2)
    if n_batches == 1 and confounding > 0:
        warnings.warn(
            f"confounding={confounding:g} has no effect with n_batches=1: every sample is in "
            "the same batch.", UserWarning, stacklevel=2)
    if missing_fraction >= 0.5:
        warnings.warn(
            f"missing_fraction={missing_fraction:g}: at least half of the values will be "
            "missing.", UserWarning, stacklevel=2)

    rng = spawn_streams(seed, _STREAMS)

    # ---- 2. Genes ("genes"). ---------------------------------------------------------
    order = rng["genes"].permutation(n_genes)
    sign = rng["genes"].integers(0, 2, size=n_genes) * 2 - 1
    level = rng["genes"].normal(_LEVEL_MEAN, _LEVEL_SD, size=n_genes)
    scale = _SCALE_MEDIAN * np.exp(_SCALE_SDLOG * rng["genes"].standard_normal(n_genes))
    informative = np.zeros(n_genes, dtype=bool)
    informative[order[:n_informative]] = True
    effect = np.where(informative, effect_size * sign, 0.0)

    # ---- 3. Labels ("labels") and batches ("batches"). -------------------------------
    y = _exact_labels(rng["labels"], n_samples, prevalence)
    u_confound = rng["batches"].random(n_samples)
    u_pick = rng["batches"].random(n_samples)
    any_batch = np.minimum((u_pick * n_batches).astype(np.int64), n_batches - 1)
    # Home batches of class c are c, c + 2, c + 4, ... (class 1 has none with one batch).
    n_home = np.array([(n_batches - c + 1) // 2 for c in (0, 1)])
    home_count = n_home[y]
    home_pick = np.minimum((u_pick * np.maximum(home_count, 1)).astype(np.int64),
                           np.maximum(home_count, 1) - 1)
    home_batch = y + 2 * home_pick
    confounded = (u_confound < confounding) & (home_count > 0)
    batch = np.where(confounded, home_batch, any_batch)

    # ---- 4. Biology ("biology") and batch shifts ("batch_effects"). ------------------
    bio = _biology(rng["biology"].standard_normal((n_samples, n_genes)), y, effect, prevalence)
    gamma = batch_effect * rng["batch_effects"].standard_normal((n_batches + 1, n_genes))
    batch_shift = scale[None, :] * gamma
    batch_term = batch_shift[batch]
    X_complete = level[None, :] + scale[None, :] * bio + batch_term
    total_var = X_complete.var(axis=0).sum()
    batch_share = float(batch_term.var(axis=0).sum() / total_var) if total_var > 0 else 0.0
    in_home = (batch % 2 == y) if n_batches > 1 else np.ones(n_samples, dtype=bool)

    # ---- 5. Defects: missing values ("missing") and duplicated samples ("duplicates"). -
    missing = rng["missing"].random((n_samples, n_genes)) < missing_fraction
    copied = np.sort(rng["duplicates"].choice(n_samples, size=n_duplicates, replace=False))
    # Originals keep their order (key i); a copy of i gets a key in (i, n_samples), so it
    # lands at a random place after its original.
    offsets = rng["duplicates"].random(n_duplicates)
    keys = np.concatenate([np.arange(n_samples, dtype=float),
                           copied + offsets * (n_samples - copied) + 1e-9])
    source = np.concatenate([np.arange(n_samples), copied])
    row_order = np.argsort(keys, kind="stable")
    source = source[row_order]
    is_copy = row_order >= n_samples
    row_of_original = np.empty(n_samples, dtype=np.int64)
    row_of_original[source[~is_copy]] = np.flatnonzero(~is_copy)
    duplicate_of = np.where(is_copy, row_of_original[source], -1)

    X_complete_rows = X_complete[source].astype(np.float32)
    missing_rows = missing[source]
    X = np.where(missing_rows, np.float32(np.nan), X_complete_rows).astype(np.float32)
    y_rows = y[source]
    batch_rows = batch[source].astype(np.int64)

    # ---- 6. The external batch ("external"). -----------------------------------------
    y_external = _exact_labels(rng["external"], n_external, prevalence)
    bio_ext = _biology(rng["external"].standard_normal((n_external, n_genes)), y_external,
                       effect, prevalence)
    X_external = (level[None, :] + scale[None, :] * bio_ext
                  + batch_shift[n_batches][None, :]).astype(np.float32)
    batch_external = np.full(n_external, n_batches, dtype=np.int64)

    if return_X_y:
        return X, y_rows

    width = max(4, len(str(n_genes - 1)))
    feature_names = np.array([f"gene_{j:0{width}d}" for j in range(n_genes)])
    n_rows = n_samples + n_duplicates
    width = max(4, len(str(n_rows - 1)))
    sample_ids = np.array([f"sample_{i:0{width}d}" for i in range(n_rows)])

    truth = Bunch(
        informative=informative,
        effect=effect,
        gene_level=level,
        gene_scale=scale,
        batch_shift=batch_shift,
        batch_factor=2.0 ** batch_shift,
        batch_variance_share=batch_share,
        confounded=confounded[source],
        label_batch_agreement=float(in_home.mean()),
        duplicate_of=duplicate_of,
        source_index=source,
        missing_mask=missing_rows,
        X_complete=X_complete_rows,
    )
    params = dict(n_samples=n_samples, n_genes=n_genes, n_informative=n_informative,
                  effect_size=effect_size, prevalence=prevalence, n_batches=n_batches,
                  batch_effect=batch_effect, confounding=confounding, n_external=n_external,
                  n_duplicates=n_duplicates, missing_fraction=missing_fraction,
                  random_state=seed)
    return Bunch(X=X, y=y_rows, batch=batch_rows, groups=batch_rows,
                 feature_names=feature_names, sample_ids=sample_ids,
                 X_external=X_external, y_external=y_external, batch_external=batch_external,
                 truth=truth, params=params, DESCR=_DESCR)

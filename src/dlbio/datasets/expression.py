"""Gene-expression matrices with known informative genes (a Splat-like negative binomial)."""
from __future__ import annotations

import math
import warnings

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit, logit as _logit, ndtri
from sklearn.utils import Bunch

from ._common import spawn_streams

from .._validation import (
    check_allocation,
    check_bool,
    check_choice,
    check_float,
    check_fraction,
    check_int,
    check_random_state,
)

__all__ = ["make_expression"]

# Splat's defaults for the base gene means (Zappia et al. 2017): mu_g ~ Gamma(0.6, rate 0.3).
_MEAN_SHAPE = 0.6
_MEAN_RATE = 0.3
# Spread of the loading magnitudes (log scale) and of the library sizes (log scale).
_LOADING_SDLOG = 0.25
_LIBRARY_SDLOG = 0.2
# Upper bound on library_size: keeps every count inside int32 with a wide margin.
_MAX_LIBRARY_SIZE = 1e8
# Largest accepted dispersion: beyond it the Gamma(1/dispersion) mixing distribution puts
# almost all its mass near 0 and whole samples come out with no counts at all (at 1000,
# half of them).
_MAX_DISPERSION = 10.0
# Dispersions at or below this give Poisson counts: a variance m + 1e-12 m**2 is m for any
# count, and 1 / dispersion must stay a finite Gamma shape.
_MIN_DISPERSION = 1e-12
# Names of the independent random sub-streams, in the fixed order they are spawned.
_STREAMS = ("genes", "activity", "labels", "library", "noise")


# ----------------------------------------------------------------------------------------
# Small private helpers
# ----------------------------------------------------------------------------------------
def _normal_grid(n_points: int) -> np.ndarray:
    """``n_points`` standard-normal quantiles at equally likely cell mid-points.

    The average of ``f(z)`` over this grid approximates ``E[f(Z)]`` for ``Z ~ N(0, 1)``
    and stays accurate even when ``f`` is close to a step function (a large
    ``signal_strength``), because each point carries exactly ``1 / n_points`` of the mass.
    """
    return ndtri((np.arange(n_points) + 0.5) / n_points)


def _solve_intercept(signal: str, strength: float, prevalence: float,
                     main_effect: float = 0.0) -> float:
    """Intercept ``b`` such that ``E[sigmoid(strength * score + b)] = prevalence``.

    ``score`` is ``z0`` (linear) or ``z0 * z1`` (interaction), with independent
    standard-normal activities; ``main_effect * (z0 + z1)`` is added to the interaction
    when ``main_effect > 0``.  Without main effects both scores are symmetric around 0, so
    a prevalence of 0.5 needs ``b = 0`` exactly; with no signal at all,
    ``b = logit(prevalence)``.  With both terms the log-odds are skewed, so ``b`` is
    solved numerically even for a prevalence of 0.5.
    """
    if strength == 0.0 and main_effect == 0.0:
        return float(_logit(prevalence))
    if prevalence == 0.5 and main_effect == 0.0:
        return 0.0
    if signal == "linear":
        scaled = strength * _normal_grid(4001)
    else:
        grid = _normal_grid(400)
        scaled = (strength * np.outer(grid, grid)
                  + main_effect * np.add.outer(grid, grid)).ravel()

    def excess(b: float) -> float:
        return float(expit(scaled + b).mean()) - prevalence

    # The expected prevalence grows with b: widen the bracket until it holds the root.
    centre, width = float(_logit(prevalence)), 1.0
    while excess(centre - width) > 0 or excess(centre + width) < 0:
        width *= 2.0
    return float(brentq(excess, centre - width, centre + width, xtol=1e-10))


def _check_n_samples(n_samples) -> int:
    try:
        return check_int(n_samples, "n_samples", low=2)
    except ValueError as err:
        raise ValueError(f"{err} At least two samples are needed to hold both classes "
                         "and to split into training and test data.") from None


def _resolve_programs(n_genes: int, n_informative: int, signal: str, n_programs):
    """Return (n_programs, size of each informative program, number of nuisance programs)."""
    n_signal_programs = 1 if signal == "linear" else 2
    n_nuisance_genes = n_genes - n_informative
    program_size = math.ceil(n_informative / n_signal_programs)
    if n_programs is None:
        n_nuisance_programs = (max(1, round(n_nuisance_genes / program_size))
                               if n_nuisance_genes > 0 else 0)
        return n_signal_programs + n_nuisance_programs, n_nuisance_programs
    n_programs = check_int(n_programs, "n_programs", low=1)
    low = n_signal_programs + (1 if n_nuisance_genes > 0 else 0)
    high = n_signal_programs + n_nuisance_genes
    if not low <= n_programs <= high:
        raise ValueError(
            f"n_programs must be an int in [{low}, {high}] for n_genes={n_genes}, "
            f"n_informative={n_informative} and signal={signal!r} ({n_signal_programs} "
            f"informative program(s), and every one of the {n_nuisance_genes} other genes "
            f"needs a nuisance program holding at least one gene); got {n_programs}.")
    return n_programs, n_programs - n_signal_programs


# ----------------------------------------------------------------------------------------
# Gene-expression data
# ----------------------------------------------------------------------------------------
_EXPRESSION_DESCR = """\
Simulated bulk gene expression with known informative genes ("gene programs").

for each gene g:                                  # sub-stream "genes"
    program[g]  = its co-expression module (program 0, and 1 for "interaction",
                  hold the informative genes, chosen uniformly at random)
    loading[g]  = random sign * effect_size * LogNormal(0, 0.25)
    base_mean[g] ~ Gamma(shape=0.6, rate=0.3)
for each sample i:
    activity[i, k] ~ Normal(0, 1) for every program k   # sub-stream "activity"
    logit[i] = signal_strength * activity[i, 0] + intercept              (linear)
             = signal_strength * activity[i, 0] * activity[i, 1]
               + main_effect * (activity[i, 0] + activity[i, 1]) + intercept
                                                                   (interaction)
    y[i] = 1 if u[i] < sigmoid(logit[i]) else 0, u[i] ~ U(0, 1)   # "labels"
    L[i] ~ LogNormal(log(library_size), 0.2)                      # "library"
    mean[i, g] = base_mean[g] * exp(loading[g] * activity[i, program[g]]),
                 rescaled so that the row sums to L[i]
    counts[i, g] ~ Poisson(Gamma(1/dispersion, mean[i, g]*dispersion))  # "noise"
    X[i, g] = log2(counts per million + 1)

The intercept is chosen so that the expected fraction of positives is `prevalence`.
Informative and nuisance genes share one marginal distribution, so which genes
matter cannot be read off their mean or variance.  Ground truth is in `truth`;
only X and y may be used to fit a model."""


def make_expression(n_samples=1000, n_genes=200, *, n_informative=20, n_programs=None,
                    effect_size=1.0, signal="linear", signal_strength=3.0, main_effect=0.0,
                    prevalence=0.5, dispersion=0.2, library_size=20_000.0, return_X_y=False,
                    random_state=None):
    """Simulate a gene-expression matrix (log-CPM) with a binary phenotype.

    Genes are organised into co-expressed *programs* (modules).  Every sample has a
    hidden activity for every program, and each gene follows the activity of its own
    program.  The phenotype depends only on the activity of the informative program(s),
    so only the genes in those programs carry information about the label.  Counts are
    drawn from a negative binomial model in the spirit of Splat [1]_.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of samples (rows), at least 2.
    n_genes : int, default=200
        Number of genes (columns), at least 2.
    n_informative : int, default=20
        Number of genes whose program drives the label, in ``[1, n_genes]``.  With
        ``signal="interaction"`` they are split between two programs, so at least 2 are
        needed.  Every other gene is a *nuisance* gene: co-expressed with other nuisance
        genes but unrelated to the label.
    n_programs : int or None, default=None
        Total number of programs, informative ones included.  ``None`` chooses nuisance
        programs of about the same size as the informative one(s).
    effect_size : float, default=1.0
        Typical size of a gene's loading on its program (> 0): a gene's mean changes by a
        factor of about ``exp(effect_size)`` per standard deviation of program activity.
        Larger values give more co-expression and an easier problem.
    signal : {"linear", "interaction"}, default="linear"
        How the label depends on program activity.  ``"linear"``: through the activity of
        program 0.  ``"interaction"``: through the *product* of the activities of
        programs 0 and 1, an epistasis-like (XOR-like) rule that no linear model on the
        genes can capture.
    signal_strength : float, default=3.0
        Weight of the activity on the log-odds of the label (>= 0).  0 gives labels that
        are independent of the data; larger values give less label noise.  With
        ``signal="interaction"`` this is the weight of the product (the epistasis term).
    main_effect : float, default=0.0
        Only for ``signal="interaction"``: weight of the additive (main) effect of each of
        the two programs on the log-odds (>= 0), added to the interaction term.  A value
        above 0 gives "linear plus an interaction": a linear model can learn the main
        effects but not the interaction, so a model that can learn the product gains more
        the more data it has (tip 1 of the course).  With ``signal_strength=0`` the label
        depends linearly on the sum of the two activities.
    prevalence : float, default=0.5
        Expected fraction of positive labels, in (0, 1).
    dispersion : float, default=0.2
        Negative-binomial dispersion of the counts, in [0, 10]; 0 (or anything up to
        1e-12) gives Poisson counts.
        Real bulk RNA-seq has roughly 0.01 to 0.4.  Above 10 the counts degenerate (many
        samples with no count in any gene), so larger values are refused.
    library_size : float, default=20000.0
        Typical number of counts per sample, in (0, 1e8].
    return_X_y : bool, default=False
        If True, return only ``(X, y)``.
    random_state : None, int or numpy.random.Generator, default=None
        Seed (a legacy ``RandomState`` also works).  ``None`` draws a fresh seed and
        records it in ``params``.  The global ``np.random`` state is never used.

    Returns
    -------
    data : Bunch
        With ``return_X_y=False`` (the default), a Bunch with:

        X : ndarray of shape (n_samples, n_genes), float32
            log2(counts per million + 1).
        y : ndarray of shape (n_samples,), int64
            Binary label (1 = positive).
        groups : None
            No grouping structure in this data set.
        feature_names : ndarray of str, shape (n_genes,)
            ``"gene_0000"``, ``"gene_0001"``, ...
        sample_ids : ndarray of str, shape (n_samples,)
            ``"sample_0000"``, ...
        truth : Bunch
            Hidden ground truth: ``informative`` (bool, n_genes), ``program`` (int,
            n_genes), ``informative_programs`` (list of int), ``loading`` (n_genes),
            ``base_mean`` (n_genes), ``activity`` (n_samples, n_programs), ``logit`` and
            ``proba`` (n_samples; the true P(y=1) given the hidden activities),
            ``counts`` (int32, n_samples x n_genes), ``library_size`` (n_samples),
            ``intercept`` (float) and ``rule`` (text).
        params : dict
            The resolved arguments; ``random_state`` holds the integer seed used.
        DESCR : str
            The generative process in pseudo-code.

    (X, y) : tuple
        With ``return_X_y=True``.

    Warns
    -----
    UserWarning
        When fewer than 10 positives (or negatives) are expected, or when the library
        size is so small that most counts are zero.

    See Also
    --------
    sklearn.datasets.make_classification : Gaussian clusters, not counts.

    Notes
    -----
    The generative process, for gene ``g``, sample ``i`` and program ``k``:

    1. Genes are assigned to programs at random.  Program 0 (programs 0 and 1 for
       ``"interaction"``) holds the ``n_informative`` informative genes; the others are
       split evenly between nuisance programs.
    2. Each gene gets a loading ``loading_g = s_g * effect_size * LogNormal(0, 0.25)``
       with a random sign ``s_g``, and a base mean ``mu_g ~ Gamma(0.6, rate=0.3)``
       (Splat's defaults).  *Both are drawn from the same distribution for every gene*,
       so informative genes cannot be told apart by their mean or variance.  (In
       ``make_classification`` they can, see scikit-learn issue #25908 [3]_.)
    3. Program activities ``z_ik ~ N(0, 1)``.
    4. Log-odds ``logit_i = signal_strength * z_i0 + b`` (linear) or
       ``signal_strength * z_i0 * z_i1 + main_effect * (z_i0 + z_i1) + b`` (interaction;
       epistasis between two programs, with additive main effects when
       ``main_effect > 0``), where the intercept ``b`` is solved numerically so that
       ``E[sigmoid(logit)] = prevalence``.  The label is
       ``y_i = 1[u_i < sigmoid(logit_i)]`` with ``u_i ~ U(0, 1)``.  ``truth.proba`` is the
       true probability, so ``mean(truth.proba.round() == y)`` is (close to) the best
       accuracy any model can reach (the Bayes accuracy).
    5. Means ``m_ig = mu_g * exp(loading_g * z_i,program(g))``, rescaled so that each row
       sums to a library size ``L_i ~ LogNormal(log(library_size), 0.2)``.  As in Splat,
       this rescaling makes all genes of a sample compete for the same reads.  With few
       genes, where the informative ones take a large share of the reads, this
       compositional effect leaks a little label information into the nuisance genes
       (as in real RNA-seq data); with a few hundred genes it is negligible.
    6. Counts ``c_ig ~ Poisson(Gamma(shape=1/dispersion, scale=m_ig * dispersion))``, a
       negative binomial with mean ``m_ig`` and variance ``m_ig + dispersion * m_ig**2``.
    7. ``X_ig = log2(1e6 * c_ig / sum_g c_ig + 1)``.

    Each step draws from its own random sub-stream ("genes", "activity", "labels",
    "library", "noise", spawned from one ``numpy.random.SeedSequence``).  With the same
    seed, changing ``dispersion`` changes only ``X``; changing ``signal_strength``,
    ``main_effect`` or ``prevalence`` changes only ``y`` (through the same uniforms
    ``u_i``); changing ``effect_size`` leaves ``y``, the activities and the library sizes
    unchanged.  So the same seed with and without ``main_effect`` (or with
    ``signal_strength=0``) gives the *same* expression matrix with different label rules.

    References
    ----------
    .. [1] Zappia L, Phipson B, Oshlack A. Splatter: simulation of single-cell RNA
       sequencing data. Genome Biology 18, 174 (2017). doi:10.1186/s13059-017-1305-0
    .. [2] Lee BD, Gitter A, Greene CS, et al. Ten quick tips for deep learning in
       biology. PLoS Comput Biol 18(3): e1009803 (2022).
       doi:10.1371/journal.pcbi.1009803
    .. [3] scikit-learn issue #25908, "make_classification: informative features have a
       different variance from the noise features".
       https://github.com/scikit-learn/scikit-learn/issues/25908
    .. [4] Cordell HJ. Epistasis: what it means, what it doesn't mean, and statistical
       methods to detect it in humans. Human Molecular Genetics 11(20), 2463-2468 (2002).
       doi:10.1093/hmg/11.20.2463 (main effects plus a product term, as used here).

    Examples
    --------
    >>> from dlbio.datasets import make_expression
    >>> data = make_expression(50, 30, n_informative=5, random_state=0)
    >>> data.X.shape, data.y.shape, int(data.truth.informative.sum())
    ((50, 30), (50,), 5)
    >>> X, y = make_expression(50, 30, n_informative=5, return_X_y=True, random_state=0)
    """
    # ---- 1. Check every argument, then the constraints between them. -----------------
    n_samples = _check_n_samples(n_samples)
    n_genes = check_int(n_genes, "n_genes", low=2)
    signal = check_choice(signal, "signal", ["linear", "interaction"])
    n_informative = check_int(n_informative, "n_informative", low=1)
    min_informative = 1 if signal == "linear" else 2
    if not min_informative <= n_informative <= n_genes:
        reason = ("" if signal == "linear" else
                  " (signal='interaction' splits them between two programs)")
        raise ValueError(f"n_informative must be an int in [{min_informative}, "
                         f"n_genes={n_genes}] when signal={signal!r}{reason}; "
                         f"got {n_informative}.")
    effect_size = check_float(effect_size, "effect_size", low=0.0, low_inclusive=False)
    signal_strength = check_float(signal_strength, "signal_strength", low=0.0)
    main_effect = check_float(main_effect, "main_effect", low=0.0)
    if main_effect > 0 and signal != "interaction":
        raise ValueError(f"main_effect must be 0 when signal={signal!r} (main effects are "
                         "added to the product term of signal='interaction'; for a linear "
                         f"signal use signal_strength); got {main_effect:g}.")
    prevalence = check_fraction(prevalence, "prevalence", low_inclusive=False,
                                high_inclusive=False)
    dispersion = check_float(dispersion, "dispersion", low=0.0, high=_MAX_DISPERSION)
    library_size = check_float(library_size, "library_size", low=0.0, low_inclusive=False,
                               high=_MAX_LIBRARY_SIZE)
    return_X_y = check_bool(return_X_y, "return_X_y")
    n_programs, n_nuisance_programs = _resolve_programs(n_genes, n_informative, signal,
                                                        n_programs)
    _, seed = check_random_state(random_state)
    check_allocation({"n_samples": n_samples, "n_genes": n_genes}, what="samples x genes matrix")
    check_allocation({"n_genes": n_genes}, bytes_per_value=64, what="gene names")

    expected_pos = n_samples * prevalence
    expected_neg = n_samples * (1.0 - prevalence)
    if min(expected_pos, expected_neg) < 10:
        warnings.warn(
            f"Only about {min(expected_pos, expected_neg):.1f} "
            f"{'positive' if expected_pos <= expected_neg else 'negative'} samples are "
            f"expected (n_samples={n_samples}, prevalence={prevalence:g}); metrics will be "
            "very noisy. Increase n_samples or move prevalence away from 0 or 1.",
            UserWarning, stacklevel=2)
    if library_size < n_genes:
        warnings.warn(
            f"library_size={library_size:g} is below n_genes={n_genes}: the average gene "
            "gets less than one count per sample, so most counts will be zero.",
            UserWarning, stacklevel=2)

    rng = spawn_streams(seed, _STREAMS)

    # ---- 2. Genes: program membership, loadings and base means ("genes"). ------------
    order = rng["genes"].permutation(n_genes)        # random genes, not the highest ones
    sign = rng["genes"].integers(0, 2, size=n_genes) * 2 - 1
    magnitude = rng["genes"].lognormal(0.0, _LOADING_SDLOG, size=n_genes)
    base_mean = rng["genes"].gamma(_MEAN_SHAPE, 1.0 / _MEAN_RATE, size=n_genes)
    loading = effect_size * sign * magnitude

    program = np.empty(n_genes, dtype=np.int64)
    informative_idx = order[:n_informative]
    if signal == "linear":
        program[informative_idx] = 0
        informative_programs = [0]
    else:  # split the informative genes between programs 0 and 1
        n_first = n_informative - n_informative // 2
        program[informative_idx[:n_first]] = 0
        program[informative_idx[n_first:]] = 1
        informative_programs = [0, 1]
    n_signal_programs = len(informative_programs)
    if n_nuisance_programs:
        for k, genes in enumerate(np.array_split(order[n_informative:], n_nuisance_programs)):
            program[genes] = n_signal_programs + k
    informative = np.zeros(n_genes, dtype=bool)
    informative[informative_idx] = True

    # ---- 3. Hidden program activities ("activity"). ----------------------------------
    # Drawn program by program, so program k's activity does not depend on n_programs.
    activity = np.ascontiguousarray(rng["activity"].standard_normal((n_programs, n_samples)).T)

    # ---- 4. Labels ("labels"). -------------------------------------------------------
    if signal == "linear":
        score = activity[:, 0]
        rule = "logit = signal_strength * activity[:, 0] + intercept"
    else:
        score = activity[:, 0] * activity[:, 1]
        rule = "logit = signal_strength * activity[:, 0] * activity[:, 1] + intercept"
        if main_effect > 0:
            rule = ("logit = signal_strength * activity[:, 0] * activity[:, 1] + "
                    "main_effect * (activity[:, 0] + activity[:, 1]) + intercept")
    intercept = _solve_intercept(signal, signal_strength, prevalence, main_effect)
    logit = signal_strength * score + intercept
    if main_effect > 0:
        logit = logit + main_effect * (activity[:, 0] + activity[:, 1])
    proba = expit(logit)
    uniform = rng["labels"].random(n_samples)
    y = (uniform < proba).astype(np.int64)

    # ---- 5. Library sizes ("library") and expected counts. ---------------------------
    library = library_size * np.exp(_LIBRARY_SDLOG * rng["library"].standard_normal(n_samples))
    log_mean = np.log(base_mean) + activity[:, program] * loading
    log_mean -= log_mean.max(axis=1, keepdims=True)  # avoids overflow for huge effects
    mean = np.exp(log_mean)
    mean *= (library / mean.sum(axis=1))[:, None]

    # ---- 6. Negative-binomial counts as a Gamma-Poisson mixture ("noise"). ----------
    if dispersion > _MIN_DISPERSION:  # below it, Poisson (the shape 1/dispersion overflows)
        mean = rng["noise"].standard_gamma(1.0 / dispersion, size=mean.shape) * (mean * dispersion)
    counts = rng["noise"].poisson(mean).astype(np.int32)

    # ---- 7. log2(CPM + 1). -----------------------------------------------------------
    totals = counts.sum(axis=1, dtype=np.int64).astype(np.float64)
    scale = np.divide(1e6, totals, out=np.zeros_like(totals), where=totals > 0)
    X = np.log2(counts * scale[:, None] + 1.0).astype(np.float32)

    if return_X_y:
        return X, y

    width = max(4, len(str(n_genes - 1)))
    feature_names = np.array([f"gene_{j:0{width}d}" for j in range(n_genes)])
    width = max(4, len(str(n_samples - 1)))
    sample_ids = np.array([f"sample_{i:0{width}d}" for i in range(n_samples)])

    truth = Bunch(
        informative=informative,
        program=program,
        informative_programs=informative_programs,
        loading=loading,
        base_mean=base_mean,
        activity=activity,
        logit=logit,
        proba=proba,
        counts=counts,
        library_size=library,
        intercept=intercept,
        rule=f"{signal}: {rule}; y = 1 if u < sigmoid(logit), u ~ U(0, 1)",
    )
    params = dict(n_samples=n_samples, n_genes=n_genes, n_informative=n_informative,
                  n_programs=n_programs, effect_size=effect_size, signal=signal,
                  signal_strength=signal_strength, main_effect=main_effect,
                  prevalence=prevalence,
                  dispersion=dispersion, library_size=library_size, random_state=seed)
    return Bunch(X=X, y=y, groups=None, feature_names=feature_names,
                 sample_ids=sample_ids, truth=truth, params=params,
                 DESCR=_EXPRESSION_DESCR)

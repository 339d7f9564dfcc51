"""Families of evolutionarily related sequences, for homology-aware evaluation."""
from __future__ import annotations

import warnings

import numpy as np
from sklearn.utils import Bunch

from ._common import spawn_streams

from .._validation import (
    check_allocation,
    check_bool,
    check_choice,
    check_fraction,
    check_int,
    check_random_state,
)

__all__ = ["make_sequence_families", "ALPHABETS"]

#: The letters of each alphabet, in the order of their integer codes.
ALPHABETS = {
    "dna": "ACGT",
    "protein": "ACDEFGHIKLMNPQRSTVWY",
}
# At most this many k-mer features (alphabet_size ** kmer).
_MAX_KMER_FEATURES = 2**16
# Names of the independent random sub-streams, in the fixed order they are spawned.
_STREAMS = ("ancestors", "labels", "mutations", "order")

_DESCR = """\
Simulated sequence families: n_families families of family_size members each.

for each family f:
    ancestor[f]: seq_length letters, uniform over the alphabet      # "ancestors"
    family_label[f]: exactly round(n_families * positive_fraction)   # "labels"
                     families are positive, chosen at random
    for each member m:                                               # "mutations"
        copy ancestor[f]; substitute every site independently with
        probability `divergence` by one of the other letters (uniform)
        y = family_label[f], groups = f
rows are shuffled if shuffle=True                                    # "order"
X[i, w] = (count of k-mer w in sequence i) / (seq_length - kmer + 1)

The label is a property of the family, not of any rule in the sequence: a model can
only score above chance on a new sequence by recognising a relative in its training
data.  Two members of a family share about (1-d)**2 + d**2/(A-1) of their sites (d the
divergence, A the alphabet size), two unrelated sequences about 1/A.  A random split puts
relatives on both sides (homology leakage); a split that holds out whole families, or
clusters of sequences above an identity threshold, does not."""


def _kmer_frequencies(codes: np.ndarray, kmer: int, alphabet_size: int) -> np.ndarray:
    """Normalised k-mer counts of every row of ``codes`` (float32, n x alphabet_size**kmer)."""
    n, length = codes.shape
    n_windows = length - kmer + 1
    index = np.zeros((n, n_windows), dtype=np.int64)
    for offset in range(kmer):
        index = index * alphabet_size + codes[:, offset:offset + n_windows]
    n_kmers = alphabet_size**kmer
    flat = index + (np.arange(n, dtype=np.int64) * n_kmers)[:, None]
    counts = np.bincount(flat.ravel(), minlength=n * n_kmers).reshape(n, n_kmers)
    return (counts / n_windows).astype(np.float32)


def _kmer_names(letters: str, kmer: int) -> np.ndarray:
    names = np.array([""], dtype=object)
    for _ in range(kmer):
        names = np.array([prefix + letter for prefix in names for letter in letters],
                         dtype=object)
    return names.astype(str)


def make_sequence_families(n_families=100, family_size=10, seq_length=200, *,
                           alphabet="protein", divergence=0.25, kmer=2,
                           positive_fraction=0.5, shuffle=True, return_X_y=False,
                           random_state=None):
    """Simulate families of related sequences whose label is a property of the family.

    Every family descends from its own random ancestor; its members are copies of the
    ancestor with independent point substitutions, so two members of a family are much
    more alike than two sequences from different families (homologues).  Each family
    gets a random label, so there is no sequence rule to learn: a classifier can only be
    right about a new sequence by finding a relative of it in its training data.  A
    random train/test split therefore overestimates how well a model does on a new
    family, and a split that holds out whole families (``GroupKFold`` on ``groups``, or on
    clusters of sequences above an identity threshold) does not.

    Parameters
    ----------
    n_families : int, default=100
        Number of families, at least 2.
    family_size : int, default=10
        Members per family, at least 1.
    seq_length : int, default=200
        Length of every sequence (ungapped, all the same length), at least 1.
    alphabet : {"protein", "dna"}, default="protein"
        20 amino acids or 4 nucleotides (the letters are in :data:`ALPHABETS`).
    divergence : float, default=0.25
        Probability that a site of a member differs from its family's ancestor, in
        [0, 1].  Members then share about ``(1 - d)**2 + d**2 / (A - 1)`` of their sites
        (A the alphabet size): 0.57 for proteins at ``d = 0.25``.
    kmer : int, default=2
        Length of the k-mers counted in ``X``, in ``[1, seq_length]``, with at most
        65536 distinct k-mers (``kmer <= 3`` for proteins, ``<= 8`` for DNA).
    positive_fraction : float, default=0.5
        Fraction of families with label 1, in (0, 1); exactly
        ``round(n_families * positive_fraction)`` families are positive, which must leave
        at least one family in each class.
    shuffle : bool, default=True
        Shuffle the rows.  If False, the rows are grouped family by family.
    return_X_y : bool, default=False
        If True, return only ``(X, y)``.
    random_state : None, int or numpy.random.Generator, default=None
        Seed (a legacy ``RandomState`` also works).  ``None`` draws a fresh seed and
        records it in ``params``.  The global ``np.random`` state is never used.

    Returns
    -------
    data : Bunch
        With ``return_X_y=False`` (the default), a Bunch with:

        X : ndarray of shape (n_families * family_size, alphabet_size ** kmer), float32
            k-mer frequencies: each row sums to 1.
        y : ndarray of shape (n_sequences,), int64
            The label of each sequence (its family's label).
        groups : ndarray of shape (n_sequences,), int64
            The family of each sequence: pass it to ``GroupKFold``.
        sequences : ndarray of str, shape (n_sequences,)
            The sequences as text.
        codes : ndarray of shape (n_sequences, seq_length), int8
            The sequences as integer codes (index into the alphabet's letters).
        alphabet : str
            The letters, in the order of their codes.
        feature_names : ndarray of str
            The k-mer of each column of ``X`` ("AA", "AC", ...).
        sample_ids : ndarray of str
            ``"fam000_m00"`` (family 0, member 0), ...
        truth : Bunch
            Hidden ground truth:

            - ``family_label`` (n_families,) and ``ancestors`` (n_families, seq_length,
              int8): each family's label and ancestral sequence;
            - ``member`` (n_sequences,): the member number of each sequence in its family;
            - ``mutated`` (bool, n_sequences x seq_length): the sites that differ from
              the ancestor, so ``codes == ancestors[groups]`` wherever not mutated;
            - ``divergence`` (n_sequences,): the realised fraction of mutated sites;
            - ``identity_within`` and ``identity_between``: the expected identity of two
              members of one family and of two unrelated sequences.
        params : dict
            The resolved arguments; ``random_state`` holds the integer seed used.
        DESCR : str
            The generative process in pseudo-code.

    (X, y) : tuple
        With ``return_X_y=True``.

    Warns
    -----
    UserWarning
        When ``family_size=1`` (no relatives, so no homology leakage is possible), when
        ``divergence`` is so high that members are no more alike than unrelated
        sequences, or when a class has fewer than 5 families.

    See Also
    --------
    dlbio.evaluation.pairwise_identity : identity of every pair of sequences.
    dlbio.evaluation.identity_clusters : clusters of sequences above an identity
        threshold, to use as ``groups``.

    Notes
    -----
    The generative process is a star phylogeny within each family, with a Jukes-Cantor
    substitution model [1]_:

    1. For each family ``f``, an ancestor of ``seq_length`` letters drawn uniformly from
       the alphabet of size ``A``.
    2. Exactly ``round(n_families * positive_fraction)`` families, chosen at random, get
       label 1; every member inherits its family's label.
    3. Each member copies its ancestor, and each site is independently replaced, with
       probability ``divergence``, by one of the ``A - 1`` other letters chosen
       uniformly.
    4. ``X`` holds the frequencies of the overlapping k-mers of each sequence, an
       alignment-free representation.

    Two members of one family are identical at a site when neither was mutated there, or
    both were mutated to the same letter: expected identity ``(1 - d)**2 + d**2/(A - 1)``.
    Unrelated sequences agree at ``1/A`` of their sites.  A random split of such data puts
    relatives on both sides, which inflates the estimate of performance on new
    families: Walsh et al. [2]_ describe this for protein sequences and Lee et al. [3]_
    warn against it in Tip 7.  Tools such as CD-HIT, MMseqs2 or GraphPart [4]_ cluster
    or partition sequences by identity before splitting.

    Each step draws from its own random sub-stream ("ancestors", "labels", "mutations",
    "order").  The uniforms that decide which sites mutate, and the replacement letters,
    are drawn whatever the divergence, so with the same seed a higher ``divergence``
    mutates a superset of the sites, with the same new letters; the ancestors, labels and
    row order do not change.  Changing ``positive_fraction`` changes only the labels, and
    ``kmer`` only ``X``.

    References
    ----------
    .. [1] Jukes TH, Cantor CR. Evolution of protein molecules. In: Munro HN (ed.),
       Mammalian Protein Metabolism, vol. 3, pp. 21-132. Academic Press (1969).
    .. [2] Walsh I, Pollastri G, Tosatto SCE. Correct machine learning on protein
       sequences: a peer-reviewing perspective. Brief Bioinform 17(5), 831-840 (2016).
       doi:10.1093/bib/bbv082
    .. [3] Lee BD, Gitter A, Greene CS, et al. Ten quick tips for deep learning in
       biology. PLoS Comput Biol 18(3): e1009803 (2022), Tip 7.
       doi:10.1371/journal.pcbi.1009803
    .. [4] Teufel F, Gislason MH, Almagro Armenteros JJ, et al. GraphPart: homology
       partitioning for biological sequence analysis. NAR Genom Bioinform 5(4), lqad088
       (2023). doi:10.1093/nargab/lqad088

    Examples
    --------
    >>> from dlbio.datasets import make_sequence_families
    >>> data = make_sequence_families(10, 3, 12, alphabet="dna", kmer=2, random_state=0)
    >>> data.X.shape, data.codes.shape, len(set(data.groups.tolist())), int(data.y.sum())
    ((30, 16), (30, 12), 10, 15)
    """
    # ---- 1. Check every argument, then the constraints between them. -----------------
    n_families = check_int(n_families, "n_families", low=2)
    family_size = check_int(family_size, "family_size", low=1)
    seq_length = check_int(seq_length, "seq_length", low=1)
    alphabet = check_choice(alphabet, "alphabet", list(ALPHABETS))
    divergence = check_fraction(divergence, "divergence")
    kmer = check_int(kmer, "kmer", low=1)
    letters = ALPHABETS[alphabet]
    size = len(letters)
    max_kmer = 1
    while size ** (max_kmer + 1) <= _MAX_KMER_FEATURES:
        max_kmer += 1
    max_kmer = min(max_kmer, seq_length)
    if kmer > max_kmer:
        raise ValueError(f"kmer must be an int in [1, {max_kmer}] for alphabet={alphabet!r} "
                         f"and seq_length={seq_length} (at most {_MAX_KMER_FEATURES} "
                         f"distinct k-mers, and no longer than a sequence); got {kmer}.")
    positive_fraction = check_fraction(positive_fraction, "positive_fraction",
                                       low_inclusive=False, high_inclusive=False)
    n_pos = int(round(n_families * positive_fraction))
    if not 1 <= n_pos <= n_families - 1:
        raise ValueError(
            f"positive_fraction must leave at least one family in each class: "
            f"round(n_families * positive_fraction) must be in [1, {n_families - 1}] with "
            f"n_families={n_families}; got positive_fraction={positive_fraction:g} "
            f"({n_pos} positive families).")
    shuffle = check_bool(shuffle, "shuffle")
    return_X_y = check_bool(return_X_y, "return_X_y")
    _, seed = check_random_state(random_state)
    check_allocation({"n_families": n_families, "family_size": family_size,
                      "seq_length": seq_length}, what="sequences x positions array")
    check_allocation({"n_families": n_families, "family_size": family_size,
                      "kmer": size**kmer}, what="sequences x k-mers matrix")

    within = (1.0 - divergence) ** 2 + divergence**2 / (size - 1)
    between = 1.0 / size
    if family_size == 1:
        warnings.warn("family_size=1 gives every sequence its own family: there are no "
                      "relatives, so no homology leakage is possible.", UserWarning,
                      stacklevel=2)
    elif within < between + 0.01:
        warnings.warn(f"divergence={divergence:g} makes family members hardly more alike "
                      f"than unrelated sequences (expected identity {within:.3f} vs "
                      f"{between:.3f} with {size} letters): the families carry almost no "
                      "signal.", UserWarning, stacklevel=2)
    if min(n_pos, n_families - n_pos) < 5:
        warnings.warn(f"Only {min(n_pos, n_families - n_pos)} families in the rarer class "
                      f"(n_families={n_families}, positive_fraction={positive_fraction:g}): "
                      "family-held-out estimates will be very noisy.", UserWarning,
                      stacklevel=2)

    rng = spawn_streams(seed, _STREAMS)
    n_sequences = n_families * family_size

    # ---- 2. Ancestors ("ancestors") and family labels ("labels"). --------------------
    ancestors = rng["ancestors"].integers(0, size, size=(n_families, seq_length),
                                          dtype=np.int8)
    family_label = np.zeros(n_families, dtype=np.int64)
    family_label[rng["labels"].permutation(n_families)[:n_pos]] = 1

    # ---- 3. Members: point substitutions ("mutations"), family by family. ------------
    family = np.repeat(np.arange(n_families, dtype=np.int64), family_size)
    member = np.tile(np.arange(family_size, dtype=np.int64), n_families)
    u = rng["mutations"].random((n_sequences, seq_length))
    shift = rng["mutations"].integers(1, size, size=(n_sequences, seq_length), dtype=np.int8)
    mutated = u < divergence
    parent = ancestors[family]
    codes = np.where(mutated, (parent + shift) % size, parent).astype(np.int8)

    # ---- 4. Row order ("order"). ------------------------------------------------------
    if shuffle:
        rows = rng["order"].permutation(n_sequences)
        family, member, codes, mutated = family[rows], member[rows], codes[rows], mutated[rows]

    X = _kmer_frequencies(codes, kmer, size)
    y = family_label[family]
    if return_X_y:
        return X, y

    lookup = np.array(list(letters))
    sequences = np.array(["".join(row) for row in lookup[codes]])
    w_fam = max(3, len(str(n_families - 1)))
    w_mem = max(2, len(str(family_size - 1)))
    sample_ids = np.array([f"fam{f:0{w_fam}d}_m{m:0{w_mem}d}" for f, m in zip(family, member)])

    truth = Bunch(
        family_label=family_label,
        ancestors=ancestors,
        member=member,
        mutated=mutated,
        divergence=mutated.mean(axis=1),
        identity_within=float(within),
        identity_between=float(between),
    )
    params = dict(n_families=n_families, family_size=family_size, seq_length=seq_length,
                  alphabet=alphabet, divergence=divergence, kmer=kmer,
                  positive_fraction=positive_fraction, shuffle=shuffle, random_state=seed)
    return Bunch(X=X, y=y, groups=family, sequences=sequences, codes=codes, alphabet=letters,
                 feature_names=_kmer_names(letters, kmer), sample_ids=sample_ids, truth=truth,
                 params=params, DESCR=_DESCR)

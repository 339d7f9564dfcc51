"""Simulated biological data sets with a known ground truth.

Every generator is called ``make_<kind>`` and returns a :class:`Bunch` with the same layout
(the one exception, :func:`lab_cohorts`, returns the three fixed cohorts of tip 1's decision
exercise and takes no arguments):

``X``, ``y``
    What a real analyst would have: a feature matrix and labels.
``groups``
    The grouping to respect when splitting (subjects, batches, families), or ``None``.
``feature_names``, ``sample_ids``
    Readable names for the columns and the rows.
``truth``
    Everything that is *unobservable* in real life (which genes matter, the true
    probabilities, ...).  Use it to check a model, never to fit one.
``params``
    The resolved arguments, including the integer seed, so that
    ``make_<kind>(**data.params)`` rebuilds exactly the same data.
``DESCR``
    A short description of the generative process.

Sizes are positional, everything else is keyword-only; ``random_state`` accepts None, an
int or a numpy Generator; ``return_X_y=True`` returns ``(X, y)`` only.  Each component
(biology, labels, noise, ...) draws from its own random sub-stream, and the global numpy
random state is never touched.  One module per kind of data.

Every argument is checked first: a bad value raises a ``ValueError`` or ``TypeError`` that
names the argument, its allowed range and the value received.  Sizes whose largest array
would need more than 4 GiB (``dlbio._validation.MAX_ALLOCATION_BYTES``) are refused the
same way, before anything is allocated.
"""
from ._common import Bunch
from .clinical import make_clinical
from .cohort import make_cohort
from .expression import make_expression
from .families import make_sequence_families
from .imbalanced import make_imbalanced
from .labs import lab_cohorts
from .batches import make_batch_expression
from .repeated import make_repeated_measures
from .sequences import make_motif_sequences, mutate_motif

__all__ = ["Bunch", "make_expression", "make_batch_expression", "make_repeated_measures",
           "make_clinical", "make_cohort",
           "make_sequence_families", "make_imbalanced", "make_motif_sequences",
           "mutate_motif", "lab_cohorts"]

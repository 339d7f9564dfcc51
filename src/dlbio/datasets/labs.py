"""The expression cohorts of three simulated labs that ask for advice (tip 1, exercise 4).

Unlike the ``make_<kind>`` generators, :func:`lab_cohorts` takes no arguments: the labs are
fixed, because which lab has which rule is the question of the exercise, and the notebook's
hidden test re-creates the rules privately.
"""
from __future__ import annotations

from ._common import Bunch
from .expression import make_expression

__all__ = ["lab_cohorts"]

#: lab -> (rule, seed).  The rule is what the exercise asks students to find out from the
#: samples; the notebook's hidden test re-creates it privately.
#: The rules are chosen so that the true verdict (network ahead by more than 0.02 AUROC on new
#: patients, or not) is clear-cut: A gains about 0.15; B loses 0.023 (tuning split 0) or 0.006
#: (splits 1-5, which choose C = 1e-2 for the logistic regression), logistic regression either way;
#: C (an interaction too weak to pay at 1,000 patients) gains under 0.01; see the hidden test of
#: tip 1, exercise 4.
_LABS = {"A": ("strong interaction", 101), "B": ("linear", 102), "C": ("weak interaction", 104)}
_LAB_RULES = {"linear": dict(signal_strength=0.0, main_effect=1.5),
              "strong interaction": dict(signal_strength=4.0, main_effect=1.5),
              "weak interaction": dict(signal_strength=1.0, main_effect=1.5)}
_LAB_PATIENTS, _LAB_FUTURE, _LAB_GENES = 1000, 2000, 500


def lab_cohorts() -> dict:
    """The expression cohorts that three simulated labs send for advice (tip 1, exercise 4).

    Each lab (``"A"``, ``"B"``, ``"C"``) has 1,000 patients profiled on the same 500 genes,
    with a binary phenotype that two gene programs of 20 genes each drive, either additively
    or with an interaction between them.  Which lab has which rule is the question of the
    exercise, so it is not returned; only the cohort is.  The patients each lab will meet
    later are simulated by the same process but are not part of the result.

    Returns
    -------
    dict
        ``lab -> sklearn.utils.Bunch(X, y)``: ``X`` of shape (1000, 500), log expression;
        ``y`` of shape (1000,), the phenotype (0/1).  The same arrays on every call (new
        copies each time).

    Examples
    --------
    >>> cohorts = lab_cohorts()
    >>> sorted(cohorts), cohorts["A"].X.shape
    (['A', 'B', 'C'], (1000, 500))
    """
    cohorts = {}
    for lab, (rule, seed) in _LABS.items():
        population = make_expression(_LAB_PATIENTS + _LAB_FUTURE, _LAB_GENES, n_informative=40,
                                     signal="interaction", random_state=seed, **_LAB_RULES[rule])
        cohorts[lab] = Bunch(X=population.X[:_LAB_PATIENTS].copy(), y=population.y[:_LAB_PATIENTS].copy())
    return cohorts

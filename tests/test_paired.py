"""Tests for dlbio.paired: McNemar's test and the paired bootstrap."""
import numpy as np
import pytest
from scipy.stats import binomtest

from dlbio.paired import mcnemar_test, paired_bootstrap


def _two_models(n=400, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    shared = rng.random(n) < 0.15          # hard samples: both models get them wrong
    only_a = rng.random(n) < 0.03
    only_b = rng.random(n) < 0.06
    pred_a = np.where(shared | only_b, 1 - y, y)
    pred_b = np.where(shared | only_a, 1 - y, y)
    return y, pred_a, pred_b


def test_mcnemar_counts_discordant_samples_and_matches_the_binomial():
    y, a, b = _two_models()
    r = mcnemar_test(y, a, b)
    right_a, right_b = a == y, b == y
    assert r.only_a == np.sum(right_a & ~right_b) and r.only_b == np.sum(~right_a & right_b)
    assert r.difference == pytest.approx(right_a.mean() - right_b.mean())
    assert r.p_value == pytest.approx(binomtest(r.only_a, r.n_discordant, 0.5).pvalue)
    assert mcnemar_test(y, a, a).p_value == 1.0 and mcnemar_test(y, a, a).n_discordant == 0


def test_paired_bootstrap_is_narrower_than_unpaired_when_errors_are_shared():
    y, a, b = _two_models()
    r = paired_bootstrap(y, a, b, n_boot=1000, random_state=1)
    assert r.low <= r.difference <= r.high
    assert r.sd < 0.6 * r.unpaired_sd
    # Same seed, same answer; the global numpy state is not used.
    assert paired_bootstrap(y, a, b, n_boot=1000, random_state=1) == r


@pytest.mark.parametrize("kwargs, match", [({"n_boot": 10}, "n_boot"), ({"confidence": 1.0}, "confidence")])
def test_paired_bootstrap_rejects_bad_settings(kwargs, match):
    y, a, b = _two_models(50)
    with pytest.raises(ValueError, match=match):
        paired_bootstrap(y, a, b, **kwargs)


def test_predictions_must_describe_the_same_samples():
    with pytest.raises(ValueError, match="same length"):
        mcnemar_test([0, 1, 1], [0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="1-D"):
        paired_bootstrap(np.zeros((2, 2)), [0, 1], [0, 1])

"""Conventions shared by every generator in :mod:`dlbio.datasets`."""
from __future__ import annotations

from typing import Iterable

import numpy as np
from sklearn.utils import Bunch

__all__ = ["Bunch", "spawn_streams"]


def spawn_streams(seed: int, names: Iterable[str]) -> dict[str, np.random.Generator]:
    """One independent random Generator per named model component.

    The streams are spawned from ``seed`` in the order of ``names``, so a generator must
    never reorder or remove names (append new ones at the end).  Because each component
    draws from its own stream, changing a knob that only one component uses (for example
    the noise level) leaves every other component's draws untouched ("common random
    numbers"), which makes before/after comparisons clean.
    """
    names = list(names)
    children = np.random.SeedSequence(seed).spawn(len(names))
    return {name: np.random.default_rng(child) for name, child in zip(names, children)}

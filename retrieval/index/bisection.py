"""Bisection in many sorted runs of one array at once: what building, merging and
splicing postings lists need for every term together."""

from __future__ import annotations

import numpy as np


def lower_bounds(
    values: np.ndarray, low: np.ndarray, high: np.ndarray, wanted: np.ndarray | int
) -> np.ndarray:
    """For each i, the first position in ``values[low[i]:high[i]]`` (ascending)
    whose value is not below ``wanted[i]`` (or ``wanted``, one for all), or
    ``high[i]`` when there is none."""
    low, high = low.astype(np.int64), high.astype(np.int64)
    last = max(values.size - 1, 0)
    wanted = np.asarray(wanted)
    open_ = np.flatnonzero(low < high)
    while open_.size:
        middle = (low[open_] + high[open_]) // 2
        target = wanted if wanted.ndim == 0 else wanted[open_]
        below = values[np.minimum(middle, last)] < target
        low[open_[below]] = middle[below] + 1
        high[open_[~below]] = middle[~below]
        open_ = open_[low[open_] < high[open_]]
    return low

"""The hot loop of ``retrieval.index.topn``, compiled (``_topn.c``)."""

from collections.abc import Sequence

import numpy as np

# A field: its postings' ids and tf, per passage k1 x norm or 1 / norm, whether BM25L,
# k1, delta, and its lists (start, end, segment splits, factor).
Field = tuple[
    np.ndarray, np.ndarray, np.ndarray, bool, float, float, Sequence[tuple[int, int, tuple[int, ...], float]]
]

def top(
    fields: Sequence[Field], size: int, segment: int, n: int, passages: np.ndarray, scores: np.ndarray
) -> int:
    """The best ``n`` passages over the fields' lists, best first (ties by passage),
    written to ``passages`` (int64) and ``scores`` (float64); how many were found."""

def added(fields: Sequence[Field], size: int, segment: int, passages: np.ndarray, sums: np.ndarray) -> None:
    """Adds to ``sums[i]`` (float64) what the fields' lists weigh for ``passages[i]``
    (int64, distinct): each list's postings bisected for them."""

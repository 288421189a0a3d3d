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

def spans(
    keys: np.ndarray, indptr: np.ndarray, maxtf: np.ndarray, splits: np.ndarray, terms: Sequence[str]
) -> list[tuple[tuple[int, int, tuple[int, ...]], int] | None]:
    """Each term's ((start, end, splits), maxtf), or None when no key is the term's
    (64-bit FNV-1a of its code points, as ``retrieval.index.termkeys``), bisected in
    sorted uint64 ``keys``; ``indptr`` int64, ``maxtf`` unsigned, ``splits`` int32
    (terms x segments - 1), whose offsets past the term's postings are left out."""

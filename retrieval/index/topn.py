"""The exact best passages over BM25 fields: every posting of the question's terms summed.

The sum and the choice of the best are compiled (``_topn.c``, one call a
question): each posting's weight is computed and added to its passage's sum
in one pass over the mapped 16-bit ids and tf, the passages touched are
remembered, and a heap of the best n, by score and then by passage, is kept
while their sums are put back to zero. The weights and sums are the same
operations in the same order as the NumPy version this replaced (kept in
``tests/topn_numpy.py``, which the tests compare it with, bit for bit): every
field's lists gathered in one ``bincount``, then a floor and a sort. At 100k
passages a question's ~24 lists hold ~38,000 postings; NumPy's passes and
temporaries cost ~35 ns a posting, the compiled pass a few (README, Performance).

It pruned with MaxScore before (session 6), looking the long lists of common
terms up only for the passages that could still reach the top; summing every
posting was faster (README, Performance).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retrieval.index import _topn
from retrieval.index import postings as _postings
from retrieval.index.bm25 import BM25Index, Query
from retrieval.index.termlist import TermList


def _given(index: BM25Index, lists: Sequence[TermList]) -> _topn.Field:
    """What ``_topn`` takes of a field and its lists."""
    per_passage, bm25l, k1, delta = index.weighing
    runs = [(item.start, item.end, item.splits, item.factor) for item in lists]
    return index.postings.ids, index.postings.tf, per_passage, bm25l, k1, delta, runs


def top(fields: Sequence[tuple[BM25Index, float]], terms: Query, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``n`` best passages for ``terms`` over weighted ``fields`` (same passages),
    and their scores (the weighted sum of each field's), best first, ties by passage.

    Exactly the first ``n`` of all passages sharing a term, sorted. The lists are
    summed heaviest first (by bound, then shortest), the order the scores' bits
    depend on.
    """
    given, postings = [], 0
    for index, weight in fields:
        lists = sorted(index.lists(terms, weight), key=lambda item: (-item.bound, item.size))
        if lists:
            given.append(_given(index, lists))
            postings += sum(item.size for item in lists)
    if not given or n < 1:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    keep = min(n, postings)
    passages, scores = np.empty(keep, dtype=np.int64), np.empty(keep)
    found = _topn.top(given, fields[0][0].size, _postings.SEGMENT, keep, passages, scores)
    return passages[:found], scores[:found]


def added_scores(fields: Sequence[tuple[BM25Index, float]], terms: Query, passages: np.ndarray) -> np.ndarray:
    """What ``terms`` add to the scores of ``passages`` (distinct, any order) over
    weighted ``fields``: each term's postings looked up for them by bisection
    (compiled; they are few), the weights added term by term, field by field."""
    added = np.zeros(passages.size)
    if passages.size:
        wanted = np.ascontiguousarray(passages, dtype=np.int64)
        given = [_given(index, lists) for index, weight in fields if (lists := index.lists(terms, weight))]
        _topn.added(given, fields[0][0].size, _postings.SEGMENT, wanted, added)
    return added

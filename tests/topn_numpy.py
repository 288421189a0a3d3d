"""The ranking in NumPy, as ``retrieval/index/topn.py`` did it before it was compiled
(``_topn.c``): the oracle the compiled one must match bit for bit (tests/test_topn.py).

Each field's lists' postings are gathered in a few NumPy calls (passage ids decoded,
weights computed for all at once) and summed per passage with one ``bincount``. The
n-th best score among the passages of the weightiest lists is a floor for the n-th
best of all, so only the passages at or above it are sorted.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from retrieval.index import postings as _postings
from retrieval.index.bm25 import BM25Index, Query
from retrieval.index.termlist import TermList

# The n-th best score of the passages of this many postings of each field's
# weightiest lists sets the floor.
SAMPLE = 1024


def gathered_ids(lists: Sequence[TermList]) -> np.ndarray:
    """The passages of one field's ``lists`` (``TermList.ids`` of each), concatenated:
    their 16-bit ids copied once, each run of a segment lifted in one pass."""
    postings = lists[0].index.postings
    low = np.concatenate([postings.ids[item.start : item.end] for item in lists])
    runs: list[int] = []
    segments: list[int] = []
    for item in lists:
        edges = [0, *item.splits, item.size]
        runs.extend(b - a for a, b in pairwise(edges))
        segments.extend(range(len(edges) - 1))
    ids = np.repeat(np.asarray(segments, dtype=np.intp) * _postings.SEGMENT, runs)
    ids += low
    return ids


def _gathered(index: BM25Index, lists: Sequence[TermList]) -> tuple[np.ndarray, np.ndarray]:
    """The passages of one field's ``lists`` (in their order) and the postings' weights."""
    ids = gathered_ids(lists)
    tf = np.concatenate([index.postings.tf[item.start : item.end] for item in lists])
    factors = np.repeat([item.factor for item in lists], [item.size for item in lists])
    return ids, factors * index.tf_weight(ids, tf)


def _nth_best(scores: np.ndarray, n: int) -> float:
    """The n-th largest of ``scores`` (0 when fewer)."""
    if scores.size < n:
        return 0.0
    return float(np.partition(scores, scores.size - n)[scores.size - n])


def _best(passages: np.ndarray, scores: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The best ``n`` by score, then by passage; ties at the cut stay exact."""
    if scores.size > n:
        keep = scores >= _nth_best(scores, n)
        passages, scores = passages[keep], scores[keep]
    order = np.lexsort((passages, -scores))[:n]
    return passages[order], scores[order]


def top(fields: Sequence[tuple[BM25Index, float]], terms: Query, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``n`` best passages for ``terms`` over weighted ``fields`` (same passages),
    and their scores, best first, ties by passage: ``retrieval.index.topn.top``."""
    ids, weights, sample = [], [], []
    for index, weight in fields:
        lists = sorted(index.lists(terms, weight), key=lambda item: (-item.bound, item.size))
        if lists:
            found, weighed = _gathered(index, lists)
            ids.append(found)
            weights.append(weighed)
            sample.append(found[:SAMPLE])
    if not ids or n < 1:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    dense = np.bincount(np.concatenate(ids), np.concatenate(weights), minlength=fields[0][0].size)
    # At most n - 1 passages score above the n-th best: when fewer than n reach
    # the floor, a passage counted twice in the sample set it too high. So any
    # floor gives the exact best; a good one only makes the sort short.
    floor = _nth_best(dense[np.concatenate(sample)], n)
    passages = np.flatnonzero(dense >= floor) if floor > 0 else np.zeros(0, dtype=np.intp)
    if passages.size < n:
        passages = np.flatnonzero(dense > 0)
    return _best(passages, dense[passages], n)


def find_few(item: TermList, passages: list[int], ids: memoryview) -> list[tuple[int, int]]:
    """Which of a few ``passages`` (any order) hold ``item``'s term: one bisection each in
    ``ids`` (``postings.ids.data``): (index in ``passages``, position in the list)
    for each one that holds the term."""
    bounds = [0, *item.splits, item.size]
    found = []
    for at, passage in enumerate(passages):
        segment, local = divmod(passage, _postings.SEGMENT)
        if segment + 1 < len(bounds):
            low, high = item.start + bounds[segment], item.start + bounds[segment + 1]
            place = bisect_left(ids, local, low, high)
            if place < high and ids[place] == local:
                found.append((at, place - item.start))
    return found


def added_scores(fields: Sequence[tuple[BM25Index, float]], terms: Query, passages: np.ndarray) -> np.ndarray:
    """``retrieval.index.topn.added_scores``: what ``terms`` add to the scores of
    ``passages`` (distinct, any order) over weighted ``fields``: each term's postings
    looked up for them by bisection (one at a time: they are few), the weights
    computed for each field at once and added term by term."""
    added = np.zeros(passages.size)
    wanted = passages.tolist()
    for index, weight in fields:
        lists = index.lists(terms, weight) if wanted else []
        if not lists:
            continue
        ids = index.postings.ids.data
        targets, positions, factors = [], [], []
        for item in lists:
            for at, place in find_few(item, wanted, ids):
                targets.append(at)
                positions.append(item.start + place)
                factors.append(item.factor)
        if targets:
            holders = passages[targets]
            tf = index.postings.tf[positions]
            np.add.at(added, targets, np.asarray(factors) * index.tf_weight(holders, tf))
    return added

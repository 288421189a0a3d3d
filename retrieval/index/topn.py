"""The exact best passages over BM25 fields: every posting of the question's terms summed.

The postings of each field's lists are gathered in a few NumPy calls (passage
ids decoded, weights computed for all at once) and summed per passage with one
``bincount``. The n-th best score among the passages of the weightiest lists
is a floor for the n-th best of all, so only the passages at or above it are
sorted.

It pruned with MaxScore before (session 6), looking the long lists of common
terms up only for the passages that could still reach the top. At 100k
passages, with issue 15's weighted terms, a question's ~24 lists hold ~38,000
postings and it summed about 78% of the lists in full anyway; summing every
posting in a few calls is ~25% faster. A MaxScore with an exact early floor,
which sums only ~25% of the postings, was no faster either: the lookups cost
what the sums saved (README, Performance).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retrieval.index.bm25 import BM25Index, Query
from retrieval.index.termlist import TermList, gathered_ids

# The n-th best score of the passages of this many postings of each field's
# weightiest lists sets the floor.
SAMPLE = 1024


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
    and their scores (the weighted sum of each field's), best first, ties by passage.

    Exactly the first ``n`` of all passages sharing a term, sorted.
    """
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


def added_scores(fields: Sequence[tuple[BM25Index, float]], terms: Query, passages: np.ndarray) -> np.ndarray:
    """What ``terms`` add to the scores of ``passages`` (distinct, any order) over
    weighted ``fields``: each term's postings looked up for them by bisection
    (one at a time: they are few), the weights computed for each field at once
    and added term by term."""
    added = np.zeros(passages.size)
    wanted = passages.tolist()
    for index, weight in fields:
        lists = index.lists(terms, weight) if wanted else []
        if not lists:
            continue
        ids = index.postings.ids.data
        targets, positions, factors = [], [], []
        for item in lists:
            for at, place in item.find_few(wanted, ids):
                targets.append(at)
                positions.append(item.start + place)
                factors.append(item.factor)
        if targets:
            holders = passages[targets]
            tf = index.postings.tf[positions]
            np.add.at(added, targets, np.asarray(factors) * index.tf_weight(holders, tf))
    return added

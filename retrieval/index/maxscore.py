"""The exact best passages over BM25 fields, with MaxScore pruning.

The postings of the rare (weighty) terms give a lower bound on the n-th best
score (the "floor"); common terms whose largest possible contributions
together stay below it cannot lift a passage that lacks every rare term into
the top, so their long postings lists are only looked up for the passages
that can still make it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retrieval.index.bm25 import BM25Index, Query
from retrieval.index.termlist import MARGIN, TermList, segment_cuts

# ``top`` scores every posting directly below this many postings in total.
DIRECT_POSTINGS = 4096
# Postings in the first round of required lists; each next round doubles.
PROBE_POSTINGS = 2048
# Distinct passages of the first rounds whose scores set the floor.
POOL = 2048
BISECT = 16  # look a passage up in a list by bisection when the list is this much longer
# Lists stay required until the rest could add at most this share of the floor:
# the passages left alive are then few enough to look up by bisection.
REQUIRED_UNTIL = 0.5


def _weights(lists: Sequence[TermList]) -> tuple[np.ndarray, np.ndarray]:
    """The passages of ``lists`` and their weights (computed field by field)."""
    fields: dict[int, list[TermList]] = {}
    for item in lists:
        fields.setdefault(id(item.index), []).append(item)
    ids, weights = [], []
    for group in fields.values():
        passages = np.concatenate([item.ids for item in group])
        tf = np.concatenate([item.tf for item in group])
        factors = np.repeat([item.factor for item in group], [item.size for item in group])
        ids.append(passages)
        weights.append(factors * group[0].index.tf_weight(passages, tf))
    if len(ids) == 1:
        return ids[0], weights[0]
    return np.concatenate(ids), np.concatenate(weights)


def _accumulate(lists: Sequence[TermList], size: int) -> tuple[np.ndarray, np.ndarray]:
    """The passages of ``lists`` (ascending) and their summed weights."""
    ids, weights = _weights(lists)
    dense = np.bincount(ids, weights, minlength=size)
    passages = np.flatnonzero(dense)
    return passages, dense[passages]


def _nth_best(scores: np.ndarray, n: int, scratch: bool = False) -> float:
    """The n-th largest of ``scores`` (0 when fewer); ``scratch``: they may be reordered."""
    if scores.size < n:
        return 0.0
    if not scratch:
        return float(np.partition(scores, scores.size - n)[scores.size - n])
    scores.partition(scores.size - n)
    return float(scores[scores.size - n])


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
    lists = [item for index, weight in fields for item in index.lists(terms, weight)]
    if not lists or n < 1:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    size = fields[0][0].size
    if sum(item.size for item in lists) <= DIRECT_POSTINGS:
        return _best(*_accumulate(lists, size), n)
    # Weightiest lists first (rare terms: short lists). ``rest[i]`` bounds
    # what lists i, i + 1, ... can add to any passage's score.
    lists.sort(key=lambda item: (-item.bound, item.size))
    rest = [*np.cumsum([item.bound for item in lists][::-1])[::-1].tolist(), 0.0]
    dense, floor, done = _required(lists, rest, size, n)
    return _optional(lists[done:], dense, floor, rest[done], n)


def _required(
    lists: Sequence[TermList], rest: list[float], size: int, n: int
) -> tuple[np.ndarray, float, int]:
    """Sum the required lists, in rounds of doubling size: every passage they
    hold is scored; after each round the floor rises, and once the lists left
    cannot lift a passage to it on their own, the rest are optional. The
    scores so far, the floor and how many lists were required."""
    dense = np.zeros(size)
    seen = np.zeros(size, dtype=bool)
    slot = np.empty(size, dtype=np.intp)
    pool = np.zeros(0, dtype=np.intp)  # distinct passages of the first lists: the floor's sample
    floor = 0.0  # at most the n-th best score
    done = 0
    budget = PROBE_POSTINGS
    while done < len(lists) and rest[done] >= floor * REQUIRED_UNTIL:
        end, taken = done, 0
        while end < len(lists) and (taken < budget or end == done) and rest[end] >= floor * REQUIRED_UNTIL:
            taken += lists[end].size
            end += 1
        ids, weights = _weights(lists[done:end])
        np.add.at(dense, ids, weights)
        if pool.size < POOL:
            fresh = ids[~seen[ids]]
            order = np.arange(fresh.size)
            slot[fresh] = order
            fresh = fresh[slot[fresh] == order]  # once each: where its last copy wrote
            fresh = fresh[: POOL - pool.size]
            seen[fresh] = True
            pool = np.concatenate((pool, fresh))
        floor = max(floor, _nth_best(dense[pool], n, scratch=True))
        done = end
        budget *= 2
    return dense, floor, done


def _optional(
    lists: Sequence[TermList], dense: np.ndarray, floor: float, reach: float, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Add the optional lists, weightiest first, only for the passages that can
    still reach the floor ("alive"): picked out of each list with a mask of
    them while they are many, looked up by bisection once they are few."""
    live = dense >= max(floor * (1 - MARGIN) - reach, np.finfo(float).tiny)
    passages = np.flatnonzero(live)
    scores = dense[passages]
    slot = np.empty(dense.size, dtype=np.intp)
    slot[passages] = np.arange(passages.size)
    segments = lists[0].index.postings.splits.shape[1] + 1 if lists else 1
    cuts = segment_cuts(passages, segments)
    for item in lists:
        if passages.size * BISECT < item.size:
            hits, places = item.find(passages, cuts)
            if hits.size:
                scores[hits] += item.weights(places, passages[hits])
        else:
            positions, holders = item.among(live)
            if positions.size:
                scores[slot[holders]] += item.weights(positions, holders)
        reach -= item.bound
        if passages.size > n:
            # Partial scores are lower bounds too: the floor may rise.
            if passages.size <= POOL:
                floor = max(floor, _nth_best(scores, n))
            keep = scores + reach >= floor * (1 - MARGIN)
            if not keep.all():
                live[passages[~keep]] = False
                passages, scores = passages[keep], scores[keep]
                slot[passages] = np.arange(passages.size)
                cuts = segment_cuts(passages, segments)
    return _best(passages, scores, n)


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

"""BM25 over postings lists: a question costs the postings of its terms, not the corpus.

The weights are rank-bm25's (``BM25Okapi``, ``BM25L`` or ``BM25Plus``);
rankings are those of rank-bm25 on the same tokens (``tests/test_bm25.py``
checks it against rank-bm25 itself), except that Okapi's idf is never zero or
negative here, so tiny corpora still answer. BM25Plus adds the same constant
per question term to every passage, which changes no ranking and is left out,
so a passage that shares no term with the question scores 0 and is never
returned.

Postings (``retrieval.postings``) keep each term's passages and tf; weights
are computed from tf and passage length when a question asks, in float64, so
a reload that changes a few documents never recomputes the others' weights.

``top`` finds the exact best ``n`` passages over several fields with MaxScore
pruning: the postings of the rare (weighty) terms give a lower bound on the
n-th best score; common terms whose largest possible contributions together
stay below it cannot lift a passage that lacks every rare term into the top,
so their long postings lists are only looked up for the passages that can
still make it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrieval import postings as _postings
from retrieval.postings import Postings, TermCounts, term_keys

_MEMO_SIZE = 1 << 14

# ``top`` scores every posting directly below this many postings in total.
DIRECT_POSTINGS = 4096
# Postings in the first round of required lists; each next round doubles.
PROBE_POSTINGS = 2048
# Distinct passages of the first rounds whose scores set the floor.
POOL = 2048
_BISECT = 16  # look a passage up in a list by bisection when the list is this much longer
_MARGIN = 1e-9  # relative slack on score bounds, far above float64 rounding


@dataclass(frozen=True)
class BM25Params:
    variant: str = "plus"
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25
    delta: float = 1.0  # rank-bm25's default is 0.5 for BM25L, 1.0 for BM25Plus

    def __post_init__(self) -> None:
        if self.variant not in ("okapi", "l", "plus"):
            raise ValueError(f"BM25 variant must be okapi, l or plus, not {self.variant!r}")


@dataclass(frozen=True)
class Scores:
    """Passages that share a term with the question, and their scores."""

    passages: np.ndarray
    scores: np.ndarray


class _List:
    """One field's postings of one question term, and what they weigh."""

    __slots__ = ("_ids", "bound", "end", "factor", "index", "row", "start")

    def __init__(self, index: BM25Index, row: int, start: int, end: int, factor: float, bound: float) -> None:
        self.index = index
        self.row = row
        self.start = start
        self.end = end
        self.factor = factor  # field weight x (k1 + 1) x repeats in the question x idf
        self.bound = bound  # no posting weighs more
        self._ids: np.ndarray | None = None

    @property
    def size(self) -> int:
        return self.end - self.start

    @property
    def ids(self) -> np.ndarray:
        """The passages holding the term (ascending intp)."""
        if self._ids is None:
            self._ids = self.index.postings.row_ids(self.row)
        return self._ids

    @property
    def tf(self) -> np.ndarray:
        return self.index.postings.tf[self.start : self.end]

    def weights(
        self, positions: slice | np.ndarray = slice(None), ids: np.ndarray | None = None
    ) -> np.ndarray:
        """The weights of the postings at ``positions`` (whose passages are ``ids``, if known)."""
        passages = self.ids[positions] if ids is None else ids
        return self.factor * self.index._tf_weight(passages, self.tf[positions])

    def find(self, passages: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which of ``passages`` (ascending) hold the term: their indices in
        ``passages`` and their positions in this list (by bisection, per segment)."""
        if self._ids is not None or not self.index.postings.splits.shape[1]:
            ids = self.ids
            place = np.searchsorted(ids, passages)
            np.minimum(place, ids.size - 1, out=place)
            hits = np.flatnonzero(ids[place] == passages)
            return hits, place[hits]
        postings = self.index.postings
        bounds = [0, *postings.splits[self.row].tolist(), self.size]
        cuts = np.searchsorted(passages, np.arange(len(bounds)) * _postings.SEGMENT).tolist()
        found_hits, found_places = [], []
        for segment in range(len(bounds) - 1):
            low, high = bounds[segment], bounds[segment + 1]
            first, last = cuts[segment], cuts[segment + 1]
            if low == high or first == last:
                continue
            ids = postings.ids[self.start + low : self.start + high]
            local = passages[first:last] - segment * _postings.SEGMENT
            place = np.searchsorted(ids, local)
            np.minimum(place, ids.size - 1, out=place)
            hits = np.flatnonzero(ids[place] == local)
            found_hits.append(hits + first)
            found_places.append(place[hits] + low)
        if not found_hits:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
        return np.concatenate(found_hits), np.concatenate(found_places)


class BM25Index:
    """One field of the passages, scored as rank-bm25 would."""

    def __init__(self, corpus: Sequence[Sequence[str]] | Postings, params: BM25Params | None = None) -> None:
        self.params = params or BM25Params()
        self.postings = corpus if isinstance(corpus, Postings) else Postings.build(TermCounts.count(corpus))
        postings = self.postings
        self.size = postings.size
        average = float(postings.lengths.mean()) if self.size else 0.0
        p = self.params
        norm = 1 - p.b + p.b * postings.lengths.astype(np.float64) / (average or 1.0)
        self._norm_min = float(norm.min()) if self.size else 1.0
        # What a posting's weight needs of its passage: k1 x norm (Okapi, Plus), 1 / norm (L).
        self._per_passage = 1 / norm if p.variant == "l" else p.k1 * norm
        self._okapi_floor = p.epsilon
        if p.variant == "okapi" and postings.keys.size:
            df = np.diff(postings.indptr).astype(np.float64)
            mean = float(np.mean(np.log(self.size - df + 0.5) - np.log(df + 0.5)))
            # rank-bm25 floors negative idf at epsilon x the mean idf; on tiny
            # corpora that mean is itself zero or negative, and a term in half
            # the passages gets 0: both would hide matching passages.
            self._okapi_floor = p.epsilon * mean if mean > 0 else p.epsilon
        self._rows: dict[str, int] = {}

    @property
    def terms(self) -> int:
        return int(self.postings.keys.size)

    def rows(self, terms: Sequence[str]) -> list[int]:
        """Each term's row in the postings, or -1 when no passage holds it."""
        memo = self._rows
        missing = [t for t in dict.fromkeys(terms) if t not in memo]
        if missing:
            if len(memo) + len(missing) > _MEMO_SIZE:
                memo.clear()
            keys = self.postings.keys
            wanted = term_keys(missing)
            found = np.searchsorted(keys, wanted)
            inside = found < keys.size
            hit = np.zeros(len(missing), dtype=bool)
            hit[inside] = keys[found[inside]] == wanted[inside]
            for term, row, ok in zip(missing, found.tolist(), hit.tolist(), strict=True):
                memo[term] = row if ok else -1
        return [memo[t] for t in terms]

    def _df(self, row: int) -> int:
        return 0 if row < 0 else int(self.postings.indptr[row + 1] - self.postings.indptr[row])

    def idf(self, df: int) -> float:
        n, p = self.size, self.params
        if p.variant == "okapi":
            idf = math.log(n - df + 0.5) - math.log(df + 0.5)
            return idf if idf > 0 else self._okapi_floor
        if p.variant == "l":
            return math.log(n + 1) - math.log(df + 0.5)
        return math.log(n + 1) - math.log(df)

    def _tf_weight(self, ids: np.ndarray, tf: np.ndarray) -> np.ndarray:
        """The tf part of the weights of postings (over k1 + 1, which ``lists`` puts in the factor)."""
        count = tf.astype(np.float64)
        if self.params.variant == "l":
            k1, delta = self.params.k1, self.params.delta
            ctd = count * self._per_passage[ids]
            ctd += delta
            return np.asarray(count * ctd / (ctd + k1))
        return np.asarray(count / (count + self._per_passage[ids]))

    def _bound(self, tf: int) -> float:
        """The largest ``_tf_weight`` of any posting with at most ``tf``."""
        k1, delta, norm = self.params.k1, self.params.delta, self._norm_min
        if self.params.variant == "l":
            ctd = tf / norm
            return tf * (ctd + delta) / (k1 + ctd + delta)
        return tf / (tf + k1 * norm)

    def lists(self, terms: Sequence[str], weight: float = 1.0) -> list[_List]:
        """The postings of each distinct term (repeats weigh again), with their weights."""
        repeats = Counter(terms)
        distinct = list(repeats)
        indptr, maxtf = self.postings.indptr, self.postings.maxtf
        weight *= self.params.k1 + 1
        found = []
        for term, row in zip(distinct, self.rows(distinct), strict=True):
            if row < 0:
                continue
            start, end = int(indptr[row]), int(indptr[row + 1])
            factor = weight * repeats[term] * self.idf(end - start)
            if factor > 0:
                bound = factor * self._bound(int(maxtf[row])) * (1 + _MARGIN)
                found.append(_List(self, row, start, end, factor, bound))
        return found

    def term_weight(self, term: str) -> float:
        """How much a question term tells: a smoothed idf, positive even for
        terms in every passage, and largest for terms in none."""
        df = self._df(self.rows([term])[0])
        return math.log((self.size + 1) / (df + 0.5))

    def score(self, terms: Sequence[str]) -> Scores:
        """Scores of the passages sharing a term with ``terms`` (repeats count again)."""
        found = self.lists(terms)
        if not found:
            return Scores(np.zeros(0, dtype=np.int64), np.zeros(0))
        passages, scores = _accumulate(found, self.size)
        return Scores(passages.astype(np.int64), scores)


def _weights(lists: Sequence[_List]) -> tuple[np.ndarray, np.ndarray]:
    """The passages of ``lists``, one after the other, and their weights (batched per field)."""
    ids = np.concatenate([item.ids for item in lists])
    weights = np.empty(ids.size)
    start = 0
    while start < len(lists):
        index = lists[start].index
        end = start
        while end < len(lists) and lists[end].index is index:
            end += 1
        sizes = [item.size for item in lists[start:end]]
        first = sum(item.size for item in lists[:start])
        last = first + sum(sizes)
        tf = np.concatenate([item.tf for item in lists[start:end]])
        factors = np.repeat([item.factor for item in lists[start:end]], sizes)
        weights[first:last] = factors * index._tf_weight(ids[first:last], tf)
        start = end
    return ids, weights


def _accumulate(lists: Sequence[_List], size: int) -> tuple[np.ndarray, np.ndarray]:
    """The passages of ``lists`` (ascending) and their summed weights."""
    ids, weights = _weights(lists)
    dense = np.zeros(size)
    np.add.at(dense, ids, weights)
    passages = np.flatnonzero(dense)
    return passages, dense[passages]


def _nth_best(scores: np.ndarray, n: int) -> float:
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


def top(
    fields: Sequence[tuple[BM25Index, float]], terms: Sequence[str], n: int
) -> tuple[np.ndarray, np.ndarray]:
    """The ``n`` best passages for ``terms`` over weighted ``fields`` (same passages),
    and their scores (the weighted sum of each field's), best first, ties by passage.

    Exactly the first ``n`` of all passages sharing a term, sorted: see the
    module's note on pruning.
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
    dense = np.zeros(size)
    seen = np.zeros(size, dtype=bool)
    slot = np.empty(size, dtype=np.int64)
    pool: list[np.ndarray] = []  # distinct passages of the first lists: the floor's sample
    pooled = 0
    floor = 0.0  # at most the n-th best score
    done = 0
    budget = PROBE_POSTINGS
    # Required lists, in rounds of doubling size: every passage they hold is
    # scored; after each round the floor rises, and once the lists left cannot
    # lift a passage to it on their own, the rest are optional.
    while done < len(lists) and rest[done] >= floor * (1 - _MARGIN):
        end, taken = done, 0
        while end < len(lists) and (taken < budget or end == done) and rest[end] >= floor * (1 - _MARGIN):
            taken += lists[end].size
            end += 1
        ids, weights = _weights(lists[done:end])
        np.add.at(dense, ids, weights)
        if pooled < POOL:
            fresh = ids[~seen[ids]]
            order = np.arange(fresh.size)
            slot[fresh] = order
            fresh = fresh[slot[fresh] == order]  # once each: where its last copy wrote
            seen[fresh] = True
            pool.append(fresh)
            pooled += fresh.size
        floor = max(floor, _nth_best(dense[np.concatenate(pool)], n))
        done = end
        budget *= 2
    reach = rest[done]
    # The optional lists, weightiest first, only for the passages that can
    # still reach the floor ("alive"): gathered from a mask of them while
    # they are many, looked up by bisection once they are few.
    live = dense >= max(floor * (1 - _MARGIN) - reach, np.finfo(float).tiny)
    passages = np.flatnonzero(live)
    scores = dense[passages]
    slot[passages] = np.arange(passages.size)
    for item in lists[done:]:
        if passages.size * _BISECT < item.size:
            hits, places = item.find(passages)
            if hits.size:
                scores[hits] += item.weights(places, passages[hits])
        else:
            positions = np.flatnonzero(live[item.ids])
            if positions.size:
                scores[slot[item.ids[positions]]] += item.weights(positions)
        reach -= item.bound
        if passages.size > n:
            if passages.size <= POOL:  # their partial scores are lower bounds too
                floor = max(floor, _nth_best(scores, n))
            keep = scores + reach >= floor * (1 - _MARGIN)
            if not keep.all():
                live[passages[~keep]] = False
                passages, scores = passages[keep], scores[keep]
                slot[passages] = np.arange(passages.size)
    return _best(passages, scores, n)

"""One question term's postings in one BM25 field, with its weight and bound."""

from __future__ import annotations

from bisect import bisect_left
from typing import Protocol

import numpy as np

from retrieval.index import postings as _postings

MARGIN = 1e-9  # relative slack on score bounds, far above float64 rounding


class Field(Protocol):
    """What a term list needs of its BM25 field (``retrieval.index.bm25.BM25Index``)."""

    @property
    def postings(self) -> _postings.Postings: ...

    def tf_weight(self, ids: np.ndarray, tf: np.ndarray) -> np.ndarray: ...


class TermList:
    """One field's postings of one question term, and what they weigh."""

    __slots__ = ("_ids", "bound", "end", "factor", "index", "size", "splits", "start")

    def __init__(
        self, index: Field, span: tuple[int, int, tuple[int, ...]], factor: float, bound: float
    ) -> None:
        self.index = index
        self.start, self.end, self.splits = span  # where its postings start and end, and its segments
        self.factor = factor  # field weight x (k1 + 1) x repeats in the question x idf
        self.bound = bound  # no posting weighs more
        self.size = self.end - self.start
        self._ids: np.ndarray | None = None

    @property
    def ids(self) -> np.ndarray:
        """The passages holding the term (ascending intp)."""
        if self._ids is None:
            self._ids = self.index.postings.span_ids(self.start, self.end, self.splits)
        return self._ids

    @property
    def tf(self) -> np.ndarray:
        return self.index.postings.tf[self.start : self.end]

    def weights(
        self, positions: slice | np.ndarray = slice(None), ids: np.ndarray | None = None
    ) -> np.ndarray:
        """The weights of the postings at ``positions`` (whose passages are ``ids``, if known)."""
        passages = self.ids[positions] if ids is None else ids
        return self.factor * self.index.tf_weight(passages, self.tf[positions])

    def among(self, live: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The positions in this list of the passages marked in ``live`` (a mask
        over all passages), and those passages."""
        positions = np.flatnonzero(live[self.ids])
        return positions, self.ids[positions]

    def find(self, passages: np.ndarray, cuts: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Which of ``passages`` (ascending; ``segment_cuts(passages)``) hold the
        term: their indices in ``passages`` and their positions in this list (by
        bisection in its 16-bit ids, segment by segment)."""
        if self._ids is not None:
            return _bisect(self._ids, passages, 0, 0)
        postings = self.index.postings
        width = _postings.SEGMENT
        bounds = [0, *self.splits, self.size]
        hits, places = [], []
        for segment in range(len(bounds) - 1):
            first, end = bounds[segment], bounds[segment + 1]
            begin, stop = cuts[segment], cuts[segment + 1]
            if first < end and begin < stop:
                low = postings.ids[self.start + first : self.start + end]
                local = (passages[begin:stop] - segment * width).astype(low.dtype)
                found, place = _bisect(low, local, begin, first)
                hits.append(found)
                places.append(place)
        if not hits:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
        return np.concatenate(hits), np.concatenate(places)

    def find_few(self, passages: list[int], ids: memoryview) -> list[tuple[int, int]]:
        """``find`` for a few ``passages`` (any order), one bisection each in
        ``ids`` (``postings.ids.data``): (index in ``passages``, position in
        this list) for each one that holds the term."""
        bounds = [0, *self.splits, self.size]
        found = []
        for at, passage in enumerate(passages):
            segment, local = divmod(passage, _postings.SEGMENT)
            if segment + 1 < len(bounds):
                low, high = self.start + bounds[segment], self.start + bounds[segment + 1]
                place = bisect_left(ids, local, low, high)
                if place < high and ids[place] == local:
                    found.append((at, place - self.start))
        return found


def segment_cuts(passages: np.ndarray, segments: int) -> list[int]:
    """Where in ``passages`` (ascending) each of ``segments`` segments of ids starts, and the end."""
    return list(np.searchsorted(passages, np.arange(segments + 1) * _postings.SEGMENT).tolist())


def _bisect(ids: np.ndarray, wanted: np.ndarray, offset: int, first: int) -> tuple[np.ndarray, np.ndarray]:
    """Which of ``wanted`` are in ``ids`` (both ascending): their indices (+ ``offset``)
    and their positions in ``ids`` (+ ``first``)."""
    place = np.searchsorted(ids, wanted)
    np.minimum(place, ids.size - 1, out=place)
    hits = np.flatnonzero(ids[place] == wanted)
    return hits + offset, place[hits] + first

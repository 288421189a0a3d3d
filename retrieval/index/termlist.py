"""One question term's postings in one BM25 field, with its weight and bound."""

from __future__ import annotations

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

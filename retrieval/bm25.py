"""BM25 as a sparse matrix of per-term weights: a question is a sum of a few rows.

The weights are rank-bm25's (``BM25Okapi``, ``BM25L`` or ``BM25Plus``),
precomputed once, so a question costs the postings of its terms rather than a
walk over every passage; rankings are those of rank-bm25 on the same tokens
(``tests/test_bm25.py`` checks it against rank-bm25 itself), except that
Okapi's idf is never zero or negative here, so tiny corpora still answer. BM25Plus adds
the same constant per question term to every passage, which changes no
ranking and is left out, so a passage that shares no term with the
question scores 0 and is never returned.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse


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
    """Passages that share a term with the question, their scores and the
    share of the question's term weight each one matches (0..1)."""

    passages: np.ndarray
    scores: np.ndarray
    coverage: np.ndarray


class BM25Index:
    def __init__(self, corpus: Sequence[Sequence[str]], params: BM25Params | None = None) -> None:
        self.params = params or BM25Params()
        self.size = len(corpus)
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        columns: list[int] = []
        counts: list[int] = []
        lengths = np.zeros(self.size, dtype=np.float64)
        for passage, terms in enumerate(corpus):
            lengths[passage] = len(terms)
            for term, count in Counter(terms).items():
                rows.append(vocabulary.setdefault(term, len(vocabulary)))
                columns.append(passage)
                counts.append(count)
        self.vocabulary = vocabulary
        row = np.asarray(rows, dtype=np.int64)
        column = np.asarray(columns, dtype=np.int64)
        tf = np.asarray(counts, dtype=np.float64)
        self.df = np.bincount(row, minlength=len(vocabulary)).astype(np.float64)
        self.idf = self._idf(self.df)
        average = lengths.mean() if self.size else 0.0
        norm = 1 - self.params.b + self.params.b * lengths[column] / (average or 1.0)
        weight = self.idf[row] * self._tf_weight(tf, norm)
        self.matrix = sparse.csr_matrix(
            (weight.astype(np.float32), (row, column)), shape=(len(vocabulary), self.size)
        )
        self.matrix.sort_indices()

    def _idf(self, df: np.ndarray) -> np.ndarray:
        n, p = self.size, self.params
        if p.variant == "okapi":
            idf = np.log(n - df + 0.5) - np.log(df + 0.5)
            # rank-bm25 floors negative idf at epsilon x the mean idf; on tiny
            # corpora that mean is itself zero or negative, and a term in half
            # the passages gets 0: both would hide matching passages.
            mean = idf.mean() if idf.size else 0.0
            floor = p.epsilon * mean if mean > 0 else p.epsilon
            return np.asarray(np.where(idf <= 0, floor, idf))
        if p.variant == "l":
            return np.asarray(np.log(n + 1) - np.log(df + 0.5))
        return np.asarray(np.log(n + 1) - np.log(df))

    def _tf_weight(self, tf: np.ndarray, norm: np.ndarray) -> np.ndarray:
        k1, delta = self.params.k1, self.params.delta
        if self.params.variant == "okapi":
            return np.asarray(tf * (k1 + 1) / (tf + k1 * norm))
        if self.params.variant == "l":
            ctd = tf / norm
            return np.asarray(tf * (k1 + 1) * (ctd + delta) / (k1 + ctd + delta))
        return np.asarray(tf * (k1 + 1) / (k1 * norm + tf))

    def term_weight(self, term: str) -> float:
        """How much a question term tells: a smoothed idf, positive even for
        terms in every passage, and largest for terms in none."""
        row = self.vocabulary.get(term)
        df = self.df[row] if row is not None else 0.0
        return float(np.log((self.size + 1) / (df + 0.5)))

    def score(self, terms: Sequence[str]) -> Scores:
        """Scores of the passages sharing a term with ``terms`` (repeats count again)."""
        empty = np.zeros(0)
        rows = [self.vocabulary[t] for t in terms if t in self.vocabulary]
        distinct = list(dict.fromkeys(terms))
        total = sum(self.term_weight(t) for t in distinct)
        if not rows or total <= 0:
            return Scores(empty.astype(np.int64), empty, empty)
        matrix = self.matrix
        pieces = [slice(matrix.indptr[r], matrix.indptr[r + 1]) for r in rows]
        indices = np.concatenate([matrix.indices[s] for s in pieces])
        weights = np.concatenate([matrix.data[s] for s in pieces]).astype(np.float64)
        scores = np.bincount(indices, weights, minlength=self.size)
        seen = list(dict.fromkeys(rows))
        share = np.concatenate(
            [np.full(matrix.indptr[r + 1] - matrix.indptr[r], self._row_weight(r)) for r in seen]
        )
        seen_indices = np.concatenate([matrix.indices[matrix.indptr[r] : matrix.indptr[r + 1]] for r in seen])
        coverage = np.bincount(seen_indices, share, minlength=self.size) / total
        passages = np.flatnonzero(coverage)
        return Scores(passages, scores[passages], coverage[passages])

    def _row_weight(self, row: int) -> float:
        return float(np.log((self.size + 1) / (self.df[row] + 0.5)))

"""BM25 over postings lists: a question costs the postings of its terms, not the corpus.

The weights are rank-bm25's (``BM25Okapi``, ``BM25L`` or ``BM25Plus``);
rankings are those of rank-bm25 on the same tokens (``tests/test_bm25.py``
checks it against rank-bm25 itself), except that Okapi's idf is never zero or
negative here, so tiny corpora still answer. BM25Plus adds the same constant
per question term to every passage, which changes no ranking and is left out,
so a passage that shares no term with the question scores 0 and is never
returned.

Postings (``retrieval.index.postings``) keep each term's passages and tf; weights
are computed from tf and passage length when a question asks, in float64, so
a reload that changes a few documents never recomputes the others' weights.
The best passages over several fields are found by ``retrieval.index.topn``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.config import BM25Params
from retrieval.index import _topn
from retrieval.index.postings import Postings
from retrieval.index.termcounts import TermCounts
from retrieval.index.termlist import MARGIN, TermList

_MEMO_SIZE = 1 << 12  # question terms remembered per field: a few hundred questions' worth
# A question's terms: a list (a repeat weighs again), or each distinct term with its weight.
Query = Sequence[str] | Mapping[str, float]


@dataclass(frozen=True)
class Scores:
    """Passages that share a term with the question, and their scores."""

    passages: np.ndarray
    scores: np.ndarray


# The start and end of a term's postings and where their segments change; its
# idf; and a bound on its tf weights.
_Described = tuple[tuple[int, int, tuple[int, ...]], float, float]


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
        self._memo: dict[str, _Described | None] = {}

    @property
    def terms(self) -> int:
        return int(self.postings.keys.size)

    def idf(self, df: int) -> float:
        n, p = self.size, self.params
        if p.variant == "okapi":
            idf = math.log(n - df + 0.5) - math.log(df + 0.5)
            return idf if idf > 0 else self._okapi_floor
        if p.variant == "l":
            return math.log(n + 1) - math.log(df + 0.5)
        return math.log(n + 1) - math.log(df)

    def tf_weight(self, ids: np.ndarray, tf: np.ndarray) -> np.ndarray:
        """The tf part of the weights of postings (over k1 + 1, which ``lists`` puts in the factor)."""
        count = tf.astype(np.float64)
        if self.params.variant == "l":
            k1, delta = self.params.k1, self.params.delta
            ctd = count * self._per_passage[ids]
            ctd += delta
            return np.asarray(count * ctd / (ctd + k1))
        return np.asarray(count / (count + self._per_passage[ids]))

    @property
    def weighing(self) -> tuple[np.ndarray, bool, float, float]:
        """What ``tf_weight`` needs beside a posting's passage and tf, for the compiled
        ranking (``retrieval.index.topn``): per passage k1 x norm (Okapi, Plus) or
        1 / norm (L), whether it is BM25L, k1 and delta."""
        return self._per_passage, self.params.variant == "l", self.params.k1, self.params.delta

    def _bound(self, tf: int) -> float:
        """The largest ``tf_weight`` of any posting with at most ``tf``."""
        k1, delta, norm = self.params.k1, self.params.delta, self._norm_min
        if self.params.variant == "l":
            ctd = tf / norm
            return tf * (ctd + delta) / (k1 + ctd + delta)
        return tf / (tf + k1 * norm)

    def _describe(self, span: tuple[int, int, tuple[int, ...]], maxtf: int) -> _Described:
        return span, self.idf(span[1] - span[0]), self._bound(maxtf)

    def _described(self, terms: list[str]) -> list[_Described | None]:
        """Each term's postings range, idf and bound on its ``tf_weight``
        (None when no passage holds it), remembered."""
        memo = self._memo
        missing = [t for t in terms if t not in memo]
        if missing:
            if len(memo) + len(missing) > _MEMO_SIZE:
                memo.clear()
                missing = list(terms)
            postings = self.postings
            found = _topn.spans(postings.keys, postings.indptr, postings.maxtf, postings.splits, missing)
            for term, span in zip(missing, found, strict=True):
                memo[term] = None if span is None else self._describe(*span)
        return [memo[t] for t in terms]

    def lists(self, terms: Query, weight: float = 1.0) -> list[TermList]:
        """The postings of each distinct term, with their weights: a term's in the
        question (how often a list has it, or the mapping's value) x ``weight`` x idf."""
        repeats = terms if isinstance(terms, Mapping) else Counter(terms)
        weight *= self.params.k1 + 1
        found = []
        for count, described in zip(repeats.values(), self._described(list(repeats)), strict=True):
            if described is not None:
                span, idf, bound = described
                factor = weight * count * idf
                if factor > 0:
                    found.append(TermList(self, span, factor, factor * bound * (1 + MARGIN)))
        return found

    def frequencies(self, terms: Sequence[str]) -> list[int]:
        """How many passages hold each of ``terms``."""
        return [0 if d is None else d[0][1] - d[0][0] for d in self._described(list(terms))]

    def term_weights(self, terms: Sequence[str]) -> dict[str, float]:
        """How much each distinct question term tells: a smoothed idf, positive
        even for terms in every passage, and largest for terms in none."""
        distinct = list(dict.fromkeys(terms))
        return {
            term: math.log((self.size + 1) / (df + 0.5))
            for term, df in zip(distinct, self.frequencies(distinct), strict=True)
        }

    def score(self, terms: Query) -> Scores:
        """Scores of the passages sharing a term with ``terms`` (weighted as in ``lists``)."""
        found = self.lists(terms)
        if not found:
            return Scores(np.zeros(0, dtype=np.int64), np.zeros(0))
        dense = np.zeros(self.size)
        for item in found:
            np.add.at(dense, item.ids, item.weights())
        passages = np.flatnonzero(dense)
        return Scores(passages.astype(np.int64), dense[passages])

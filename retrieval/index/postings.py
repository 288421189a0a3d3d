"""Postings lists: which passages hold each term, and how often.

Each term is a 64-bit key (``retrieval.index.termkeys``), keys are sorted, and each
has the ascending ids of the passages holding it and how often (tf, the
smallest unsigned type that fits).
Passage ids are kept as 16 bits within segments of 65,536 passages (each
term records where its next segment starts), so a posting takes 3 bytes.
Postings are built from ``TermCounts`` (``retrieval.index.termcounts``);
``retrieval.index.updating`` changes them for a reload without rebuilding what
it keeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.index.bisection import lower_bounds
from retrieval.index.termcounts import TermCounts

SEGMENT = 1 << 16  # passage ids are kept as 16 bits within segments of this many passages (a power of 2)


_SMALL_BUILD = 1 << 20  # postings: below, NumPy sorts them; above, SciPy's counting sort


def _segments(size: int) -> int:
    return max(1, -(-size // SEGMENT))


def _encode(ids: np.ndarray, indptr: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Full passage ids (ascending within each term) as 16 bits, and where in each
    term's list segment 1, 2, ... starts (bisected in all the lists at once)."""
    terms = indptr.size - 1
    splits = np.zeros((terms, _segments(size) - 1), dtype=np.int32)
    starts, ends = indptr[:-1], indptr[1:]
    for segment in range(1, _segments(size)):
        splits[:, segment - 1] = lower_bounds(ids, starts, ends, segment * SEGMENT) - starts
    return (ids & (SEGMENT - 1)).astype(np.uint16), splits


def _decode(low: np.ndarray, indptr: np.ndarray, splits: np.ndarray) -> np.ndarray:
    """The full passage ids (int32) of 16-bit ids and their segment splits: the
    16-bit ids are the low halves, each posting's segment the high ones."""
    ids = np.empty(low.size, dtype="<i4")
    halves = ids.view("<u2").reshape(low.size, 2)
    halves[:, 0] = low
    if not splits.shape[1] or not low.size:
        halves[:, 1] = 0
        return ids.astype(np.int32, copy=False)
    starts, ends = indptr[:-1], indptr[1:]
    # +1 where a term's next segment starts, and back to segment 0 where it ends: as many
    # as its segments less one, which int8 holds up to 128 segments (8.4 M passages).
    step = np.int8 if splits.shape[1] <= np.iinfo(np.int8).max else np.int32
    steps = np.zeros(low.size + 1, dtype=step)
    entered = np.zeros(starts.size, dtype=np.int64)
    for column in splits.T:
        where = starts + column
        inside = where < ends
        steps[where[inside]] += 1
        entered += inside
    steps[ends] -= entered.astype(step)
    if SEGMENT == 1 << 16:
        np.cumsum(steps[:-1], dtype=np.uint16, out=halves[:, 1])
        return ids.astype(np.int32, copy=False)
    segment = np.cumsum(steps[:-1], dtype=np.int32)  # (tests use tiny segments)
    return low.astype(np.int32) + segment * SEGMENT


@dataclass(frozen=True)
class Postings:
    """One field's postings lists: term ``keys[t]`` is held ``tf[i]`` times by the
    passages of ``indptr[t] <= i < indptr[t + 1]`` (ascending), whose ids are kept
    as 16 bits, ``ids[i]``, plus 65536 for each of the term's ``splits[t]`` (where
    its passages of the next segment start) that ``i`` is past. ``maxtf[t]``
    bounds the term's tf from above; ``lengths[p]`` is passage p's length.
    """

    keys: np.ndarray  # uint64 (terms), sorted
    indptr: np.ndarray  # int64 (terms + 1)
    ids: np.ndarray  # uint16 (postings)
    splits: np.ndarray  # int32 (terms, segments - 1), offsets within each term's list
    tf: np.ndarray  # unsigned (postings)
    maxtf: np.ndarray  # unsigned (terms)
    lengths: np.ndarray  # int32 (passages)

    @property
    def size(self) -> int:
        return len(self.lengths)

    @classmethod
    def of(
        cls,
        keys: np.ndarray,
        indptr: np.ndarray,
        ids: np.ndarray,
        tf: np.ndarray,
        maxtf: np.ndarray,
        lengths: np.ndarray,
    ) -> Postings:
        """Postings from full (int32) passage ids."""
        low, splits = _encode(ids, indptr, len(lengths))
        return cls(keys, indptr, low, splits, tf, maxtf, lengths)

    def passage_ids(self) -> np.ndarray:
        """Every posting's full passage id (int32)."""
        return _decode(self.ids, self.indptr, self.splits)

    def row_ids(self, row: int) -> np.ndarray:
        """The passages (ascending, as intp) that hold term ``row``."""
        start, end = int(self.indptr[row]), int(self.indptr[row + 1])
        return self.span_ids(start, end, self.splits[row].tolist())

    def span_ids(self, start: int, end: int, splits: Sequence[int]) -> np.ndarray:
        """The passages (ascending, as intp) of one term's postings ``start`` to
        ``end``, whose next segments start at offsets ``splits`` in them."""
        ids = self.ids[start:end].astype(np.intp)
        for split in splits:
            ids[split:] += SEGMENT
        return ids

    @classmethod
    def build(
        cls, counts: TermCounts, size: int | None = None, passages: np.ndarray | None = None
    ) -> Postings:
        """The postings of ``counts``; its passages get the ids ``passages``
        (ascending; default 0, 1, ...) among ``size`` passages."""
        if passages is None:
            passages = np.arange(counts.passages, dtype=np.int32)
        size = counts.passages if size is None else size
        lengths = np.zeros(size, dtype=np.int32)
        lengths[passages] = counts.lengths
        if counts.terms.size == 0:
            empty = np.zeros(0, dtype=np.uint8)
            return cls.of(
                np.zeros(0, np.uint64), np.zeros(1, np.int64), np.zeros(0, np.int32), empty, empty, lengths
            )
        ids = np.repeat(passages.astype(np.int32, copy=False), counts.sizes)
        # Postings grouped by term, stably (ids stay ascending within a term).
        if counts.terms.size > _SMALL_BUILD:  # a counting sort, in C
            from scipy import sparse  # only large builds need it: 25 MB less otherwise

            matrix = sparse.csr_array((counts.counts, (counts.terms, ids)), shape=(counts.vocab.size, size))
            del ids
            indptr = matrix.indptr.astype(np.int64)
            ids, tf = matrix.indices.astype(np.int32, copy=False), np.asarray(matrix.data)
        else:
            order = np.argsort(counts.terms, kind="stable")
            indptr = np.concatenate([[0], np.cumsum(np.bincount(counts.terms, minlength=counts.vocab.size))])
            ids, tf = ids[order], counts.counts[order]
        used = np.flatnonzero(np.diff(indptr))
        maxtf = np.maximum.reduceat(tf, indptr[used])
        if used.size != counts.vocab.size:  # vocabulary no passage uses
            indptr = np.concatenate([[0], np.cumsum(np.diff(indptr)[used])])
        return cls.of(counts.vocab[used], indptr.astype(np.int64), ids, tf, maxtf, lengths)

    def check(self, thorough: bool = True) -> None:
        """Raise ``ValueError`` unless the arrays fit together (for data read from
        disk); not ``thorough``: only what costs no pass over the postings (for
        data whose bytes are known to be what was written, by a checksum)."""
        if self.keys.dtype != np.uint64 or self.indptr.dtype != np.int64 or self.ids.dtype != np.uint16:
            raise ValueError("postings have the wrong types")
        if self.tf.dtype.kind != "u" or self.maxtf.dtype != self.tf.dtype or self.lengths.dtype != np.int32:
            raise ValueError("postings have the wrong types")
        terms = self.keys.size
        if self.indptr.shape != (terms + 1,) or self.maxtf.shape != self.keys.shape:
            raise ValueError("postings have mismatched lengths")
        if self.splits.dtype != np.int32 or self.splits.shape != (terms, _segments(self.size) - 1):
            raise ValueError("postings have mismatched segments")
        if self.indptr[0] != 0 or self.indptr[-1] != self.ids.size or self.tf.shape != self.ids.shape:
            raise ValueError("postings do not add up")
        if not terms:
            return
        sizes = np.diff(self.indptr)
        if (self.keys[1:] <= self.keys[:-1]).any() or (sizes < 1).any():
            raise ValueError("postings' terms are not sorted")
        bounds = [self.splits[:, j] for j in range(self.splits.shape[1])]  # each segment's start
        if any((high < low).any() for low, high in zip([0, *bounds], [*bounds, sizes], strict=True)):
            raise ValueError("postings' segments are not in order")
        if not thorough:
            return
        last = _segments(self.size) - 1
        starts = self.indptr[:-1] + (self.splits[:, last - 1] if last else 0)
        tail = starts < self.indptr[1:]
        if tail.any():  # the last segment's ids must be passages
            edges = np.minimum(np.stack([starts, self.indptr[1:]], axis=1).ravel()[:-1], self.ids.size - 1)
            largest = np.maximum.reduceat(self.ids, edges)[::2]
            if (largest[tail] >= self.size - last * SEGMENT).any():
                raise ValueError("postings refer to passages that do not exist")
        if (np.maximum.reduceat(self.tf, self.indptr[:-1]) > self.maxtf).any():
            raise ValueError("postings' tf bounds are wrong")
        if self.tf.size and int(self.tf.min()) < 1:
            raise ValueError("postings hold a zero tf")
        if (self.lengths < 0).any():
            raise ValueError("postings hold a negative length")

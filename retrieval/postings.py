"""Postings lists: which passages hold each term, and how often.

Each term is a 64-bit key (``term_key``: FNV-1a of its code points; no term
strings are kept), keys are sorted, and each has the ascending ids of the
passages holding it and how often (tf, the smallest unsigned type that fits).
Passage ids are kept as 16 bits within segments of 65,536 passages (each
term records where its next segment starts), so a posting takes 3 bytes.
``TermCounts`` are the counted terms of a run of passages (what a document
adds, cached per document); ``Postings.update`` renumbers, drops and merges in
vectorised passes, so a reload never rebuilds what it keeps. Distinct strings
with equal keys would be one term: with 2^64 keys, a vocabulary of a million
terms has odds of about 3e-8 of one such pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_MASK64 = (1 << 64) - 1
_VECTOR_WIDTH = 24  # longer terms (rare) are hashed one by one


def _term_key(term: str) -> int:
    key = _FNV_OFFSET
    for char in term:
        code = ord(char)
        if code:
            key = ((key ^ code) * _FNV_PRIME) & _MASK64
    return key


def term_keys(terms: Sequence[str]) -> np.ndarray:
    """The uint64 key of each term: 64-bit FNV-1a over its code points (NULs skipped)."""
    keys = np.empty(len(terms), dtype=np.uint64)
    if not terms:
        return keys
    longest = max(map(len, terms))
    if longest > _VECTOR_WIDTH:
        short = [i for i, term in enumerate(terms) if len(term) <= _VECTOR_WIDTH]
        keys[short] = term_keys([terms[i] for i in short])
        for i, term in enumerate(terms):
            if len(term) > _VECTOR_WIDTH:
                keys[i] = _term_key(term)
        return keys
    text = np.array(terms, dtype=f"<U{max(longest, 1)}")
    codes = text.view("<u4").reshape(len(terms), max(longest, 1)).astype(np.uint64)
    keys.fill(_FNV_OFFSET)
    prime = np.uint64(_FNV_PRIME)
    for column in codes.T:
        keys = np.where(column != 0, (keys ^ column) * prime, keys)
    return keys


def term_key(term: str) -> int:
    return _term_key(term)


def _smallest_unsigned(largest: int) -> type[np.unsignedinteger]:
    if largest <= 0xFF:
        return np.uint8
    if largest <= 0xFFFF:
        return np.uint16
    return np.uint32


def _narrow(values: np.ndarray) -> np.ndarray:
    largest = int(values.max()) if values.size else 0
    return values.astype(_smallest_unsigned(largest), copy=False)


@dataclass(frozen=True)
class TermCounts:
    """The terms of a run of consecutive passages, counted (one field).

    Passage ``i`` holds ``sizes[i]`` distinct terms, as consecutive entries of
    ``terms`` (indices into ``vocab``, the sorted keys) and ``counts``;
    ``lengths[i]`` is its number of terms, repeats included.
    """

    vocab: np.ndarray  # uint64, sorted, distinct
    terms: np.ndarray  # uint32 index into vocab, per posting
    counts: np.ndarray  # unsigned, per posting
    sizes: np.ndarray  # int32, per passage
    lengths: np.ndarray  # int32, per passage

    @property
    def passages(self) -> int:
        return len(self.sizes)

    @classmethod
    def count(cls, corpus: Sequence[Sequence[str]]) -> TermCounts:
        """Count the terms of each passage of ``corpus``."""
        index: dict[str, int] = {}
        setdefault = index.setdefault
        local = np.fromiter(
            (setdefault(term, len(index)) for words in corpus for term in words), dtype=np.int64
        )
        lengths = np.fromiter(map(len, corpus), dtype=np.int32, count=len(corpus))
        passage = np.repeat(np.arange(len(corpus), dtype=np.int64), lengths)
        pairs, counts = np.unique(passage * max(len(index), 1) + local, return_counts=True)
        keys = term_keys(list(index))
        order = np.argsort(keys, kind="stable")
        rank = np.empty(len(keys), dtype=np.uint32)
        rank[order] = np.arange(len(keys), dtype=np.uint32)
        vocab = keys[order]
        result = cls(
            vocab=vocab,
            terms=rank[pairs % max(len(index), 1)],
            counts=_narrow(counts),
            sizes=np.bincount(pairs // max(len(index), 1), minlength=len(corpus)).astype(np.int32),
            lengths=lengths,
        )
        if vocab.size > 1 and bool((vocab[1:] == vocab[:-1]).any()):
            return result._merge_equal_keys()
        return result

    def _merge_equal_keys(self) -> TermCounts:
        """Two distinct terms with one key (see the module's note) become one term."""
        vocab, inverse = np.unique(self.vocab, return_inverse=True)
        keys = inverse[self.terms]
        terms: list[int] = []
        counts: list[int] = []
        sizes = np.empty_like(self.sizes)
        start = 0
        for passage, size in enumerate(self.sizes.tolist()):
            merged: dict[int, int] = {}
            for key, count in zip(
                keys[start : start + size].tolist(), self.counts[start : start + size].tolist(), strict=True
            ):
                merged[key] = merged.get(key, 0) + count
            terms.extend(merged)
            counts.extend(merged.values())
            sizes[passage] = len(merged)
            start += size
        return TermCounts(
            vocab=vocab,
            terms=np.asarray(terms, dtype=np.uint32),
            counts=_narrow(np.asarray(counts, dtype=np.int64)),
            sizes=sizes,
            lengths=self.lengths,
        )

    @staticmethod
    def concat(parts: Sequence[TermCounts]) -> TermCounts:
        """The passages of ``parts``, one after the other, over one vocabulary."""
        if len(parts) == 1:
            return parts[0]
        vocab, renumbered = _union([p.vocab for p in parts])
        bounds = np.cumsum([0, *(p.vocab.size for p in parts)]).tolist()
        terms = [renumbered[bounds[i] : bounds[i + 1]][p.terms] for i, p in enumerate(parts)]
        largest = max((int(p.counts.max()) for p in parts if p.counts.size), default=0)
        dtype = _smallest_unsigned(largest)
        return TermCounts(
            vocab=vocab,
            terms=np.concatenate(terms) if terms else np.zeros(0, np.uint32),
            counts=np.concatenate([p.counts.astype(dtype) for p in parts]) if parts else np.zeros(0, dtype),
            sizes=np.concatenate([p.sizes for p in parts]) if parts else np.zeros(0, np.int32),
            lengths=np.concatenate([p.lengths for p in parts]) if parts else np.zeros(0, np.int32),
        )

    def check(self) -> None:
        """Raise ``ValueError`` unless the arrays fit together (for data read from disk)."""
        if self.vocab.dtype != np.uint64 or self.sizes.dtype != np.int32 or self.lengths.dtype != np.int32:
            raise ValueError("term counts have the wrong types")
        if self.counts.dtype.kind != "u" or self.terms.dtype != np.uint32:
            raise ValueError("term counts have the wrong types")
        if self.sizes.shape != self.lengths.shape or self.terms.shape != self.counts.shape:
            raise ValueError("term counts have mismatched lengths")
        if int(self.sizes.sum()) != self.terms.size or (self.sizes < 0).any():
            raise ValueError("term counts do not add up")
        if self.vocab.size and (self.vocab[1:] <= self.vocab[:-1]).any():
            raise ValueError("term counts' vocabulary is not sorted")
        if self.terms.size and int(self.terms.max()) >= self.vocab.size:
            raise ValueError("term counts refer past their vocabulary")
        if self.counts.size and int(self.counts.min()) < 1:
            raise ValueError("term counts hold a zero count")


def _union(vocabs: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct keys of sorted ``vocabs``, and where each of their keys
    (all of them, one vocabulary after the other) is in it: one stable sort,
    which merges the sorted runs (``np.unique`` hashes, and searching each
    vocabulary in the union costs more)."""
    keys = np.concatenate(vocabs) if vocabs else np.zeros(0, np.uint64)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    first = np.ones(keys.size, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    renumbered = np.empty(keys.size, dtype=np.uint32)
    renumbered[order] = np.cumsum(first, dtype=np.uint32) - 1
    return ordered[first], renumbered


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
    last = max(ids.size - 1, 0)
    for segment in range(1, _segments(size)):
        low, high = starts.copy(), ends.copy()
        while True:
            open_ = np.flatnonzero(low < high)
            if not open_.size:
                break
            middle = (low[open_] + high[open_]) // 2
            below = ids[np.minimum(middle, last)] < segment * SEGMENT
            low[open_[below]] = middle[below] + 1
            high[open_[~below]] = middle[~below]
        splits[:, segment - 1] = low - starts
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
    steps = np.zeros(low.size + 1, dtype=np.int8)  # +1 where a term's next segment starts
    entered = np.zeros(starts.size, dtype=np.int64)
    for column in splits.T:
        where = starts + column
        inside = where < ends
        steps[where[inside]] += 1
        entered += inside
    steps[ends] -= entered.astype(np.int8)  # back to segment 0 for the next term
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
        ids = self.ids[start:end].astype(np.intp)
        for split in self.splits[row].tolist():
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

    def update(self, remap: np.ndarray, size: int, added: Sequence[tuple[int, TermCounts]]) -> Postings:
        """These postings after renumbering passage ``p`` as ``remap[p]`` (-1: dropped),
        with ``size`` passages in all, and the passages of each ``(first id, counts)``
        of ``added`` numbered from its first id.

        ``remap`` keeps the order of the passages it keeps; the added ones go
        where it left room.
        """
        from retrieval import splicing  # it builds on this module

        run = splicing.block(remap, size, added)
        if run is not None:
            parts = [c for _, c in sorted(added, key=lambda item: item[0])]
            return splicing.splice(self, *run, size, TermCounts.concat(parts))
        keys, indptr, ids, tf, maxtf, lengths = self._renumber(remap, size)
        if added:
            ordered = sorted(added, key=lambda item: item[0])
            counts = TermCounts.concat([c for _, c in ordered])
            new_ids = np.concatenate([np.arange(f, f + c.passages, dtype=np.int32) for f, c in ordered])
            if np.isin(new_ids, remap[remap >= 0]).any() or (new_ids.size and int(new_ids.max()) >= size):
                raise ValueError("added passages overlap the kept ones")
            lengths[new_ids] = counts.lengths
            new = Postings.build(counts, size, new_ids)
            keys, indptr, ids, tf, maxtf = _merge(keys, indptr, ids, tf, maxtf, new)
        return Postings.of(keys, indptr, ids, tf, maxtf, lengths)

    def _renumber(
        self, remap: np.ndarray, size: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        lengths = np.zeros(size, dtype=np.int32)
        old = np.flatnonzero(remap >= 0)
        lengths[remap[old]] = self.lengths[old]
        ids = _renumbered(self.passage_ids(), remap)
        dropped = np.flatnonzero(ids < 0)
        if dropped.size == 0:
            return self.keys, self.indptr, ids, self.tf, self.maxtf, lengths
        rows = np.searchsorted(self.indptr, dropped, side="right") - 1
        counts = np.diff(self.indptr) - np.bincount(rows, minlength=self.keys.size)
        used = counts > 0
        indptr = np.concatenate([[0], np.cumsum(counts[used])]).astype(np.int64)
        return (
            self.keys[used],
            indptr,
            _without(ids, dropped),
            _without(self.tf, dropped),
            self.maxtf[used],
            lengths,
        )

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
        bounds = np.concatenate([np.zeros((terms, 1), np.int64), self.splits, sizes[:, None]], axis=1)
        if (np.diff(bounds, axis=1) < 0).any():
            raise ValueError("postings' segments are not in order")
        if not thorough:
            return
        last = _segments(self.size) - 1
        starts = self.indptr[:-1] + bounds[:, last]
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


def _renumbered(ids: np.ndarray, remap: np.ndarray) -> np.ndarray:
    """``remap[ids]`` (int32); when ``remap`` is a few runs of shifted ids (as a
    reload of a few documents makes it), by comparisons rather than a gather."""
    shift = np.where(remap >= 0, remap - np.arange(remap.size), np.iinfo(np.int64).min)
    edges = np.flatnonzero(np.diff(shift)) + 1
    if edges.size > 4:
        return np.asarray(remap.astype(np.int32)[ids])
    result = ids.copy()
    starts = [0, *edges.tolist()]
    values = shift[starts].tolist()
    for start, value in zip(starts, values, strict=True):
        if start == 0 and value == 0:
            continue
        where = ids >= start  # each run overrides the ones before it
        if value == np.iinfo(np.int64).min:
            result[where] = -1
        else:
            np.add(ids, value, out=result, where=where)
    return result


def _inserted(values: np.ndarray, places: np.ndarray, new: np.ndarray) -> np.ndarray:
    """``np.insert(values, places, new)`` for ascending ``places``, by copying the
    runs between them (cheaper than a mask over all when few go in)."""
    if not new.size:
        return values.copy()
    result = np.empty(values.size + new.size, dtype=values.dtype)
    cuts = np.flatnonzero(np.diff(places)) + 1  # new values going in at one place come together
    starts = [0, *cuts.tolist()]
    spots = places[starts].tolist()
    ends = [*cuts.tolist(), new.size]
    taken = 0
    written = 0
    for spot, start, end in zip(spots, starts, ends, strict=True):
        result[written : written + spot - taken] = values[taken:spot]
        written += spot - taken
        result[written : written + end - start] = new[start:end]
        written += end - start
        taken = spot
    result[written:] = values[taken:]
    return result


def _without(values: np.ndarray, dropped: np.ndarray) -> np.ndarray:
    """``values`` without the (ascending) positions ``dropped``: the runs between
    them copied, cheaper than a mask over all when few are dropped."""
    starts = [0, *(dropped + 1).tolist()]
    ends = [*dropped.tolist(), values.size]
    return np.concatenate([values[a:b] for a, b in zip(starts, ends, strict=True) if b > a] or [values[:0]])


def _merge(
    keys: np.ndarray, indptr: np.ndarray, ids: np.ndarray, tf: np.ndarray, maxtf: np.ndarray, new: Postings
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Postings (full int32 ids) and ``new``'s (of other passages) in one."""
    new_ids = new.passage_ids()
    where = np.searchsorted(keys, new.keys)
    known = where < keys.size
    known[known] = keys[where[known]] == new.keys[known]
    sizes = np.diff(new.indptr)
    term = np.repeat(np.arange(new.keys.size), sizes)
    low = indptr[where][term]
    high = np.where(known, indptr[np.minimum(where + 1, keys.size)], indptr[where])[term]
    while True:  # bisect each new posting's place in its term's list, all at once
        open_ = low < high
        if not open_.any():
            break
        middle = (low + high) // 2
        below = open_ & (ids[np.minimum(middle, max(ids.size - 1, 0))] < new_ids)
        low = np.where(below, middle + 1, low)
        high = np.where(open_ & ~below, middle, high)
    merged_ids = _inserted(ids, low, new_ids)
    dtype = np.promote_types(tf.dtype, new.tf.dtype)
    merged_tf = _inserted(tf.astype(dtype, copy=False), low, new.tf.astype(dtype, copy=False))
    fresh = ~known
    merged_keys = np.insert(keys, where[fresh], new.keys[fresh])
    old_place = np.arange(keys.size) + np.searchsorted(new.keys[fresh], keys)
    new_place = np.searchsorted(merged_keys, new.keys)
    counts = np.zeros(merged_keys.size, dtype=np.int64)
    counts[old_place] = np.diff(indptr)
    counts[new_place] += sizes
    merged_maxtf = np.zeros(merged_keys.size, dtype=dtype)
    merged_maxtf[old_place] = maxtf
    merged_maxtf[new_place] = np.maximum(merged_maxtf[new_place], new.maxtf)
    merged_indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return merged_keys, merged_indptr, merged_ids, merged_tf, merged_maxtf

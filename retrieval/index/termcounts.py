"""The counted terms of a run of consecutive passages (one field): what a
document adds to the postings, cached per document."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.index.termkeys import term_keys


def smallest_unsigned(largest: int) -> type[np.unsignedinteger]:
    if largest <= 0xFF:
        return np.uint8
    if largest <= 0xFFFF:
        return np.uint16
    return np.uint32


def _narrow(values: np.ndarray) -> np.ndarray:
    largest = int(values.max()) if values.size else 0
    return values.astype(smallest_unsigned(largest), copy=False)


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

    @classmethod
    def of_keys(cls, keys: np.ndarray, rows: np.ndarray, passages: int) -> TermCounts:
        """Count terms given as keys (``retrieval.index.termkeys``; repeats kept):
        key ``keys[i]`` is a term of passage ``rows[i]`` of ``passages``. ``count``'s
        counts, each passage's terms in the order of their keys."""
        vocab, local = np.unique(keys, return_inverse=True)
        width = max(vocab.size, 1)
        pairs, counts = np.unique(rows.astype(np.int64) * width + local, return_counts=True)
        return cls(
            vocab=vocab.astype(np.uint64, copy=False),
            terms=(pairs % width).astype(np.uint32),
            counts=_narrow(counts),
            sizes=np.bincount(pairs // width, minlength=passages).astype(np.int32),
            lengths=np.bincount(rows, minlength=passages).astype(np.int32),
        )

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
        dtype = smallest_unsigned(largest)
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

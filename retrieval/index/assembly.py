"""Postings from many documents' counted terms, and a run of passages' counted
terms back from postings.

Assembling (``assembled``):
``Postings.build(TermCounts.concat(parts))`` makes one array of every
posting's term and passage and sorts it: at 150,000 long passages (50
million postings) a cold build peaked at 2.2 GiB. Here the postings go
straight to their place: the terms' document frequencies are added up part
by part, giving where each term's list starts, and each part's postings are
then written where their terms' lists have got to (a counting sort, a part
at a time, passages in order, so each list stays ascending). The result is
``Postings.build``'s, bit for bit (a property test compares them).

Recounting (``recounted``): a document whose file changed keeps the terms of
its unchanged passages (``retrieval.store.counting.recount_document``); they
are in the index's postings already, so nothing stores them twice: each
term's postings of passages ``a <= p < b`` are found by bisection
(``retrieval.index.splicing.below``) and regrouped by passage.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from retrieval.index import postings as _postings  # its SEGMENT, read when used (tests shrink it)
from retrieval.index.postings import Postings
from retrieval.index.splicing import below
from retrieval.index.termcounts import TermCounts, smallest_unsigned

_UNION_BATCH = 128  # parts' vocabularies merged at a time
_THREADS = 2  # parts placed at once (NumPy lets go of the GIL in its loops)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # keys times this: their top bits are well mixed
_RADIX = 1 << 16  # a part with at most this many terms is sorted by them in 16 bits
_NO_KEYS = np.zeros(0, np.uint64)
_NO_ROWS = np.zeros(0, np.uint32)


def _deduplicated(keys: np.ndarray) -> np.ndarray:
    """``keys`` sorted, each once (``np.unique`` hashes: thirty times slower here)."""
    keys = np.sort(keys)
    first = np.ones(keys.size, dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    return keys[first]


def _rows(vocabs: Sequence[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
    """The sorted distinct keys of ``vocabs``, and where each vocabulary's keys are in
    them. The keys are merged a batch of vocabularies at a time (no copy of every one
    at once), by sorting; each vocabulary is then searched in them, on two threads.
    (Sorting the batches with their inverse indices on two threads saved 1 s of CPU at
    100k short passages but took ~400 MiB more at 150k long ones: over the 1 GiB target.)"""
    union = np.zeros(0, np.uint64)
    for start in range(0, len(vocabs), _UNION_BATCH):
        union = _deduplicated(np.concatenate([union, *vocabs[start : start + _UNION_BATCH]]))
    rows: list[np.ndarray] = [_NO_ROWS] * len(vocabs)
    found = _finder(union)

    def searched(half: range) -> None:
        for i in half:
            rows[i] = found(vocabs[i])

    with ThreadPoolExecutor(_THREADS) as pool:
        list(pool.map(searched, _halves(len(vocabs))))
    return union, rows


def _finder(union: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Where keys of ``union`` (sorted, distinct) are in it: ``np.searchsorted``, which
    took a third of assembling at 100k, by way of a table of buckets (a key's bucket:
    the top bits of the key times an odd constant, so about one key a bucket), each
    listing its keys' places; a key is then found in a step or two."""
    bits = max(int(union.size).bit_length(), 1)
    shift = np.uint64(64 - bits)

    def bucket(keys: np.ndarray) -> np.ndarray:
        return ((keys * _MIX) >> shift).astype(np.intp)

    of_union = bucket(union)
    order = np.argsort(of_union, kind="stable").astype(np.uint32)  # the union's places, by bucket
    starts: np.ndarray = np.zeros((1 << bits) + 1, np.int64 if union.size >> 31 else np.int32)
    np.cumsum(np.bincount(of_union, minlength=1 << bits), out=starts[1:])
    del of_union

    def found(keys: np.ndarray) -> np.ndarray:
        at: np.ndarray = starts[bucket(keys)]
        place = order[at] if keys.size else _NO_ROWS
        short = np.flatnonzero(union[place] != keys)
        while short.size:  # (each key is in ``union``, so in its bucket: the steps stop at it)
            at[short] += 1
            place[short] = order[at[short]]
            short = short[union[place[short]] != keys[short]]
        return place

    return found


def _halves(count: int) -> list[range]:
    step = -(-count // _THREADS) if count else 1
    return [range(start, min(start + step, count)) for start in range(0, count, step)]


def assembled(parts: list[TermCounts]) -> Postings:
    """The postings of ``parts``' passages, one part after the other, numbered from 0.
    ``parts`` is emptied: each part's vocabulary is let go of once its rows are found,
    the rest once its postings are in place (at 150,000 long passages the parts take
    more memory than the postings)."""
    vocab, rows = _rows([p.vocab for p in parts])
    # Each part without its vocabulary from here (its rows say where its terms are).
    held: list[TermCounts | None] = [dataclasses.replace(p, vocab=_NO_KEYS) for p in parts]
    parts.clear()
    halves = _halves(len(held))
    size = sum(p.passages for p in held if p is not None)
    largest = max((int(p.counts.max()) for p in held if p is not None and p.counts.size), default=0)
    firsts = np.cumsum([0, *(p.passages for p in held if p is not None)]).tolist()
    lengths = np.concatenate([np.zeros(0, np.int32), *(p.lengths for p in held if p is not None)])

    def counted(half: range) -> np.ndarray:  # the half's df
        df = np.zeros(vocab.size, np.int64)
        for i in half:
            part = held[i]
            assert part is not None
            df[rows[i]] += np.bincount(part.terms, minlength=rows[i].size)
        return df

    with ThreadPoolExecutor(_THREADS) as pool:
        dfs = list(pool.map(counted, halves))
    df = np.sum(dfs, axis=0) if dfs else np.zeros(0, np.int64)
    used = df > 0  # (a part may list terms none of its passages holds: ``_rows``'s)
    if not used.all():
        renumber = (np.cumsum(used) - 1).astype(np.uint32)
        rows = [renumber[row] for row in rows]
        vocab, df, dfs = vocab[used], df[used], [d[used] for d in dfs]
    indptr = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
    segment = _postings.SEGMENT
    segments = max(1, -(-size // segment))
    splits = np.zeros((df.size, segments - 1), dtype=np.int32)
    ids = np.empty(int(indptr[-1]), dtype=np.uint16)
    tf = np.empty(int(indptr[-1]), dtype=smallest_unsigned(largest))

    def placed(half: range, fill: np.ndarray) -> None:  # a half's postings, from where the earlier end
        for i in half:
            part, first = held[i], firsts[i]
            assert part is not None
            passage = np.repeat(np.arange(first, first + part.passages, dtype=np.int64), part.sizes)
            term = rows[i][part.terms]
            local = (
                part.terms.astype(np.uint16) if rows[i].size <= _RADIX else part.terms
            )  # same order as term
            start = 0
            boundary = max(1, -(-first // segment))  # the next segment to start, at or past first
            while boundary < segments and first + part.passages > boundary * segment:
                cut = int(np.searchsorted(passage, boundary * segment))
                _place(
                    term[start:cut],
                    local[start:cut],
                    passage[start:cut],
                    part.counts[start:cut],
                    fill,
                    ids,
                    tf,
                )
                splits[:, boundary - 1] = fill - indptr[:-1]
                start, boundary = cut, boundary + 1
            _place(term[start:], local[start:], passage[start:], part.counts[start:], fill, ids, tf)
            held[i], rows[i] = None, rows[i][:0]  # this part's memory back

    fills = list(np.cumsum([indptr[:-1], *dfs[:-1]], axis=0)) if dfs else []
    with ThreadPoolExecutor(_THREADS) as pool:
        list(pool.map(placed, halves, fills))  # (list: a failure raises here)
    maxtf = np.maximum.reduceat(tf, indptr[:-1]) if df.size else np.zeros(0, tf.dtype)
    return Postings(vocab, indptr, ids, splits, tf, maxtf, lengths.astype(np.int32))


def _place(
    term: np.ndarray,
    local: np.ndarray,
    passage: np.ndarray,
    counts: np.ndarray,
    fill: np.ndarray,
    ids: np.ndarray,
    tf: np.ndarray,
) -> None:
    """Write postings (passages ascending) at the ends their terms' lists have reached.
    ``local`` orders the terms as ``term`` does (the part's own numbers: a radix sort
    when they fit 16 bits)."""
    if not term.size:
        return
    order = np.argsort(local, kind="stable")
    ordered = term[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    runs = np.diff(np.append(starts, ordered.size))
    rank = np.arange(ordered.size) - np.repeat(starts, runs)
    where = fill[ordered] + rank
    ids[where] = passage[order] & (_postings.SEGMENT - 1)
    tf[where] = counts[order]
    fill[ordered[starts]] += runs


def recounted(postings: Postings, a: int, b: int) -> TermCounts:
    """The ``TermCounts`` of passages ``a`` to ``b - 1`` of ``postings``."""
    first = below(postings, a)
    last = below(postings, b, first, first + (b - a))
    rows = np.flatnonzero(last > first)
    sizes = (last - first)[rows]
    starts = postings.indptr[rows] + first[rows]
    total = int(sizes.sum())
    term = np.repeat(np.arange(rows.size, dtype=np.uint32), sizes)
    where = np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(total)
    segment = _postings.SEGMENT
    if b - a <= segment:  # one id each in a window of SEGMENT passages: the low bits tell which
        low = postings.ids[where].astype(np.int64)
        passage = a + (low - a % segment) % segment
    else:
        passage = np.concatenate(
            [np.zeros(0, np.int64)]
            + [
                postings.row_ids(int(row))[int(f) : int(t)].astype(np.int64)
                for row, f, t in zip(rows, first[rows], last[rows], strict=True)
            ]
        )
    order = np.lexsort((term, passage))
    return TermCounts(
        vocab=np.array(postings.keys[rows]),
        terms=term[order],
        counts=np.array(postings.tf[where][order]),
        sizes=np.bincount(passage - a, minlength=b - a).astype(np.int32),
        lengths=np.array(postings.lengths[a:b]),
    )

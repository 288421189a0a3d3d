"""Postings after a reload: kept passages renumbered, removed ones dropped, new
ones merged in, without rebuilding what is kept.

One file's passages replaced by others (what a reload of one changed file
makes) are spliced in place (``retrieval.index.splicing``); any other change
renumbers, drops and merges in vectorised passes (``retrieval.index.merging``).
Both give the same postings, bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retrieval.index import splicing
from retrieval.index.merging import merged, renumbered, without
from retrieval.index.postings import Postings
from retrieval.index.termcounts import TermCounts

_Arrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def updated(
    postings: Postings, remap: np.ndarray, size: int, added: Sequence[tuple[int, TermCounts]]
) -> Postings:
    """``postings`` after renumbering passage ``p`` as ``remap[p]`` (-1: dropped),
    with ``size`` passages in all, and the passages of each ``(first id, counts)``
    of ``added`` numbered from its first id.

    ``remap`` keeps the order of the passages it keeps; the added ones go
    where it left room.
    """
    run = splicing.block(remap, size, added)
    if run is not None:
        parts = [c for _, c in sorted(added, key=lambda item: item[0])]
        return splicing.splice(postings, *run, size, TermCounts.concat(parts))
    keys, indptr, ids, tf, maxtf, lengths = _renumbered(postings, remap, size)
    if added:
        ordered = sorted(added, key=lambda item: item[0])
        counts = TermCounts.concat([c for _, c in ordered])
        new_ids = np.concatenate([np.arange(f, f + c.passages, dtype=np.int32) for f, c in ordered])
        if np.isin(new_ids, remap[remap >= 0]).any() or (new_ids.size and int(new_ids.max()) >= size):
            raise ValueError("added passages overlap the kept ones")
        lengths[new_ids] = counts.lengths
        new = Postings.build(counts, size, new_ids)
        keys, indptr, ids, tf, maxtf = merged(keys, indptr, ids, tf, maxtf, new)
    return Postings.of(keys, indptr, ids, tf, maxtf, lengths)


def _renumbered(postings: Postings, remap: np.ndarray, size: int) -> _Arrays:
    lengths = np.zeros(size, dtype=np.int32)
    old = np.flatnonzero(remap >= 0)
    lengths[remap[old]] = postings.lengths[old]
    ids = renumbered(postings.passage_ids(), remap)
    dropped = np.flatnonzero(ids < 0)
    if dropped.size == 0:
        return postings.keys, postings.indptr, ids, postings.tf, postings.maxtf, lengths
    rows = np.searchsorted(postings.indptr, dropped, side="right") - 1
    counts = np.diff(postings.indptr) - np.bincount(rows, minlength=postings.keys.size)
    used = counts > 0
    indptr = np.concatenate([[0], np.cumsum(counts[used])]).astype(np.int64)
    return (
        postings.keys[used],
        indptr,
        without(ids, dropped),
        without(postings.tf, dropped),
        postings.maxtf[used],
        lengths,
    )

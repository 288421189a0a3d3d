"""Postings updated in place of one run of passages: what a reload of one file makes.

When one file changes (or is added, or removed), its passages ``a <= p < b``
give way to ``n`` new ones numbered from ``a``, and every passage after them
moves by ``d = a + n - b``. Each term's list is then its postings below
``a``, the new ones, and its postings from ``b`` on, moved: the lists are
spliced where the file's terms are (a few thousand runs copied whole), and
the moved ids are shifted in their 16-bit form (``(low + d) mod SEGMENT``,
the segment splits recounted by bisection per term), never decoded to full
ids and encoded again. The result is exactly the general update's (``retrieval.index.updating``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retrieval.index import postings as _postings  # its SEGMENT, read when used (tests shrink it)
from retrieval.index.bisection import lower_bounds
from retrieval.index.postings import Postings
from retrieval.index.termcounts import TermCounts


def block(remap: np.ndarray, size: int, added: Sequence[tuple[int, TermCounts]]) -> tuple[int, int] | None:
    """``(a, b)`` when ``remap`` keeps the passages below ``a`` and from ``b`` on (in
    order, ``b`` onwards moved to follow the added ones) and ``added`` fills
    ``a``, ``a + 1``, ... in one run; otherwise None."""
    if remap.ndim != 1:
        return None
    moved = np.flatnonzero(remap != np.arange(remap.size))
    a = int(moved[0]) if moved.size else remap.size
    kept = np.flatnonzero(remap[a:] >= 0)
    b = a + int(kept[0]) if kept.size else remap.size
    ordered = sorted(added, key=lambda item: item[0])
    first = ordered[0][0] if ordered else a
    n = 0
    for start, counts in ordered:
        if start != first + n:
            return None
        n += counts.passages
    if first != a or a + n + remap.size - b != size:
        return None
    if not (remap[a:b] == -1).all() or not (remap[b:] == np.arange(b, remap.size) + (a + n - b)).all():
        return None
    return a, b


def below(
    postings: Postings, x: int, least: np.ndarray | None = None, most: np.ndarray | None = None
) -> np.ndarray:
    """How many of each term's postings are of passages below ``x`` (by bisection;
    between ``least`` and ``most``, when known)."""
    segment_size = _postings.SEGMENT
    sizes = np.diff(postings.indptr)
    segment, low = divmod(x, segment_size)
    segments = postings.splits.shape[1] + 1
    if segment >= segments:
        return sizes
    starts = postings.indptr[:-1]
    first = postings.splits[:, segment - 1].astype(np.int64) if segment else np.zeros_like(sizes)
    last = postings.splits[:, segment].astype(np.int64) if segment < segments - 1 else sizes
    if segment and x == segment * segment_size:
        return first  # a segment's start: its split
    lo, hi = starts + first, starts + last
    if least is not None and most is not None:
        lo, hi = np.maximum(lo, starts + least), np.minimum(hi, starts + most)
    return np.asarray(lower_bounds(postings.ids, lo, hi, low) - starts)


_BLOCK = 1 << 20  # postings shifted at a time: a mask of them, not of all


def _shift(ids: np.ndarray, starts: np.ndarray, ends: np.ndarray, by: int) -> None:
    """Add ``by`` (modulo 2^16) to ``ids[starts[i]:ends[i]]`` for every i (ascending, apart)."""
    edges = np.stack([starts, ends], axis=1).ravel()  # moved from edges[2i] to edges[2i + 1]
    step = np.uint16(by)
    for low in range(0, ids.size, _BLOCK):
        high = min(low + _BLOCK, ids.size)
        first, last = np.searchsorted(edges, [low, high], side="right").tolist()
        inside = np.clip(edges[first:last], low, high) - low
        runs = np.diff(np.concatenate([[0], inside, [high - low]]))
        moved = np.repeat((np.arange(runs.size) + first) % 2 == 1, runs)  # odd: past a start
        np.add(ids[low:high], step, out=ids[low:high], where=moved)


def splice(old: Postings, a: int, b: int, size: int, counts: TermCounts) -> Postings:
    """``old`` with passages ``a <= p < b`` replaced by those of ``counts`` (from ``a``)."""
    segment_size = _postings.SEGMENT
    n = counts.passages
    shift = a + n - b
    new = Postings.build(counts, a + n, np.arange(a, a + n, dtype=np.int32))
    # Every term of either, in key order; ``mine``: where old's terms are in it.
    place = np.searchsorted(old.keys, new.keys)
    known = place < old.keys.size
    known[known] = old.keys[place[known]] == new.keys[known]
    keys = np.insert(old.keys, place[~known], new.keys[~known])
    mine = np.arange(old.keys.size) + np.searchsorted(new.keys[~known], old.keys)
    theirs = np.searchsorted(keys, new.keys)
    old_sizes = np.diff(old.indptr)
    p1 = below(old, a)
    p2 = below(old, b, p1, p1 + (b - a))
    head = np.zeros(keys.size, np.int64)
    tail = np.zeros(keys.size, np.int64)
    fresh = np.zeros(keys.size, np.int64)
    head[mine], tail[mine] = p1, old_sizes - p2
    fresh[theirs] = np.diff(new.indptr)
    total = head + fresh + tail
    used = total > 0
    indptr = np.concatenate([[0], np.cumsum(total[used])]).astype(np.int64)

    # Splice at the terms the file had or has: old's runs between them are copied whole.
    spots = np.union1d(mine[p2 > p1], theirs)
    rows = np.searchsorted(mine, spots)  # old's term there, or the one after
    ours = rows < old.keys.size
    ours[ours] = mine[rows[ours]] == spots[ours]
    starts = old.indptr[rows]
    cut_from = (starts + head[spots]).tolist()
    ends = (starts + np.where(ours, np.append(p2, 0)[rows], 0)).tolist()  # past the dropped postings
    chunk_from = new.indptr[np.searchsorted(theirs, spots)].tolist()
    chunk_size = fresh[spots].tolist()
    dtype = np.promote_types(old.tf.dtype, new.tf.dtype)
    ids = np.empty(int(indptr[-1]), dtype=np.uint16)
    tf = np.empty(int(indptr[-1]), dtype=dtype)
    taken = written = 0
    for cut, end, start, count in zip(cut_from, ends, chunk_from, chunk_size, strict=True):
        span = cut - taken
        ids[written : written + span] = old.ids[taken:cut]
        tf[written : written + span] = old.tf[taken:cut]
        written += span
        ids[written : written + count] = new.ids[start : start + count]
        tf[written : written + count] = new.tf[start : start + count]
        written += count
        taken = end
    ids[written:] = old.ids[taken:]
    tf[written:] = old.tf[taken:]

    if shift:  # the moved postings: each term's last ``tail``, in 16 bits modulo SEGMENT
        _shift(ids, indptr[1:] - tail[used], indptr[1:], shift % segment_size)
        if segment_size != 1 << 16:
            ids &= np.uint16(segment_size - 1)

    segments = max(1, -(-size // segment_size))
    splits = np.zeros((keys.size, segments - 1), dtype=np.int64)
    new_ids = new.passage_ids()
    new_term = np.repeat(np.arange(new.keys.size), np.diff(new.indptr))
    for column in range(segments - 1):
        edge = (column + 1) * segment_size
        count = np.zeros(keys.size, np.int64)
        count[mine] = p1 if a <= edge else below(old, edge)
        if edge - shift > b:  # old postings that land below the edge: at most |shift| more or fewer
            at_edge = below(old, edge)
            low, high = (
                (np.maximum(at_edge - shift, p2), at_edge) if shift > 0 else (at_edge, at_edge - shift)
            )
            count[mine] += below(old, edge - shift, low, high) - p2
        count[theirs] += np.bincount(new_term[new_ids < edge], minlength=new.keys.size)
        splits[:, column] = count
    maxtf = np.zeros(keys.size, dtype=dtype)
    maxtf[mine] = np.where(head[mine] + tail[mine] > 0, old.maxtf, 0)  # as the general update keeps it
    maxtf[theirs] = np.maximum(maxtf[theirs], new.maxtf)
    lengths = np.concatenate([old.lengths[:a], counts.lengths, old.lengths[b:]]).astype(np.int32)
    return Postings(keys[used], indptr, ids, splits[used].astype(np.int32), tf, maxtf[used], lengths)

"""Vectorised passes over postings arrays for ``retrieval.index.updating``: renumbering
kept passages, dropping removed ones and merging in new postings."""

from __future__ import annotations

import numpy as np

from retrieval.index.bisection import lower_bounds
from retrieval.index.postings import Postings


def renumbered(ids: np.ndarray, remap: np.ndarray) -> np.ndarray:
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


def inserted(values: np.ndarray, places: np.ndarray, new: np.ndarray) -> np.ndarray:
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


def without(values: np.ndarray, dropped: np.ndarray) -> np.ndarray:
    """``values`` without the (ascending) positions ``dropped``: the runs between
    them copied, cheaper than a mask over all when few are dropped."""
    starts = [0, *(dropped + 1).tolist()]
    ends = [*dropped.tolist(), values.size]
    return np.concatenate([values[a:b] for a, b in zip(starts, ends, strict=True) if b > a] or [values[:0]])


def merged(
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
    low = lower_bounds(ids, low, high, new_ids)  # each new posting's place in its term's list
    merged_ids = inserted(ids, low, new_ids)
    dtype = np.promote_types(tf.dtype, new.tf.dtype)
    merged_tf = inserted(tf.astype(dtype, copy=False), low, new.tf.astype(dtype, copy=False))
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

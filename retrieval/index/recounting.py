"""The counted terms of a run of passages, read back from the postings that hold them.

A document whose file changed keeps the terms of its unchanged passages
(``retrieval.store.counting.recount_document``); they are in the index's
postings already, so nothing stores them twice: each term's postings of
passages ``a <= p < b`` are found by bisection (``retrieval.index.splicing.below``)
and regrouped by passage.
"""

from __future__ import annotations

import numpy as np

from retrieval.index import postings as _postings  # its SEGMENT, read when used (tests shrink it)
from retrieval.index.postings import Postings
from retrieval.index.splicing import below
from retrieval.index.termcounts import TermCounts


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

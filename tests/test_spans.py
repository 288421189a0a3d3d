"""The compiled term lookup (``_topn.spans``): each question term's postings range,
segment splits and largest tf, against counts written in the test."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.index import _topn, postings
from retrieval.index.postings import Postings
from retrieval.index.termcounts import TermCounts

# Latin (1-byte str), CJK (2-byte), beyond the BMP (4-byte), a NUL (skipped by the key).
NAMES = ["a", "ab", "中", "中文", "沧州中院", "𠀋", "x𠀋y", "a\x00b", "b" * 30, "問題"]


def fnv(term: str) -> int:
    """64-bit FNV-1a over the code points, NULs skipped, as written in the docs."""
    key = 0xCBF29CE484222325
    for char in term:
        if ord(char):
            key = ((key ^ ord(char)) * 0x100000001B3) % 2**64
    return key


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    size=st.integers(1, 200),
    segment=st.sampled_from([1 << 16, 4, 2]),
    big_tf=st.booleans(),
)
def test_spans_find_each_terms_passages_and_largest_tf(
    seed: int, size: int, segment: int, big_tf: bool
) -> None:
    rng = np.random.default_rng(seed)
    held = [t for t in NAMES if rng.random() < 0.7 and t != "ab"]  # others in no passage
    counts: dict[int, dict[int, int]] = {}  # by key: "ab" is "a\x00b"
    keys, rows = [], []
    for term in held:
        passages = rng.choice(size, size=int(rng.integers(1, size + 1)), replace=False)
        counts[fnv(term)] = {int(p): int(rng.integers(1, 400 if big_tf else 4)) for p in passages}
        for passage, tf in counts[fnv(term)].items():
            keys += [fnv(term)] * tf
            rows += [passage] * tf
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(postings, "SEGMENT", segment)
        built = Postings.build(TermCounts.of_keys(np.array(keys, np.uint64), np.array(rows, np.int64), size))
        asked = [*NAMES, "中", "nothing"]
        found = _topn.spans(built.keys, built.indptr, built.maxtf, built.splits, asked)
        assert len(found) == len(asked)
        for term, got in zip(asked, found, strict=True):
            if fnv(term) not in counts:
                assert got is None, term
                continue
            assert got is not None, term
            expected = counts[fnv(term)]
            (start, end, splits), maxtf = got
            assert end - start == len(expected)
            assert maxtf == max(expected.values())
            below = [sum(p < k * segment for p in expected) for k in range(1, -(-size // segment))]
            assert splits == tuple(b for b in below if b < end - start)  # where segments 1, 2, ... start
            assert sorted(expected) == built.span_ids(start, end, splits).tolist()


def test_spans_of_an_empty_field_and_of_no_terms() -> None:
    empty = Postings.build(TermCounts.of_keys(np.zeros(0, np.uint64), np.zeros(0, np.int64), 3))
    assert _topn.spans(empty.keys, empty.indptr, empty.maxtf, empty.splits, ["a", "中"]) == [None, None]
    assert _topn.spans(empty.keys, empty.indptr, empty.maxtf, empty.splits, []) == []


def test_spans_refuse_arrays_that_do_not_fit_and_terms_that_are_not_str() -> None:
    built = Postings.build(TermCounts.of_keys(np.array([fnv("a")], np.uint64), np.array([0]), 2))
    with pytest.raises(ValueError, match="do not fit"):
        _topn.spans(built.keys, built.indptr[:-1], built.maxtf, built.splits, ["a"])
    with pytest.raises(ValueError, match="do not fit"):
        _topn.spans(built.keys.astype(np.uint32), built.indptr, built.maxtf, built.splits, ["a"])
    with pytest.raises(TypeError, match="str"):
        _topn.spans(built.keys, built.indptr, built.maxtf, built.splits, [b"a"])  # type: ignore[list-item]

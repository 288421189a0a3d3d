"""The compiled ranking (``retrieval/index/_topn.c``) gives what the NumPy version it
replaced gives (``tests/topn_numpy.py``), bit for bit: the same passages in the same
order and the same scores (``top``), the same sums for given passages
(``added_scores``), on the seed article and on random postings, in one segment of
passages and beyond the first 65,536."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.config import BM25Params
from retrieval.index import _topn, postings, topn
from retrieval.index.bm25 import BM25Index
from retrieval.index.postings import Postings
from retrieval.index.termcounts import TermCounts
from retrieval.index.termkeys import term_keys
from retrieval.library import Library
from tests import topn_numpy

Fields = list[tuple[BM25Index, float]]


def assert_same(fields: Fields, terms: list[str] | dict[str, float], n: int) -> tuple[np.ndarray, np.ndarray]:
    got = topn.top(fields, terms, n)
    want = topn_numpy.top(fields, terms, n)
    assert (got[0].dtype, got[1].dtype) == (want[0].dtype, want[1].dtype)
    assert got[0].tolist() == want[0].tolist()
    assert got[1].tobytes() == want[1].tobytes()
    return got


def assert_same_added(
    fields: Fields, terms: list[str] | dict[str, float], passages: np.ndarray
) -> np.ndarray:
    got = topn.added_scores(fields, terms, passages)
    want = topn_numpy.added_scores(fields, terms, passages)
    assert got.dtype == want.dtype and got.tobytes() == want.tobytes()
    return got


def test_the_seed_article_ranks_as_numpy_did(seed_library: Library) -> None:
    """Parts of every passage asked as questions: their weighted terms, their words,
    words repeated; top 1 to 30 and all; and what the words add to the best 10."""
    index = seed_library.index
    fields = list(index.weighted_fields)
    asked = added = 0
    for number in range(len(index.passages)):
        text = index.passages[number].text
        for question in (text[:12], text[5:40], text[-20:]):
            terms, words = index.question_terms(question)
            for query in (terms, words, [*words, *words[:2]]):
                for n in (1, 3, 5, 15, 30, 10_000):
                    found = assert_same(fields, query, n)
                    asked += found[0].size > 0
                pool = assert_same(fields, terms, 10)[0]
                added += int((assert_same_added(fields, query, pool[::-1]) > 0).sum())
    assert asked > 500 and added > 500


# Random postings: a few terms over many passages, lengths and tf drawn from small
# sets so that many passages tie; ``terms`` t0, t1, ... are the postings' terms.
def random_fields(
    rng: np.random.Generator, size: int, terms: int, variant: str, big_tf: bool = False
) -> Fields:
    fields: Fields = []
    names = [f"t{i}" for i in range(terms)]
    for weight in (1.0, 0.75):
        rows, keys = [], []
        for i, key in enumerate(term_keys(names)):
            held = rng.choice(size, size=int(rng.integers(1, max(2, size // (i + 1)))), replace=False)
            repeats = rng.integers(1, 3, size=held.size)
            if big_tf:
                repeats[0] = 300  # tf needs 16 bits
            rows.append(np.repeat(held, repeats))
            keys.append(np.full(rows[-1].size, key, dtype=np.uint64))
        counts = TermCounts.of_keys(np.concatenate(keys), np.concatenate(rows), size)
        built = Postings.build(counts)
        lengths = rng.choice([3, 5, 8], size=size).astype(np.int32)  # few lengths: ties
        built = dataclasses.replace(built, lengths=lengths)
        fields.append((BM25Index(built, BM25Params(variant=variant)), weight))
    return fields


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    size=st.integers(1, 300),
    segment=st.sampled_from([1 << 16, 4, 2]),
    variant=st.sampled_from(["plus", "l", "okapi"]),
    n=st.integers(-2, 40),
    big_tf=st.booleans(),
)
def test_random_postings_rank_as_numpy_did(
    seed: int, size: int, segment: int, variant: str, n: int, big_tf: bool
) -> None:
    """Ties at the cut (few distinct lengths and tf), n below 1 and beyond the
    candidates, empty questions, tiny segments, tf wider than 8 bits."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(postings, "SEGMENT", segment)
        rng = np.random.default_rng(seed)
        fields = random_fields(rng, size, 6, variant, big_tf)
        assert fields[0][0].postings.tf.dtype == (np.uint16 if big_tf else np.uint8)
        names = [f"t{i}" for i in range(7)]  # t6: held by no passage
        for query in (rng.choice(names, size=int(rng.integers(1, 6))).tolist(), [], ["t6"]):
            passages, scores = assert_same(fields, query, n)
            if n < 1 or query in ([], ["t6"]):
                assert passages.size == 0
            ties = scores[1:] == scores[:-1]
            assert (passages[1:][ties] > passages[:-1][ties]).all()
            some = rng.permutation(size)[: int(rng.integers(0, 12))]
            assert_same_added(fields, query, some)


@pytest.mark.parametrize("variant", ["plus", "l", "okapi"])
def test_passages_beyond_the_first_65536_rank_as_numpy_did(variant: str) -> None:
    """Three segments of 16-bit ids (150,000 passages), the shipped SEGMENT."""
    rng = np.random.default_rng(3)
    fields = random_fields(rng, 150_000, 8, variant)
    assert fields[0][0].postings.splits.shape[1] == 2
    names = [f"t{i}" for i in range(8)]
    beyond = 0
    for _ in range(12):
        query = rng.choice(names, size=int(rng.integers(1, 6))).tolist()
        for n in (1, 5, 100, 5000):
            got = assert_same(fields, query, n)
            beyond += int((got[0] >= 1 << 16).sum())
        assert_same_added(fields, query, rng.permutation(150_000)[:40])
    assert beyond > 0


def test_ties_at_the_cut_keep_the_first_passages() -> None:
    """Twelve passages alike: the best 5 are the first 5 of them, then the next ones."""
    corpus = [["a", "b"]] * 12 + [["b", "c"]] * 30
    fields: Fields = [(BM25Index(corpus), 1.0)]
    passages, scores = assert_same(fields, ["a", "b"], 5)
    assert passages.tolist() == [0, 1, 2, 3, 4]
    assert len(set(scores.tolist())) == 1
    assert assert_same(fields, ["a", "b"], 14)[0].tolist() == [*range(12), 12, 13]


def test_postings_beyond_the_passages_are_refused_and_leave_nothing_behind() -> None:
    """A list pointing past the passages (a damaged cache the checks missed) raises,
    and the sums it began are put back: the next question is answered right."""
    fields: Fields = [(BM25Index([["a", "b"], ["b"], ["a"], ["c"]]), 1.0)]
    index = fields[0][0]
    per_passage, bm25l, k1, delta = index.weighing
    ids, tf = index.postings.ids, index.postings.tf
    lists = [(0, int(ids.size), (), 1.0)]
    passages, scores = np.empty(3, dtype=np.int64), np.empty(3)
    with pytest.raises(ValueError, match="do not exist"):
        _topn.top([(ids, tf, per_passage, bm25l, k1, delta, lists)], 2, 1 << 16, 3, passages, scores)
    with pytest.raises(ValueError, match="outside"):
        _topn.top(
            [(ids, tf, per_passage, bm25l, k1, delta, [(0, 99, (), 1.0)])], 4, 1 << 16, 3, passages, scores
        )
    assert_same(fields, ["a", "b", "c"], 4)
    with pytest.raises(ValueError, match="does not exist"):
        topn.added_scores(fields, ["a"], np.array([4]))


def test_a_call_that_re_enters_the_compiled_ranking_is_refused() -> None:
    """Its buffers are the module's: a factor whose ``__float__`` asks again (Python code
    run in the middle of a call) gets an error, and the outer call still answers right."""
    fields: Fields = [(BM25Index([["a", "b"], ["b"], ["a"], ["c"]]), 1.0)]
    index = fields[0][0]
    per_passage, bm25l, k1, delta = index.weighing
    given = (index.postings.ids, index.postings.tf, per_passage, bm25l, k1, delta)
    (listed,) = index.lists(["a"])
    refused = []

    class Reentering:
        def __float__(self) -> float:
            for _ in range(2):  # a refused call leaves the outer one in use: refused again
                try:
                    _topn.top([], 4, 1 << 16, 1, np.empty(1, dtype=np.int64), np.empty(1))
                except RuntimeError as error:
                    refused.append(str(error))
            return listed.factor

    passages, scores = np.empty(2, dtype=np.int64), np.empty(2)
    runs = [(listed.start, listed.end, listed.splits, Reentering())]
    found = _topn.top([(*given, runs)], 4, 1 << 16, 2, passages, scores)  # type: ignore[list-item]
    assert len(refused) == 2 and all("re-entered" in said for said in refused)
    want = topn_numpy.top(fields, ["a"], 2)
    assert passages[:found].tolist() == want[0].tolist() and scores[:found].tobytes() == want[1].tobytes()

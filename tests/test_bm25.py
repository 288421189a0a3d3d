"""The sparse BM25 ranks exactly as rank-bm25 does on the same tokens."""

from __future__ import annotations

import numpy as np
import rank_bm25
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.bm25 import BM25Index, BM25Params

WORDS = st.sampled_from(list("abcdefghijklmnopqrstuvwxyz"))
CORPUS = st.lists(st.lists(WORDS, min_size=1, max_size=15), min_size=4, max_size=40)
QUERY = st.lists(st.sampled_from(list("abcdefghijklmnopqrstuvwxyz0")), min_size=1, max_size=6)
REFERENCE = {"plus": rank_bm25.BM25Plus, "l": rank_bm25.BM25L, "okapi": rank_bm25.BM25Okapi}


def dense(index: BM25Index, query: list[str]) -> np.ndarray:
    found = index.score(query)
    scores = np.zeros(index.size)
    scores[found.passages] = found.scores
    return scores


@settings(max_examples=150, deadline=None)
@given(corpus=CORPUS, query=QUERY, variant=st.sampled_from(["plus", "l", "okapi"]))
def test_scores_match_rank_bm25_up_to_a_constant(
    corpus: list[list[str]], query: list[str], variant: str
) -> None:
    reference = REFERENCE[variant](corpus)
    index = BM25Index(corpus, BM25Params(variant=variant, delta=reference.__dict__.get("delta", 1.0)))
    if variant == "okapi" and min(reference.idf.values()) <= 0:
        return  # rank-bm25's zero/negative idf is exactly the pitfall we floor away
    expected = reference.get_scores(query)
    matching = np.array([bool(set(query) & set(passage)) for passage in corpus])
    ours = dense(index, query)
    if matching.any() and not matching.all():
        expected = expected - expected[~matching].max()
    elif matching.all():
        expected = expected - (expected.min() - ours.min())
    assert np.allclose(ours[matching], expected[matching], rtol=1e-4, atol=1e-4)
    assert not ours[~matching].any()


def test_passages_without_a_question_term_are_never_candidates() -> None:
    index = BM25Index([["a", "b"], ["c"], ["a", "a"]], BM25Params())
    found = index.score(["a", "z"])
    assert sorted(found.passages.tolist()) == [0, 2]
    assert index.score(["z"]).passages.size == 0
    assert index.score([]).passages.size == 0


def test_coverage_is_the_share_of_question_weight_matched() -> None:
    index = BM25Index([["a", "b"], ["a"], ["c"]], BM25Params())
    found = index.score(["a", "b"])
    coverage = dict(zip(found.passages.tolist(), found.coverage.tolist(), strict=True))
    assert coverage[0] == 1.0
    assert 0 < coverage[1] < 0.5

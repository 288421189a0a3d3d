"""A question's terms weigh what they tell in general, and BM25 ranks by those weights."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
import rank_bm25
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.config import BM25Params
from retrieval.index.bm25 import BM25Index
from retrieval.index.topn import top
from retrieval.library import Library
from retrieval.text.tokenizer import DEFAULT_STOPWORDS, Tokenizer, load_stopwords


@pytest.fixture(scope="module")
def jieba_counts() -> tuple[dict[str, int], int]:
    """jieba's own dictionary: each word's count and the total (the oracle)."""
    import jieba

    segmenter = jieba.Tokenizer()
    segmenter.initialize()
    return dict(segmenter.FREQ), int(segmenter.total)


def test_a_term_weighs_the_square_root_of_its_rarity_over_a_typical_words(
    seed_library: Library, jieba_counts: tuple[dict[str, int], int]
) -> None:
    counts, total = jieba_counts
    typical = math.log(total / statistics.median(c for c in counts.values() if c > 0))
    terms, _ = seed_library.index.question_terms("沧州中院的党支部在哪个地方合并？")
    prior = {word: math.sqrt(math.log(total / counts[word]) / typical) for word in ("党支部", "地方", "合并")}
    assert terms["党支部"] == pytest.approx(prior["党支部"])
    assert terms["地方"] == pytest.approx(2 * prior["地方"])  # a word, and a bigram too: twice
    assert terms["合并"] == pytest.approx(2 * prior["合并"])
    assert prior["地方"] < prior["合并"] < prior["党支部"] < 1.0
    assert terms["院的"] == pytest.approx(1.0)  # a bigram jieba does not know: a typical word


def test_numbers_and_latin_words_count_twice_and_repeats_again(seed_library: Library) -> None:
    terms, _ = seed_library.index.question_terms("2020年的BM25和bm25")
    assert terms["2020"] == pytest.approx(2.0)  # unknown to jieba: typical, and not Chinese
    assert terms["bm25"] == pytest.approx(4.0)  # twice in the question


def test_common_characters_stay_out_of_the_weighted_terms(seed_library: Library) -> None:
    tokenizer = Tokenizer(stopwords=load_stopwords(DEFAULT_STOPWORDS))
    terms, words = seed_library.index.question_terms("党员有多少人")
    assert words == tokenizer.words("党员有多少人")
    assert "党" not in terms and "人" not in terms and "少" in terms


CORPUS = st.lists(st.lists(st.sampled_from(list("aaaabbbcccdefgh")), min_size=1, max_size=10), min_size=3)
WEIGHTS = st.dictionaries(st.sampled_from(list("abcdefghz")), st.floats(0.1, 4.0), min_size=1, max_size=5)


@settings(max_examples=100, deadline=None)
@given(corpus=CORPUS, weights=WEIGHTS, n=st.integers(1, 6), k1=st.sampled_from([0.9, 1.2, 1.5]))
def test_weighted_terms_rank_by_the_weighted_sum_of_rank_bm25s_scores(
    corpus: list[list[str]], weights: dict[str, float], n: int, k1: float
) -> None:
    reference = rank_bm25.BM25Plus(corpus, k1=k1)
    expected = np.zeros(len(corpus))
    for term, weight in weights.items():
        without = (reference.idf.get(term) or 0.0) * reference.delta  # BM25Plus's score without the term
        expected += weight * (reference.get_scores([term]) - without)
    index = BM25Index(corpus, BM25Params(k1=k1))
    passages, found = top([(index, 1.0)], weights, n)
    assert np.allclose(found, expected[passages], rtol=1e-6, atol=1e-9)
    cut = np.sort(expected[expected > 0])[::-1][: passages.size]
    assert np.allclose(found, cut, rtol=1e-6, atol=1e-9)
    assert passages.size == min(n, int((expected > 0).sum()))

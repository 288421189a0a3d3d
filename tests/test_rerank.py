"""The second stage: the best passages by BM25 reordered by where the question's words fall."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from retrieval.config import RetrievalConfig
from retrieval.documents.splitter import sentences
from retrieval.index.index import Index
from retrieval.index.ranking import query, rerank
from retrieval.index.relevance import Relevance
from retrieval.library import Library, make_tokenizer
from retrieval.passage import Document, Passage

# The canal passage (1) holds the question's words in one sentence; the first one
# only shares its topic, more often: BM25 alone puts it first.
CANAL = [
    "大运河穿过沧州。沧州的大运河文化带正在建设,沧州大运河沿岸的古镇完成了修缮。",
    "沧州武术闻名全国,杂技也很有名,吴桥是杂技之乡,每年都有杂技节。1952年,大运河的这一段完成了疏浚。",
    "1952年,天津的海河完成了疏浚。",
    "疏浚工程需要大量人力。",
    "疏浚之后航运恢复。",
]
QUESTION = "大运河沧州段在1952年完成了什么工程？"
# Passages sharing none of the question's characters: with them, BM25 over all
# the question's terms puts the first canal passage first.
ELSEWHERE = [
    "山海关是长城的东端。",
    "西湖位于杭州。",
    "黄山以奇松怪石闻名。",
    "珠江流经广州。",
    "泰山是五岳之首。",
] * 2


def index_of(texts: list[str]) -> Index:
    config = RetrievalConfig(docs_dir=Path("."))
    passages = tuple(Passage(text, "河北", "", "河北.txt", n) for n, text in enumerate(texts, start=1))
    return Index.build([Document("河北.txt", "河北", passages)], make_tokenizer(config), config)


def test_a_passage_holding_the_question_in_one_sentence_comes_before_one_sharing_its_topic(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    index = index_of(CANAL + ELSEWHERE)
    reranked = [number for number, _ in index.answering(QUESTION, 3)]
    monkeypatch.setattr(rerank, "SENTENCE", 0.0)
    monkeypatch.setattr(rerank, "COVERAGE", 0.0)
    by_bm25 = [number for number, _ in index.answering(QUESTION, 3)]
    assert by_bm25[:2] == [0, 1]
    assert reranked[:2] == [1, 0]
    monkeypatch.setattr(query, "COMMON_CHARACTER_SHARE", math.inf)
    bm25_order = index.rank(index.question_terms(QUESTION)[0], 3)[0].tolist()
    assert by_bm25 == bm25_order  # without the second stage: BM25's own order, over all terms


def test_the_best_sentence_alone_reorders_the_canal_passages(monkeypatch: pytest.MonkeyPatch) -> None:
    index = index_of(CANAL)
    monkeypatch.setattr(rerank, "COVERAGE", 0.0)
    assert index.answering(QUESTION, 1)[0][0] == 1


def test_shares_are_of_the_weight_held() -> None:
    weights = {"沧州": 2.0, "1952": 1.0, "疏浚": 1.0, "海河": 4.0}
    text = "沧州武术闻名。1952年,大运河完成了疏浚。"
    assert rerank.coverage(text, weights) == pytest.approx(4 / 8)
    assert rerank.best_sentence(text, weights) == pytest.approx(2 / 8)  # 1952 + 疏浚 over 沧州
    assert rerank.best_sentence("没有。", weights) == 0.0
    assert rerank.coverage(text, {}) == 0.0


def _best_sentence_searching_each(text: str, weights: dict[str, float]) -> float:
    """The straightforward best sentence: every sentence searched for every term."""
    total = sum(weights.values())
    present = [(term, w) for term, w in weights.items() if term in text]
    if total <= 0 or not present:
        return 0.0
    return max(sum(w for t, w in present if t in text[start:end]) for start, end in sentences(text)) / total


_PIECES = st.sampled_from(["沧", "州", "沧州", "河", "。", "!", ".", " ", "\n", "」", "aa", "a"])


@given(st.lists(_PIECES, max_size=30).map("".join), st.data())
@example("沧州。河", {"州。河": 1.0, "河": 0.5}).via("a term across a sentence end")
def test_the_best_sentence_is_found_in_one_pass_as_searching_each_sentence_finds_it(
    text: str, data: st.DataObject | dict[str, float]
) -> None:
    """Exactly (the same float): a term across a sentence end is in neither sentence;
    a term twice in one sentence counts once. Terms: pieces, and slices of the text."""
    if isinstance(data, dict):
        weights = data
    else:
        term = st.lists(_PIECES, min_size=1, max_size=3).map("".join)
        if text:
            at = st.integers(0, len(text) - 1)
            term |= st.tuples(at, st.integers(1, 4)).map(lambda slice: text[slice[0] : slice[0] + slice[1]])
        weights = data.draw(st.dictionaries(term, st.floats(0.01, 9.0), max_size=6))
    assert rerank.best_sentence(text, weights) == _best_sentence_searching_each(text, weights)


def test_new_scores_are_bm25_plus_shares_of_the_best_score() -> None:
    texts = ["甲乙丙。丁。", "甲。乙。"]
    terms = {"甲": 1.0, "乙": 1.0, "丙": 2.0}
    words = {"甲": 1.0, "丙": 3.0}
    order = rerank.reorder(texts, [10.0, 8.0], terms, words)
    # first: coverage 4/4, best sentence 4/4 -> 10 + 10 x (1 + 1); second: 2/4 and 1/4 -> 8 + 10 x 0.75
    assert order == [(0, pytest.approx(30.0)), (1, pytest.approx(15.5))]  # type: ignore[comparison-overlap]
    assert rerank.reorder([], [], terms, words) == []


def test_passages_beyond_the_pool_keep_bm25s_order_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    index = index_of(CANAL)
    terms = index.question_terms(QUESTION)[0]
    by_bm25 = index.rank(terms, 5)[0].tolist()
    monkeypatch.setattr(rerank, "POOL", 2)
    found = index.answering(QUESTION, 5)
    assert [number for number, _ in found][:2] == [1, 0]
    assert [number for number, _ in found][2:] == [n for n in by_bm25[2:] if n in dict(found)]
    scores = [score for _, score in found]
    assert scores == sorted(scores, reverse=True)


HEBEI = [
    "沧州的杂技闻名全国,沧州吴桥是杂技之乡,沧州人爱看杂技。",
    "大运河流经沧州,两岸有许多古镇和码头,沿岸的村庄以种粮食为主。",
    "沧州有铁狮子。",
    "大运河很长。",
    "白洋淀在保定。",
]


@pytest.mark.parametrize(("min_match", "expected"), [(0.6, [0, 1]), (0.66, [0, 1]), (0.7, [])])
def test_the_answer_ends_with_the_last_passage_that_passes_the_no_answer_rule(
    min_match: float, expected: list[int]
) -> None:
    config = RetrievalConfig(docs_dir=Path("."), min_coverage=min_match)
    passages = tuple(Passage(text, "河北", "", "河北.txt", n) for n, text in enumerate(HEBEI, start=1))
    index = Index.build([Document("河北.txt", "河北", passages)], make_tokenizer(config), config)
    question = "沧州的杂技和大运河"
    relevance = Relevance(index.tokenizer, index.question_terms(question)[1])
    shares = [relevance.share(text) for text in HEBEI]
    assert shares[0] < 0.66 <= shares[1] < 0.7  # the first fails at 0.66, the second passes
    assert max(shares[2:]) < 0.6
    # At 0.66 the first is still shown: a passage ranked below it passes.
    assert [number for number, _ in index.answering(question, 3)] == expected


def test_the_pool_is_scored_over_all_terms_common_characters_too(
    seed_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = seed_library.index
    question = "党员有多少人"
    searched = index.question_terms(question)[0]
    monkeypatch.setattr(query, "COMMON_CHARACTER_SHARE", math.inf)
    everything = index.question_terms(question)[0]
    assert {"党", "人"} <= set(everything) - set(searched)  # left out of the search
    monkeypatch.setattr(query, "COMMON_CHARACTER_SHARE", 0.1)
    monkeypatch.setattr(rerank, "SENTENCE", 0.0)
    monkeypatch.setattr(rerank, "COVERAGE", 0.0)
    found = index.answering(question, 3)
    passages, scores = index.rank(everything, 17)
    exact = dict(zip(passages.tolist(), scores.tolist(), strict=True))
    assert found and [score for _, score in found] == pytest.approx([exact[n] for n, _ in found])
    assert [n for n, _ in found] == [n for n in passages.tolist() if n in dict(found)]


@pytest.mark.parametrize("question", ["党员有多少人", "沧州中院院长是谁？", "党支部合并后还剩多少个？"])
def test_the_rule_leaving_common_characters_out_changes_no_reordered_score(
    seed_library: Library, monkeypatch: pytest.MonkeyPatch, question: str
) -> None:
    # The pool made the whole seed: with the rule it holds the passages that have
    # a searched term, and those must come in the same order with the same scores
    # as with every term searched: the second stage weighs the same terms (the
    # common characters too). The rule only spares the search their postings.
    index = seed_library.index
    monkeypatch.setattr(rerank, "POOL", len(index.passages))
    monkeypatch.setattr(query, "COMMON_CHARACTER_SHARE", math.inf)
    every_term = index.question_terms(question)[0]
    everything = dict(index.answering(question, len(index.passages)))
    monkeypatch.setattr(query, "COMMON_CHARACTER_SHARE", 0.1)
    assert len(index.question_terms(question)[0]) < len(every_term)  # some are left out
    with_rule = index.answering(question, len(index.passages))
    assert len(with_rule) >= 3
    assert [n for n, _ in with_rule] == [n for n in everything if n in dict(with_rule)]
    assert [s for _, s in with_rule] == pytest.approx([everything[n] for n, _ in with_rule])

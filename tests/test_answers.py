"""Questions on the seed article, answered (or not) as a reader would expect."""

from __future__ import annotations

import pytest

from retrieval.errors import QuestionError
from retrieval.library import Library


def first(library: Library, question: str) -> str:
    answer = library.ask(question, 3)
    assert answer.hits, f"no answer to {question}"
    return answer.hits[0].passage.text


def test_merged_branches_answered_with_the_passage_and_its_heading(seed_library: Library) -> None:
    answer = seed_library.ask("党支部合并后还剩多少个？", 3)
    top = answer.hits[0]
    assert "把25个小支部合并缩减至11个大支部" in top.passage.text
    assert top.passage.heading == "抓支部优化 · 提振党组织内动力"
    assert top.passage.title == "党建引领激发奋进动力"
    assert "把25个小支部合并缩减至11个大支部" in top.passage.text[slice(*top.sentence)]
    assert "合并" in top.matched


def test_judge_contact_mechanism_answered_by_the_2020_passage(seed_library: Library) -> None:
    assert first(seed_library, "法官联系人工作机制").startswith("2020年9月24日")


@pytest.mark.parametrize("question", ["沧州中院院长是谁？", "滄州中院院長是誰？", "Who is 闫杰?"])
def test_president_question_in_simplified_traditional_and_mixed(seed_library: Library, question: str) -> None:
    assert "闫杰" in first(seed_library, question)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("沧州中院哪年被评为先进单位？", "人民法院基层党组织组织力提升工程先进单位"),
        ("政治理论学习固定在什么时间？", "固定每月上旬第一周的周四上午"),
        ("多少名员额法官与党政机关建立了联系？", "90余名员额法官"),
        ("党员青年志愿服务队获得了什么荣誉？", "狮城好青年群体"),
        ("百强党支部有几个", "6个党支部"),
        ("网上开庭数据排名", "网上开庭数据全国第一"),
    ],
)
def test_more_seed_questions_get_their_passage_first(
    seed_library: Library, question: str, expected: str
) -> None:
    assert expected in first(seed_library, question)


@pytest.mark.parametrize(
    "question",
    [
        "苹果公司的CEO是谁？",
        "今天北京天气怎么样？",
        "如何申请美国签证",
        "What is the capital of France?",
        "Python 的列表推导式怎么写",
        "足球世界杯冠军是哪个国家",
        "什么？",
    ],
)
def test_questions_the_article_never_mentions_get_no_answer(seed_library: Library, question: str) -> None:
    answer = seed_library.ask(question, 3)
    assert not answer.found, [h.passage.text[:30] for h in answer.hits]


def test_empty_question_is_refused(seed_library: Library) -> None:
    with pytest.raises(QuestionError, match="empty"):
        seed_library.ask("   ", 3)


def test_k_larger_than_the_corpus_returns_each_relevant_passage_once(seed_library: Library) -> None:
    answer = seed_library.ask("沧州中院党支部", 1000)
    sources = [(h.passage.paragraph, h.passage.part) for h in answer.hits]
    assert 3 < len(sources) <= 17
    assert len(set(sources)) == len(sources)
    assert [h.rank for h in answer.hits] == list(range(1, len(sources) + 1))
    scores = [h.score for h in answer.hits]
    assert scores == sorted(scores, reverse=True)


def test_matched_terms_are_written_as_in_the_passage(seed_library: Library) -> None:
    hit = seed_library.ask("滄州中院院長", 1).hits[0]
    for start, end in hit.marks:
        assert hit.passage.text[start:end] in hit.matched
    assert "沧州中院" in hit.matched or "沧州" in hit.matched


def test_common_characters_of_a_question_are_not_searched_for(seed_library: Library) -> None:
    index = seed_library.index
    most = 0.1 * index.body.size
    every, words = index.tokenizer.terms_and_words("党员有多少人")
    searched, same_words = index.question_terms("党员有多少人")
    assert same_words == words == ["党员", "人"]
    held = dict(zip(["党", "人", "少"], index.body.frequencies(["党", "人", "少"]), strict=True))
    assert held["党"] > most and held["人"] > most >= held["少"]
    assert {"党", "人"} <= set(every) and not {"党", "人"} & set(searched)  # common, even as a word
    assert "少" in searched  # a rare character still counts
    assert {"党员", "有多", "少人"} <= set(searched)  # the words and bigrams carry the common ones
    assert set(index.question_terms("党")[0]) == {"党"}  # kept when the question has nothing else
    assert seed_library.ask("党员有多少人", 3).hits


@pytest.mark.parametrize(
    "question", ["党支部合并后还剩多少个？", "沧州中院院长是谁？", "党员有多少人", "天气怎么样"]
)
def test_answering_gives_the_passages_and_scores_that_search_shows(
    seed_library: Library, question: str
) -> None:
    index = seed_library.index
    shown = index.search(question, 3).hits
    assert index.answering(question, 3) == [  # type: ignore[comparison-overlap]
        (index.passages.index(h.passage), pytest.approx(h.score, abs=1e-4)) for h in shown
    ]

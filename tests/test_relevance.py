"""The "no answer" rule's share, on shares counted in the test: made-up words each weigh
the same (jieba's dictionary knows none of them), so a share is a plain fraction."""

from __future__ import annotations

import pytest

from retrieval.index.relevance import Relevance
from retrieval.library import Library


def relevance(library: Library, words: list[str]) -> Relevance:
    return Relevance(library.index.tokenizer, words)


def test_each_word_found_counts_its_weight_once(seed_library: Library) -> None:
    rule = relevance(seed_library, ["zorblat", "quixmo", "wibbel", "snarkl"])
    assert rule.share("the zorblat and the quixmo") == 2 / 4
    assert rule.share("zorblat zorblat zorblat") == 1 / 4
    assert rule.share("zorblats quixmo wibbel snarkle") == 1.0  # a word or its stem at a word's start
    assert rule.share("a xzorblat") == 0.0


def test_a_longer_chinese_word_missing_counts_for_its_bigrams_found(seed_library: Library) -> None:
    """黄华麒 (a name jieba does not know) has bigrams 黄华 and 华麒."""
    rule = relevance(seed_library, ["黄华麒"])
    assert rule.share("记者黄华麒报道") == 1.0
    assert rule.share("黄华和华麒") == 1.0  # both bigrams, not the word
    assert rule.share("华麒报道") == 1 / 2
    assert rule.share("黄华报道") == 1 / 2
    assert rule.share("麒麟") == 0.0
    assert relevance(seed_library, ["闫杰"]).share("闫某和杰某") == 0.0  # two characters: whole or nothing


def test_the_text_is_normalised_unless_it_says_it_is(seed_library: Library) -> None:
    rule = relevance(seed_library, ["沧州", "zorblat"])
    assert rule.share("滄州 ZORBLAT") == 1.0  # Traditional, upper case
    assert rule.share("滄州 ZORBLAT", normalised=True) == 0.0  # taken as it is


def test_a_question_without_words_is_answered_by_nothing(seed_library: Library) -> None:
    rule = relevance(seed_library, [])
    assert rule.share("anything at all") == 0.0
    assert not rule.answers("anything at all", 0.0)


@pytest.mark.parametrize(("minimum", "answers"), [(0.49, True), (0.5, True), (0.51, False)])
def test_answers_when_the_share_reaches_the_minimum(
    seed_library: Library, minimum: float, answers: bool
) -> None:
    rule = relevance(seed_library, ["zorblat", "quixmo"])
    assert rule.answers("Zorblat", minimum) is answers  # normalised first

"""A question as it is searched: its terms, each with its weight, and its words.

A term's weight in the question is how often the question has it, times what it
tells in general: the square root (``RARITY_POWER``) of its dictionary weight (``Tokenizer.word_weight``,
the log of its rarity in jieba's dictionary) over a typical rare word's, so
年, 地方, 发生 count for less than 南京政府 or 氰化物 whatever the documents; and
twice for a term with no Chinese in it (a number, a Latin word), which gives one
term where a Chinese word gives its word, characters and bigrams.

A one-character term that more than ``COMMON_CHARACTER_SHARE`` of the passages
hold is left out of the search, unless the question has nothing else: its
bigrams and longer words carry it, and its long postings lists would take most
of a question's time at 100k passages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from retrieval.index.bm25 import BM25Index
from retrieval.text.tokenizer import Tokenizer

COMMON_CHARACTER_SHARE = 0.1
# How much a term's rarity in the language (jieba's dictionary) scales its weight: 0 not at all.
RARITY_POWER = 0.5
# A term with no Chinese character in it (a number, a Latin word) counts this many times.
NOT_CHINESE = 2.0
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Query:
    terms: dict[str, float]
    """The terms searched for, each with its weight in the question."""
    common: dict[str, float]
    """Its common characters, left out of the search, with their weights."""
    words: list[str]
    """The question's distinct words (``Tokenizer.words``), for the no-answer rule."""


def make_query(tokenizer: Tokenizer, body: BM25Index, question: str) -> Query:
    """``question``'s terms less its common characters, weighted (see the module's
    docstring), and its words."""
    terms, words = tokenizer.terms_and_words(question)
    word_weight, typical = tokenizer.word_weight, tokenizer.typical_weight
    weights: dict[str, float] = {}
    for term, count in Counter(terms).items():
        weight = count * (word_weight(term) / typical) ** RARITY_POWER
        weights[term] = weight if _CHINESE.search(term) else weight * NOT_CHINESE
    # Every term's postings looked up at once (remembered for the search that follows).
    most = COMMON_CHARACTER_SHARE * body.size
    frequencies = body.frequencies(list(weights))
    common = {t for t, df in zip(weights, frequencies, strict=True) if len(t) == 1 and df > most}
    if len(common) == len(weights):
        common = set()
    searched = {t: w for t, w in weights.items() if t not in common}
    return Query(searched, {t: w for t, w in weights.items() if t in common}, words)

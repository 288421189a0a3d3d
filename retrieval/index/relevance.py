"""The "no answer" rule: does a passage answer enough of the question?

BM25 scores are not comparable across questions, so no score cut-off is
right. Instead a passage must contain (as text, after normalisation) at least
a share of the question's word weight, each distinct word weighing what it
tells in general (``Tokenizer.word_weight``: rare words most, words the
dictionary does not know as much as a typical rare word); a longer Chinese
word the passage lacks still counts for the share of its bigrams it has. A question about
something the documents never mention has its weightiest words missing
everywhere and gets no answer.
"""

from __future__ import annotations

import re

from retrieval.text.normalisation import normalise
from retrieval.text.tokenizer import Tokenizer

_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _found(word: str, text: str) -> float:
    """1 when ``text`` contains ``word`` (an English word at the start of one); for a longer Chinese word it does not
    contain (often a name jieba glued to its neighbour, like 黄华麒是), the share
    of the word's character bigrams it contains."""
    if word.isascii():  # a word or its stem, at the start of a word: "open" in "opens"
        return 1.0 if re.search(rf"(?<![a-z0-9]){re.escape(word)}", text) else 0.0
    if word in text:
        return 1.0
    if len(word) < 3 or not _CHINESE.fullmatch(word):
        return 0.0
    bigrams = [word[i : i + 2] for i in range(len(word) - 1)]
    return sum(b in text for b in bigrams) / len(bigrams)


class Relevance:
    def __init__(self, tokenizer: Tokenizer, words: list[str]) -> None:
        """``words``: the question's distinct words, as ``Tokenizer.words`` gives them."""
        self._weights = {word: tokenizer.word_weight(word) for word in words}
        self._total = sum(self._weights.values())

    def share(self, text: str, normalised: bool = False) -> float:
        """The share (0..1) of the question's word weight that ``text`` contains
        (``normalised``: ``text`` is normalised already)."""
        if self._total <= 0:
            return 0.0
        text = text if normalised else normalise(text)
        return sum(w * _found(word, text) for word, w in self._weights.items()) / self._total

    def answers(self, text: str, minimum: float, normalised: bool = False) -> bool:
        return self._total > 0 and self.share(text, normalised) >= minimum

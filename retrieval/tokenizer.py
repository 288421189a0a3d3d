"""Text to search terms: the home of jieba.

Text is normalised (NFKC, lower case, Traditional to Simplified), cut into
words by jieba, stripped of punctuation and stopwords, English words
stemmed; each run of Chinese
characters also gives its character bigrams (marked ``~``), which match
unknown words and Traditional text that segments differently.
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from retrieval.script import to_simplified
from retrieval.stemming import stem

with warnings.catch_warnings():
    # jieba 0.42 has invalid escape sequences in its regular expressions.
    warnings.filterwarnings("ignore", "invalid escape sequence", DeprecationWarning)
    warnings.filterwarnings("ignore", "invalid escape sequence", SyntaxWarning)
    import jieba

jieba.setLogLevel(logging.WARNING)

BIGRAM_MARK = "~"
DEFAULT_STOPWORDS = Path(__file__).with_name("stopwords.txt")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def load_stopwords(path: Path) -> frozenset[str]:
    """Whitespace-separated words; ``#`` starts a comment line."""
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.lstrip().startswith("#"):
            words.update(normalise(word) for word in line.split())
    return frozenset(words)


def normalise(text: str) -> str:
    return to_simplified(unicodedata.normalize("NFKC", text).lower())


def _is_word(token: str) -> bool:
    return any(c.isalnum() for c in token)


@dataclass(frozen=True)
class Term:
    """A term and the span of the original text it came from."""

    text: str
    start: int
    end: int


@dataclass
class Tokenizer:
    stopwords: frozenset[str] = frozenset()
    user_dict: Path | None = None
    bigrams: bool = True
    _jieba: jieba.Tokenizer = field(init=False, repr=False)

    def __post_init__(self) -> None:
        stamp = self.user_dict.stat().st_mtime_ns if self.user_dict else 0
        self._jieba = _segmenter(self.user_dict, stamp)

    def terms(self, text: str) -> list[str]:
        """The search terms of ``text``, in order, repeats kept."""
        return [term.text for term in self._terms(normalise(text))]

    def spans(self, text: str) -> list[Term]:
        """The terms of ``text`` with the spans of ``text`` they came from."""
        normalised, origin = _normalise_with_offsets(text)
        return [
            Term(term.text, origin[term.start], origin[term.end - 1] + 1) for term in self._terms(normalised)
        ]

    def _terms(self, text: str) -> list[Term]:
        terms: list[Term] = []
        run: list[tuple[str, int]] = []
        for word, start, end in self._jieba.tokenize(text):
            kept = _is_word(word) and word not in self.stopwords
            if kept:
                terms.append(Term(stem(word), start, end))
            chinese = kept and all(_CJK.match(c) for c in word)
            if chinese and run and run[-1][1] == start:
                run.extend((c, start + i + 1) for i, c in enumerate(word))
            elif chinese:
                run = [(c, start + i + 1) for i, c in enumerate(word)]
            else:
                terms.extend(self._bigrams(run))
                run = []
        terms.extend(self._bigrams(run))
        return terms

    def _bigrams(self, run: list[tuple[str, int]]) -> list[Term]:
        if not self.bigrams:
            return []
        return [
            Term(BIGRAM_MARK + first + second, end - 1, end + 1)
            for (first, end), (second, _) in itertools.pairwise(run)
        ]


@lru_cache(maxsize=4)
def _segmenter(user_dict: Path | None, stamp: int) -> jieba.Tokenizer:
    """A loaded jieba segmenter, shared: loading its dictionary takes half a second."""
    segmenter = jieba.Tokenizer()
    segmenter.initialize()
    if user_dict is not None:
        segmenter.load_userdict(str(user_dict))
    return segmenter


def _normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, where it came from."""
    normalised = normalise(text)
    if len(normalised) == len(text):
        return normalised, list(range(len(text)))
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = normalise(char)
        pieces.append(piece)
        origin.extend([index] * len(piece))
    return "".join(pieces), origin

"""Text to search terms: the home of jieba.

Text is normalised (NFKC, lower case, Traditional to Simplified), cut into
words by jieba, stripped of punctuation and stopwords, English words stemmed.
Each run of Chinese characters also gives its single characters and its
character bigrams (stopwords aside), all in one bag with the words: they
match unknown words and text that jieba segments differently.
"""

from __future__ import annotations

import itertools
import logging
import math
import operator
import re
import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from retrieval.errors import DocumentsError
from retrieval.text.dictionary import CompactDictionary, WordCounts
from retrieval.text.normalisation import normalise, normalise_with_offsets
from retrieval.text.segmenter import Dictionary, HiddenMarkov, Segmenter
from retrieval.text.spans import Term, bigrams, words_at_cuts
from retrieval.text.stemming import stem

with warnings.catch_warnings():
    # jieba 0.42 has invalid escape sequences in its regular expressions.
    warnings.filterwarnings("ignore", "invalid escape sequence", DeprecationWarning)
    warnings.filterwarnings("ignore", "invalid escape sequence", SyntaxWarning)
    import jieba
    from jieba import finalseg

jieba.setLogLevel(logging.WARNING)

DEFAULT_STOPWORDS = Path(__file__).with_name("stopwords.txt")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD_CHAR = re.compile(r"\w")
# Question words jieba glues to a measure word (哪张 哪所 几个 几种 第几届 多少钱):
# as vague as the stopwords 哪 几 多少, whatever the measure word.
# A letter on its own is the rest of "what's" or "U.S.": it tells nothing.
_LONE_LETTER = re.compile(r"[a-z]")
_QUESTION_WORD = re.compile(r"(哪|几|第几|多少)[\u4e00-\u9fff]?")
_KNOWN_WORDS = 1 << 15  # pieces whose kept word is remembered, at most (indexing)
_KNOWN_WORDS_COMPACT = 1 << 12  # the same once compact (answering questions)


def load_stopwords(path: Path) -> frozenset[str]:
    """Whitespace-separated words; ``#`` starts a comment line."""
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.lstrip().startswith("#"):
            words.update(normalise(word) for word in line.split())
    return frozenset(words)


@dataclass
class Tokenizer:
    stopwords: frozenset[str] = frozenset()
    user_dict: Path | None = None
    char_ngrams: bool = True
    _dictionary: Dictionary = field(init=False, repr=False)  # jieba's, or compact
    _median: float = field(init=False, repr=False)  # the dictionary's median word weight
    _cutter: Segmenter = field(init=False, repr=False)  # jieba's cut, faster
    _known: dict[str, str | None] = field(init=False, repr=False, compare=False, default_factory=dict)
    _remembered: int = field(init=False, repr=False, default=_KNOWN_WORDS)  # pieces in _known, at most
    _stamp: int = field(init=False, repr=False)  # the user dictionary's mtime

    def __post_init__(self) -> None:
        self._stamp = self.user_dict.stat().st_mtime_ns if self.user_dict else 0
        self._dictionary = _segmenter(self.user_dict, self._stamp)
        self._median = _median_weight(self.user_dict, self._stamp)
        self._cutter = Segmenter(self._dictionary, _hidden_markov())

    @property
    def compacted(self) -> bool:
        """Whether ``compact`` has made jieba's dictionary small."""
        return isinstance(self._dictionary, CompactDictionary)

    def compact(self) -> None:
        """Keep jieba's dictionary small from now on (``retrieval.text.dictionary``), and
        remember less: for a process that answers questions (the same words, cut a
        little slower), not for indexing a corpus."""
        if self.compacted:
            return
        compact = _compact(self.user_dict, self._stamp)
        self._cutter = Segmenter(compact, _hidden_markov(), remembered=_KNOWN_WORDS_COMPACT // 2)
        self._dictionary = compact
        self._remembered = _KNOWN_WORDS_COMPACT
        self._known = {}

    def terms(self, text: str) -> list[str]:
        """The search terms of ``text``: words, then characters and bigrams; repeats kept."""
        return self.terms_and_cuts(text)[0]

    def terms_and_cuts(self, text: str) -> tuple[list[str], list[int]]:
        """``terms(text)``, and where jieba cut the normalised text into words
        (0, each word's end): give them back to ``spans`` to spare jieba."""
        terms, _, pieces = self._analyse(text)
        return terms, list(itertools.accumulate(map(len, pieces), initial=0))

    def terms_and_words(self, text: str) -> tuple[list[str], list[str]]:
        """``terms(text)`` and ``words(text)`` from one pass of jieba."""
        terms, words, _ = self._analyse(text)
        return terms, list(dict.fromkeys(words))

    def _analyse(self, text: str) -> tuple[list[str], list[str], list[str]]:
        """Terms (words, then n-grams), the words alone, and jieba's pieces."""
        normalised = normalise(text)
        pieces = self._cutter.cut(normalised)
        words = self._kept_words(pieces)
        terms = list(words)
        if self.char_ngrams:
            stop = self.stopwords
            for run in _CJK_RUN.findall(normalised):
                terms.extend(itertools.filterfalse(stop.__contains__, run))
                terms.extend(itertools.filterfalse(stop.__contains__, map(operator.add, run, run[1:])))
        return terms, words, pieces

    def words(self, text: str) -> list[str]:
        """The distinct words of ``text``, normalised, without stopwords (no n-grams)."""
        return self.terms_and_words(text)[1]

    def _kept_words(self, pieces: list[str]) -> list[str]:
        known = self._known
        if len(known) >= self._remembered:
            known = self._known = {}  # not clear(): another thread may be reading it
        for piece in pieces:
            if piece not in known:
                known[piece] = self._kept_word(piece)
        return [word for word in map(known.__getitem__, pieces) if word is not None]

    def _kept_word(self, piece: str) -> str | None:
        """What a piece jieba cut is indexed as (its stem, unglued), or None if dropped."""
        word = self._unglued(piece.strip())
        return stem(word) if self._kept(word) else None

    def _unglued(self, word: str) -> str:
        """An unknown Chinese word without the stopword characters jieba glued to
        its ends (黄华麒是 → 黄华麒): the name inside is what matters."""
        if len(word) < 3 or word in self._dictionary.FREQ or not _CJK_RUN.fullmatch(word):
            return word
        core = word
        while len(core) > 2 and core[0] in self.stopwords:
            core = core[1:]
        while len(core) > 2 and core[-1] in self.stopwords:
            core = core[:-1]
        return core

    def _term_of(self, word: str) -> str | None:
        """The term a word of jieba's stands for, or None if it is none."""
        return stem(word) if self._kept(word.strip()) else None

    def _kept(self, word: str) -> bool:
        return (
            bool(word)
            and word not in self.stopwords
            and _WORD_CHAR.search(word) is not None
            and not _QUESTION_WORD.fullmatch(word)
            and not _LONE_LETTER.fullmatch(word)
        )

    @property
    def typical_weight(self) -> float:
        """``word_weight`` of a word the dictionary does not know: its median word's."""
        return self._median

    def word_weight(self, word: str) -> float:
        """How much a word tells, from jieba's dictionary: log(total / frequency),
        and the dictionary's median for words it does not know. Fixed, so the
        same whatever the documents."""
        frequency = self._dictionary.FREQ.get(word)
        if not frequency:
            return self._median
        return math.log(self._dictionary.total / frequency)

    def spans(
        self,
        text: str,
        cuts: Sequence[int] | None = None,
        wanted: Collection[str] | None = None,
        known: tuple[str, list[int]] | None = None,
    ) -> list[Term]:
        """Words and bigrams of ``text`` with the spans of ``text`` they came from;
        only those in ``wanted``, if given. ``cuts``, from ``terms_and_cuts(text)``,
        say where the words are, so jieba need not run again; ``known`` is
        ``normalise_with_offsets(text)``, if known already."""
        normalised, origin = known or normalise_with_offsets(text)
        if not (cuts and cuts[0] == 0 and cuts[-1] == len(normalised)):
            cuts = list(itertools.accumulate(map(len, self._cutter.cut(normalised)), initial=0))
        found = list(words_at_cuts(normalised, cuts, wanted, self._term_of))
        if self.char_ngrams:
            found.extend(sorted(bigrams(normalised, wanted), key=operator.attrgetter("start")))
        return [Term(t.text, origin[t.start], origin[t.end - 1] + 1) for t in found]


@lru_cache(maxsize=4)
def _segmenter(user_dict: Path | None, stamp: int) -> jieba.Tokenizer:
    """A loaded jieba segmenter, shared: loading its dictionary takes half a second."""
    segmenter = jieba.Tokenizer()
    segmenter.initialize()
    if user_dict is not None:
        try:
            with user_dict.open("rb") as lines:
                segmenter.load_userdict(lines)
        except (OSError, ValueError) as error:
            raise DocumentsError(f"user dictionary {user_dict} cannot be read: {error}") from None
    return segmenter


@lru_cache(maxsize=4)
def _median_weight(user_dict: Path | None, stamp: int) -> float:
    segmenter = _segmenter(user_dict, stamp)
    frequencies = np.fromiter(segmenter.FREQ.values(), dtype=np.float64)
    return math.log(segmenter.total / float(np.median(frequencies[frequencies > 0])))


@lru_cache(maxsize=4)
def _compact(user_dict: Path | None, stamp: int) -> CompactDictionary:
    """jieba's dictionary as ``_segmenter`` loaded it, kept small; jieba's own copy is
    forgotten here (tokenizers not compact keep theirs)."""
    segmenter = _segmenter(user_dict, stamp)
    compact = CompactDictionary(WordCounts(segmenter.FREQ), segmenter.total)
    _segmenter.cache_clear()
    return compact


def _hidden_markov() -> HiddenMarkov:
    return HiddenMarkov(finalseg.start_P, finalseg.trans_P, finalseg.emit_P, finalseg.Force_Split_Words)

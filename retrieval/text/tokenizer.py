"""Text to search terms.

Text is normalised (NFKC, lower case, Traditional to Simplified), cut into
words as jieba cuts them (``segmenter``, or ``bulkcutter`` for indexing, over
jieba's dictionary mapped from files: ``dictionary``, ``userwords``), stripped of punctuation and stopwords, English words stemmed.
Each run of Chinese characters also gives its single characters and its
character bigrams (stopwords aside), all in one bag with the words: they
match unknown words and text that jieba segments differently.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from retrieval.errors import DocumentsError
from retrieval.text.bulkcutter import BulkCutter
from retrieval.text.dictionary import jieba_dictionary
from retrieval.text.normalisation import normalise, normalise_all, normalise_with_offsets
from retrieval.text.segmenter import Segmenter
from retrieval.text.spans import Term, bigrams, words_at_cuts
from retrieval.text.stemming import stem
from retrieval.text.userwords import Lexicon, with_user_words

DEFAULT_STOPWORDS = Path(__file__).with_name("stopwords.txt")
# Runs of Chinese characters, whose characters and bigrams are terms.
CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_CJK_RUN = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in CJK_RANGES) + "]+")
_WORD_CHAR = re.compile(r"\w")
# Question words jieba glues to a measure word (哪张 哪所 几个 几种 第几届 多少钱):
# as vague as the stopwords 哪 几 多少, whatever the measure word.
# A letter on its own is the rest of "what's" or "U.S.": it tells nothing.
_LONE_LETTER = re.compile(r"[a-z]")
_QUESTION_WORD = re.compile(r"(哪|几|第几|多少)[\u4e00-\u9fff]?")
_KNOWN_WORDS = 1 << 12  # pieces whose kept word is remembered, at most (answering questions)


@dataclass(frozen=True)
class BulkPieces:
    """Numbered texts normalised, and the pieces jieba cut them into, one text's after
    the other's: text ``i`` is cut into ``counts[i]`` pieces."""

    normalised: list[str]
    pieces: list[str]
    counts: list[int]


class Cutter(Protocol):
    def cut(self, text: str) -> list[str]: ...


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
    # Where jieba's dictionary files are kept (``retrieval.text.dictionary``); None: in memory.
    # Decides no term, so the index cache's key leaves it out.
    dictionary_dir: Path | None = field(default=None, compare=False, metadata={"decides_terms": False})
    _lexicon: Lexicon = field(init=False, repr=False)  # jieba's dictionary and the user's words
    _cutter: Cutter = field(init=False, repr=False)  # jieba's cut, faster
    _known: dict[str, str | None] = field(init=False, repr=False, compare=False, default_factory=dict)
    _terms: dict[str, str | None] = field(init=False, repr=False, compare=False, default_factory=dict)
    _weights: dict[str, float] = field(init=False, repr=False, compare=False, default_factory=dict)
    _stamp: int = field(init=False, repr=False)  # the user dictionary's mtime

    def __post_init__(self) -> None:
        self._stamp = self.user_dict.stat().st_mtime_ns if self.user_dict else 0
        self._lexicon = _lexicon(self.dictionary_dir, self.user_dict, self._stamp)
        self._cutter = Segmenter(
            self._lexicon, self._lexicon.hmm, self._lexicon.force_split, remembered=_KNOWN_WORDS // 2
        )

    def cut_in_bulk(self) -> None:
        """Cut with jieba-rs from now on (``retrieval.text.bulkcutter``): the same words,
        ten times faster, for a process that indexes a corpus. It starts here (~0.3 s,
        ~33 MiB: so not for a process that answers questions), before a worker sets
        its memory limits."""
        cutter = BulkCutter(self._lexicon)
        cutter.start()
        self._cutter = cutter

    @property
    def dictionary_digest(self) -> str:
        """A digest of the jieba files its dictionary was built from (the user's words aside)."""
        return self._lexicon.base.digest

    def terms(self, text: str) -> list[str]:
        """The search terms of ``text``: words, then characters and bigrams; repeats kept."""
        return self.terms_and_cuts(text)[0]

    def terms_and_cuts(self, text: str) -> tuple[list[str], list[int]]:
        """``terms(text)``, and where jieba cut the normalised text into words
        (0, each word's end): give them back to ``spans`` to spare jieba."""
        terms, _, pieces = self._analyse(text)
        return terms, list(itertools.accumulate(map(len, pieces), initial=0))

    def bulk_pieces(self, texts: Sequence[str]) -> BulkPieces:
        """Many texts (a document's) normalised and cut, for indexing: the caller finds
        their terms, as ``terms_and_cuts`` does, from the pieces (``kept_word``) and the
        normalised texts (n-grams), all at once (``retrieval.store.piecekeys``, ``ngrams``)."""
        normalised = normalise_all(texts)
        pieces: list[str] = []
        counts: list[int] = []
        for text in normalised:
            cut = self._cutter.cut(text)
            pieces.extend(cut)
            counts.append(len(cut))
        return BulkPieces(normalised, pieces, counts)

    @property
    def in_bulk(self) -> bool:
        """Whether it cuts with jieba-rs (``cut_in_bulk``): a process that indexes a corpus."""
        return isinstance(self._cutter, BulkCutter)

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
        if len(known) >= _KNOWN_WORDS:
            known = self._known = {}  # not clear(): another thread may be reading it
        for piece in set(pieces).difference(known):
            known[piece] = self.kept_word(piece)
        return [word for word in map(known.__getitem__, pieces) if word is not None]

    def kept_word(self, piece: str) -> str | None:
        """What a piece jieba cut is indexed as (its stem, unglued), or None if dropped."""
        word = self._unglued(piece.strip())
        return stem(word) if self._kept(word) else None

    def _unglued(self, word: str) -> str:
        """An unknown Chinese word without the stopword characters jieba glued to
        its ends (黄华麒是 → 黄华麒): the name inside is what matters."""
        if len(word) < 3 or word in self._lexicon.FREQ or not _CJK_RUN.fullmatch(word):
            return word
        core = word
        while len(core) > 2 and core[0] in self.stopwords:
            core = core[1:]
        while len(core) > 2 and core[-1] in self.stopwords:
            core = core[:-1]
        return core

    def _term_of(self, word: str) -> str | None:
        """The term a word of jieba's stands for, or None if it is none (remembered:
        highlighting asks it of the same punctuation and words again and again)."""
        terms = self._terms
        if word in terms:
            return terms[word]
        if len(terms) >= _KNOWN_WORDS:
            terms = self._terms = {}  # not clear(): another thread may be reading it
        term = terms[word] = stem(word) if self._kept(word.strip()) else None
        return term

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
        return self._lexicon.median_weight

    def word_weight(self, word: str) -> float:
        """How much a word tells, from jieba's dictionary: log(total / frequency),
        and the dictionary's median for words it does not know. Fixed, so the
        same whatever the documents (remembered: a question's characters and
        bigrams come again and again)."""
        weight = self._weights.get(word)
        if weight is None:
            if len(self._weights) >= _KNOWN_WORDS:
                self._weights = {}  # not clear(): another thread may be reading it
            frequency, lexicon = self._lexicon.FREQ.get(word), self._lexicon
            weight = math.log(lexicon.total / frequency) if frequency else lexicon.median_weight
            self._weights[word] = weight
        return weight

    def spans(
        self,
        text: str,
        cuts: Sequence[int] | None = None,
        wanted: Collection[str] | None = None,
        known: tuple[str, Sequence[int]] | None = None,
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
            found.extend(sorted(bigrams(normalised, wanted), key=operator.itemgetter(1)))  # by start
        if origin == range(len(normalised)):  # each character where it was
            return found
        return [Term(t.text, origin[t.start], origin[t.end - 1] + 1) for t in found]


@lru_cache(maxsize=4)
def _lexicon(folder: Path | None, user_dict: Path | None, stamp: int) -> Lexicon:
    """jieba's dictionary (mapped: ``retrieval.text.dictionary``) with the user's words, shared."""
    base = jieba_dictionary(folder)
    if user_dict is None:
        return Lexicon.of(base)
    try:
        return with_user_words(base, user_dict)
    except (OSError, ValueError) as error:
        raise DocumentsError(f"user dictionary {user_dict} cannot be read: {error}") from None

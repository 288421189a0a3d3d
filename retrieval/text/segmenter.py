"""jieba's accurate mode (``jieba.Tokenizer.lcut(text)``, HMM on or off),
re-implemented for speed: the same words, about twice as fast.

jieba builds a dict of every word's end positions (``get_DAG``), then scores
the best route backwards with a generator of tuples per character (``calc``),
then runs the HMM (``finalseg``, here ``retrieval.text.hmm``) over each run of
single characters that is not a word. Here the first two are one backward
pass; every score is the same sum in the same order, and ties go the same way
(the later end), so the routes and the words are jieba's. What a run of single
characters becomes is remembered (they are mostly unknown names, and come
back), so the dictionary must not change once given. The counts are jieba's
own, mapped from files (``retrieval.text.dictionary``); tests compare the cuts
with jieba's.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from math import log
from typing import Protocol

from retrieval.text.hmm import HiddenMarkov

# jieba 0.42.1's patterns: blocks it segments, and what splits the others.
_BLOCK = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)")
_SKIP = re.compile(r"(\r\n|\s)")
_HAN = re.compile("([\u4e00-\u9fd5]+)")
_HMM_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_ENGLISH = re.compile(r"[a-zA-Z0-9]")
_NO_SCORE = float("-inf")  # below any route's score
_KNOWN_RUNS = 1 << 14  # runs of single characters whose words are remembered, at most


class Counts(Protocol):
    """Each word's count, 0 for a mere prefix of words: ``jieba.Tokenizer.FREQ``."""

    def get(self, word: str, default: None = None, /) -> int | None: ...

    def __contains__(self, word: object, /) -> bool: ...


class Dictionary(Protocol):
    """What is read of a ``jieba.Tokenizer`` (or ``retrieval.text.dictionary.JiebaDictionary``):
    word frequencies (prefixes at 0) and their total."""

    @property
    def FREQ(self) -> Counts: ...

    @property
    def total(self) -> int: ...


class Segmenter:
    def __init__(
        self,
        dictionary: Dictionary,
        hmm: HiddenMarkov,
        force_split: Collection[str] = frozenset(),
        remembered: int = _KNOWN_RUNS,
    ) -> None:
        self._dictionary = dictionary
        self._hmm = hmm
        self._force_split = force_split  # words of count 0: the HMM's are split (jieba's add_force_split)
        self._runs: dict[str, list[str]] = {}
        self._remembered = remembered  # runs remembered at most

    def cut(self, sentence: str, hmm: bool = True) -> list[str]:
        """``jieba.Tokenizer.lcut(sentence, HMM=hmm)``: accurate mode."""
        words: list[str] = []
        for block in _BLOCK.split(sentence):
            if not block:
                continue
            if _BLOCK.match(block):
                if hmm:
                    self._cut_block(block, words)
                else:
                    self._cut_block_without_hmm(block, words)
            else:
                for piece in _SKIP.split(block):
                    if _SKIP.match(piece):
                        words.append(piece)
                    else:
                        words.extend(piece)
        return words

    def _route(self, sentence: str) -> list[int]:
        """Where the best route's word starting at each position ends (``jieba.Tokenizer.calc``)."""
        get = self._dictionary.FREQ.get
        logtotal = log(self._dictionary.total)
        alone = 0.0 - logtotal  # a character that starts no word: jieba scores it as frequency 1
        size = len(sentence)
        scores: list[float] = [0.0] * (size + 1)
        ends = list(range(size))
        for start in range(size - 1, -1, -1):
            best = _NO_SCORE
            i = start
            count = get(sentence[start])
            while count is not None:
                if count:
                    score = log(count) - logtotal + scores[i + 1]
                    if score >= best:  # a tie goes to the later end, as in jieba
                        best = score
                        ends[start] = i
                i += 1
                if i == size:
                    break
                count = get(sentence[start : i + 1])
            scores[start] = alone + scores[start + 1] if best == _NO_SCORE else best
        return ends

    def _cut_block_without_hmm(self, sentence: str, words: list[str]) -> None:
        """jieba's ``__cut_DAG_NO_HMM``: the route's words, single letters and digits joined."""
        ends = self._route(sentence)
        x = 0
        letters = ""
        while x < len(sentence):
            y = ends[x] + 1
            if y - x == 1 and _ENGLISH.match(sentence[x]):
                letters += sentence[x]
            else:
                if letters:
                    words.append(letters)
                    letters = ""
                words.append(sentence[x:y])
            x = y
        if letters:
            words.append(letters)

    def _cut_block(self, sentence: str, words: list[str]) -> None:
        ends = self._route(sentence)
        size = len(sentence)
        x = 0
        single = ""
        while x < size:
            y = ends[x] + 1
            if y - x == 1:
                single += sentence[x]
            else:
                if single:
                    self._singles(single, words)
                    single = ""
                words.append(sentence[x:y])
            x = y
        if single:
            self._singles(single, words)

    def _singles(self, run: str, words: list[str]) -> None:
        """A run of characters the dictionary cut one by one: a word of its own,
        its characters, or what the HMM makes of it (remembered: such runs,
        unknown names mostly, come back)."""
        if len(run) == 1:
            words.append(run)
            return
        known = self._runs
        found = known.get(run)
        if found is None:
            if len(known) >= self._remembered:
                known = self._runs = {}  # not clear(): another thread may be reading it
            if self._dictionary.FREQ.get(run):
                found = list(run)
            else:
                found = []
                self._hmm_cut(run, found)
            known[run] = found
        words.extend(found)

    def _hmm_cut(self, text: str, words: list[str]) -> None:
        force_split = self._force_split
        for block in _HAN.split(text):
            if _HAN.match(block):
                for word in self._hmm.words(block):
                    if word in force_split:
                        words.extend(word)
                    else:
                        words.append(word)
            else:
                words.extend(piece for piece in _HMM_SKIP.split(block) if piece)

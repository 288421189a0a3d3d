"""jieba's accurate mode with HMM (``jieba.Tokenizer.lcut(text)``), re-implemented
for speed: the same words, about twice as fast.

jieba builds a dict of every word's end positions (``get_DAG``), then scores
the best route backwards with a generator of tuples per character (``calc``),
then runs the HMM (``finalseg``) over each run of single characters that is not
a word, copying each state's path at every step. Here the first two are one
backward pass, and the HMM keeps back-pointers; every score is the same sum in
the same order, and ties go the same way (the later end, the larger state), so
the routes and the words are jieba's. What a run of single characters becomes
is remembered (they are mostly unknown names, and come back), so the dictionary
must not change once given. jieba itself stays in ``tokenizer.py``, which hands
over its dictionary and HMM tables; tests check the two agree.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from math import log
from typing import Protocol

# jieba 0.42.1's patterns: blocks it segments, and what splits the others.
_BLOCK = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)")
_SKIP = re.compile(r"(\r\n|\s)")
_HAN = re.compile("([\u4e00-\u9fd5]+)")
_HMM_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_MIN_FLOAT = -3.14e100
_NO_SCORE = float("-inf")  # below any route's score
_KNOWN_RUNS = 1 << 14  # runs of single characters whose words are remembered, at most


class Counts(Protocol):
    """Each word's count, 0 for a mere prefix of words: ``jieba.Tokenizer.FREQ``."""

    def get(self, word: str, default: None = None, /) -> int | None: ...

    def __contains__(self, word: object, /) -> bool: ...


class Dictionary(Protocol):
    """What is read of a ``jieba.Tokenizer`` (or ``retrieval.text.dictionary.CompactDictionary``):
    word frequencies (prefixes at 0) and their total."""

    @property
    def FREQ(self) -> Counts: ...

    @property
    def total(self) -> int: ...


@dataclass(frozen=True)
class HiddenMarkov:
    """jieba.finalseg's model: log probabilities of start, transition and emission,
    by state (B, M, E, S), and the words it must split into characters."""

    start: Mapping[str, float]
    trans: Mapping[str, Mapping[str, float]]
    emit: Mapping[str, Mapping[str, float]]
    force_split: Collection[str]


class Segmenter:
    def __init__(self, dictionary: Dictionary, hmm: HiddenMarkov, remembered: int = _KNOWN_RUNS) -> None:
        self._dictionary = dictionary
        self._hmm = hmm
        trans = hmm.trans
        # Transition log probabilities into each state from its two possible predecessors.
        self._into = {
            y: tuple(trans[y0].get(y, _MIN_FLOAT) for y0 in before)
            for y, before in (("B", "ES"), ("M", "MB"), ("S", "SE"), ("E", "BM"))
        }
        self._runs: dict[str, list[str]] = {}
        self._remembered = remembered  # runs remembered at most
        self._splits = len(hmm.force_split)  # jieba's words to split are global: one more, forget

    def cut(self, sentence: str) -> list[str]:
        """``jieba.Tokenizer.lcut(sentence)``: accurate mode, HMM on."""
        words: list[str] = []
        for block in _BLOCK.split(sentence):
            if not block:
                continue
            if _BLOCK.match(block):
                self._cut_block(block, words)
            else:
                for piece in _SKIP.split(block):
                    if _SKIP.match(piece):
                        words.append(piece)
                    else:
                        words.extend(piece)
        return words

    def _cut_block(self, sentence: str, words: list[str]) -> None:
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
            if len(known) >= self._remembered or self._splits != len(self._hmm.force_split):
                known = self._runs = {}  # not clear(): another thread may be reading it
                self._splits = len(self._hmm.force_split)
            if self._dictionary.FREQ.get(run):
                found = list(run)
            else:
                found = []
                self._hmm_cut(run, found)
            known[run] = found
        words.extend(found)

    def _hmm_cut(self, text: str, words: list[str]) -> None:
        force_split = self._hmm.force_split
        for block in _HAN.split(text):
            if _HAN.match(block):
                for word in self._viterbi_words(block):
                    if word in force_split:
                        words.extend(word)
                    else:
                        words.append(word)
            else:
                words.extend(piece for piece in _HMM_SKIP.split(block) if piece)

    def _viterbi_words(self, text: str) -> list[str]:
        states = self._viterbi(text)
        found: list[str] = []
        begin = following = 0
        for i, state in enumerate(states):
            if state == "B":
                begin = i
            elif state == "E":
                found.append(text[begin : i + 1])
                following = i + 1
            elif state == "S":
                found.append(text[i])
                following = i + 1
        if following < len(text):
            found.append(text[following:])
        return found

    def _viterbi(self, text: str) -> str:
        """The likeliest states of ``text``'s characters, as jieba.finalseg.viterbi finds them."""
        emit = self._hmm.emit
        e_b, e_m, e_s, e_e = emit["B"], emit["M"], emit["S"], emit["E"]
        start = self._hmm.start
        first = text[0]
        b = start["B"] + e_b.get(first, _MIN_FLOAT)
        m = start["M"] + e_m.get(first, _MIN_FLOAT)
        s = start["S"] + e_s.get(first, _MIN_FLOAT)
        e = start["E"] + e_e.get(first, _MIN_FLOAT)
        eb, sb = self._into["B"]
        mm, bm = self._into["M"]
        ss, es = self._into["S"]
        be, me = self._into["E"]
        back: list[tuple[str, str, str, str]] = []  # each step's predecessor of B, M, S, E
        for char in text[1:]:
            # Each state's best predecessor; ties go to the larger state, as in jieba's max().
            from_e, from_s = e + eb + e_b.get(char, _MIN_FLOAT), s + sb + e_b.get(char, _MIN_FLOAT)
            new_b, pb = (from_s, "S") if from_s >= from_e else (from_e, "E")
            from_m, from_b = m + mm + e_m.get(char, _MIN_FLOAT), b + bm + e_m.get(char, _MIN_FLOAT)
            new_m, pm = (from_m, "M") if from_m >= from_b else (from_b, "B")
            from_s2, from_e2 = s + ss + e_s.get(char, _MIN_FLOAT), e + es + e_s.get(char, _MIN_FLOAT)
            new_s, ps = (from_s2, "S") if from_s2 >= from_e2 else (from_e2, "E")
            from_b2, from_m2 = b + be + e_e.get(char, _MIN_FLOAT), m + me + e_e.get(char, _MIN_FLOAT)
            new_e, pe = (from_m2, "M") if from_m2 >= from_b2 else (from_b2, "B")
            back.append((pb, pm, ps, pe))
            b, m, s, e = new_b, new_m, new_s, new_e
        state = "S" if s >= e else "E"
        path = [state]
        for step in reversed(back):
            state = step["BMSE".index(state)]
            path.append(state)
        return "".join(reversed(path))

"""jieba's dictionary with a user dictionary's words over it, as jieba's
``load_userdict`` makes it: what the tokenizer and both cutters read.

A user dictionary has a line per word: ``word [count] [tag]``. jieba adds each
in turn (``add_word``): a word without a count gets the one jieba suggests
(``suggest_freq``: enough for the word to win over its pieces, as the
dictionary then stands), the total grows by each count (even for a word it
knew), a new word's prefixes are added at 0, and a word of count 0 is not a
word and is split wherever the HMM would make it (``add_force_split``). Here
the same, over the mapped dictionary (``retrieval.text.dictionary``), which is
never changed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.text.dictionary import JiebaDictionary, WordCounts
from retrieval.text.hmm import HiddenMarkov
from retrieval.text.segmenter import Segmenter

_LINE = re.compile(r"^(.+?)( [0-9]+)?( [a-z]+)?$")  # jieba 0.42.1's re_userdict


class UserCounts:
    """jieba's dictionary's counts with the user's words over them."""

    __slots__ = ("_base", "user")

    def __init__(self, base: WordCounts) -> None:
        self._base = base
        self.user: dict[str, int] = {}

    def get(self, word: str, default: int | None = None, /) -> int | None:
        found = self.user.get(word)
        return self._base.get(word, default) if found is None else found

    def __contains__(self, word: object) -> bool:
        return word in self.user or word in self._base


@dataclass(frozen=True)
class Lexicon:
    """The words the tokenizer knows: ``FREQ`` and ``total`` as jieba names them, the
    median word weight, the HMM, the words of count 0 (split), and the user's words
    as added (word, count, tag), over ``base``."""

    FREQ: WordCounts | UserCounts
    total: int
    median_weight: float
    hmm: HiddenMarkov
    force_split: frozenset[str]
    added: tuple[tuple[str, int, str | None], ...]
    base: JiebaDictionary

    @classmethod
    def of(cls, base: JiebaDictionary) -> Lexicon:
        return cls(base.FREQ, base.total, base.median_weight, base.hmm, frozenset(), (), base)


def with_user_words(base: JiebaDictionary, path: Path) -> Lexicon:
    """``base`` with the words of the user dictionary at ``path``; raises OSError or
    ValueError (not UTF-8) as jieba's ``load_userdict`` does."""
    counts = UserCounts(base.FREQ)
    force_split: set[str] = set()
    added: list[tuple[str, int, str | None]] = []
    loading = _Loading(counts, base.total)
    cutter = Segmenter(loading, base.hmm)  # cuts without the HMM: remembers nothing
    for raw in path.read_bytes().split(b"\n"):
        line = raw.strip().decode("utf-8").lstrip("\ufeff")
        match = _LINE.match(line)
        if not line or match is None:
            continue
        word, count, tag = match.groups()
        number = int(count) if count is not None else _suggested(cutter, loading, word)
        counts.user[word] = number
        loading.total += number
        for end in range(1, len(word)):
            if word[:end] not in counts:
                counts.user[word[:end]] = 0
        if number == 0:
            force_split.add(word)
        added.append((word, number, tag.strip() if tag else None))
    return Lexicon(
        FREQ=counts,
        total=loading.total,
        median_weight=_median_weight(base, counts, loading.total),
        hmm=base.hmm,
        force_split=frozenset(force_split),
        added=tuple(added),
        base=base,
    )


@dataclass
class _Loading:
    """The dictionary as it stands while the user's words are added."""

    FREQ: UserCounts
    total: int


def _suggested(cutter: Segmenter, loading: _Loading, word: str) -> int:
    """``jieba.Tokenizer.suggest_freq(word)``: the count that makes ``word`` win over
    its pieces (cut without the HMM), as the dictionary now stands."""
    frequency = 1.0
    for piece in cutter.cut(word, hmm=False):
        frequency *= (loading.FREQ.get(piece, 1) or 0) / float(loading.total)
    return max(int(frequency * loading.total) + 1, loading.FREQ.get(word, 1) or 0)


def _median_weight(base: JiebaDictionary, counts: UserCounts, total: int) -> float:
    """log(total / the median positive count), over jieba's words and the user's."""
    numbers = np.frombuffer(base.counts, dtype=np.uint32).astype(np.float64)
    trie_ids = [key for key in map(base.FREQ.key, counts.user) if key is not None]
    numbers[trie_ids] = 0  # the user's count replaces jieba's
    user = np.fromiter(counts.user.values(), dtype=np.float64, count=len(counts.user))
    every = np.concatenate([numbers, user])
    return math.log(total / float(np.median(every[every > 0])))

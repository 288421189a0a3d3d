"""jieba's dictionary kept small, for a process that answers questions: the home
of marisa-trie.

jieba holds its 350,000 words and every prefix of them (at count 0) in a dict of
498,000 strings: about 62 MiB in each process. ``WordCounts`` answers the same
``get`` and ``in`` from a MARISA trie of the same keys (about 1.2 MiB) and an
array of their counts. A lookup costs a few times a dict's (a question is cut
~5 µs slower), so indexing (worker processes) keeps jieba's dict.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping
from dataclasses import dataclass

import marisa_trie


class WordCounts:
    """A read-only ``jieba.Tokenizer.FREQ``: each word's count, 0 for a mere prefix."""

    __slots__ = ("_counts", "_trie")

    def __init__(self, counts: Mapping[str, int]) -> None:
        self._trie = marisa_trie.Trie(counts)
        # Plain numbers, not jieba's int objects: those would keep its freed memory pinned.
        self._counts = array("q", bytes(8 * len(self._trie)))
        for word, count in counts.items():
            self._counts[self._trie[word]] = count

    def get(self, word: str, default: int | None = None) -> int | None:
        key = self._trie.get(word)
        return default if key is None else self._counts[key]

    def __contains__(self, word: object) -> bool:
        return word in self._trie

    def __len__(self) -> int:
        return len(self._counts)


@dataclass(frozen=True)
class CompactDictionary:
    """What the segmenter and the tokenizer read of a ``jieba.Tokenizer``, kept small."""

    FREQ: WordCounts  # jieba's name for it
    total: int

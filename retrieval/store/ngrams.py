"""The character n-grams of a document's texts at once, as code points: indexing's bulk path.

``Tokenizer.terms`` adds, for each run of Chinese characters of a normalised
text, its characters and its character bigrams that are not stopwords, as
strings: some 300 strings for a passage of 200 characters, made and counted
one at a time in Python, most of what indexing costs. ``grams`` finds the
same n-grams of a whole document's texts as arrays of code points, in a few
NumPy passes; ``retrieval.index.termkeys.gram_keys`` hashes them as
``term_keys`` hashes the strings (tests compare the two with ``Tokenizer.terms``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from retrieval.text.tokenizer import CJK_RANGES

_PAIR_SHIFT = 21  # a code point takes at most 21 bits


@dataclass(frozen=True)
class Grams:
    """N-grams of numbered texts: n-gram ``i`` is of text ``text[i]``, the
    characters ``first[i]`` and, for a bigram, ``second[i]`` (0 for a single character)."""

    text: np.ndarray  # int64
    first: np.ndarray  # uint32 code points
    second: np.ndarray  # uint32 code points, 0 for single characters

    @classmethod
    def none(cls) -> Grams:
        empty = np.zeros(0, np.uint32)
        return cls(np.zeros(0, np.int64), empty, empty)


def _pairs(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    return (first.astype(np.uint64) << np.uint64(_PAIR_SHIFT)) | second.astype(np.uint64)


_CODES = 0x110000  # code points


@lru_cache(maxsize=1)
def _chinese() -> np.ndarray:
    """For each code point, whether it is a Chinese character (one of ``CJK_RANGES``)."""
    table = np.zeros(_CODES, dtype=bool)
    for low, high in CJK_RANGES:
        table[low : high + 1] = True
    return table


@lru_cache(maxsize=8)
def _stopped(stopwords: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
    """For each code point, whether it is a Chinese character that is a term (not a
    stopword); and the stopwords of two characters, as sorted pairs."""
    single = _chinese().copy()
    single[[ord(word) for word in stopwords if len(word) == 1]] = False
    pairs = [word for word in stopwords if len(word) == 2]
    first = np.array([ord(word[0]) for word in pairs], dtype=np.uint32)
    second = np.array([ord(word[1]) for word in pairs], dtype=np.uint32)
    return single, np.sort(_pairs(first, second))


def _among(values: np.ndarray, sorted_values: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` is one of ``sorted_values`` (``np.isin``, by bisection)."""
    if not sorted_values.size:
        return np.zeros(values.size, dtype=bool)
    at = np.minimum(np.searchsorted(sorted_values, values), sorted_values.size - 1)
    found: np.ndarray = sorted_values[at] == values
    return found


def grams(texts: Sequence[str], stopwords: frozenset[str]) -> Grams:
    """Every character and character bigram of the runs of Chinese characters of
    ``texts`` (normalised), stopwords aside, with repeats: ``Tokenizer.terms``'s n-grams."""
    if not texts:
        return Grams.none()
    # One text after the other, a newline (no Chinese character) between two: no run spans two.
    codes = np.frombuffer("\n".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    chinese = _chinese()[codes]
    sizes = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), sizes)[: codes.size]
    singles, pairs = _stopped(stopwords)
    one = np.flatnonzero(singles[codes])
    two = np.flatnonzero(chinese[:-1] & chinese[1:])
    two = two[~_among(_pairs(codes[two], codes[two + 1]), pairs)]
    return Grams(
        text=np.concatenate([owner[one], owner[two]]),
        first=np.concatenate([codes[one], codes[two]]),
        second=np.concatenate([np.zeros(one.size, np.uint32), codes[two + 1]]),
    )

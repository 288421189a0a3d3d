"""Terms as 64-bit keys: FNV-1a of their code points, so no term strings are kept.

Distinct strings with equal keys would be one term: with 2^64 keys, a
vocabulary of a million terms has odds of about 3e-8 of one such pair. The
index cache depends on these values: changing them needs a new cache format.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_MASK64 = (1 << 64) - 1
_VECTOR_WIDTH = 24  # longer terms (rare) are hashed one by one


def _term_key(term: str) -> int:
    key = _FNV_OFFSET
    for char in term:
        code = ord(char)
        if code:
            key = ((key ^ code) * _FNV_PRIME) & _MASK64
    return key


def term_keys(terms: Sequence[str]) -> np.ndarray:
    """The uint64 key of each term: 64-bit FNV-1a over its code points (NULs skipped)."""
    keys = np.empty(len(terms), dtype=np.uint64)
    if not terms:
        return keys
    longest = max(map(len, terms))
    if longest > _VECTOR_WIDTH:
        short = [i for i, term in enumerate(terms) if len(term) <= _VECTOR_WIDTH]
        keys[short] = term_keys([terms[i] for i in short])
        for i, term in enumerate(terms):
            if len(term) > _VECTOR_WIDTH:
                keys[i] = _term_key(term)
        return keys
    text = np.array(terms, dtype=f"<U{max(longest, 1)}")
    codes = text.view("<u4").reshape(len(terms), max(longest, 1)).astype(np.uint64)
    keys.fill(_FNV_OFFSET)
    prime = np.uint64(_FNV_PRIME)
    for column in codes.T:
        keys = np.where(column != 0, (keys ^ column) * prime, keys)
    return keys


def gram_keys(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """``term_keys`` of terms of one or two characters given as code points: ``first``,
    and ``second`` (0 for a term of one character; no NUL is ever a term's)."""
    prime = np.uint64(_FNV_PRIME)
    keys = (np.uint64(_FNV_OFFSET) ^ first.astype(np.uint64)) * prime
    two = second != 0
    keys[two] = (keys[two] ^ second[two].astype(np.uint64)) * prime
    return keys


def span_keys(codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``term_keys`` of terms given as spans of code points: term ``i`` is
    ``codes[starts[i] : starts[i] + lengths[i]]``; a pass per character, over the terms that long."""
    keys = np.full(starts.size, _FNV_OFFSET, dtype=np.uint64)
    prime = np.uint64(_FNV_PRIME)
    active = np.flatnonzero(lengths > 0)
    step = 0
    while active.size:
        code = codes[starts[active] + step].astype(np.uint64)
        before = keys[active]
        keys[active] = np.where(code != 0, (before ^ code) * prime, before)
        step += 1
        active = active[lengths[active] > step]
    return keys


def term_key(term: str) -> int:
    return _term_key(term)

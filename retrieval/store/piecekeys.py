"""jieba's pieces as the keys of the words they are indexed as: indexing's bulk path.

A passage of 200 characters is cut into some 120 pieces, most of them seen
before. ``Tokenizer.terms`` turns each into the word it is indexed as (or
none: punctuation, stopwords) through a memo, and ``term_keys`` then keys the
words: several Python steps a piece, most of what indexing cost after jieba.
Here a document's pieces are joined into one string (one C-level pass), keyed
as they are in NumPy (``termkeys.span_keys``), and looked up in a table of
the pieces seen before, sorted by that key, which gives each one's word's
key, or none; only pieces never seen go through ``Tokenizer.kept_word``.
Two distinct pieces with one key would be one piece: the odds are those of
two terms with one key (``retrieval.index.termkeys``). Tests judge it against
``Tokenizer.terms_and_cuts``.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import numpy as np

from retrieval.index.termkeys import span_keys, term_keys
from retrieval.text.tokenizer import Tokenizer

_MIX = np.uint64(0x9E3779B97F4A7C15)  # a key times this: its top bits depend on all of it
_GAP = "\x00"  # between two pieces: no piece holds one (checked), and keys skip it anyway


@dataclass(frozen=True)
class Pieces:
    """What pieces are, in order: each one's length, whether it gives a word, the word's key."""

    lengths: np.ndarray  # int64
    kept: np.ndarray  # bool
    keys: np.ndarray  # uint64 (meaningless where not kept)


def _spans(pieces: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pieces' code points, joined, and where each starts and how long it is."""
    joined = _GAP.join(pieces)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    gaps = np.flatnonzero(codes == 0)
    if gaps.size == max(len(pieces) - 1, 0):
        starts = np.concatenate([np.zeros(min(len(pieces), 1), np.int64), gaps + 1])
        ends = np.concatenate([gaps, np.full(min(len(pieces), 1), codes.size, np.int64)])
        return codes, starts, ends - starts
    lengths = np.fromiter(map(len, pieces), np.int64, len(pieces))  # a piece holds a NUL
    codes = np.frombuffer("".join(pieces).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return codes, np.cumsum(lengths) - lengths, lengths


class PieceTable:
    """The pieces seen, by key, with their words' keys: a slot each (the key's top bits,
    mixed), or when that is taken, in a list sorted by key; emptied when it holds ``limit``
    (default: 2^19 pieces in a process that indexes a corpus, ~26 MiB; else 2^12)."""

    def __init__(self, tokenizer: Tokenizer, limit: int | None = None) -> None:
        self.tokenizer = weakref.ref(tokenizer)
        self._kept_word = tokenizer.kept_word
        self._limit = limit if limit is not None else 1 << (19 if tokenizer.in_bulk else 12)
        bits = max(self._limit.bit_length() + 1, 3)  # slots: twice the pieces, at least
        self._slots, self._shift = 1 << bits, np.uint64(64 - bits)
        self._lock = threading.Lock()  # a reload may index in another thread
        self._empty()

    def _empty(self) -> None:
        self._held = 0
        self._slot_keys = np.zeros(self._slots, np.uint64)  # 0: a free slot (a key 0 goes to the list)
        self._slot_kept = np.zeros(self._slots, bool)
        self._slot_words = np.zeros(self._slots, np.uint64)
        self._keys = np.zeros(0, np.uint64)  # sorted
        self._kept = np.zeros(0, bool)
        self._words = np.zeros(0, np.uint64)

    def _slot(self, keys: np.ndarray) -> np.ndarray:
        return ((keys * _MIX) >> self._shift).astype(np.intp)

    def of(self, pieces: list[str]) -> Pieces:
        codes, starts, lengths = _spans(pieces)
        keys = span_keys(codes, starts, lengths)
        with self._lock:
            if self._held >= self._limit:
                self._empty()
            slot = self._slot(keys)
            missed = np.flatnonzero((self._slot_keys[slot] != keys) | (keys == 0))
            if missed.size:
                new = (
                    missed[self._keys[self._listed(keys[missed])] != keys[missed]]
                    if self._keys.size
                    else missed
                )
                if new.size:
                    self._add(pieces, keys, new)
                    missed = np.flatnonzero((self._slot_keys[slot] != keys) | (keys == 0))
            kept, words = self._slot_kept[slot], self._slot_words[slot]
            if missed.size:
                at = self._listed(keys[missed])
                kept[missed], words[missed] = self._kept[at], self._words[at]
            return Pieces(lengths, kept, words)

    def _listed(self, keys: np.ndarray) -> np.ndarray:
        return np.minimum(np.searchsorted(self._keys, keys), max(self._keys.size - 1, 0))

    def _add(self, pieces: list[str], keys: np.ndarray, new: np.ndarray) -> None:
        added, first = np.unique(keys[new], return_index=True)
        words = [self._kept_word(pieces[i]) for i in new[first].tolist()]
        kept = np.array([word is not None for word in words], dtype=bool)
        word_keys = term_keys([word or "" for word in words])
        slot = self._slot(added)
        free = np.flatnonzero((self._slot_keys[slot] == 0) & (added != 0))
        free = free[np.unique(slot[free], return_index=True)[1]]  # one piece a slot
        self._slot_keys[slot[free]], self._slot_kept[slot[free]] = added[free], kept[free]
        self._slot_words[slot[free]] = word_keys[free]
        rest = np.ones(added.size, bool)
        rest[free] = False
        if rest.any():
            merged = np.concatenate([self._keys, added[rest]])
            order = np.argsort(merged, kind="stable")
            self._keys = merged[order]
            self._kept = np.concatenate([self._kept, kept[rest]])[order]
            self._words = np.concatenate([self._words, word_keys[rest]])[order]
        self._held += added.size


_tables: list[PieceTable] = []
_choosing = threading.Lock()


def piece_table(tokenizer: Tokenizer) -> PieceTable:
    """The table of ``tokenizer``'s pieces (one at a time: a new tokenizer starts a new one)."""
    with _choosing:
        if not _tables or _tables[0].tokenizer() is not tokenizer:
            _tables[:] = [PieceTable(tokenizer)]
        return _tables[0]

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
    """The pieces seen, by key (sorted), with their words' keys; emptied when it holds
    ``limit`` (default: ``tokenizer.pieces_remembered``): a bounded memo."""

    def __init__(self, tokenizer: Tokenizer, limit: int | None = None) -> None:
        self.tokenizer = weakref.ref(tokenizer)
        self._kept_word = tokenizer.kept_word
        self._limit = tokenizer.pieces_remembered if limit is None else limit
        self._lock = threading.Lock()  # a reload may index in another thread
        self._empty()

    def _empty(self) -> None:
        self._pieces = np.zeros(0, np.uint64)  # sorted
        self._kept = np.zeros(0, bool)
        self._words = np.zeros(0, np.uint64)

    def of(self, pieces: list[str]) -> Pieces:
        codes, starts, lengths = _spans(pieces)
        keys = span_keys(codes, starts, lengths)
        with self._lock:
            if self._pieces.size >= self._limit:
                self._empty()
            at = self._found(keys)
            new = self._pieces[at] != keys if self._pieces.size else np.ones(keys.size, bool)
            if new.any():
                self._add(pieces, keys, np.flatnonzero(new))
                at = self._found(keys)
            return Pieces(lengths, self._kept[at], self._words[at])

    def _found(self, keys: np.ndarray) -> np.ndarray:
        return np.minimum(np.searchsorted(self._pieces, keys), max(self._pieces.size - 1, 0))

    def _add(self, pieces: list[str], keys: np.ndarray, new: np.ndarray) -> None:
        added, first = np.unique(keys[new], return_index=True)
        words = [self._kept_word(pieces[i]) for i in new[first].tolist()]
        merged = np.concatenate([self._pieces, added])
        order = np.argsort(merged, kind="stable")
        self._pieces = merged[order]
        self._kept = np.concatenate([self._kept, [word is not None for word in words]])[order]
        self._words = np.concatenate([self._words, term_keys([word or "" for word in words])])[order]


_tables: list[PieceTable] = []
_choosing = threading.Lock()


def piece_table(tokenizer: Tokenizer) -> PieceTable:
    """The table of ``tokenizer``'s pieces (one at a time: a new tokenizer starts a new one)."""
    with _choosing:
        if not _tables or _tables[0].tokenizer() is not tokenizer:
            _tables[:] = [PieceTable(tokenizer)]
        return _tables[0]

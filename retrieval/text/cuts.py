"""Where jieba cut each passage, kept from indexing so highlighting needs no jieba.

Highlighting a hit re-tokenises its text (``Tokenizer.spans``), and jieba
takes about a millisecond a passage: more than a whole search over 100k
passages may take. Indexing ran jieba on every passage already, so the word
boundaries it found (offsets in the normalised text, 0 and its length
included: ``Tokenizer.terms_and_cuts``) are kept as one bit per character,
about 30 bytes a passage, and given back to ``spans``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Cuts:
    """The word boundaries of consecutive passages: passage ``i``'s are the set
    bits of ``bits[ends[i - 1]:ends[i]]`` (bytes)."""

    bits: np.ndarray  # uint8
    ends: np.ndarray  # int64 (passages)

    @property
    def passages(self) -> int:
        return len(self.ends)

    @classmethod
    def pack(cls, cuts: Sequence[Sequence[int]]) -> Cuts:
        pieces = []
        for boundaries in cuts:
            flags = np.zeros((boundaries[-1] if boundaries else 0) + 1, dtype=np.uint8)
            flags[list(boundaries)] = 1
            pieces.append(np.packbits(flags))
        bits = np.concatenate(pieces) if pieces else np.zeros(0, np.uint8)
        return cls(bits, np.cumsum([p.size for p in pieces], dtype=np.int64))

    @classmethod
    def of_pieces(cls, lengths: np.ndarray, counts: np.ndarray) -> Cuts:
        """``pack`` of texts cut into pieces: text ``i`` into the next ``counts[i]`` pieces
        of ``lengths`` (its cuts: 0 and each piece's end), all at once."""
        ends = np.concatenate([np.zeros(1, np.int64), np.cumsum(lengths, dtype=np.int64)])
        starts = np.cumsum(counts, dtype=np.int64) - counts  # each text's first piece
        firsts = ends[starts]  # where each text starts, in all the texts
        nbytes = (ends[starts + counts] - firsts + 8) // 8  # a bit per character and one more
        base = (np.cumsum(nbytes) - nbytes) * 8
        owner = np.repeat(np.arange(counts.size), counts)
        flags = np.zeros(int(nbytes.sum()) * 8, dtype=np.uint8)
        flags[base] = 1
        flags[base[owner] + ends[1:] - firsts[owner]] = 1
        return cls(np.packbits(flags), np.cumsum(nbytes, dtype=np.int64))

    def of(self, passage: int) -> list[int]:
        start = int(self.ends[passage - 1]) if passage else 0
        # As bool: flatnonzero is several times faster on bool than on uint8.
        flags = np.unpackbits(self.bits[start : int(self.ends[passage])]).view(bool)
        return np.flatnonzero(flags).tolist()

    def slice(self, start: int, stop: int) -> Cuts:
        """The cuts of passages ``start`` to ``stop - 1``."""
        first = int(self.ends[start - 1]) if start else 0
        last = int(self.ends[stop - 1]) if stop else 0
        return Cuts(self.bits[first:last], self.ends[start:stop] - first)

    @staticmethod
    def concat(parts: Sequence[Cuts]) -> Cuts:
        if not parts:
            return Cuts(np.zeros(0, np.uint8), np.zeros(0, np.int64))
        offsets = np.cumsum([0, *(p.bits.size for p in parts[:-1])])
        return Cuts(
            np.concatenate([p.bits for p in parts]),
            np.concatenate([p.ends + offset for p, offset in zip(parts, offsets.tolist(), strict=True)]),
        )

    def check(self, passages: int) -> None:
        """Raise ``ValueError`` unless these are the cuts of ``passages`` passages."""
        if self.bits.dtype != np.uint8 or self.ends.dtype != np.int64 or self.ends.shape != (passages,):
            raise ValueError("cuts have the wrong types or number")
        if passages and (int(self.ends[-1]) != self.bits.size or (np.diff(self.ends) < 1).any()):
            raise ValueError("cuts do not add up")
        if passages and int(self.ends[0]) < 1:
            raise ValueError("cuts do not add up")

"""Counts in English words: "1 passage", "2 passages".

``Count`` is an ``int`` whose format spec may name the noun in both numbers,
``"{passages:passage/passages}"``, so a phrase table says how its language
counts (Chinese: ``"{passages} 个段落"``, no spec) and the code passes plain numbers.
"""

from __future__ import annotations


def counted(number: int, one: str, many: str | None = None) -> str:
    """``number`` and the noun in the right number: ``counted(1, "passage")`` is "1 passage"."""
    return f"{number} {one if number == 1 else (many or one + 's')}"


class Count(int):
    """An ``int`` formatted as ``counted`` with a ``"one/many"`` spec, as an ``int`` otherwise."""

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        if "/" in spec:
            one, many = spec.split("/", 1)
            return counted(int(self), one, many)
        return int.__format__(self, spec)

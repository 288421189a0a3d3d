"""Answers kept for their "more" button: a bounded cache, least recently used out.

A button carries ``more:<key>:<offset>`` (well under Telegram's 64 bytes); the
key is random, so a button from before a restart or an evicted answer is
simply unknown (stale) rather than pointing at someone else's answer.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass

from retrieval.answer import Answer, Hit

PREFIX = "more"


@dataclass(frozen=True)
class Page:
    """The hits to show now, and the offset of the next page (``None``: this is the last)."""

    hits: tuple[Hit, ...]
    next_offset: int | None
    total: int


@dataclass(frozen=True)
class MoreButton:
    key: str
    offset: int

    def data(self) -> str:
        return f"{PREFIX}:{self.key}:{self.offset}"

    @classmethod
    def parse(cls, data: str) -> MoreButton | None:
        parts = data.split(":")
        if len(parts) != 3 or parts[0] != PREFIX or not parts[2].isdigit():
            return None
        return cls(parts[1], int(parts[2]))


def page_of(answer: Answer, offset: int, size: int) -> Page:
    hits = answer.hits[offset : offset + size]
    following = offset + size
    return Page(hits, following if following < len(answer.hits) else None, len(answer.hits))


class AnswerCache:
    """The last ``capacity`` answers that have more pages, by random key; each
    page of an answer is handed out once (a double press sends it once)."""

    def __init__(self, capacity: int = 256) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._answers: OrderedDict[str, tuple[Answer, set[int]]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._answers)

    def put(self, answer: Answer) -> str:
        key = secrets.token_urlsafe(9)
        while key in self._answers:  # pragma: no cover - 72 random bits
            key = secrets.token_urlsafe(9)
        self._answers[key] = (answer, set())
        while len(self._answers) > self.capacity:
            self._answers.popitem(last=False)
        return key

    def get(self, key: str) -> Answer | None:
        entry = self._answers.get(key)
        if entry is None:
            return None
        self._answers.move_to_end(key)
        return entry[0]

    def claim(self, key: str, offset: int) -> bool:
        """True the first time the page at ``offset`` of a known answer is asked for."""
        entry = self._answers.get(key)
        if entry is None or offset in entry[1]:
            return False
        entry[1].add(offset)
        return True

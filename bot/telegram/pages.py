"""Answers in pages, and the answers kept for their "more" button.

The cache holds the last answers that have more pages, by key (the logged
question's id, or a random one when questions are not logged), each with the chat
it was sent to: a key asked for from another chat is unknown. After a restart, or
once an answer has dropped out, the button's key is unknown here too: the bot then
asks the logged question again, or (with the log off) says the button expired.
"""

from __future__ import annotations

import random
import secrets
from collections import OrderedDict
from dataclasses import dataclass

from retrieval.answer import Answer, Hit

KEY_LIMIT = 2**53  # keys are positive integers below this (JSON-safe, 16 digits at most)


@dataclass(frozen=True)
class Page:
    """The hits to show now, and the offset of the next page (``None``: this is the last)."""

    hits: tuple[Hit, ...]
    next_offset: int | None
    total: int


def page_of(answer: Answer, offset: int, size: int) -> Page:
    hits = answer.hits[offset : offset + size]
    following = offset + size
    return Page(hits, following if following < len(answer.hits) else None, len(answer.hits))


# Keys need not be secret (a button is honoured only in its own chat), only distinct
# across processes: a generator seeded from the system's, many times faster than it.
_random = random.Random(secrets.randbits(128))


def new_key() -> int:
    return _random.randrange(1, KEY_LIMIT)


class AnswerCache:
    """The last ``capacity`` answers that have more pages; each page of an answer is
    handed out once (a double press sends it once)."""

    def __init__(self, capacity: int = 256) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._answers: OrderedDict[int, tuple[Answer, int, set[int]]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._answers)

    def put(self, answer: Answer, chat_id: int, key: int | None = None) -> int:
        """Keep ``answer`` (sent to ``chat_id``) under ``key`` or a new random key; an
        answer already kept under ``key`` stays (with the pages it has handed out)."""
        if key is None:
            key = new_key()
            while key in self._answers:  # pragma: no cover - 53 random bits
                key = new_key()
        self._answers.setdefault(key, (answer, chat_id, set()))
        self._answers.move_to_end(key)
        while len(self._answers) > self.capacity:
            self._answers.popitem(last=False)
        return key

    def get(self, key: int, chat_id: int) -> Answer | None:
        entry = self._answers.get(key)
        if entry is None or entry[1] != chat_id:
            return None
        self._answers.move_to_end(key)
        return entry[0]

    def claim(self, key: int, offset: int) -> bool:
        """True the first time the page at ``offset`` of a known answer is asked for."""
        entry = self._answers.get(key)
        if entry is None or offset in entry[2]:
            return False
        entry[2].add(offset)
        return True

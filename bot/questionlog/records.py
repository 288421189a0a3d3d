"""What the question log holds, and the interface a store of it offers.

An :class:`Entry` is one question as a person asked it in Telegram and as it was
answered; a :class:`Vote` is one person's 👍 (1) or 👎 (-1) on it. People are
pseudonyms (see ``pseudonyms.py``), never Telegram ids. Times are UTC.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple, Protocol

from retrieval.text.normalisation import normalise

_NOT_WORD = re.compile(r"[\W_]+")  # punctuation, symbols, white space


class LogError(Exception):
    """The question log cannot be opened or written; the message says which file and why."""


class LoggedHit(NamedTuple):
    """A passage given in an answer. A named tuple (immutable too): one is made for every
    hit on the event loop, seven times faster than a frozen dataclass."""

    source: str
    paragraph: int
    score: float


@dataclass(frozen=True)
class Entry:
    """One question: ``chat`` is the chat's type (private, group, supergroup), ``chat_key``
    a pseudonym of the chat itself (so a button is honoured only where it was sent)."""

    id: int
    time: datetime
    question: str
    user: str
    chat: str
    chat_key: str
    language: str | None
    hits: tuple[LoggedHit, ...]
    ms: float

    @property
    def answered(self) -> bool:
        return bool(self.hits)


@dataclass(frozen=True)
class Vote:
    question_id: int
    voter: str
    value: int  # 1 or -1
    time: datetime


@dataclass(frozen=True)
class Logged:
    """What a button needs of a logged question."""

    id: int
    question: str
    chat_key: str


@dataclass(frozen=True)
class Row:
    """A logged question with its votes, as ``qabot log`` shows it."""

    entry: Entry
    up: int
    down: int

    @property
    def feedback(self) -> int | None:
        """1 if it has more 👍 than 👎, -1 if more 👎, None without votes (or as many of each)."""
        return None if self.up == self.down else (1 if self.up > self.down else -1)


@dataclass(frozen=True)
class Group:
    """Questions that read the same once normalised: the latest wording and how many."""

    question: str
    count: int


@dataclass(frozen=True)
class Stats:
    questions: int
    answered: int
    up: int
    down: int


@dataclass(frozen=True)
class Unanswered:
    """The most frequent unanswered questions, and the answered ones voted 👎."""

    total: int
    groups: tuple[Group, ...]
    disliked: tuple[Group, ...]


class QuestionLog(Protocol):
    """A store of the log. ``write`` is one transaction; the others read, or delete."""

    def write(self, items: Sequence[Entry | Vote]) -> None: ...

    def lookup(self, question_id: int) -> Logged | None: ...

    def stats(self, since: datetime) -> Stats: ...

    def unanswered(self, since: datetime, limit: int) -> Unanswered: ...

    def rows(self, since: datetime | None, unanswered: bool) -> list[Row]: ...

    def forget(self, user: str) -> int: ...

    def prune(self, before: datetime) -> int: ...

    def close(self) -> None: ...


def normalised(question: str) -> str:
    """The question as grouped: normalised as the search does (NFKC, lower case,
    Simplified), without punctuation, symbols or white space."""
    return _NOT_WORD.sub("", normalise(question))


def stamp(moment: datetime) -> str:
    """``2025-01-02T03:04:05.678Z``: UTC, fixed width, so text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def unstamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)

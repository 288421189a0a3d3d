"""Questions to put in a question log, for tests."""

from __future__ import annotations

import secrets
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.questionlog.records import Entry, LoggedHit, Vote

NOW = datetime(2025, 3, 4, 5, 6, 7, 890000, tzinfo=UTC)


def entry(
    question: str = "沧州中院院长是谁？",
    *,
    answered: bool = True,
    user: str = "u1",
    age: timedelta = timedelta(0),
    chat: str = "private",
    chat_key: str = "c1",
    language: str | None = "zh-hans",
    ms: float = 1.5,
) -> Entry:
    hits = (LoggedHit("000.txt", 14, 9.98), LoggedHit("000.txt", 3, 4.5)) if answered else ()
    return Entry(
        secrets.randbelow(2**53 - 1) + 1, NOW - age, question, user, chat, chat_key, language, hits, ms
    )


def vote(question: Entry, voter: str, value: int) -> Vote:
    return Vote(question.id, voter, value, NOW)


def count(path: Path, sql: str, *args: object) -> int:
    """The first column of the first row of ``sql`` on the file at ``path``."""
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute(sql, args).fetchone()[0])

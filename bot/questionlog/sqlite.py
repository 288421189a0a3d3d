"""The question log in one SQLite file: the home of ``sqlite3``.

WAL mode (readers never wait for the writer; several processes may share the
file), a busy timeout for the moments another process writes, and
``PRAGMA user_version`` migrations run in one transaction, so a newer qabot opens
an older file and two processes opening a new one agree. Writes go through one
connection and reads through another, each behind its own lock, so any thread may
call any method. ``sqlite3`` errors leave as :class:`LogError`, naming the file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from bot.questionlog.records import (
    Entry,
    Group,
    LogError,
    Logged,
    LoggedHit,
    Row,
    Stats,
    Unanswered,
    Vote,
    normalised,
    stamp,
    unstamp,
)
from bot.questionlog.schema import LATEST, MIGRATIONS

FILE_NAME = "questions.sqlite"
T = TypeVar("T")

_ROW = "id, time, question, user, chat, chat_key, language, hits, ms"
_UNANSWERED = """SELECT question, COUNT(*), MAX(time) FROM questions
    WHERE time >= ? AND NOT answered GROUP BY normalised ORDER BY COUNT(*) DESC, MAX(time) DESC LIMIT ?"""
_DISLIKED = """SELECT q.question, COUNT(*), MAX(q.time) FROM questions q
    JOIN (SELECT question, SUM(vote) AS net FROM votes GROUP BY question) v ON v.question = q.id
    WHERE q.time >= ? AND v.net < 0 GROUP BY q.normalised ORDER BY COUNT(*) DESC, MAX(q.time) DESC LIMIT ?"""
_VOTES = """SELECT question, SUM(vote = 1), SUM(vote = -1) FROM votes
    WHERE question IN (SELECT id FROM questions WHERE time >= ?) GROUP BY question"""


class SqliteLog:
    """A :class:`~bot.questionlog.records.QuestionLog` in ``folder/questions.sqlite``."""

    def __init__(self, path: Path, busy_timeout: float = 5.0) -> None:
        self.path = path
        self._write_lock, self._read_lock = threading.Lock(), threading.Lock()
        connections: list[sqlite3.Connection] = []
        try:
            with _errors(path, "open"):
                connections += [_connect(path, busy_timeout), _connect(path, busy_timeout)]
                _migrate(connections[0], path)
        except BaseException:
            for connection in connections:
                connection.close()
            raise
        self._writer, self._reader = connections

    @classmethod
    def open(cls, folder: Path, busy_timeout: float = 5.0) -> SqliteLog:
        """The log in ``folder`` (created, private to its owner, if it does not exist)."""
        path = folder / FILE_NAME
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))  # SQLite's -wal and -shm follow its mode
        except OSError as error:
            raise LogError(f"cannot create the question log {path}: {error.strerror or error}") from None
        return cls(path, busy_timeout)

    def write(self, items: Sequence[Entry | Vote]) -> None:
        entries = [_entry_values(e) for e in items if isinstance(e, Entry)]
        votes = [(v.question_id, v.voter, v.value, stamp(v.time)) for v in items if isinstance(v, Vote)]
        with self._write_lock, _errors(self.path, "write"), _transaction(self._writer) as db:
            db.executemany(
                "INSERT OR IGNORE INTO questions (id, time, question, normalised, user, chat, chat_key, "
                "language, answered, hits, ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                entries,
            )
            db.executemany(
                "INSERT INTO votes (question, voter, vote, time) SELECT ?1, ?2, ?3, ?4 "
                "WHERE EXISTS (SELECT 1 FROM questions WHERE id = ?1) "
                "ON CONFLICT (question, voter) DO UPDATE SET vote = excluded.vote, time = excluded.time",
                votes,
            )

    def lookup(self, question_id: int) -> Logged | None:
        found = self._read(
            lambda db: db.execute(
                "SELECT id, question, chat_key FROM questions WHERE id = ?", (question_id,)
            ).fetchone()
        )
        return Logged(*found) if found else None

    def stats(self, since: datetime) -> Stats:
        def query(db: sqlite3.Connection) -> Stats:
            asked, answered = db.execute(
                "SELECT COUNT(*), TOTAL(answered) FROM questions WHERE time >= ?", (stamp(since),)
            ).fetchone()
            votes = db.execute(_VOTES, (stamp(since),)).fetchall()
            return Stats(asked, int(answered), sum(v[1] for v in votes), sum(v[2] for v in votes))

        return self._read(query)

    def unanswered(self, since: datetime, limit: int) -> Unanswered:
        def query(db: sqlite3.Connection) -> Unanswered:
            start = stamp(since)
            (total,) = db.execute(
                "SELECT COUNT(*) FROM questions WHERE time >= ? AND NOT answered", (start,)
            ).fetchone()
            groups = db.execute(_UNANSWERED, (start, limit)).fetchall()
            disliked = db.execute(_DISLIKED, (start, limit)).fetchall()
            return Unanswered(total, _groups(groups), _groups(disliked))

        return self._read(query)

    def rows(self, since: datetime | None, unanswered: bool) -> list[Row]:
        start = stamp(since) if since is not None else ""
        where = "time >= ?" + (" AND NOT answered" if unanswered else "")

        def query(db: sqlite3.Connection) -> list[Row]:
            found = db.execute(
                f"SELECT {_ROW} FROM questions WHERE {where} ORDER BY time DESC, id", (start,)
            ).fetchall()
            votes = {q: (up, down) for q, up, down in db.execute(_VOTES, (start,))}
            return [Row(_entry(row), *votes.get(row[0], (0, 0))) for row in found]

        return self._read(query)

    def forget(self, user: str) -> int:
        """Delete ``user``'s questions and votes (and the votes on their questions)."""
        with self._write_lock, _errors(self.path, "write"), _transaction(self._writer) as db:
            db.execute("DELETE FROM votes WHERE voter = ?", (user,))
            db.execute(
                "DELETE FROM votes WHERE question IN (SELECT id FROM questions WHERE user = ?)", (user,)
            )
            return db.execute("DELETE FROM questions WHERE user = ?", (user,)).rowcount

    def prune(self, before: datetime) -> int:
        """Delete the questions asked before ``before``, with their votes."""
        with self._write_lock, _errors(self.path, "write"), _transaction(self._writer) as db:
            old = (stamp(before),)
            db.execute("DELETE FROM votes WHERE question IN (SELECT id FROM questions WHERE time < ?)", old)
            return db.execute("DELETE FROM questions WHERE time < ?", old).rowcount

    def close(self) -> None:
        with self._write_lock, self._read_lock:
            self._writer.close()
            self._reader.close()

    def _read(self, query: Callable[[sqlite3.Connection], T]) -> T:
        with self._read_lock, _errors(self.path, "read"), _transaction(self._reader, "BEGIN") as db:
            return query(db)


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    deadline = time.monotonic() + busy_timeout
    while True:  # switching to WAL can be refused (SQLITE_BUSY) while another process sets it up
        try:
            db.execute("PRAGMA journal_mode = WAL")
            break
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    with _transaction(db) as tx:
        (version,) = tx.execute("PRAGMA user_version").fetchone()
        if version > LATEST:
            raise LogError(
                f"the question log {path} was written by a newer qabot (schema {version}; "
                f"this one knows up to {LATEST}): upgrade qabot, or set DATA_DIR to another folder"
            )
        for step in MIGRATIONS[version:]:
            for statement in step:
                tx.execute(statement)
        tx.execute(f"PRAGMA user_version = {LATEST}")


@contextmanager
def _transaction(db: sqlite3.Connection, begin: str = "BEGIN IMMEDIATE") -> Iterator[sqlite3.Connection]:
    db.execute(begin)
    try:
        yield db
    except BaseException:
        if db.in_transaction:  # SQLite may have rolled back already (a full disk)
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


@contextmanager
def _errors(path: Path, doing: str) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as error:
        raise LogError(f"cannot {doing} the question log {path}: {error}") from None


def _entry_values(entry: Entry) -> tuple[object, ...]:
    hits = json.dumps(
        [{"source": h.source, "paragraph": h.paragraph, "score": h.score} for h in entry.hits],
        ensure_ascii=False,
    )
    return (
        entry.id, stamp(entry.time), entry.question, normalised(entry.question), entry.user,
        entry.chat, entry.chat_key, entry.language, entry.answered, hits, entry.ms,
    )  # fmt: skip


def _entry(row: Sequence[Any]) -> Entry:
    question_id, time_, question, user, chat, chat_key, language, hits, ms = row
    logged = tuple(LoggedHit(h["source"], h["paragraph"], h["score"]) for h in json.loads(hits))
    return Entry(question_id, unstamp(time_), question, user, chat, chat_key, language, logged, ms)


def _groups(rows: list[tuple[str, int, str]]) -> tuple[Group, ...]:
    return tuple(Group(question, count) for question, count, _ in rows)

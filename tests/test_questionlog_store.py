"""The question log's SQLite store: schema and migrations, votes, summaries, forgetting, pruning."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest

from bot.questionlog.records import LogError, Row
from bot.questionlog.sqlite import FILE_NAME, SqliteLog
from tests.questionlog_data import NOW, count, entry, vote

# What qabot's first question log (schema 1) wrote, as it wrote it.
V1_SCHEMA = """
CREATE TABLE questions (id INTEGER PRIMARY KEY, time TEXT NOT NULL, question TEXT NOT NULL,
    normalised TEXT NOT NULL, user TEXT NOT NULL, chat TEXT NOT NULL, language TEXT,
    answered INTEGER NOT NULL, hits TEXT NOT NULL, ms REAL NOT NULL);
CREATE INDEX questions_by_time ON questions (time);
CREATE INDEX questions_by_user ON questions (user);
CREATE TABLE votes (question INTEGER NOT NULL, voter TEXT NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)), time TEXT NOT NULL, PRIMARY KEY (question, voter));
CREATE INDEX votes_by_voter ON votes (voter);
INSERT INTO questions VALUES (7, '2025-03-01T00:00:00.000Z', 'old question', 'old question', 'u9',
    'group', 'en', 1, '[{"source": "a.md", "paragraph": 2, "score": 1.25}]', 3.5);
INSERT INTO votes VALUES (7, 'u8', -1, '2025-03-01T00:01:00.000Z');
PRAGMA user_version = 1;
"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteLog]:
    log = SqliteLog.open(tmp_path / "data")
    try:
        yield log
    finally:
        log.close()


def test_a_new_log_is_one_private_wal_file_at_the_latest_schema(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    SqliteLog.open(folder).close()
    path = folder / FILE_NAME
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(path.stat().st_mode) == 0o600
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
        columns = [row[1] for row in db.execute("PRAGMA table_info(questions)")]
    assert {"time", "question", "user", "chat", "chat_key", "language", "answered", "hits", "ms"} <= set(
        columns
    )


def test_a_file_of_schema_1_opens_and_keeps_its_rows(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    with closing(sqlite3.connect(folder / FILE_NAME)) as db:
        db.executescript(V1_SCHEMA)
    log = SqliteLog.open(folder)
    try:
        [row] = log.rows(None, unanswered=False)
        assert (row.entry.id, row.entry.question, row.entry.user, row.entry.chat) == (
            7,
            "old question",
            "u9",
            "group",
        )
        assert row.entry.hits[0].source == "a.md" and row.entry.chat_key == "" and row.feedback == -1
        assert log.lookup(7) is not None
        new = entry("new question", chat_key="c5")
        log.write([new, vote(new, "u8", 1)])
        assert [r.entry.question for r in log.rows(None, unanswered=False)] == [
            "new question",
            "old question",
        ]
    finally:
        log.close()
    assert count(folder / FILE_NAME, "PRAGMA user_version") == 2


def test_a_file_from_a_newer_qabot_is_refused_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    SqliteLog.open(folder).close()
    with closing(sqlite3.connect(folder / FILE_NAME)) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(
        LogError, match=r"questions.sqlite was written by a newer qabot \(schema 99; this one knows up to 2\)"
    ):
        SqliteLog.open(folder)


def test_a_file_that_is_not_a_database_is_refused_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / FILE_NAME).write_text("not a database, just some text " * 100, encoding="utf-8")
    with pytest.raises(
        LogError, match=r"cannot open the question log .*questions.sqlite: file is not a database"
    ):
        SqliteLog.open(folder)


def test_rows_are_newest_first_with_one_vote_per_voter(store: SqliteLog) -> None:
    old, new = entry("first", age=timedelta(hours=2)), entry("second", answered=False)
    store.write([old, new, vote(old, "a", 1), vote(old, "b", 1)])
    store.write([vote(old, "a", -1), vote(old, "a", -1), vote(new, "a", -1)])  # a changes their mind
    rows = store.rows(None, unanswered=False)
    assert [(r.entry.question, r.up, r.down, r.feedback) for r in rows] == [
        ("second", 0, 1, -1),
        ("first", 1, 1, None),
    ]
    assert rows[1].entry == old
    assert [r.entry.question for r in store.rows(None, unanswered=True)] == ["second"]
    assert store.rows(NOW - timedelta(hours=1), unanswered=False)[0].entry.question == "second"
    assert len(store.rows(NOW - timedelta(hours=1), unanswered=False)) == 1


def test_a_vote_for_a_question_not_logged_is_not_kept(store: SqliteLog, tmp_path: Path) -> None:
    ghost = entry("never written")
    store.write([vote(ghost, "a", 1)])
    assert count(tmp_path / "data" / FILE_NAME, "SELECT COUNT(*) FROM votes") == 0


def test_unanswered_groups_by_normalised_text_most_frequent_first(store: SqliteLog) -> None:
    asked = [
        entry("今天北京天气怎么样？", answered=False, age=timedelta(days=1)),
        entry("今天北京天气怎么样", answered=False),
        entry("今天北京 天气怎么样!", answered=False, age=timedelta(hours=1)),
        entry("Quantum   Chromodynamics?", answered=False),
        entry("quantum chromodynamics", answered=False, age=timedelta(days=2)),
        entry("火星上有水吗", answered=False),
        entry("too old", answered=False, age=timedelta(days=8)),
        entry("沧州中院院长是谁？"),
    ]
    disliked = [entry("党支部合并", age=timedelta(minutes=m)) for m in (1, 2)]
    store.write([*asked, *disliked, *(vote(d, "x", -1) for d in disliked), vote(asked[-1], "x", 1)])
    found = store.unanswered(NOW - timedelta(days=7), limit=10)
    assert found.total == 6
    assert [(g.question, g.count) for g in found.groups] == [
        ("今天北京天气怎么样", 3),  # the latest wording
        ("Quantum   Chromodynamics?", 2),
        ("火星上有水吗", 1),
    ]
    assert [(g.question, g.count) for g in found.disliked] == [("党支部合并", 2)]
    assert len(store.unanswered(NOW - timedelta(days=7), limit=1).groups) == 1


def test_stats_of_a_period(store: SqliteLog) -> None:
    a, b, c = entry("a"), entry("b", answered=False), entry("c", age=timedelta(days=9))
    store.write([a, b, c, vote(a, "x", 1), vote(a, "y", -1), vote(b, "x", -1), vote(c, "x", 1)])
    stats = store.stats(NOW - timedelta(days=7))
    assert (stats.questions, stats.answered, stats.up, stats.down) == (2, 1, 1, 2)


def test_forget_deletes_one_persons_questions_and_votes(store: SqliteLog, tmp_path: Path) -> None:
    mine, theirs = entry("mine", user="me"), entry("theirs", user="them")
    store.write([mine, theirs, vote(theirs, "me", 1), vote(mine, "them", -1), vote(theirs, "them", 1)])
    assert store.forget("me") == 1
    path = tmp_path / "data" / FILE_NAME
    assert count(path, "SELECT COUNT(*) FROM questions WHERE user = 'me'") == 0
    assert count(path, "SELECT COUNT(*) FROM votes WHERE voter = 'me' OR question = ?", mine.id) == 0
    [row] = store.rows(None, unanswered=False)
    assert (row.entry.question, row.up) == ("theirs", 1)
    assert store.forget("nobody") == 0


def test_prune_deletes_questions_before_a_time_with_their_votes(store: SqliteLog, tmp_path: Path) -> None:
    old, kept = entry("old", age=timedelta(days=181)), entry("kept", age=timedelta(days=179))
    store.write([old, kept, vote(old, "x", 1), vote(kept, "x", 1)])
    assert store.prune(NOW - timedelta(days=180)) == 1
    assert [r.entry.question for r in store.rows(None, unanswered=False)] == ["kept"]
    assert count(tmp_path / "data" / FILE_NAME, "SELECT COUNT(*) FROM votes") == 1


def test_lookup(store: SqliteLog) -> None:
    asked = entry("where", chat_key="chat-7")
    store.write([asked])
    found = store.lookup(asked.id)
    assert found is not None and (found.question, found.chat_key) == ("where", "chat-7")
    assert store.lookup(asked.id + 1) is None


def test_feedback_of_a_row() -> None:
    assert [Row(entry(), up, down).feedback for up, down in ((0, 0), (2, 1), (1, 3), (2, 2))] == [
        None,
        1,
        -1,
        None,
    ]

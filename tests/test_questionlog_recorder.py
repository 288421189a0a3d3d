"""Writing the log off the event loop: everything queued is written on close, a full
disk or a locked file is one warning and answering goes on, pruning runs at start
and once a day, and processes sharing one DATA_DIR agree on its secret and file."""

from __future__ import annotations

import hashlib
import hmac
import logging
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Sequence
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest

from bot.questionlog.pseudonyms import SECRET_FILE, Pseudonyms, _write_once
from bot.questionlog.recorder import Recorder
from bot.questionlog.records import Entry, LogError, Vote
from bot.questionlog.sqlite import FILE_NAME, SqliteLog
from tests.conftest import PROJECT
from tests.questionlog_data import NOW, count, entry, vote

WARNING = "question log: cannot write"


def recorder(folder: Path, **options: object) -> Recorder:
    return Recorder(SqliteLog.open(folder), timedelta(days=180), lambda: NOW, **options).start()  # type: ignore[arg-type]


def warnings(caplog: pytest.LogCaptureFixture, text: str) -> int:
    return sum(text in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)


def test_close_writes_everything_still_queued(tmp_path: Path) -> None:
    gate = threading.Event()

    class Slow(SqliteLog):
        def write(self, items: Sequence[Entry | Vote]) -> None:
            gate.wait()
            super().write(items)

    SqliteLog.open(tmp_path).close()
    log = Recorder(Slow(tmp_path / FILE_NAME), timedelta(days=180), lambda: NOW).start()
    asked = [entry(f"q{i}") for i in range(300)]
    for item in asked:
        log.record(item)
    log.feedback(vote(asked[0], "x", 1))
    found = log.lookup(asked[-1].id)  # queued, not written yet: a button can still find it
    assert found is not None and found.question == "q299"
    closing_ = threading.Thread(target=log.close)
    closing_.start()
    gate.set()
    closing_.join()
    assert count(tmp_path / FILE_NAME, "SELECT COUNT(*) FROM questions") == 300
    assert count(tmp_path / FILE_NAME, "SELECT COUNT(*) FROM votes") == 1
    log.record(entry("after close"))  # ignored, no error


def test_a_full_disk_is_one_warning_and_writing_resumes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    log = recorder(tmp_path)
    log.record(entry("fits"))
    log.flush()
    pages = count(tmp_path / FILE_NAME, "PRAGMA page_count")
    log.store._writer.execute(f"PRAGMA max_page_count = {pages}")  # type: ignore[attr-defined]
    for i in range(50):
        log.record(entry("x" * 2000 + str(i)))  # SQLITE_FULL: "database or disk is full"
        log.flush()
    assert warnings(caplog, WARNING) == 1
    assert "database or disk is full" in caplog.text
    log.store._writer.execute("PRAGMA max_page_count = 1000000")  # type: ignore[attr-defined]
    log.record(entry("after"))
    log.close()
    assert warnings(caplog, "question log: writing again; 50 questions or votes were not logged") == 1
    assert count(tmp_path / FILE_NAME, "SELECT COUNT(*) FROM questions") == 2


def test_a_locked_file_is_one_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    log = Recorder(SqliteLog.open(tmp_path, busy_timeout=0.05), timedelta(days=180), lambda: NOW).start()
    with closing(sqlite3.connect(tmp_path / FILE_NAME, isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
        for i in range(5):
            log.record(entry(f"locked {i}"))
            log.flush()
        other.execute("ROLLBACK")
    log.record(entry("free"))
    log.close()
    assert warnings(caplog, WARNING) == 1 and "database is locked" in caplog.text
    assert count(tmp_path / FILE_NAME, "SELECT COUNT(*) FROM questions") == 1


def test_a_full_queue_drops_questions_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    writing, gate = threading.Event(), threading.Event()

    class Stuck(SqliteLog):
        def write(self, items: Sequence[Entry | Vote]) -> None:
            writing.set()
            gate.wait()
            super().write(items)

    SqliteLog.open(tmp_path).close()
    log = Recorder(Stuck(tmp_path / FILE_NAME), timedelta(days=180), lambda: NOW, capacity=3).start()
    log.record(entry("q0"))
    writing.wait()  # the writer has taken it and is stuck
    for i in range(1, 10):
        log.record(entry(f"q{i}"))  # three queued, the other six dropped
    assert warnings(caplog, "its queue is full") == 1
    gate.set()
    log.close()
    assert count(tmp_path / FILE_NAME, "SELECT COUNT(*) FROM questions") == 4
    assert warnings(caplog, "writing again; 6 questions or votes were not logged") == 1


def test_old_questions_are_pruned_at_start_and_then_once_a_day(tmp_path: Path) -> None:
    store = SqliteLog.open(tmp_path)
    ages = {"200 days": 200 * 24, "29.5 days": 29 * 24 + 12, "20 days": 20 * 24}
    store.write([entry(name, age=timedelta(hours=hours)) for name, hours in ages.items()])
    now = [NOW]
    log = Recorder(store, timedelta(days=30), lambda: now[0]).start()
    questions = "SELECT group_concat(question, '|') FROM (SELECT question FROM questions ORDER BY time)"
    with closing(sqlite3.connect(tmp_path / FILE_NAME)) as db:
        assert db.execute(questions).fetchone()[0] == "29.5 days|20 days"  # pruned on start
        now[0] = NOW + timedelta(hours=23)  # 29.5 days is now over 30 days old, but no day has passed
        log.flush()
        assert db.execute(questions).fetchone()[0] == "29.5 days|20 days"
        now[0] = NOW + timedelta(hours=25)  # a day has passed: pruned
        log.flush()
        assert db.execute(questions).fetchone()[0] == "20 days"
        now[0] = NOW + timedelta(days=11)
        log.flush()
        assert db.execute(questions).fetchone()[0] is None
    log.close()


def test_pseudonyms_are_keyed_hashes_with_a_private_secret_made_once(tmp_path: Path) -> None:
    first = Pseudonyms.create(tmp_path / "data")
    path = tmp_path / "data" / SECRET_FILE
    secret = path.read_bytes().strip()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(secret) == 64
    assert first.user(42) == hmac.new(secret, b"42", hashlib.sha256).hexdigest()
    assert first.user(42) != first.user(43) and first.chat(42) != first.user(42)
    again = Pseudonyms.create(tmp_path / "data")
    assert path.read_bytes().strip() == secret and again.user(42) == first.user(42)
    forgetful = Pseudonyms(secret, remember=2)  # remembers two, then starts over
    expected = {n: hmac.new(secret, str(n).encode(), hashlib.sha256).hexdigest() for n in (1, 2, 3)}
    assert [forgetful.user(n) for n in (1, 2, 3, 1, 3, 2)] == [expected[n] for n in (1, 2, 3, 1, 3, 2)]
    assert Pseudonyms.existing(tmp_path / "elsewhere") is None
    path.write_text("short\n", encoding="utf-8")
    with pytest.raises(LogError, match=r"secret .* is damaged"):
        Pseudonyms.existing(tmp_path / "data")


def test_a_secret_once_written_is_never_replaced(tmp_path: Path) -> None:
    """What keeps two processes starting together on one secret: whoever links it first wins."""
    path = tmp_path / SECRET_FILE
    _write_once(path, b"first")
    _write_once(path, b"second")  # as if this process had looked just before the other wrote
    assert path.read_bytes() == b"first\n" and [p.name for p in tmp_path.iterdir()] == [SECRET_FILE]


WRITER = """
import sys, time
from datetime import timedelta
from pathlib import Path
from bot.questionlog.pseudonyms import Pseudonyms
from bot.questionlog.recorder import Recorder
from bot.questionlog.sqlite import SqliteLog
from tests.questionlog_data import entry, vote
folder, go, name = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
while not go.exists():
    time.sleep(0.001)
pseudonyms = Pseudonyms.create(folder)
log = Recorder(SqliteLog.open(folder), timedelta(days=36500)).start()  # entries are of 2025
for i in range(400):
    asked = entry(f"{name} {i}", user=pseudonyms.user(42), answered=i % 3 > 0)
    log.record(asked)
    log.feedback(vote(asked, pseudonyms.user(7), 1 if i % 2 else -1))
log.close()
"""


def test_two_processes_sharing_a_data_dir_agree_and_do_not_corrupt_it(tmp_path: Path) -> None:
    folder, go = tmp_path / "data", tmp_path / "go"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(folder), str(go), name], cwd=PROJECT)
        for name in ("one", "two")
    ]
    go.touch()  # both start together: on an empty folder, they race for the secret and the schema
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    secret = (folder / SECRET_FILE).read_bytes().strip()
    user = hmac.new(secret, b"42", hashlib.sha256).hexdigest()
    path = folder / FILE_NAME
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    assert count(path, "SELECT COUNT(*) FROM questions WHERE user = ?", user) == 800
    assert count(path, "SELECT COUNT(DISTINCT question) FROM questions") == 800
    assert count(path, "SELECT COUNT(*) FROM votes") == 800
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []  # no temporary secret left

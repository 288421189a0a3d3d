"""``qabot log``: rows newest first as JSON lines, CSV or text; --since, --unanswered;
--forget-user; bad options. And the commands that never log: ask, repl, eval."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.questionlog.pseudonyms import SECRET_FILE, Pseudonyms
from bot.questionlog.recorder import utc_now
from bot.questionlog.records import Entry, LoggedHit
from bot.questionlog.sqlite import SqliteLog
from bot.settings import default_data_dir
from tests.commandline import qabot, qabot_here, repl_process
from tests.questionlog_data import vote

ANN, BOB = 1111, 2222


def pseudonym(folder: Path, user_id: int) -> str:
    """What the README says a pseudonym is, computed here from the secret file."""
    secret = (folder / SECRET_FILE).read_bytes().strip()
    return hmac.new(secret, str(user_id).encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A log with three questions of Ann (one a day old, one 10 days old) and one of Bob."""
    folder = tmp_path / "data"
    people = Pseudonyms.create(folder)
    now = utc_now()
    hits = (LoggedHit("000.txt", 14, 9.98),)

    def asked(n: int, question: str, user: int, age: timedelta, found: bool) -> Entry:
        return Entry(
            n,
            now - age,
            question,
            people.user(user),
            "private",
            people.chat(user),
            "en",
            hits if found else (),
            12.5,
        )

    rows = [
        asked(1, "沧州中院院长是谁？", ANN, timedelta(days=1), True),
        asked(2, "今天天气怎么样", ANN, timedelta(hours=1), False),
        asked(3, 'old, "quoted" question', ANN, timedelta(days=10), True),
        asked(4, "Bob's question", BOB, timedelta(minutes=1), True),
    ]
    store = SqliteLog.open(folder)
    store.write([*rows, vote(rows[0], people.user(BOB), -1), vote(rows[0], people.user(ANN), -1)])
    store.close()
    return folder


def test_json_is_one_object_per_question_newest_first(data: Path) -> None:
    result = qabot("log", "--json", env={"DATA_DIR": str(data)})
    assert result.returncode == 0 and result.stderr == ""
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["question"] for o in objects] == [
        "Bob's question",
        "今天天气怎么样",
        "沧州中院院长是谁？",
        'old, "quoted" question',
    ]
    first = objects[2]
    assert {"time", "question", "answered", "feedback", "user", "chat", "hits", "ms"} <= set(first)
    assert first["answered"] is True and objects[1]["answered"] is False
    assert first["feedback"] == -1 and objects[0]["feedback"] is None
    assert first["user"] == pseudonym(data, ANN) and objects[0]["user"] == pseudonym(data, BOB)
    assert str(ANN) not in result.stdout
    assert first["chat"] == "private" and first["ms"] == 12.5
    assert first["hits"] == [{"source": "000.txt", "paragraph": 14, "score": 9.98}]
    when = datetime.fromisoformat(first["time"].replace("Z", "+00:00"))
    assert timedelta(hours=23) < datetime.now(UTC) - when < timedelta(hours=25)


def test_since_unanswered_csv_and_text(data: Path) -> None:
    env = {"DATA_DIR": str(data)}
    recent = qabot_here("log", "--json", "--since", "2", env=env)
    assert len(recent.stdout.splitlines()) == 3
    unanswered = qabot_here("log", "--unanswered", "--json", env=env)
    assert [json.loads(line)["question"] for line in unanswered.stdout.splitlines()] == ["今天天气怎么样"]
    table = list(csv.DictReader(io.StringIO(qabot_here("log", "--csv", env=env).stdout)))
    assert [row["question"] for row in table][-1] == 'old, "quoted" question'
    assert table[2]["feedback"] == "-1" and table[2]["down"] == "2" and table[0]["feedback"] == ""
    assert json.loads(table[2]["hits"])[0]["paragraph"] == 14
    text = qabot_here("log", env=env).stdout.splitlines()
    assert len(text) == 4 and text[0].endswith("Bob's question") and "no answer" in text[1]
    assert "👎 2" in text[2]


def test_forget_user_deletes_that_persons_rows_only(data: Path) -> None:
    env = {"DATA_DIR": str(data)}
    result = qabot_here("log", "--forget-user", str(ANN), env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"deleted 3 questions of user {ANN}")
    rows = [json.loads(line) for line in qabot_here("log", "--json", env=env).stdout.splitlines()]
    assert [(r["question"], r["user"]) for r in rows] == [("Bob's question", pseudonym(data, BOB))]
    assert "deleted 0 questions" in qabot_here("log", "--forget-user", str(ANN), env=env).stdout


def test_no_log_yet_has_no_rows(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path / "nothing")}
    assert qabot_here("log", "--json", env=env).stdout == ""
    plain = qabot_here("log", env=env)
    assert plain.returncode == 0 and plain.stdout == "" and "no questions logged" in plain.stderr
    forget = qabot_here("log", "--forget-user", "5", env=env)
    assert forget.returncode == 0 and "nothing is logged" in forget.stdout
    assert not (tmp_path / "nothing").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--json", "--csv"], "argument --csv: not allowed with argument --json"),
        (["--since", "0"], "argument --since: 0 is not at least 1"),
        (["--since", "week"], "argument --since: 'week' is not a whole number"),
        (["--forget-user", "bob"], "argument --forget-user: invalid int value: 'bob'"),
        (["--forget-user", "5", "--json"], "--forget-user cannot be combined with --json"),
        (["--frobnicate"], "unrecognized arguments: --frobnicate"),
    ],
)
def test_bad_options_are_one_line_and_status_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = qabot_here("log", *args, env={"DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("qabot: error: ")
    assert message in result.stderr


def test_a_log_from_a_newer_qabot_is_one_line_and_status_2(data: Path) -> None:
    with closing(sqlite3.connect(data / "questions.sqlite")) as db:
        db.execute("PRAGMA user_version = 9")
    result = qabot_here("log", env={"DATA_DIR": str(data)})
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "was written by a newer qabot (schema 9" in result.stderr


def test_ask_repl_and_eval_never_log(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"DATA_DIR": str(data), "QUERY_LOG": "true"}
    assert qabot_here("ask", "沧州中院院长是谁？", env=env).returncode == 0
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "沧州中院院长是谁？", "expect": "闫杰"}\n', encoding="utf-8")
    assert qabot_here("eval", str(questions), env=env).returncode == 0
    with repl_process() as console:  # the developer's environment: DATA_DIR is the default
        console.send("沧州中院院长是谁？")
        console.close_input()
        assert "闫杰" in console.read_rest()
    assert not data.exists() and not default_data_dir().exists()

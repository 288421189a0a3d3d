"""The question log with the real bot, end to end: what is logged (pseudonyms, never ids;
never inline queries), 👍/👎 recorded and changed, /unanswered and /stats for admins,
"More passages" after a restart, ``qabot log`` on what the bot wrote, QUERY_LOG=false,
LOG_RETENTION_DAYS."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.questionlog.recorder import utc_now
from bot.questionlog.records import Entry
from bot.questionlog.sqlite import SqliteLog
from tests.commandline import qabot

from .bot_process import SEED, BotProcess, running_bot
from .fake_botapi import FakeBotAPI, FakeUser, StoredMessage

QUESTION = "党支部合并后还剩多少个？"
MANY = "沧州中院"  # more than two pages of passages
STALE = "This button has expired; please ask again."
USERS: dict[str, FakeUser] = {}
T = TypeVar("T")


def prepare(server: FakeBotAPI) -> Mapping[str, str]:
    USERS["admin"] = server.make_user("Admin", language_code="en")
    server.private_chat(USERS["admin"])  # the admin has written to the bot before
    return {"ADMIN_USER_IDS": str(USERS["admin"].id)}


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    folder = tmp_path_factory.mktemp("questionlog")
    env = {"TOP_K": "2", "DATA_DIR": str(folder / "data")}
    with running_bot(folder, env, prepare=prepare) as process:
        yield process


# -- reading the log as a person would, with SQL written here ------------------------------


def data_dir(bot: BotProcess) -> Path:
    return Path(bot.environment["DATA_DIR"])


def pseudonym(bot: BotProcess, user_id: int) -> str:
    secret = (data_dir(bot) / "secret").read_bytes().strip()
    return hmac.new(secret, str(user_id).encode(), hashlib.sha256).hexdigest()


def select(bot: BotProcess, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(data_dir(bot) / "questions.sqlite")) as db:
        return db.execute(sql, args).fetchall()


def eventually(probe: Callable[[], T | None], what: str, timeout: float = 10.0) -> T:
    """The first truthy ``probe()``: the log is written off the event loop, a moment later."""
    deadline = time.monotonic() + timeout
    while not (found := probe()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return found


def questions_of(bot: BotProcess, user: FakeUser, count: int) -> list[tuple[Any, ...]]:
    """``count`` logged questions of ``user``, oldest first: question, chat, language, answered, hits, ms."""
    sql = (
        "SELECT question, chat, language, answered, hits, ms, id FROM questions WHERE user = ? ORDER BY time"
    )
    return eventually(
        lambda: (lambda rows: rows if len(rows) == count else None)(
            select(bot, sql, pseudonym(bot, user.id))
        ),
        f"{count} questions of {user.first_name} in the log",
    )


def press(bot: BotProcess, user: FakeUser, message: StoredMessage, data: str, check: bool = True) -> str:
    """Press a button; the text the bot answered the press with."""
    query = bot.server.press_button(user, message, data, check=check).callback_query_id
    answer = bot.server.wait_until(
        lambda: bot.server.callback_answers().get(query), 10, "the callback answer"
    )
    return str(answer.get("text") or "")


def button(message: StoredMessage, text: str) -> str:
    [data] = [b["callback_data"] for b in message.buttons if b["text"] == text]
    return str(data)


def text_of(bot: BotProcess, user: FakeUser, message: str) -> str:
    return "\n".join(m.text or "" for m in bot.ask(user, None, message))


# -- the tests -----------------------------------------------------------------------------


def test_questions_are_logged_with_pseudonyms_and_inline_queries_are_not(bot: BotProcess) -> None:
    server = bot.server
    user = server.make_user("Logged", language_code="en")
    group = server.group_chat("Logged group")
    bot.ask(user, None, QUESTION)
    bot.ask(user, None, "quantum chromodynamics")
    bot.ask(user, group, f"/ask {QUESTION}")
    inline = server.inline_query(user, QUESTION).inline_query_id
    server.wait_until(lambda: inline in server.inline_answers(), 10, "the inline answer")
    bot.ask(user, None, "法官联系人工作机制")  # logged after the inline query, had that been logged
    rows = questions_of(bot, user, 4)
    assert [(q, chat, language, answered) for q, chat, language, answered, *_ in rows] == [
        (QUESTION, "private", "en", 1),
        ("quantum chromodynamics", "private", "en", 0),
        (QUESTION, "group", "en", 1),
        ("法官联系人工作机制", "private", "en", 1),
    ]
    hits = json.loads(rows[0][4])
    assert hits[0]["source"] == SEED.name and hits[0]["paragraph"] == 6 and hits[0]["score"] > 0
    assert json.loads(rows[1][4]) == [] and rows[0][5] > 0
    everything = b"".join(p.read_bytes() for p in data_dir(bot).glob("questions.sqlite*"))
    assert str(user.id).encode() not in everything  # only its keyed hash
    assert pseudonym(bot, user.id).encode() in everything


def test_feedback_is_recorded_and_changed_and_the_buttons_stay(bot: BotProcess) -> None:
    server = bot.server
    ann, bob = server.make_user("Ann", language_code="en"), server.make_user("Bob", language_code="zh")
    [answer] = bot.ask(ann, None, QUESTION)
    assert [b["text"] for b in answer.buttons] == ["👍", "👎", "More passages ▸"]
    [(_, *_, question_id)] = questions_of(bot, ann, 1)
    votes = "SELECT voter, vote FROM votes WHERE question = ? ORDER BY voter"

    assert press(bot, ann, answer, button(answer, "👍")) == "Thanks for the feedback! 👍"
    eventually(lambda: select(bot, votes, question_id) == [(pseudonym(bot, ann.id), 1)], "the 👍")
    assert press(bot, ann, answer, button(answer, "👎")).startswith("Thanks for the feedback! 👎")
    eventually(lambda: select(bot, votes, question_id) == [(pseudonym(bot, ann.id), -1)], "the change to 👎")
    assert server.message(ann.id, answer.message_id).buttons == answer.buttons  # left as they were

    # in a group, each person has a vote on the answer
    group = server.group_chat("Voters")
    [in_group] = bot.ask(ann, group, f"/ask {QUESTION}")
    assert press(bot, bob, in_group, button(in_group, "👍")) == "谢谢反馈！👍"
    assert press(bot, ann, in_group, button(in_group, "👎")).startswith("Thanks")
    group_id = questions_of(bot, ann, 2)[1][-1]
    expected = sorted([(pseudonym(bot, ann.id), -1), (pseudonym(bot, bob.id), 1)])
    eventually(lambda: select(bot, votes, group_id) == expected, "two votes in the group")

    # a forged button, and a real one pressed in another chat: no vote, the polite reply
    [bobs] = bot.ask(bob, None, QUESTION)
    assert press(bot, bob, bobs, "vote:12345:+", check=False) == "这个按钮已过期，请重新提问。"
    removed = lambda: server.message(bob.id, bobs.message_id).reply_markup is None  # noqa: E731
    server.wait_until(removed, 10, "the stale button's keyboard removed")
    assert press(bot, bob, bobs, button(answer, "👍"), check=False) == "这个按钮已过期，请重新提问。"
    [sentinel] = bot.ask(bob, None, QUESTION)  # a vote queued after them: once it is written, so are they
    press(bot, bob, sentinel, button(sentinel, "👍"))
    bobs_votes = "SELECT COUNT(*) FROM votes WHERE voter = ?"
    eventually(lambda: select(bot, bobs_votes, pseudonym(bot, bob.id)) == [(2,)], "Bob's two votes")
    assert select(bot, votes, question_id) == [(pseudonym(bot, ann.id), -1)]


def test_unanswered_and_stats_for_admins(bot: BotProcess) -> None:
    server, admin = bot.server, USERS["admin"]
    asker = server.make_user("Curious", language_code="zh")
    for question in ("火星上的水在哪里？", "木星有几颗卫星", "火星上的水在哪里", "火星 上的水 在哪里!"):
        assert "文档中没有" in text_of(bot, asker, question)
    [disliked] = bot.ask(asker, None, "法官联系人工作机制")
    press(bot, asker, disliked, button(disliked, "👎"))
    questions_of(bot, asker, 5)
    voted = (
        "SELECT COUNT(*) FROM votes JOIN questions q ON q.id = votes.question WHERE q.user = ? AND vote = -1"
    )
    eventually(lambda: select(bot, voted, pseudonym(bot, asker.id)) == [(1,)], "the 👎")

    report = text_of(bot, admin, "/unanswered")
    assert report.startswith("Questions without an answer in the last 7 days (")
    lines = report.splitlines()
    assert "• 3 × 火星 上的水 在哪里!" in lines and "• 1 × 木星有几颗卫星" in lines
    disliked_part = report.split("Questions rated 👎:")[1]
    assert "• 1 × 法官联系人工作机制" in disliked_part.splitlines()
    assert "火星" not in disliked_part
    assert text_of(bot, asker, "/unanswered") == "抱歉，只有管理员可以使用这个命令。"

    week = "SELECT COUNT(*), SUM(answered) FROM questions WHERE time >= ?"
    since = (utc_now() - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%S")
    stats = text_of(bot, admin, "/stats")
    [(asked, answered)] = select(bot, week, since)
    [(up, down)] = select(bot, "SELECT COALESCE(SUM(vote = 1), 0), COALESCE(SUM(vote = -1), 0) FROM votes")
    share = round(100 * answered / asked)
    assert f"Last 7 days: {asked} questions, {share}% answered, 👍 {up} / 👎 {down}" in stats


def test_more_button_after_a_restart_and_from_another_chat(bot: BotProcess) -> None:
    server = bot.server
    user, other = server.make_user("Patient", language_code="en"), server.make_user("Other")
    [first] = bot.ask(user, None, MANY)
    [others] = bot.ask(other, None, MANY)
    more = button(first, "More passages ▸")
    bot.restart()  # no waiting for the log: stopping writes what is queued

    assert press(bot, other, others, more, check=False) == STALE  # another chat's answer
    assert press(bot, user, first, more) == ""
    [second] = server.wait_for_messages(user.id, 2, timeout=10)[1:]
    assert re.search(r"Passages 3–4 of \d+", second.text or "") and "3. 《" in (second.text or "")
    assert [b["text"] for b in second.buttons] == ["👍", "👎", "More passages ▸"]
    assert server.message(user.id, first.message_id).reply_markup is None
    assert press(bot, user, first, more, check=False) == ""  # pressed again: nothing more sent
    assert press(bot, user, second, "more:12345:2", check=False) == STALE  # a forged id
    time.sleep(0.3)
    assert len(server.sent_messages(user.id)) == 2 and len(server.sent_messages(other.id)) == 1


def test_qabot_log_shows_and_forgets_what_the_bot_logged(bot: BotProcess) -> None:
    server = bot.server
    kept, forgotten = server.make_user("Kept"), server.make_user("Forgotten")
    bot.ask(kept, None, QUESTION)
    bot.ask(forgotten, None, "quantum chromodynamics")
    questions_of(bot, kept, 1), questions_of(bot, forgotten, 1)
    env = {"DATA_DIR": str(data_dir(bot))}

    def mine() -> list[dict[str, Any]]:
        rows = [json.loads(line) for line in qabot("log", "--json", env=env).stdout.splitlines()]
        users = {pseudonym(bot, kept.id), pseudonym(bot, forgotten.id)}
        return [row for row in rows if row["user"] in users]

    rows = mine()
    assert [(r["question"], r["answered"], r["chat"], r["feedback"]) for r in rows] == [
        ("quantum chromodynamics", False, "private", None),
        (QUESTION, True, "private", None),
    ]
    assert rows[1]["hits"][0] == {"source": SEED.name, "paragraph": 6, "score": rows[1]["hits"][0]["score"]}
    result = qabot("log", "--forget-user", str(forgotten.id), env=env)
    assert result.returncode == 0 and result.stdout.startswith(f"deleted 1 question of user {forgotten.id}")
    assert [r["question"] for r in mine()] == [QUESTION]


def test_with_the_log_off_nothing_is_kept_and_buttons_expire_on_restart(tmp_path: Path) -> None:
    data, admins = tmp_path / "data", []

    def make_admin(server: FakeBotAPI) -> Mapping[str, str]:
        admins.append(server.make_user("Admin", language_code="en"))
        server.private_chat(admins[0])
        return {"ADMIN_USER_IDS": str(admins[0].id)}

    env = {"TOP_K": "2", "DATA_DIR": str(data), "QUERY_LOG": "false"}
    with running_bot(tmp_path, env, prepare=make_admin) as bot:
        server, user = bot.server, bot.server.make_user("Unlogged", language_code="en")
        [first] = bot.ask(user, None, MANY)
        assert [b["text"] for b in first.buttons] == ["More passages ▸"]  # no 👍 👎
        press(bot, user, first, button(first, "More passages ▸"))
        [second] = server.wait_for_messages(user.id, 2, timeout=10)[1:]
        assert "Passages 3–4 of" in (second.text or "")
        assert text_of(bot, admins[0], "/unanswered") == "The question log is off (QUERY_LOG=false)."
        assert "Last 7 days" not in text_of(bot, admins[0], "/stats")
        bot.restart()
        assert press(bot, user, second, button(second, "More passages ▸")) == STALE
    assert not data.exists()


def test_old_questions_are_deleted_at_start_up(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = SqliteLog.open(data)
    now = utc_now()
    store.write(
        [
            Entry(
                days,
                now - timedelta(days=days, hours=1),
                f"{days} days old",
                "u",
                "private",
                "c",
                None,
                (),
                1.0,
            )
            for days in (200, 179, 20, 10)
        ]
    )
    store.close()

    def kept(bot: BotProcess) -> list[str]:
        return [q for (q,) in select(bot, "SELECT question FROM questions ORDER BY time")]

    with running_bot(tmp_path, {"DATA_DIR": str(data)}) as bot:  # LOG_RETENTION_DAYS: 180
        assert kept(bot) == ["179 days old", "20 days old", "10 days old"]
        bot.environment["LOG_RETENTION_DAYS"] = "15"
        bot.restart()
        assert kept(bot) == ["10 days old"]

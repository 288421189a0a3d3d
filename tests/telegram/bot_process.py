"""The real bot (``python -m bot telegram``) as a subprocess against the fake Bot API.

Use :func:`running_bot` in a module-scoped fixture: it starts a fake server and
one bot process, yields a :class:`BotProcess`, then stops the bot with SIGTERM
and checks it exited 0, its log has no traceback and no token, and the server
answered no request with a 400 (unless the module says which it expects).
:meth:`BotProcess.restart` stops the bot the same way and starts a new process
with the same settings against the same server (a deploy, as people see it).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import Settings

from .fake_botapi import FakeBotAPI, FakeChat, FakeUser, StoredMessage

PROJECT = Path(__file__).resolve().parents[2]
SEED = PROJECT / "seeds" / "000_fc6bf0a2fe9ff4f6.txt"
READY = "answering as @"
START_TIMEOUT = 60.0  # generous: a loaded machine running two test workers


def clean_environment() -> dict[str, str]:
    """The environment without any qabot setting the developer may have exported."""
    names = {name.upper() for name in Settings.model_fields}
    return {key: value for key, value in os.environ.items() if key.upper() not in names}


def bot_command() -> list[str]:
    return [sys.executable, "-m", "bot", "telegram"]


@dataclass
class BotProcess:
    server: FakeBotAPI
    docs: Path
    log_path: Path
    process: subprocess.Popen[bytes]
    environment: dict[str, str] = field(default_factory=dict)
    expected_bad_requests: list[str] = field(default_factory=list)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, started: int = 1) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while self.log().count(READY) < started:
            if self.process.poll() is not None:
                raise AssertionError(f"the bot exited with {self.process.returncode}:\n{self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"the bot did not start in {START_TIMEOUT} s:\n{self.log()}")
            time.sleep(0.05)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"the bot did not stop on SIGTERM:\n{self.log()}") from None

    def restart(self) -> None:
        """Stop the bot (it must exit 0, without a traceback) and start it again; the
        new process's output goes on in the same log."""
        status = self.stop()
        assert status == 0 and "Traceback" not in self.log(), f"exit status {status}:\n{self.log()}"
        self.process = _start(self.environment, self.log_path)
        self.wait_ready(started=self.log().count(READY) + 1)

    # -- playing users ---------------------------------------------------------------------

    def ask(self, user: FakeUser, chat: FakeChat | None, text: str, count: int = 1) -> list[StoredMessage]:
        """Send ``text`` and return the bot's next ``count`` messages in that chat."""
        chat_id = chat.id if chat is not None else user.id
        before = len(self.server.sent_messages(chat_id))
        self.server.send_text(user, chat, text)
        return self.server.wait_for_messages(chat_id, before + count, timeout=10)[before:]

    def quiet_then(
        self, user: FakeUser, chat: FakeChat, ignored: str, sentinel: str, by: FakeUser | None = None
    ) -> tuple[list[StoredMessage], list[StoredMessage]]:
        """Send ``ignored`` then ``sentinel`` (from ``by``, or the same user); wait for the
        sentinel's reply; return the replies to each (the bot must stay quiet on ``ignored``)."""
        first = self.server.send_text(user, chat, ignored)
        self.server.wait_for_updates_consumed(timeout=10)
        second = self.server.send_text(by or user, chat, sentinel)
        self.server.wait_until(
            lambda: any(_replies_to(m, second.message_id) for m in self.server.sent_messages(chat.id)),
            timeout=10,
            what="a reply to the sentinel",
        )
        time.sleep(0.2)
        sent = self.server.sent_messages(chat.id)
        return (
            [m for m in sent if _replies_to(m, first.message_id)],
            [m for m in sent if _replies_to(m, second.message_id)],
        )


def admin_and_other(users: dict[str, FakeUser]) -> Callable[[FakeBotAPI], Mapping[str, str]]:
    """A ``prepare`` for ``running_bot``: an English-speaking admin who has written to the
    bot before and a Chinese-speaking user who is not an admin, kept in ``users``."""

    def prepare(server: FakeBotAPI) -> Mapping[str, str]:
        users["admin"] = server.make_user("Admin", language_code="en")
        users["other"] = server.make_user("Other", language_code="zh-hans")
        server.private_chat(users["admin"])  # the admin has written to the bot before
        return {"ADMIN_USER_IDS": str(users["admin"].id)}

    return prepare


def _replies_to(message: StoredMessage, message_id: int) -> bool:
    return message.reply_to is not None and message.reply_to.message_id == message_id


@contextmanager
def running_bot(
    directory: Path,
    env: Mapping[str, str] | None = None,
    files: Mapping[str, str] | None = None,
    prepare: Callable[[FakeBotAPI], Mapping[str, str]] | None = None,
) -> Iterator[BotProcess]:
    """A fake server and the real bot on a documents folder holding the seed and
    ``files``; ``prepare`` may register users and chats first and return more env."""
    server = FakeBotAPI()
    server.start()
    try:
        docs = directory / "docs"
        docs.mkdir(parents=True)
        shutil.copy(SEED, docs / SEED.name)
        for name, text in (files or {}).items():
            (docs / name).write_text(text, encoding="utf-8")
        environment = {**clean_environment(), **server.env(), "DOCS_DIR": str(docs), **(env or {})}
        if prepare is not None:
            environment.update(prepare(server))
        log_path = directory / "bot.log"
        bot = BotProcess(server, docs, log_path, _start(environment, log_path), environment)
        try:
            bot.wait_ready()
            yield bot
        finally:
            status = bot.stop()
        log_text = bot.log()
        assert status == 0, f"exit status {status}:\n{log_text}"
        assert "Traceback" not in log_text, log_text
        assert server.token not in log_text and server.token.split(":")[1] not in log_text
        secret = environment.get("WEBHOOK_SECRET")
        assert not secret or secret not in log_text
        bad = [str(call) for call in server.bad_requests()]
        unexpected = [c for c in bad if not any(e in c for e in bot.expected_bad_requests)]
        assert not unexpected, "\n".join(unexpected)
    finally:
        server.stop()


def _start(environment: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    """The bot, in the log's folder, its output appended to the log."""
    with log_path.open("ab") as log:
        return subprocess.Popen(
            bot_command(), env=environment, cwd=log_path.parent, stdout=log, stderr=subprocess.STDOUT
        )

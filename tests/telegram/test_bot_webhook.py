"""Webhook mode: python-telegram-bot's own webhook server, the secret token checked on every request.

The end-to-end tests run the real bot (``python -m bot telegram``) against the fake Bot API,
which pushes updates to the bot over HTTP as Telegram does (``FakeBotAPI.deliver_webhook``).
"""

from __future__ import annotations

import asyncio
import http.client
import io
import json
import logging
import re
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from bot.settings import SettingsError, load_settings
from bot.telegram.app import ALLOWED_UPDATES, build_application, setup_logging, start_webhook, webhook_secret
from bot.telegram.logs import Scrubber
from bot.telegram.service import Service
from retrieval.library import Library

from .bot_process import BotProcess, bot_command, clean_environment, running_bot
from .fake_botapi import FakeBotAPI

SECRET = "s3cret_-webhook-token"
QUESTION = "党支部合并后还剩多少个？"
ANSWER = "把25个小支部合并缩减至11个大支部"


def post(port: int, path: str, body: bytes, headers: dict[str, str], method: str = "POST") -> int:
    """A raw request to the bot's webhook server; the HTTP status."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


URL = "https://bot.example.org/hook"  # public, behind a proxy: the fake server is that proxy


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    """The bot on a port it picks (WEBHOOK_PORT=0) and logs; the fake server delivers
    there, as a reverse proxy would. SIGTERM at the end: it stops cleanly and listens no more."""
    env = {"WEBHOOK_URL": URL, "WEBHOOK_LISTEN": "127.0.0.1", "WEBHOOK_PORT": "0", "WEBHOOK_SECRET": SECRET}
    with running_bot(tmp_path_factory.mktemp("webhook"), {**env, "TOP_K": "1"}) as process:
        process.server.proxy_webhooks_to("127.0.0.1", listening_port(process))
        yield process
        port = listening_port(process)
        assert process.stop() == 0
    log = process.log()
    assert "stopped" in log.splitlines()[-1]
    assert SECRET not in log and process.server.token not in log
    with pytest.raises(ConnectionRefusedError):
        post(port, "/hook", b"{}", {"Content-Type": "application/json"})


def listening_port(bot: BotProcess) -> int:
    """The port the bot says it listens on."""
    found = re.search(r"\(webhook on 127\.0\.0\.1:(\d+)\)", bot.log())
    assert found and int(found.group(1)) > 0, bot.log()
    return int(found.group(1))


@pytest.fixture
def port(bot: BotProcess) -> int:
    return listening_port(bot)


def test_registers_the_webhook_with_its_secret(bot: BotProcess, port: int) -> None:
    [call] = bot.server.calls("setWebhook")
    assert call.params["url"] == URL
    assert call.params["secret_token"] == SECRET
    assert call.params["allowed_updates"] == ALLOWED_UPDATES
    assert bot.server.webhook() is not None
    assert bot.server.calls("getUpdates") == [] and bot.server.calls("deleteWebhook") == []
    assert f"(webhook on 127.0.0.1:{port})" in bot.log()


def test_a_question_pushed_over_http_is_answered(bot: BotProcess) -> None:
    user = bot.server.make_user("Hook", language_code="en")
    question = bot.server.send_text(user, None, QUESTION)
    assert bot.server.deliver_webhook(question) == 200
    [answer] = bot.server.wait_for_messages(user.id, 1, timeout=10)
    assert ANSWER in (answer.text or "")
    assert bot.server.pending_update_count() == 0


def test_button_presses_and_inline_queries_come_by_webhook_too(bot: BotProcess) -> None:
    user = bot.server.make_user("Buttons", language_code="en")
    assert bot.server.deliver_webhook(bot.server.send_text(user, None, "沧州中院")) == 200
    [first] = bot.server.wait_for_messages(user.id, 1, timeout=10)
    [more] = [data for data in first.callback_data if data.startswith("more:")]  # one passage a page
    press = bot.server.press_button(user, first, more)
    assert bot.server.deliver_webhook(press) == 200
    [second] = bot.server.wait_for_messages(user.id, 2, timeout=10)[1:]
    assert "Passage 2 of" in (second.text or "")
    assert press.callback_query_id in bot.server.callback_answers()
    query = bot.server.inline_query(user, QUESTION)
    assert bot.server.deliver_webhook(query) == 200
    answers = bot.server.wait_until(
        lambda: bot.server.inline_answers().get(query.inline_query_id), 10, "the inline answer"
    )
    assert answers is not None and ANSWER[:8] in answers["results"][0]["description"]


def test_requests_without_the_secret_are_refused_and_not_handled(bot: BotProcess, port: int) -> None:
    user = bot.server.make_user("Intruder", language_code="en")
    question = bot.server.send_text(user, None, QUESTION)
    assert bot.server.deliver_webhook(question, secret_token=None) == 403
    assert bot.server.deliver_webhook(question, secret_token="wrong-secret") == 403
    assert bot.server.deliver_webhook(question, secret_token=SECRET[:-1]) == 403
    body = json.dumps(question.update).encode()
    json_type = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    assert post(port, "/hook", body, {**json_type, "Content-Type": "text/plain"}) == 403
    assert post(port, "/elsewhere", body, json_type) == 404
    assert post(port, "/hook", b"", json_type, method="GET") == 405
    time.sleep(0.5)  # time enough for a wrongly accepted update to be answered
    assert bot.server.sent_messages(user.id) == []
    assert bot.server.pending_update_count() == 1  # Telegram would retry it
    assert bot.server.deliver_webhook(question) == 200  # ... and with the secret it goes through
    assert len(bot.server.wait_for_messages(user.id, 1, timeout=10)) == 1
    time.sleep(0.2)
    assert len(bot.server.sent_messages(user.id)) == 1


def test_a_busy_port_is_one_line_and_exit_2_before_set_webhook(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("busy")
    (folder / "a.md").write_text("# Hello\n\nA small English document.\n", encoding="utf-8")
    with FakeBotAPI() as server, socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        env = {
            **clean_environment(),
            **server.env(),
            "DOCS_DIR": str(folder),
            "WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(port),
        }
        run = subprocess.run(bot_command(), env=env, cwd=folder, capture_output=True, text=True, timeout=60)
        set_webhook = server.calls("setWebhook")
    output = run.stderr + run.stdout
    assert run.returncode == 2, output
    [line] = [line for line in output.splitlines() if line.startswith("qabot: error:")]
    assert line.startswith(f"qabot: error: cannot listen for webhooks on 127.0.0.1:{port}: ")
    assert "Traceback" not in output and server.token not in output
    assert set_webhook == []  # a running instance keeps its webhook and secret


def test_webhook_secret_is_random_unless_set_and_validated() -> None:
    assert webhook_secret(load_settings(webhook_url=None)) is None  # polling
    url = "https://bot.example.org/hook"
    first, second = (webhook_secret(load_settings(webhook_url=url, webhook_secret=s)) for s in (None, ""))
    assert first and second and first != second and len(first) >= 32
    assert set(first) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
    assert webhook_secret(load_settings(webhook_url=url, webhook_secret="a" * 256)) == "a" * 256
    for bad in ("has space", "colon:", "a" * 257):
        with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
            webhook_secret(load_settings(webhook_url=url, webhook_secret=bad))


async def test_the_webhook_path_is_matched_literally(botapi: FakeBotAPI, seed_library: Library) -> None:
    """In process: PTB routes on the path as a regular expression; ours is escaped."""
    settings = load_settings(
        telegram_api_base_url=botapi.base_url,
        webhook_url="https://bot.example.org/tg/hook.v1",
        webhook_listen="127.0.0.1",
        webhook_port=0,
        webhook_secret=SECRET,
    )
    application = build_application(settings, botapi.token, Service.create(seed_library, settings))
    assert application.updater is not None
    user = botapi.make_user("Path", language_code="en")
    update = botapi.send_text(user, None, "/start")
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with application:
        address = await start_webhook(application.updater, settings, SECRET)
        await application.start()
        try:
            host, port = address.split(":")
            assert host == "127.0.0.1" and int(port) > 0
            botapi.proxy_webhooks_to(host, int(port))
            body = json.dumps(update.update).encode()
            assert await asyncio.to_thread(post, int(port), "/tg/hookXv1", body, headers) == 404
            assert await asyncio.to_thread(botapi.deliver_webhook, update) == 200
            [reply] = await botapi.async_wait_for_messages(user.id, 1, timeout=10)
        finally:
            await application.updater.stop()
            await application.stop()
    assert "Hello, Path" in (reply.text or "")


def test_tornado_logs_stay_at_warning_and_are_scrubbed() -> None:
    root, tornado = logging.getLogger(), logging.getLogger("tornado")
    saved = root.handlers[:], root.level, tornado.level, logging.getLogger("bot").level
    try:
        setup_logging(Scrubber(["123456:TEST-token", SECRET]))
        stream = io.StringIO()
        for handler in root.handlers:
            assert isinstance(handler, logging.StreamHandler)
            handler.setStream(stream)
        logging.getLogger("tornado.access").info("200 POST /hook?token=%s", SECRET)
        logging.getLogger("tornado.general").warning("Malformed HTTP message: %s", SECRET)
        logging.getLogger("tornado.application").error("Uncaught exception, token 123456:TEST-token")
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        tornado.setLevel(saved[2])
        logging.getLogger("bot").setLevel(saved[3])
    lines = stream.getvalue().splitlines()
    assert [line.split(" ", 2)[2] for line in lines] == [
        "WARNING tornado.general: Malformed HTTP message: ***",
        "ERROR tornado.application: Uncaught exception, token ***",
    ]

"""Webhooks over real HTTP: the secret token is checked on every request."""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import pytest
from telegram.ext import ExtBot

from bot.settings import load_settings
from bot.telegram.app import ALLOWED_UPDATES, build_application, start_webhook, webhook_secret
from bot.telegram.service import Service
from bot.telegram.webhook import WebhookServer
from retrieval.library import Library

from .fake_botapi import FakeBotAPI

SECRET = "s3cret_-token"


async def post(port: int, path: str, body: bytes, headers: dict[str, str], method: str = "POST") -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    writer.write(
        f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n{head}\r\n".encode() + body
    )
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    writer.close()
    await writer.wait_closed()
    return status


async def test_webhook_checks_path_method_secret_and_body() -> None:
    received: list[dict[str, Any]] = []

    async def deliver(data: dict[str, Any]) -> None:
        received.append(data)

    server = WebhookServer("/hook/path", SECRET, deliver)
    port = await server.start("127.0.0.1", 0)
    update = json.dumps({"update_id": 1}).encode()
    good = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    try:
        assert await post(port, "/hook/path", update, good) == 200
        assert await post(port, "/hook/path", update, {}) == 403
        assert await post(port, "/hook/path", update, {**good, "X-Telegram-Bot-Api-Secret-Token": "x"}) == 403
        assert await post(port, "/other", update, good) == 404
        assert await post(port, "/hook/path", b"", good, method="GET") == 405
        assert await post(port, "/hook/path", b"not json", good) == 400
        assert await post(port, "/hook/path", b"[1]", good) == 400
    finally:
        await server.stop()
    assert received == [{"update_id": 1}]


async def test_webhook_mode_answers_updates_posted_with_the_secret(
    botapi: FakeBotAPI, seed_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot in webhook mode, in process: updates POSTed with the secret are answered,
    others are refused. (The fake server has no setWebhook, so that one call is stubbed.)"""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    settings = load_settings(
        telegram_api_base_url=botapi.base_url,
        webhook_url="https://bot.example.org/telegram/hook",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_secret=SECRET,
        top_k=1,
    )
    calls: list[dict[str, Any]] = []

    async def set_webhook(self: object, url: str, **kwargs: Any) -> bool:
        calls.append({"url": url, **kwargs})
        return True

    monkeypatch.setattr(ExtBot, "set_webhook", set_webhook)
    secret = webhook_secret(settings)
    assert secret == SECRET
    application = build_application(settings, botapi.token, Service.create(seed_library, settings))
    assert application.updater is None
    user = botapi.make_user("Hook", language_code="en")
    chat = botapi.private_chat(user)
    update = {
        "update_id": 7,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": chat.to_json(),
            "from": user.to_json(),
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    body = json.dumps(update).encode()
    async with application:
        receiver = await start_webhook(application, settings, secret)
        await application.start()
        try:
            assert (
                await post(port, "/telegram/hook", body, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}) == 403
            )
            assert (
                await post(port, "/telegram/hook", body, {"X-Telegram-Bot-Api-Secret-Token": SECRET}) == 200
            )
            [reply] = await botapi.async_wait_for_messages(chat.id, 1, timeout=10)
        finally:
            await receiver.stop()
            await application.stop()
    assert "Hello, Hook" in (reply.text or "")
    assert len(botapi.sent_messages(chat.id)) == 1  # the refused copy was not handled
    assert calls == [
        {
            "url": "https://bot.example.org/telegram/hook",
            "allowed_updates": ALLOWED_UPDATES,
            "secret_token": SECRET,
        }
    ]

"""The webhook receiver over real HTTP: the secret token is checked on every request."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from bot.telegram.webhook import WebhookServer

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

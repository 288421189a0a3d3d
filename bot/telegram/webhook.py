"""A small webhook receiver: Telegram POSTs updates here, we queue them.

Plain HTTP on WEBHOOK_LISTEN:WEBHOOK_PORT, meant to sit behind the HTTPS
reverse proxy that WEBHOOK_URL points at. Every request must carry the secret
token in ``X-Telegram-Bot-Api-Secret-Token`` (checked in constant time) and
come to WEBHOOK_URL's path; others get 403 / 404 and are not queued.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

SECRET_HEADER = "x-telegram-bot-api-secret-token"
MAX_BODY = 1 << 20
TIMEOUT = 10.0
REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed"}
REASONS[413] = "Payload Too Large"

Deliver = Callable[[dict[str, Any]], Awaitable[None]]


class WebhookServer:
    def __init__(self, path: str, secret: str, deliver: Deliver) -> None:
        self.path = "/" + path.strip("/")
        self._secret = secret.encode()
        self._deliver = deliver
        self._server: asyncio.Server | None = None

    async def start(self, host: str, port: int) -> int:
        """Listen; returns the port (useful when ``port`` is 0)."""
        self._server = await asyncio.start_server(self._handle, host, port)
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status = await asyncio.wait_for(self._receive(reader), TIMEOUT)
        except (TimeoutError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            status = 400
        try:
            writer.write(
                f"HTTP/1.1 {status} {REASONS[status]}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()
            )
            await writer.drain()
        except ConnectionError:  # pragma: no cover - the client went away
            pass
        finally:
            writer.close()

    async def _receive(self, reader: asyncio.StreamReader) -> int:
        method, target, _version = (await reader.readline()).decode("latin-1").split(" ", 2)
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if target.split("?", 1)[0].rstrip("/") != self.path.rstrip("/"):
            return 404
        if method != "POST":
            return 405
        if not hmac.compare_digest(headers.get(SECRET_HEADER, "").encode(), self._secret):
            log.warning("webhook request without the right secret token refused")
            return 403
        length = int(headers.get("content-length", "0"))
        if not 0 < length <= MAX_BODY:
            return 413 if length > MAX_BODY else 400
        data = json.loads(await reader.readexactly(length))
        if not isinstance(data, dict):
            return 400
        await self._deliver(data)
        return 200

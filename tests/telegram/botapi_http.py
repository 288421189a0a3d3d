"""HTTP transport of the fake Telegram Bot API: ``/bot<TOKEN>/<method>`` → :class:`BotApiCore`.

Accepts what Telegram accepts: GET or POST, parameters in the query string and/or an
``application/x-www-form-urlencoded`` (what python-telegram-bot sends), ``multipart/form-data``
or ``application/json`` body. Replies are JSON with Telegram's status codes.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
import re
import select
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .botapi_methods import CLIENT_GONE, BotApiCore
from .botapi_types import JSON, ApiError

_PATH = re.compile(r"/bot([^/]+)/([A-Za-z0-9_]+)/?")


def _parse_body(content_type: str, body: bytes) -> JSON:
    kind = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return {}
    if kind == "application/json":
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("JSON body must be an object")
        return data
    if kind == "multipart/form-data":
        parser = email.parser.BytesParser(policy=email.policy.HTTP)
        message = parser.parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        fields: JSON = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if not isinstance(name, str) or not isinstance(payload, bytes):
                continue
            filename = part.get_filename()
            fields[name] = {"filename": filename, "size": len(payload)} if filename else payload.decode()
        return fields
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))


class BotApiHandler(BaseHTTPRequestHandler):
    server: BotApiHTTPServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # headers and body go out in separate writes: without this, Nagle + delayed ACK
        # add ~40 ms to every request
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, reply = self._dispatch(url.path, url.query, body)
        if status == CLIENT_GONE:
            self.close_connection = True
            return
        data = json.dumps(reply, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client went away (e.g. a cancelled long poll)
            self.close_connection = True

    def _dispatch(self, path: str, query: str, body: bytes) -> tuple[int, JSON]:
        api = self.server.api
        match = _PATH.fullmatch(path)
        if match is None:
            return 404, ApiError(404, "Not Found").payload()
        if match.group(1) != api.token:
            return 401, ApiError(401, "Unauthorized").payload()
        try:
            params: JSON = dict(parse_qsl(query, keep_blank_values=True))
            params.update(_parse_body(self.headers.get("Content-Type", ""), body))
        except ValueError:
            return 400, ApiError(400, "Bad Request: can't parse request body").payload()
        return api.call(match.group(2), params, self._client_gone)

    def _client_gone(self) -> bool:
        """True once the client closed its end (EOF readable without a new request)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True


class BotApiHTTPServer(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins every handler thread
    block_on_close = True

    def __init__(self, api: BotApiCore, address: tuple[str, int]) -> None:
        self.api = api
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, BotApiHandler)

    def track(self, connection: socket.socket, *, add: bool) -> None:
        with self._connections_lock:
            if add:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def drop_connections(self) -> None:
        """Unblock handler threads idling on keep-alive connections."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # broken connections are normal when clients cancel requests

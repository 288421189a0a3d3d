"""HTTP transport of the fake Telegram Bot API: ``/bot<TOKEN>/<method>`` → :class:`BotApiCore`.

Accepts what Telegram accepts: GET or POST, parameters in the query string and/or an
``application/x-www-form-urlencoded`` (what python-telegram-bot sends), ``multipart/form-data``
or ``application/json`` body. Replies are JSON with Telegram's status codes. Files are
downloaded from ``/file/bot<TOKEN>/<file_path>`` (the ``file_path`` getFile gave).
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
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .botapi_methods import CLIENT_GONE, BotApiCore
from .botapi_types import JSON, ApiError

_PATH = re.compile(r"/bot([^/]+)/([A-Za-z0-9_]+)/?")
_FILE = re.compile(r"/file/bot([^/]+)/(.+)")


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
        self.server.opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.closed(self.connection)

    def parse_request(self) -> bool:
        self.server.busy(self.connection)  # a request line has arrived: no longer idle
        return super().parse_request()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        try:
            self._respond()
        finally:
            if not self.server.idle(self.connection):  # the server is stopping
                self.close_connection = True

    def _respond(self) -> None:
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        file = _FILE.fullmatch(unquote(url.path))  # PTB quotes the token's ":" in file URLs
        if file is not None:
            self._send(*self.server.api.download(file.group(1), file.group(2)), "application/octet-stream")
            return
        status, reply = self._dispatch(url.path, url.query, body)
        if status == CLIENT_GONE:
            self.close_connection = True
            return
        self._send(status, json.dumps(reply, ensure_ascii=False).encode("utf-8"), "application/json")

    def _send(self, status: int, data: bytes, kind: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            if self.server.stopping:
                self.send_header("Connection", "close")
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
    """Threads per connection; :meth:`drop_connections` ends them without cutting a reply.

    Each connection is *idle* (waiting for a request line, possibly forever on keep-alive)
    or *busy* (between the request line and the end of its reply). Stopping shuts down idle
    connections at once but lets busy ones finish their reply first: shutting a socket down
    while its handler is still writing (say, a long poll just woken by the stop) would hand
    the client a truncated reply, or none.
    """

    daemon_threads = False  # server_close() joins every handler thread
    block_on_close = True
    # socketserver's default backlog of 5 overflows when a bot opens dozens of connections
    # at once (a flood of concurrent replies); with SYN cookies Linux then resets some of them
    request_queue_size = 128

    def __init__(self, api: BotApiCore, address: tuple[str, int]) -> None:
        self.api = api
        self._connections: dict[socket.socket, bool] = {}  # connection -> busy
        self._dropped: set[socket.socket] = set()
        self._state = threading.Condition()
        self.stopping = False
        super().__init__(address, BotApiHandler)

    def opened(self, connection: socket.socket) -> None:
        with self._state:
            self._connections[connection] = False
            if self.stopping:
                self._shut(connection)

    def busy(self, connection: socket.socket) -> None:
        with self._state:
            self._connections[connection] = True

    def idle(self, connection: socket.socket) -> bool:
        """The reply is written; False if the connection must close (the server is stopping)."""
        with self._state:
            self._connections[connection] = False
            self._state.notify_all()
            return not self.stopping

    def closed(self, connection: socket.socket) -> None:
        with self._state:
            self._connections.pop(connection, None)
            self._dropped.discard(connection)
            self._state.notify_all()

    def drop_connections(self, grace: float = 2.0) -> None:
        """Unblock every handler thread: idle connections now, busy ones once they have replied
        (or after ``grace`` seconds, e.g. a client that never sends the body it announced)."""
        deadline = time.monotonic() + grace
        with self._state:
            self.stopping = True
            while True:
                for connection, busy in self._connections.items():
                    if not busy:
                        self._shut(connection)
                remaining = deadline - time.monotonic()
                if not any(self._connections.values()) or remaining <= 0:
                    break
                self._state.wait(remaining)
            for connection in self._connections:
                self._shut(connection)

    def _shut(self, connection: socket.socket) -> None:
        if connection not in self._dropped:
            self._dropped.add(connection)
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # broken connections are normal when clients cancel requests

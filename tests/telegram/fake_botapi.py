"""A fake Telegram Bot API server for end-to-end tests (standard library only).

It speaks Telegram's wire format on ``POST|GET /bot<TOKEN>/<method>`` (form-encoded,
multipart or JSON bodies; query strings too), answers ``{"ok": true, "result": ...}``
with real-shaped objects, and rejects what Telegram rejects with Telegram's HTTP status
and ``description`` (HTML parse errors with byte offsets, empty/too long texts,
``BUTTON_DATA_INVALID``, stale query ids, "message is not modified", ...). Unknown
methods get ``404 Not Found``, a wrong token ``401 Unauthorized``.

Implemented methods: getMe, logOut, close, setWebhook, deleteWebhook, getWebhookInfo,
getUpdates (offset/limit/timeout long polling/allowed_updates; a newer poll terminates an
older one with 409 like Telegram; 409 too while a webhook is set), sendMessage,
editMessageText, editMessageReplyMarkup, deleteMessage, sendChatAction, answerCallbackQuery,
answerInlineQuery, setMyCommands, getMyCommands, deleteMyCommands, getFile (and the file
downloads at ``/file/bot<TOKEN>/<file_path>``). parse_mode must be HTML or absent (Markdown → 400).

Test-facing API (all thread-safe; ``FakeBotAPI`` is also a context manager)::

    server = FakeBotAPI(token="123456:TEST-token", bot_username="qa_test_bot")
    server.start() / server.stop()          # 127.0.0.1, free port; stop wakes long polls
    server.base_url                         # "http://127.0.0.1:PORT" (TELEGRAM_API_BASE_URL)
    server.api_url                          # base_url + "/bot" (PTB's ``Bot(base_url=...)``)
    server.env()                            # {"TELEGRAM_API_BASE_URL": ..., "TELEGRAM_BOT_TOKEN": ...}
    server.token, server.bot_user           # FakeUser(is_bot=True, username=bot_username)

    # users and chats (registered: sending to any other chat id is "chat not found")
    make_user(first_name="Alice", *, language_code="en", username=None, last_name=None) -> FakeUser
    private_chat(user) -> FakeChat
    group_chat(title="Test group", *, supergroup=False, username=None) -> FakeChat

    # updates, as users would cause them; each returns Injected(update_id, update)
    send_text(user, chat, text, *, reply_to=None, entities=None) -> Injected   # chat None = private
    send_sticker(user, chat=None, *, emoji="👍") -> Injected
    send_photo(user, chat=None, *, caption=None) -> Injected
    send_document(user, chat, file_name, content, *, size=None, mime_type=None) -> Injected
        # size: the file_size Telegram declares (default: len(content)); getFile refuses
        # files over 20 MB ("file is too big"), as the public Bot API does
    press_button(user, message, callback_data, *, check=True) -> Injected      # .callback_query_id
    inline_query(user, query, *, offset="", chat_type="private") -> Injected   # .inline_query_id
    inject_update(kind, payload) -> Injected                                   # anything else

    # webhooks: the bot registers one with setWebhook; updates are then pushed, not polled
    webhook() -> JSON | None                   # url, secret_token, allowed_updates, ... as set
    deliver_webhook(update=None, *, secret_token=..., timeout=10.0) -> int   # HTTP status
        # POSTs the update (an Injected or update_id; default: the oldest unconfirmed one) as
        # JSON to the webhook url with X-Telegram-Bot-Api-Secret-Token: the registered secret
        # (``secret_token=...``), none (``None``) or the given string. A 2xx reply confirms it;
        # otherwise it stays pending and getWebhookInfo reports the error, as on Telegram.
    proxy_webhooks_to(host, port)              # deliver there instead of the URL's host (a proxy)
    webhook_deliveries() -> list[tuple[int, int]]   # (update_id, HTTP status or 0 if no reply)

    # observing the bot (messages are snapshots: ask again to see later edits)
    calls(method=None) -> list[CallRecord]     # every request: method, params, status, response
    bad_requests() -> list[CallRecord]         # every 400 the server returned
    errors() -> list[CallRecord]               # every error reply (400, 401, 404, 409); a long
                                               # poll whose client hung up is recorded as 499
                                               # (never sent) and not counted here
    sent_messages(chat_id=None, *, include_deleted=False) -> list[StoredMessage]  # by the bot
    message(chat_id, message_id) -> StoredMessage                                 # current state
    callback_answers() -> dict[str, JSON]      # callback_query_id -> answerCallbackQuery params
    inline_answers() -> dict[str, JSON]        # inline_query_id -> answerInlineQuery params
    commands(scope=None, language_code="") -> list[JSON]   # as set by setMyCommands
    chat_actions() -> list[tuple[int, str]]    # (chat_id, action) from sendChatAction
    downloads() -> list[str]                   # file paths downloaded from /file/bot<token>/...
    pending_update_count() -> int              # injected updates the bot has not confirmed
    wait_until(predicate, timeout=5.0, what="condition") -> T   # AssertionError + log on timeout
    wait_for_messages(chat_id, count=1, timeout=5.0) -> list[StoredMessage]
    wait_for_call(method, timeout=5.0, predicate=None) -> CallRecord
    wait_for_updates_consumed(timeout=5.0) -> None
    await async_wait_until(...), await async_wait_for_messages(...)   # for in-process async bots
    describe() -> str                          # human-readable log used in timeout messages

``wait_*`` block the calling thread: with a bot running in the test's own event loop use
the ``async_*`` variants (they wait in a worker thread). The ``botapi`` fixture
(``conftest.py``) gives a started server and stops it after the test.

Value types (``botapi_types``): ``FakeUser(id, first_name, last_name, username,
language_code, is_bot)``, ``FakeChat(id, type, title, username, ...)``,
``StoredMessage`` (``message_id, chat, chat_id, sender, from_bot, text, entities,
reply_markup, buttons, callback_data, reply_to, edit_date, history`` = texts before each
text edit, ``deleted``, ``to_json()``), ``CallRecord(method, params, status, response)``
with ``ok/result/description`` (params decoded: JSON fields parsed, numbers as int),
``Injected(update_id, update)`` with ``message, message_id, chat_id, callback_query_id,
inline_query_id``.

Behaviour worth knowing (all as on Telegram): the bot can only write to chats the
server knows (``private_chat(user)``, ``group_chat()``, or any chat a user wrote in),
else "chat not found"; texts are trimmed and measured after entity parsing in UTF-16
units; an edit without ``reply_markup`` removes the inline keyboard; updates stay
queued until the bot confirms them with a higher ``offset``; ``deleteWebhook`` with
``drop_pending_updates`` discards queued updates; updates of types outside the last
``allowed_updates`` are discarded. setWebhook wants an https URL on port 80, 88, 443 or
8443, except on loopback (127.0.0.1, localhost, ::1), where plain http and any port are
accepted, as by a local Bot API server; nothing is pushed until the test calls
``deliver_webhook``.
"""

from __future__ import annotations

import asyncio
import copy
import http.client
import json
import threading
import time
from collections.abc import Callable
from types import EllipsisType, TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit

from .botapi_http import BotApiHTTPServer
from .botapi_methods import CLIENT_GONE, BotApiCore
from .botapi_types import (
    JSON,
    ApiError,
    CallRecord,
    FakeChat,
    FakeUser,
    Injected,
    StoredMessage,
    auto_entities,
)

__all__ = ["ApiError", "CallRecord", "FakeBotAPI", "FakeChat", "FakeUser", "Injected", "StoredMessage"]

T = TypeVar("T")


class FakeBotAPI(BotApiCore):
    """A fake Telegram Bot API server; see the module docstring for the API."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        *,
        bot_username: str = "qa_test_bot",
        bot_first_name: str = "QA Test Bot",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(token, bot_username, bot_first_name)
        self._address = (host, port)
        self._httpd: BotApiHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._next_user_id = 10_001
        self._next_group_id = 1
        self._next_query_id = 1
        self._deliveries: list[tuple[int, int]] = []
        self._proxy: tuple[str, int] | None = None

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> FakeBotAPI:
        if self._httpd is not None:
            raise RuntimeError("FakeBotAPI already started")
        self._closing = False
        self._httpd = BotApiHTTPServer(self, self._address)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-botapi", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        self._wake_all()  # long polls return at once
        httpd.shutdown()
        httpd.drop_connections()
        httpd.server_close()
        thread.join()
        self._httpd = self._thread = None

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("FakeBotAPI not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self._address[0]}:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/bot"

    def env(self) -> dict[str, str]:
        return {"TELEGRAM_API_BASE_URL": self.base_url, "TELEGRAM_BOT_TOKEN": self.token}

    # -- users and chats ----------------------------------------------------------------

    def make_user(
        self,
        first_name: str = "Alice",
        *,
        language_code: str | None = "en",
        username: str | None = None,
        last_name: str | None = None,
    ) -> FakeUser:
        with self._cond:
            user_id = self._next_user_id
            self._next_user_id += 1
        return FakeUser(user_id, first_name, last_name, username, language_code)

    def private_chat(self, user: FakeUser) -> FakeChat:
        chat = FakeChat(
            user.id, "private", username=user.username, first_name=user.first_name, last_name=user.last_name
        )
        return self._register_chat(chat)

    def group_chat(
        self, title: str = "Test group", *, supergroup: bool = False, username: str | None = None
    ) -> FakeChat:
        with self._cond:
            number = self._next_group_id
            self._next_group_id += 1
        chat_id = -1_000_000_000_000 - number if supergroup else -number
        return self._register_chat(
            FakeChat(chat_id, "supergroup" if supergroup else "group", title, username)
        )

    # -- injecting updates --------------------------------------------------------------

    def _user_message(
        self,
        user: FakeUser,
        chat: FakeChat | None,
        reply_to: StoredMessage | Injected | int | None,
        **content: Any,
    ) -> Injected:
        chat = self._register_chat(chat or self.private_chat(user))
        with self._cond:
            target = None
            if reply_to is not None:
                reply_id = reply_to if isinstance(reply_to, int) else reply_to.message_id
                target = self.message(chat.id, reply_id)
                target.reply_to = None
            message = StoredMessage(
                self._new_message_id(chat.id), chat, user, int(time.time()), reply_to=target
            )
            message.text = content.pop("text", None)
            message.entities = content.pop("entities", None) or []
            message.extra.update(content)
            self._messages[(chat.id, message.message_id)] = message
            return self._enqueue("message", message.to_json())

    def send_text(
        self,
        user: FakeUser,
        chat: FakeChat | None,
        text: str,
        *,
        reply_to: StoredMessage | Injected | int | None = None,
        entities: list[JSON] | None = None,
    ) -> Injected:
        """A text message; commands, @mentions and URLs get entities unless given."""
        found = auto_entities(text) if entities is None else entities
        return self._user_message(user, chat, reply_to, text=text, entities=found)

    def send_sticker(self, user: FakeUser, chat: FakeChat | None = None, *, emoji: str = "👍") -> Injected:
        sticker = {
            "file_id": "CAACAgIAAxkBAAEFakeSticker", "file_unique_id": "AgADFakeSticker",
            "type": "regular", "width": 512, "height": 512, "is_animated": False, "is_video": False,
            "emoji": emoji,
        }  # fmt: skip
        return self._user_message(user, chat, None, sticker=sticker)

    def send_photo(
        self, user: FakeUser, chat: FakeChat | None = None, *, caption: str | None = None
    ) -> Injected:
        photo = [
            {"file_id": f"AgACAgFakePhoto{size}", "file_unique_id": f"AQADFake{size}", "width": size,
             "height": size, "file_size": size * 40}
            for size in (90, 320, 800)
        ]  # fmt: skip
        extra: JSON = {"photo": photo}
        if caption is not None:
            extra["caption"] = caption
        return self._user_message(user, chat, None, **extra)

    def send_document(
        self,
        user: FakeUser,
        chat: FakeChat | None,
        file_name: str | None,
        content: bytes,
        *,
        size: int | None = None,
        mime_type: str | None = None,
    ) -> Injected:
        """A file sent as a document; ``size`` is the size Telegram declares (default: the
        content's). getFile then gives it a ``file_path`` to download it from."""
        with self._cond:
            number = len(self._files) + 1
            file_id, unique = f"BQACAgFakeDocument{number}", f"AgADFakeDoc{number}"
            suffix = file_name.rsplit(".", 1)[-1] if file_name and "." in file_name else "bin"
            declared = len(content) if size is None else size
            path = f"documents/file_{number}.{suffix}"
            self._files[file_id] = {
                "file_id": file_id, "file_unique_id": unique, "file_size": declared, "file_path": path
            }  # fmt: skip
            self._contents[path] = content
        document: JSON = {"file_id": file_id, "file_unique_id": unique, "file_size": declared}
        if file_name is not None:
            document["file_name"] = file_name
        if mime_type is not None:
            document["mime_type"] = mime_type
        return self._user_message(user, chat, None, document=document)

    def downloads(self) -> list[str]:
        """The file paths the bot downloaded (``/file/bot<token>/<file_path>``), in order."""
        with self._cond:
            return list(self._downloads)

    def press_button(
        self, user: FakeUser, message: StoredMessage, callback_data: str, *, check: bool = True
    ) -> Injected:
        """Press an inline button; with ``check`` the button must be on the message now."""
        with self._cond:
            current = self.message(message.chat_id, message.message_id)
            if check and callback_data not in current.callback_data:
                raise AssertionError(
                    f"message {current.message_id} in chat {current.chat_id} has no button with "
                    f"callback_data {callback_data!r}; its buttons: {current.buttons}"
                )
            query_id = self._new_query_id()
            query = {
                "id": query_id,
                "from": user.to_json(),
                "message": current.to_json(),
                "chat_instance": str(abs(current.chat_id) * 7 + 13),
                "data": callback_data,
            }
            return self._enqueue("callback_query", query)

    def inline_query(
        self, user: FakeUser, query: str, *, offset: str = "", chat_type: str = "private"
    ) -> Injected:
        with self._cond:
            payload = {
                "id": self._new_query_id(),
                "from": user.to_json(),
                "query": query,
                "offset": offset,
                "chat_type": chat_type,
            }
            return self._enqueue("inline_query", payload)

    def inject_update(self, kind: str, payload: JSON) -> Injected:
        """Queue any other update, e.g. ``inject_update("my_chat_member", {...})``."""
        return self._enqueue(kind, payload)

    # -- webhooks -----------------------------------------------------------------------

    def webhook(self) -> JSON | None:
        """The webhook as the bot set it (``secret_token`` included), or None."""
        with self._cond:
            return copy.deepcopy(self._webhook)

    def proxy_webhooks_to(self, host: str, port: int) -> None:
        """Deliver webhook requests to ``host:port`` (plain HTTP, the URL's path kept)
        whatever the registered URL's host: a reverse proxy in front of the bot, as in
        production. The URL may then be a public ``https://`` one that is never dialled."""
        self._proxy = (host, port)

    def deliver_webhook(
        self,
        update: Injected | int | None = None,
        *,
        secret_token: str | EllipsisType | None = ...,
        timeout: float = 10.0,
    ) -> int:
        """POST one pending update to the webhook, as Telegram does; the reply's HTTP status."""
        with self._cond:
            if self._webhook is None:
                raise AssertionError("no webhook is set: the bot has not called setWebhook")
            webhook = dict(self._webhook)
            wanted = update.update_id if isinstance(update, Injected) else update
            found = next((u for u in self._pending if wanted in (None, u["update_id"])), None)
            if found is None:
                raise AssertionError(f"update {wanted} is not pending (confirmed already, or never injected)")
            if not set(found) - {"update_id"} <= self._allowed:
                self._pending.remove(found)
                raise AssertionError(f"update {found['update_id']} is of a type outside allowed_updates")
            body = json.dumps(found, ensure_ascii=False).encode("utf-8")
        url = urlsplit(webhook["url"])
        host, port = self._proxy or (url.hostname, url.port or 80)
        if self._proxy is None and (url.scheme != "http" or url.hostname is None):
            raise AssertionError(f"the fake server delivers to http:// URLs only, not {webhook['url']}")
        headers = {"Content-Type": "application/json"}
        secret = webhook.get("secret_token") if secret_token is ... else secret_token
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            target = (url.path or "/") + (f"?{url.query}" if url.query else "")
            connection.request("POST", target, body, headers)
            response = connection.getresponse()
            response.read()
            status, reason = response.status, response.reason
        except OSError as exc:
            self._delivered(found["update_id"], 0, exc.strerror or str(exc))  # "Connection refused"
            raise
        finally:
            connection.close()
        self._delivered(found["update_id"], status, f"Wrong response from the webhook: {status} {reason}")
        return status

    def _delivered(self, update_id: int, status: int, error: str) -> None:
        with self._cond:
            self._deliveries.append((update_id, status))
            if 200 <= status < 300:
                self._pending = [u for u in self._pending if u["update_id"] != update_id]
            else:
                self._webhook_error = (int(time.time()), error)
            self._cond.notify_all()

    def webhook_deliveries(self) -> list[tuple[int, int]]:
        with self._cond:
            return list(self._deliveries)

    def _new_query_id(self) -> str:
        query_id = str(4_000_000_000_000_000 + self._next_query_id)
        self._next_query_id += 1
        self._queries[query_id] = False
        return query_id

    # -- observing the bot --------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[CallRecord]:
        with self._cond:
            return [c for c in self._calls if method is None or c.method.lower() == method.lower()]

    def bad_requests(self) -> list[CallRecord]:
        return [c for c in self.calls() if c.status == 400]

    def errors(self) -> list[CallRecord]:
        """Every error reply the bot received (abandoned long polls, status 499, excluded)."""
        return [c for c in self.calls() if c.status not in (200, CLIENT_GONE)]

    def sent_messages(
        self, chat_id: int | None = None, *, include_deleted: bool = False
    ) -> list[StoredMessage]:
        with self._cond:
            return [
                m.snapshot()
                for m in self._bot_messages
                if (chat_id is None or m.chat_id == chat_id) and (include_deleted or not m.deleted)
            ]

    def message(self, chat_id: int, message_id: int) -> StoredMessage:
        with self._cond:
            found = self._messages.get((chat_id, message_id))
            if found is None:
                raise KeyError(f"no message {message_id} in chat {chat_id}")
            return found.snapshot()

    def callback_answers(self) -> dict[str, JSON]:
        with self._cond:
            return copy.deepcopy(self._callback_answers)

    def inline_answers(self) -> dict[str, JSON]:
        with self._cond:
            return copy.deepcopy(self._inline_answers)

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        with self._cond:
            return self._get_my_commands({"scope": scope, "language_code": language_code})

    def chat_actions(self) -> list[tuple[int, str]]:
        with self._cond:
            return list(self._chat_actions)

    def pending_update_count(self) -> int:
        with self._cond:
            return len(self._pending)

    def describe(self, limit: int = 40) -> str:
        with self._cond:
            calls = [c for c in self._calls if c.method != "getUpdates"][-limit:]
            lines = [f"bot calls (last {len(calls)}, getUpdates omitted):"]
            lines += [f"  {c}" for c in calls] or ["  (none)"]
            lines.append("bot messages:")
            lines += [
                f"  chat {m.chat_id} #{m.message_id}{' (deleted)' if m.deleted else ''}: {m.text!r}"
                f" buttons={m.callback_data}"
                for m in self._bot_messages
            ] or ["  (none)"]
            lines.append(f"unconfirmed updates: {[u['update_id'] for u in self._pending]}")
            if self._webhook is not None:
                lines.append(
                    f"webhook: {self._webhook['url']}; deliveries (update_id, status): {self._deliveries}"
                )
            return "\n".join(lines)

    # -- waiting ------------------------------------------------------------------------

    def wait_until(
        self, predicate: Callable[[], T | None], timeout: float = 5.0, what: str = "condition"
    ) -> T:
        """Return the first truthy ``predicate()``; re-checked on every server event."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = predicate()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{self.describe()}")
                self._cond.wait(remaining)

    def wait_for_messages(self, chat_id: int, count: int = 1, timeout: float = 5.0) -> list[StoredMessage]:
        """Wait until the bot has sent at least ``count`` messages to ``chat_id``; return them all."""
        return self.wait_until(
            lambda: (lambda found: found if len(found) >= count else [])(self.sent_messages(chat_id)),
            timeout,
            f"{count} bot message(s) in chat {chat_id}",
        )

    def wait_for_call(
        self, method: str, timeout: float = 5.0, predicate: Callable[[CallRecord], bool] | None = None
    ) -> CallRecord:
        def find() -> CallRecord | None:
            return next((c for c in self.calls(method) if predicate is None or predicate(c)), None)

        return self.wait_until(find, timeout, f"a {method} call")

    def wait_for_updates_consumed(self, timeout: float = 5.0) -> None:
        """Wait until the bot has confirmed (getUpdates offset) every injected update."""
        self.wait_until(lambda: not self._pending, timeout, "the bot to confirm all updates")

    async def async_wait_until(
        self, predicate: Callable[[], T | None], timeout: float = 5.0, what: str = "condition"
    ) -> T:
        return await asyncio.to_thread(self.wait_until, predicate, timeout, what)

    async def async_wait_for_messages(
        self, chat_id: int, count: int = 1, timeout: float = 5.0
    ) -> list[StoredMessage]:
        return await asyncio.to_thread(self.wait_for_messages, chat_id, count, timeout)

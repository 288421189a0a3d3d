"""State and Bot API method implementations of the fake Telegram server.

:class:`BotApiCore` is transport-free: :meth:`BotApiCore.call` takes a method name and
its raw parameters and returns (HTTP status, JSON reply). Everything runs under one
condition variable (``self._cond``), which is notified on every state change so that
long polls and the test-facing ``wait_*`` helpers wake up immediately.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from .botapi_types import (
    JSON,
    ApiError,
    CallRecord,
    FakeChat,
    FakeUser,
    Injected,
    StoredMessage,
    TextError,
    bad_request,
    check_reply_markup,
    decode_params,
    format_text,
)
from .telegram_html import utf16_len

QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CLIENT_GONE = 499  # pseudo status of a long poll whose client hung up (never sent)
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
    "webhook first"
)
WEBHOOK_PORTS = frozenset({80, 88, 443, 8443})
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
# every update type except chat_member, message_reaction and message_reaction_count
DEFAULT_ALLOWED = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post", "inline_query",
        "chosen_inline_result", "callback_query", "shipping_query", "pre_checkout_query",
        "poll", "poll_answer", "my_chat_member", "chat_join_request", "chat_boost",
        "removed_chat_boost", "business_connection", "business_message",
        "edited_business_message", "deleted_business_messages", "purchased_paid_media",
    }
)  # fmt: skip
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note",
        "upload_video_note",
    }
)  # fmt: skip
INLINE_RESULT_TYPES = frozenset(
    {
        "article", "photo", "gif", "mpeg4_gif", "video", "audio", "voice", "document",
        "location", "venue", "contact", "game", "sticker",
    }
)  # fmt: skip
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # the most getFile lets a bot download from the public Bot API

Handler = Callable[[JSON], Any]


def _now() -> int:
    return int(time.time())


class BotApiCore:
    """The fake server's state and Bot API methods, without HTTP."""

    def __init__(self, token: str, bot_username: str, bot_first_name: str) -> None:
        self.token = token
        self.bot_user = FakeUser(
            id=int(token.split(":", 1)[0]), first_name=bot_first_name, username=bot_username, is_bot=True
        )
        self._cond = threading.Condition()
        self._local = threading.local()
        self._closing = False
        self._pending: list[JSON] = []  # delivered-or-not, unconfirmed updates in id order
        self._next_update_id = 100_000
        self._confirmed_below = 0  # every update_id < this has been confirmed by the bot
        self._allowed = DEFAULT_ALLOWED
        self._poll_generation = 0
        self._chats: dict[int, FakeChat] = {}
        self._messages: dict[tuple[int, int], StoredMessage] = {}
        self._bot_messages: list[StoredMessage] = []
        self._last_message_id: dict[int, int] = {}
        self._queries: dict[str, bool] = {}  # callback/inline query id -> answered
        self._callback_answers: dict[str, JSON] = {}
        self._inline_answers: dict[str, JSON] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._chat_actions: list[tuple[int, str]] = []
        self._calls: list[CallRecord] = []
        self._webhook: JSON | None = None  # as set by setWebhook: url, secret_token, ...
        self._webhook_error: tuple[int, str] | None = None  # last failed delivery: date, message
        self._files: dict[str, JSON] = {}  # file_id -> File object (file_path relative)
        self._contents: dict[str, bytes] = {}  # file_path -> bytes
        self._downloads: list[str] = []  # file paths the bot downloaded
        handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "logOut": lambda p: True,
            "close": lambda p: True,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "sendChatAction": self._send_chat_action,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "getFile": self._get_file,
            "deleteMyCommands": self._delete_my_commands,
        }
        # Bot API method names are case-insensitive.
        self._methods = {name.lower(): (name, fn) for name, fn in handlers.items()}

    # -- dispatch -----------------------------------------------------------------------

    def call(self, method: str, raw: JSON, client_gone: Callable[[], bool] | None = None) -> tuple[int, JSON]:
        """Run one Bot API method; record it; return (HTTP status, reply JSON).

        ``client_gone`` lets a long poll notice that its client hung up (PTB cancels its
        poll on shutdown); such a poll is recorded with status 499 and no reply is sent.
        """
        entry = self._methods.get(method.lower())
        name = entry[0] if entry else method
        params = raw
        self._local.client_gone = client_gone
        try:
            if entry is None:
                raise ApiError(404, "Not Found")
            params = decode_params(raw)
            with self._cond:
                result = entry[1](params)
            status, reply = 200, {"ok": True, "result": result}
        except ApiError as exc:
            status, reply = exc.code, exc.payload()
        finally:
            self._local.client_gone = None
        with self._cond:
            self._calls.append(CallRecord(name, params, status, reply, time.monotonic()))
            self._cond.notify_all()
        return status, reply

    def _wake_all(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()

    # -- state helpers ------------------------------------------------------------------

    def _register_chat(self, chat: FakeChat) -> FakeChat:
        with self._cond:
            self._chats.setdefault(chat.id, chat)
            return self._chats[chat.id]

    def _new_message_id(self, chat_id: int) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def _enqueue(self, kind: str, payload: JSON) -> Injected:
        with self._cond:
            update_id = self._next_update_id
            self._next_update_id += 1
            update = {"update_id": update_id, kind: payload}
            self._pending.append(update)
            self._cond.notify_all()
            return Injected(update_id, copy.deepcopy(update))

    def _chat(self, p: JSON) -> FakeChat:
        chat_id = p.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        chat = None
        if isinstance(chat_id, int):
            chat = self._chats.get(chat_id)
        elif isinstance(chat_id, str) and chat_id.startswith("@"):
            chat = next((c for c in self._chats.values() if c.username and f"@{c.username}" == chat_id), None)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    @staticmethod
    def _text(p: JSON, key: str = "text") -> tuple[str, list[JSON]]:
        try:
            return format_text(p.get(key), p.get("parse_mode"), p.get("entities"))
        except TextError as exc:
            raise bad_request(str(exc)) from None

    def _reply_target(self, chat: FakeChat, p: JSON) -> StoredMessage | None:
        params = p.get("reply_parameters")
        if params is None and p.get("reply_to_message_id") is not None:
            params = {
                "message_id": p["reply_to_message_id"],
                "allow_sending_without_reply": p.get("allow_sending_without_reply", False),
            }
        if params is None:
            return None
        if not isinstance(params, dict) or not isinstance(params.get("message_id"), int):
            raise bad_request("can't parse reply parameters JSON object")
        target_chat = self._chat({"chat_id": params["chat_id"]}) if "chat_id" in params else chat
        target = self._messages.get((target_chat.id, params["message_id"]))
        if target is None or target.deleted:
            if params.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        reply = target.snapshot()
        reply.reply_to = None
        return reply

    def _bot_message(self, p: JSON, action: str) -> StoredMessage:
        if p.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._chat(p)
        message_id = p.get("message_id")
        if not isinstance(message_id, int):
            raise bad_request("message identifier is not specified")
        message = self._messages.get((chat.id, message_id))
        if message is None or message.deleted:
            raise bad_request(f"message to {action} not found")
        if action == "edit" and not message.from_bot:
            raise bad_request("message can't be edited")
        return message

    # -- methods ------------------------------------------------------------------------

    def _get_me(self, p: JSON) -> JSON:
        return {
            **self.bot_user.to_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": True,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _set_allowed(self, allowed: Any) -> None:
        if allowed is not None:
            if not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed):
                raise bad_request("can't parse allowed_updates JSON object")
            self._allowed = frozenset(allowed) or DEFAULT_ALLOWED

    def _drop_pending(self) -> None:
        if self._pending:
            self._confirmed_below = self._pending[-1]["update_id"] + 1
        self._pending.clear()

    def _set_webhook(self, p: JSON) -> bool:
        url = str(p.get("url") or "")
        if not url:  # an empty url removes the webhook, as deleteWebhook does
            return self._delete_webhook(p)
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            raise bad_request(
                "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
            ) from None
        # Like a local Bot API server (--local), plain http and any port are fine on loopback.
        local = parts.hostname in LOOPBACK and parts.scheme in ("http", "https")
        if parts.scheme != "https" and not local:
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if not local and (port or 443) not in WEBHOOK_PORTS:
            raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = p.get("secret_token")
        if secret not in (None, "") and not (isinstance(secret, str) and _SECRET_TOKEN.fullmatch(secret)):
            raise bad_request("secret token contains unallowed characters")
        self._set_allowed(p.get("allowed_updates"))
        if p.get("drop_pending_updates"):
            self._drop_pending()
        self._webhook = {
            "url": url,
            "secret_token": secret or None,
            "max_connections": int(p.get("max_connections") or 40),
            "has_custom_certificate": p.get("certificate") is not None,
        }
        for key in ("ip_address", "allowed_updates"):
            if p.get(key) is not None:
                self._webhook[key] = p[key]
        self._webhook_error = None
        self._cond.notify_all()  # a waiting long poll must end now
        return True

    def _delete_webhook(self, p: JSON) -> bool:
        if p.get("drop_pending_updates"):
            self._drop_pending()
        self._webhook = self._webhook_error = None
        return True

    def _get_webhook_info(self, p: JSON) -> JSON:
        info: JSON = {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._pending)}
        if self._webhook is not None:
            info.update({k: v for k, v in self._webhook.items() if k != "secret_token"})
        if self._webhook_error is not None:
            info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    def _get_updates(self, p: JSON) -> list[JSON]:
        offset = int(p.get("offset") or 0)
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        timeout = max(float(p.get("timeout") or 0), 0.0)
        if self._webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        self._set_allowed(p.get("allowed_updates"))
        if offset < 0:
            dropped = self._pending[:offset] if -offset < len(self._pending) else []
            del self._pending[: len(dropped)]
        elif offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
            self._confirmed_below = max(self._confirmed_below, offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._cond.notify_all()  # an older long poll must end now
        deadline = time.monotonic() + timeout
        client_gone: Callable[[], bool] | None = getattr(self._local, "client_gone", None)
        while True:
            if client_gone is not None and client_gone():
                raise ApiError(CLIENT_GONE, "client closed the connection (recorded by the fake server only)")
            if generation != self._poll_generation:
                raise ApiError(409, POLL_CONFLICT)
            if self._webhook is not None:
                raise ApiError(409, WEBHOOK_CONFLICT)
            # Updates of types the bot did not ask for are dropped, as Telegram does.
            self._pending = [u for u in self._pending if set(u) - {"update_id"} <= self._allowed]
            if self._pending or self._closing:
                return copy.deepcopy(self._pending[:limit])
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            # Wake-ups on new updates/shutdown are immediate; the slice only bounds how
            # late a hung-up client is noticed.
            self._cond.wait(min(remaining, 0.2) if client_gone is not None else remaining)

    def _send_message(self, p: JSON) -> JSON:
        markup = check_reply_markup(p.get("reply_markup"), inline_only=False)
        text, entities = self._text(p)
        chat = self._chat(p)
        reply_to = self._reply_target(chat, p)
        message = StoredMessage(
            message_id=self._new_message_id(chat.id),
            chat=chat,
            sender=self.bot_user,
            date=_now(),
            text=text,
            entities=entities,
            reply_markup=markup,
            reply_to=reply_to,
        )
        if isinstance(p.get("link_preview_options"), dict):
            message.extra["link_preview_options"] = p["link_preview_options"]
        self._messages[(chat.id, message.message_id)] = message
        self._bot_messages.append(message)
        return message.to_json()

    def _edit_message_text(self, p: JSON) -> JSON:
        markup = check_reply_markup(p.get("reply_markup"), inline_only=True)
        text, entities = self._text(p)
        message = self._bot_message(p, "edit")
        if message.text is None:
            raise bad_request("there is no text in the message to edit")
        if (message.text, message.entities, message.reply_markup) == (text, entities, markup):
            raise bad_request(NOT_MODIFIED)
        message.history.append(message.text)
        message.text, message.entities, message.reply_markup = text, entities, markup
        message.edit_date = _now()
        return message.to_json()

    def _edit_message_reply_markup(self, p: JSON) -> JSON:
        markup = check_reply_markup(p.get("reply_markup"), inline_only=True)
        message = self._bot_message(p, "edit")
        if message.reply_markup == markup:
            raise bad_request(NOT_MODIFIED)
        message.reply_markup = markup
        message.edit_date = _now()
        return message.to_json()

    def _delete_message(self, p: JSON) -> bool:
        message = self._bot_message(p, "delete")
        message.deleted = True
        return True

    def _send_chat_action(self, p: JSON) -> bool:
        chat = self._chat(p)
        if p.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self._chat_actions.append((chat.id, str(p["action"])))
        return True

    def _take_query(self, p: JSON, key: str) -> str:
        query_id = str(p.get(key) or "")
        if self._queries.get(query_id, True):  # unknown or already answered
            raise bad_request(QUERY_TOO_OLD)
        return query_id

    def _answer_callback_query(self, p: JSON) -> bool:
        query_id = self._take_query(p, "callback_query_id")
        text = p.get("text")
        if isinstance(text, str) and utf16_len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self._queries[query_id] = True
        self._callback_answers[query_id] = dict(p)
        return True

    def _answer_inline_query(self, p: JSON) -> bool:
        query_id = self._take_query(p, "inline_query_id")
        results = p.get("results")
        if not isinstance(results, list):
            raise bad_request("can't parse inline query results JSON object")
        if len(results) > 50:
            raise bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            _check_inline_result(result, seen)
        self._queries[query_id] = True
        self._inline_answers[query_id] = dict(p)
        return True

    @staticmethod
    def _commands_key(p: JSON) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
            raise bad_request("can't parse BotCommandScope JSON object")
        return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")

    def _set_my_commands(self, p: JSON) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        clean: list[JSON] = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand JSON object")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not _COMMAND.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not description.strip():
                raise bad_request("command description is empty")
            if len(description) > 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": name, "description": description})
        key = self._commands_key(p)
        scope = p.get("scope") or {}
        if scope.get("type") in ("chat", "chat_administrators", "chat_member"):
            self._chat({"chat_id": scope.get("chat_id")})  # "chat not found" for a chat never seen
        if clean:
            self._commands[key] = clean
        else:
            self._commands.pop(key, None)
        return True

    def _get_file(self, p: JSON) -> JSON:
        found = self._files.get(str(p.get("file_id") or ""))
        if found is None:
            raise bad_request("invalid file_id")
        if found["file_size"] > DOWNLOAD_LIMIT:
            raise bad_request("file is too big")
        return copy.deepcopy(found)

    def download(self, token: str, file_path: str) -> tuple[int, bytes]:
        """``GET /file/bot<token>/<file_path>``: (HTTP status, body), as the file server answers."""
        with self._cond:
            if token != self.token:
                return 401, b"Unauthorized"
            content = self._contents.get(file_path)
            if content is None:
                return 404, b"Not Found"
            self._downloads.append(file_path)
            self._cond.notify_all()
            return 200, content

    def _get_my_commands(self, p: JSON) -> list[JSON]:
        return copy.deepcopy(self._commands.get(self._commands_key(p), []))

    def _delete_my_commands(self, p: JSON) -> bool:
        self._commands.pop(self._commands_key(p), None)
        return True


def _check_inline_result(result: Any, seen: set[str]) -> None:
    prefix = "can't parse inline query result: "
    if not isinstance(result, dict):
        raise bad_request(prefix + "InlineQueryResult must be an Object")
    kind = result.get("type")
    if not isinstance(kind, str) or kind.lower() not in INLINE_RESULT_TYPES:
        raise bad_request(prefix + f'type "{kind or ""}" is unsupported for the inline query result')
    result_id = result.get("id")
    if not isinstance(result_id, str):
        raise bad_request(prefix + 'Can\'t find field "id"')
    if not 1 <= len(result_id.encode("utf-8")) <= 64:
        raise bad_request("RESULT_ID_INVALID")
    if result_id in seen:
        raise bad_request("RESULT_ID_DUPLICATE")
    seen.add(result_id)
    content = result.get("input_message_content")
    if kind == "article":
        if not isinstance(result.get("title"), str):
            raise bad_request(prefix + 'Field "title" must be of type String')
        if not isinstance(content, dict):
            raise bad_request(prefix + 'Can\'t find field "input_message_content"')
    if isinstance(content, dict) and "message_text" in content:
        try:
            format_text(content.get("message_text"), content.get("parse_mode"), content.get("entities"))
        except TextError as exc:
            detail = str(exc)
            raise bad_request(prefix + detail[:1].upper() + detail[1:]) from None
    check_reply_markup(result.get("reply_markup"), inline_only=True)

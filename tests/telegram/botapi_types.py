"""Data types and request validation shared by the fake Telegram Bot API server.

See :mod:`tests.telegram.fake_botapi` for the public, test-facing API.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any

from .telegram_html import HtmlParseError, parse_html, utf16_len

JSON = dict[str, Any]

MAX_MESSAGE_LENGTH = 4096  # UTF-16 code units, after entity parsing
MAX_CALLBACK_DATA_BYTES = 64
_TRIMMED = " \t\r\n\v\f"


class ApiError(Exception):
    """An error reply of the Bot API: HTTP ``code`` with Telegram's ``description``."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description

    def payload(self) -> JSON:
        return {"ok": False, "error_code": self.code, "description": self.description}


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


class TextError(ValueError):
    """A message text Telegram rejects; ``str(error)`` is the detail after "Bad Request: "."""


@dataclass(frozen=True)
class FakeUser:
    """A Telegram user (or the bot itself) as it appears in updates."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_json(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass(frozen=True)
class FakeChat:
    """A chat: ``type`` is "private" (id == user id), "group" or "supergroup" (negative ids)."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None

    def to_json(self) -> JSON:
        data: JSON = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass
class StoredMessage:
    """A message as the fake server stores it; the server hands out snapshots (copies)."""

    message_id: int
    chat: FakeChat
    sender: FakeUser
    date: int
    text: str | None = None
    entities: list[JSON] = field(default_factory=list)
    reply_markup: JSON | None = None  # inline keyboards only (Telegram echoes nothing else)
    reply_to: StoredMessage | None = None
    edit_date: int | None = None
    extra: JSON = field(default_factory=dict)  # sticker / photo / caption / link_preview_options
    history: list[str | None] = field(default_factory=list)  # texts before each edit
    deleted: bool = False

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def from_bot(self) -> bool:
        return self.sender.is_bot

    @property
    def buttons(self) -> list[JSON]:
        """The inline keyboard buttons, row by row, flattened."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]

    def snapshot(self) -> StoredMessage:
        return copy.deepcopy(self)

    def to_json(self, *, with_reply: bool = True) -> JSON:
        data: JSON = {
            "message_id": self.message_id,
            "from": self.sender.to_json(),
            "chat": self.chat.to_json(),
            "date": self.date,
        }
        if self.reply_to is not None and with_reply:
            data["reply_to_message"] = self.reply_to.to_json(with_reply=False)
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if self.text is not None:
            data["text"] = self.text
            if self.entities:
                data["entities"] = copy.deepcopy(self.entities)
        data.update(copy.deepcopy(self.extra))
        if self.reply_markup is not None:
            data["reply_markup"] = copy.deepcopy(self.reply_markup)
        return data


@dataclass(frozen=True)
class CallRecord:
    """One Bot API request the bot made, with the reply the fake server gave."""

    method: str  # canonical name (e.g. "sendMessage"), or as requested if unknown
    params: JSON  # decoded: JSON-valued fields are parsed, numbers are ints
    status: int  # HTTP status
    response: JSON
    at: float  # time.monotonic() when the reply was produced

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def result(self) -> Any:
        return self.response.get("result")

    @property
    def description(self) -> str | None:
        return self.response.get("description")

    def __str__(self) -> str:
        outcome = "ok" if self.ok else f"{self.status} {self.description}"
        return f"{self.method}({json.dumps(self.params, ensure_ascii=False)[:300]}) -> {outcome}"


@dataclass(frozen=True)
class Injected:
    """An update the test injected: its ``update_id`` and the JSON the bot receives."""

    update_id: int
    update: JSON

    @property
    def message(self) -> JSON:
        return self.update["message"]  # type: ignore[no-any-return]

    @property
    def message_id(self) -> int:
        return int(self.message["message_id"])

    @property
    def chat_id(self) -> int:
        return int(self.message["chat"]["id"])

    @property
    def callback_query_id(self) -> str:
        return str(self.update["callback_query"]["id"])

    @property
    def inline_query_id(self) -> str:
        return str(self.update["inline_query"]["id"])


# Request parameters arrive as strings (form/multipart: PTB sends objects JSON-encoded and
# strings as they are) or as native JSON values (application/json bodies).
JSON_FIELDS = frozenset(
    {
        "reply_markup", "entities", "caption_entities", "reply_parameters",
        "link_preview_options", "commands", "scope", "results", "allowed_updates", "button",
        "media", "menu_button", "reaction",
    }
)  # fmt: skip
INT_FIELDS = frozenset(
    {
        "message_id", "offset", "limit", "timeout", "cache_time", "reply_to_message_id",
        "message_thread_id", "user_id", "from_chat_id", "max_connections",
    }
)  # fmt: skip
BOOL_FIELDS = frozenset(
    {
        "disable_notification", "protect_content", "show_alert", "is_personal",
        "drop_pending_updates", "allow_sending_without_reply", "disable_web_page_preview",
        "allow_paid_broadcast",
    }
)  # fmt: skip


def decode_params(raw: JSON) -> JSON:
    """Give every known parameter its JSON type; raise 400 like Telegram on malformed JSON."""
    params: JSON = {}
    for key, value in raw.items():
        if isinstance(value, str):
            if key in JSON_FIELDS:
                try:
                    value = json.loads(value)
                except ValueError:
                    raise bad_request(f"can't parse {key} JSON object") from None
            elif key in INT_FIELDS or (key == "chat_id" and re.fullmatch(r"-?\d+", value)):
                try:
                    value = int(value)
                except ValueError:
                    raise bad_request(f'parameter "{key}" must be a Number') from None
            elif key in BOOL_FIELDS:
                value = value.lower() in ("true", "1")
        params[key] = value
    return params


def _trim(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Strip surrounding whitespace like Telegram, shifting and clipping entities."""
    stripped = text.strip(_TRIMMED)
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip(_TRIMMED))])
    limit = utf16_len(stripped)
    kept: list[JSON] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def format_text(text: Any, parse_mode: Any, entities: Any) -> tuple[str, list[JSON]]:
    """Validate a message text like sendMessage does: (final text, entities) or ApiError.

    Raises TextError with the detail only (no "Bad Request: "): callers add context.
    """
    if not isinstance(text, str) or not text:
        raise TextError("message text is empty")
    mode = str(parse_mode or "").lower()
    if mode == "html":
        try:
            text, found = parse_html(text)
        except HtmlParseError as exc:
            raise TextError(f"can't parse entities: {exc}") from None
    elif mode in ("markdown", "markdownv2"):
        raise TextError(f"the fake Bot API implements parse_mode HTML only, not {parse_mode}")
    elif mode not in ("", "none"):
        raise TextError("unsupported parse_mode")
    else:
        found = _check_entities(entities, utf16_len(text))
    text, found = _trim(text, found)
    if not text:
        raise TextError("message text is empty")
    if utf16_len(text) > MAX_MESSAGE_LENGTH:
        raise TextError("message is too long")
    return text, found


def _check_entities(entities: Any, length: int) -> list[JSON]:
    if entities is None:
        return []
    if not isinstance(entities, list):
        raise TextError("can't parse entities JSON object")
    for entity in entities:
        if not isinstance(entity, dict) or not isinstance(entity.get("type"), str):
            raise TextError('can\'t parse MessageEntity: Field "type" must be of type String')
        offset, size = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(size, int) or offset < 0 or size < 0:
            raise TextError("can't parse MessageEntity: wrong offset or length")
        if offset + size > length:
            raise TextError("entity end is after the end of the message")  # approximate
    return [dict(e) for e in entities if e["length"] > 0]


_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip


def check_reply_markup(markup: Any, *, inline_only: bool) -> JSON | None:
    """Validate reply_markup; return it if it is an inline keyboard (echoed back), else None."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if inline_only or not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
            raise bad_request("can't parse reply keyboard markup JSON object")
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays')
    for row in rows:
        for button in row:
            _check_button(button)
    return {"inline_keyboard": copy.deepcopy(rows)}


def _check_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str):
        raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    actions = [key for key in _BUTTON_ACTIONS if key in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not (isinstance(button["url"], str) and button["url"].strip()):
        raise bad_request("BUTTON_URL_INVALID")


_AUTO_ENTITY = re.compile(
    r"(?P<bot_command>(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?)"
    r"|(?P<mention>(?<![\w@])@[A-Za-z0-9_]{4,32})"
    r"|(?P<url>https?://[^\s<>\"]+)"
)


def auto_entities(text: str) -> list[JSON]:
    """Entities Telegram's clients/servers detect in plain user text: commands, mentions, URLs."""
    found: list[JSON] = []
    for match in _AUTO_ENTITY.finditer(text):
        kind = match.lastgroup or "url"
        found.append(
            {
                "type": kind,
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group()),
            }
        )
    return found

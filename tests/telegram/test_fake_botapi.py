"""Tests of the fake Telegram Bot API server, driven by python-telegram-bot's real ``Bot``."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest, Conflict, InvalidToken
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from .botapi_methods import NOT_MODIFIED, QUERY_TOO_OLD, WEBHOOK_CONFLICT
from .fake_botapi import FakeBotAPI

pytestmark = pytest.mark.asyncio


def make_bot(server: FakeBotAPI) -> Bot:
    return Bot(server.token, base_url=server.api_url)


def raw_post(
    url: str, data: bytes = b"", content_type: str = "application/x-www-form-urlencoded"
) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read())


@contextlib.contextmanager
def rejected(server: FakeBotAPI, description: str) -> Iterator[None]:
    """Expect exactly one 400 with Telegram's ``description`` (minus "Bad Request: ")."""
    before = len(server.bad_requests())
    with pytest.raises(BadRequest) as caught:
        yield
    assert caught.value.message == description.capitalize()  # PTB capitalizes Telegram's text
    [error] = server.bad_requests()[before:]
    assert error.response == {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in data]])


# -- transport, tokens, unknown methods ---------------------------------------------------


async def test_get_me(botapi: FakeBotAPI) -> None:
    async with make_bot(botapi) as bot:
        me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "qa_test_bot", True)
    assert botapi.base_url.startswith("http://127.0.0.1:")
    assert botapi.env() == {
        "TELEGRAM_API_BASE_URL": botapi.base_url,
        "TELEGRAM_BOT_TOKEN": "123456:TEST-token",
    }
    assert {c.method for c in botapi.calls()} == {"getMe"}  # Bot.initialize() calls getMe too


async def test_wrong_token_is_401(botapi: FakeBotAPI) -> None:
    status, body = raw_post(f"{botapi.base_url}/bot123456:WRONG/getMe")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    with pytest.raises(InvalidToken):
        async with Bot("123456:WRONG", base_url=botapi.api_url):
            pass


async def test_unknown_method_and_path_are_404(botapi: FakeBotAPI) -> None:
    not_found = {"ok": False, "error_code": 404, "description": "Not Found"}
    assert raw_post(f"{botapi.api_url}{botapi.token}/sendTelepathy") == (404, not_found)
    assert raw_post(f"{botapi.base_url}/nothing") == (404, not_found)
    # method names are case-insensitive, as on Telegram
    status, body = raw_post(f"{botapi.api_url}{botapi.token}/GETME")
    assert status == 200 and body["result"]["username"] == "qa_test_bot"


async def test_json_and_multipart_bodies(botapi: FakeBotAPI) -> None:
    chat = botapi.private_chat(botapi.make_user())
    url = f"{botapi.api_url}{botapi.token}/sendMessage"
    payload = {
        "chat_id": chat.id,
        "text": "<i>json</i>",
        "parse_mode": "HTML",
        "reply_markup": keyboard("a").to_dict(),
    }
    status, body = raw_post(url, json.dumps(payload).encode(), "application/json")
    assert status == 200 and body["result"]["text"] == "json"
    assert body["result"]["reply_markup"] == {"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]}
    multipart = (
        b'--XX\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n' + str(chat.id).encode() + b"\r\n"
        b'--XX\r\nContent-Disposition: form-data; name="text"\r\n\r\nmulti \xc3\xa9\r\n--XX--\r\n'
    )
    status, body = raw_post(url, multipart, "multipart/form-data; boundary=XX")
    assert status == 200 and body["result"]["text"] == "multi é"


# -- sendMessage and Telegram's rules -----------------------------------------------------


async def test_send_message_is_stored_and_echoed(botapi: FakeBotAPI) -> None:
    user = botapi.make_user("Bob", language_code="zh-hans")
    question = botapi.send_text(user, None, "what is BM25?")
    async with make_bot(botapi) as bot:
        sent = await bot.send_message(
            user.id,
            "<b>Answer</b> &amp; <a href='https://example.com/x'>source</a>\n",
            parse_mode="HTML",
            reply_markup=keyboard("more:1"),
            reply_parameters=ReplyParameters(question.message_id),
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
    assert sent.text == "Answer & source"  # tags stripped, entity decoded, trailing newline trimmed
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 6), ("text_link", 9, 6)]
    assert sent.entities[1].url == "https://example.com/x"
    assert sent.reply_to_message is not None and sent.reply_to_message.text == "what is BM25?"
    assert sent.reply_markup == keyboard("more:1")
    assert sent.from_user is not None and sent.from_user.id == botapi.bot_user.id
    [stored] = botapi.sent_messages(user.id)
    assert (stored.message_id, stored.text, stored.callback_data) == (
        sent.message_id,
        "Answer & source",
        ["more:1"],
    )
    call = botapi.calls("sendMessage")[0]
    assert call.params["reply_markup"] == keyboard("more:1").to_dict()  # decoded from the form encoding
    assert call.params["link_preview_options"] == {"is_disabled": True}
    assert call.params["chat_id"] == user.id
    follow_up = botapi.send_text(user, None, "thanks", reply_to=stored)
    assert follow_up.message["reply_to_message"]["message_id"] == sent.message_id
    assert botapi.bad_requests() == []


@pytest.mark.parametrize(
    ("text", "description"),
    [
        (
            "<script>alert(1)</script>",
            'can\'t parse entities: Unsupported start tag "script" at byte offset 0',
        ),
        ("é <br/>", 'can\'t parse entities: Unsupported start tag "br/" at byte offset 3'),
        ("1 < 2", 'can\'t parse entities: Unsupported start tag "" at byte offset 2'),
        ("Hi <b>there", "can't parse entities: Can't find end tag corresponding to start tag \"b\""),
        (
            "<i>a</b>",
            'can\'t parse entities: Unmatched end tag at byte offset 4, expected "</i>", found "</b>"',
        ),
        ("a</b>", "can't parse entities: Unexpected end tag at byte offset 1"),
        ("<span>x</span>", 'can\'t parse entities: Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<b", "can't parse entities: Unclosed start tag at byte offset 0"),
        ("<a href=x;y>z</a>", "can't parse entities: Unexpected end of name token at byte offset 8"),
        ("", "message text is empty"),
        ("<b> \n </b>", "message text is empty"),
        ("x" * 4097, "message is too long"),
        ("😀" * 2049, "message is too long"),  # 2049 characters, 4098 UTF-16 code units
    ],
)
async def test_send_message_rejections(botapi: FakeBotAPI, text: str, description: str) -> None:
    chat = botapi.private_chat(botapi.make_user())
    async with make_bot(botapi) as bot:
        with rejected(botapi, description):
            await bot.send_message(chat.id, text, parse_mode="HTML")
    assert botapi.sent_messages() == []


@pytest.mark.parametrize(
    "text",
    [
        "<b>" + "x" * 4096 + "</b>",
        "&lt;" * 4096,
        "😀" * 2048,
        "AT&T &nbsp; x&y",
        "<blockquote expandable>q</blockquote>",
    ],
)
async def test_send_message_limits_count_parsed_text(botapi: FakeBotAPI, text: str) -> None:
    chat = botapi.private_chat(botapi.make_user())
    async with make_bot(botapi) as bot:
        await bot.send_message(chat.id, text, parse_mode="HTML")
    assert botapi.bad_requests() == []


async def test_markdown_is_refused_loudly(botapi: FakeBotAPI) -> None:
    chat = botapi.private_chat(botapi.make_user())
    async with make_bot(botapi) as bot:
        with rejected(botapi, "the fake Bot API implements parse_mode HTML only, not MarkdownV2"):
            await bot.send_message(chat.id, "*x*", parse_mode="MarkdownV2")
        plain = await bot.send_message(chat.id, "<b>not parsed</b>")
    assert plain.text == "<b>not parsed</b>"


@pytest.mark.parametrize("data", ["x" * 65, "é" * 33, ""])
async def test_callback_data_must_be_1_to_64_bytes(botapi: FakeBotAPI, data: str) -> None:
    chat = botapi.private_chat(botapi.make_user())
    markup = {
        "inline_keyboard": [
            [{"text": "ok", "callback_data": "y" * 64}, {"text": "bad", "callback_data": data}]
        ]
    }
    async with make_bot(botapi) as bot:
        with rejected(botapi, "BUTTON_DATA_INVALID"):
            await bot.send_message(chat.id, "hi", reply_markup=json.dumps(markup))  # type: ignore[arg-type]
        await bot.send_message(chat.id, "hi", reply_markup=keyboard("y" * 64, "é" * 32))


async def test_unknown_chat_and_reply_target(botapi: FakeBotAPI) -> None:
    chat = botapi.private_chat(botapi.make_user())
    async with make_bot(botapi) as bot:
        with rejected(botapi, "chat not found"):
            await bot.send_message(999, "hi")
        with rejected(botapi, "message to be replied not found"):
            await bot.send_message(chat.id, "hi", reply_parameters=ReplyParameters(42))
        sent = await bot.send_message(
            chat.id, "hi", reply_parameters=ReplyParameters(42, allow_sending_without_reply=True)
        )
    assert sent.reply_to_message is None


# -- getUpdates ---------------------------------------------------------------------------


async def test_get_updates_offset_limit_and_confirmation(botapi: FakeBotAPI) -> None:
    user = botapi.make_user()
    group = botapi.group_chat("Readers")
    ids = [botapi.send_text(user, None, f"m{i}").update_id for i in range(3)]
    botapi.send_text(user, group, "/ask@qa_test_bot what? @qa_test_bot")
    async with make_bot(botapi) as bot:
        assert [u.update_id for u in await bot.get_updates(limit=2)] == ids[:2]
        assert [u.update_id for u in await bot.get_updates()] == [*ids, ids[2] + 1]  # not confirmed yet
        updates = await bot.get_updates(offset=ids[1] + 1)
        assert [u.message.text for u in updates if u.message] == ["m2", "/ask@qa_test_bot what? @qa_test_bot"]
        group_message = updates[1].message
        assert group_message is not None and group_message.chat.type == "group"
        assert group_message.parse_entities() == {
            group_message.entities[0]: "/ask@qa_test_bot",
            group_message.entities[1]: "@qa_test_bot",
        }
        assert await bot.get_updates(offset=updates[-1].update_id + 1) == ()
    assert botapi.pending_update_count() == 0


async def test_long_poll_wakes_on_new_update(botapi: FakeBotAPI) -> None:
    user = botapi.make_user()
    async with make_bot(botapi) as bot:
        started = time.monotonic()
        poll = asyncio.create_task(bot.get_updates(timeout=20))
        await asyncio.sleep(0.3)
        assert not poll.done()
        threading.Thread(target=botapi.send_text, args=(user, None, "wake up")).start()
        updates = await asyncio.wait_for(poll, 5)
    assert [u.message.text for u in updates if u.message] == ["wake up"]
    assert time.monotonic() - started < 2


async def test_long_poll_honours_timeout(botapi: FakeBotAPI) -> None:
    async with make_bot(botapi) as bot:
        started = time.monotonic()
        assert await bot.get_updates(timeout=1) == ()
        assert 0.9 <= time.monotonic() - started < 3


async def test_newer_poll_terminates_older_one(botapi: FakeBotAPI) -> None:
    # two Bot objects: one Bot has a single connection for getUpdates (a second poll would queue)
    async with make_bot(botapi) as bot, make_bot(botapi) as other_instance:
        first = asyncio.create_task(bot.get_updates(timeout=20))
        await asyncio.sleep(0.2)
        second = asyncio.create_task(other_instance.get_updates(timeout=20))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(first, 5)
        botapi.send_text(botapi.make_user(), None, "hello")
        assert len(await asyncio.wait_for(second, 5)) == 1


async def test_allowed_updates_and_drop_pending(botapi: FakeBotAPI) -> None:
    user = botapi.make_user()
    botapi.inline_query(user, "ignored")
    kept = botapi.send_text(user, None, "kept")
    async with make_bot(botapi) as bot:
        updates = await bot.get_updates(allowed_updates=["message"])
        assert [u.update_id for u in updates] == [kept.update_id]
        botapi.inline_query(user, "still ignored: the setting persists")
        assert await bot.get_updates(offset=kept.update_id + 1) == ()
        botapi.send_text(user, None, "dropped")
        assert await bot.delete_webhook(drop_pending_updates=True)
        assert await bot.get_updates(allowed_updates=[]) == ()
        query = botapi.inline_query(user, "back to the default set")
        assert [u.update_id for u in await bot.get_updates()] == [query.update_id]


async def test_concurrent_injection_loses_and_duplicates_nothing(botapi: FakeBotAPI) -> None:
    users = [botapi.make_user(f"User{n}", language_code="zh-hans" if n % 2 else "en") for n in range(5)]
    barrier = threading.Barrier(len(users))

    def chatter(user_index: int) -> None:
        barrier.wait()
        for i in range(10):
            botapi.send_text(users[user_index], None, f"u{user_index} m{i}")

    threads = [threading.Thread(target=chatter, args=(n,)) for n in range(len(users))]
    received: list[Update] = []
    async with make_bot(botapi) as bot:
        for thread in threads:
            thread.start()
        offset = 0
        deadline = time.monotonic() + 5
        while len(received) < 50 and time.monotonic() < deadline:
            batch = await bot.get_updates(offset=offset, timeout=1, limit=7)
            received.extend(batch)
            if batch:
                offset = batch[-1].update_id + 1
        for thread in threads:
            thread.join()
        assert await bot.get_updates(offset=offset) == ()
    ids = [u.update_id for u in received]
    assert len(ids) == 50 and ids == sorted(set(ids))
    texts = {(u.effective_user.id, u.message.text) for u in received if u.effective_user and u.message}
    assert texts == {(users[n].id, f"u{n} m{i}") for n in range(5) for i in range(10)}
    for user in users:  # per-user message order is preserved
        mine = [
            u.message.text
            for u in received
            if u.message and u.effective_user and u.effective_user.id == user.id
        ]
        assert mine == [f"u{users.index(user)} m{i}" for i in range(10)]


async def test_stop_wakes_long_poll_promptly() -> None:
    server = FakeBotAPI().start()
    result: list[Any] = []
    poller = threading.Thread(
        target=lambda: result.append(raw_post(f"{server.api_url}{server.token}/getUpdates", b"timeout=30"))
    )
    poller.start()
    server.wait_until(lambda: server._poll_generation > 0, 10, "the long poll to start")
    started = time.monotonic()
    server.stop()
    poller.join(5)
    assert not poller.is_alive() and time.monotonic() - started < 2
    assert result == [(200, {"ok": True, "result": []})]


# -- webhooks -------------------------------------------------------------------------------


class Receiver(BaseHTTPRequestHandler):
    """A webhook endpoint that records each POST and answers ``server.status``."""

    server: ReceiverServer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.received.append((self.path, dict(self.headers.items()), json.loads(body)))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class ReceiverServer(HTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Receiver)
        self.received: list[tuple[str, dict[str, str], Any]] = []
        self.status = 200


@pytest.fixture
def receiver() -> Iterator[ReceiverServer]:
    with ReceiverServer() as server:
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        try:
            yield server
        finally:
            server.shutdown()
            thread.join()


async def test_set_webhook_stops_polling_until_deleted(botapi: FakeBotAPI) -> None:
    user = botapi.make_user()
    botapi.send_text(user, None, "queued")
    async with make_bot(botapi) as bot:
        poll = asyncio.create_task(bot.get_updates(offset=10**9, timeout=20))  # confirms "queued"
        await botapi.async_wait_until(lambda: botapi.pending_update_count() == 0, what="the long poll")
        assert await bot.set_webhook(
            "http://127.0.0.1:8080/hook", secret_token="s3cret_-", allowed_updates=["message"]
        )
        with pytest.raises(Conflict) as caught:  # the waiting poll ends at once
            await asyncio.wait_for(poll, 5)
        assert caught.value.message == WEBHOOK_CONFLICT
        botapi.send_text(user, None, "pending")
        info = await bot.get_webhook_info()
        assert (info.url, info.pending_update_count, info.max_connections) == (
            "http://127.0.0.1:8080/hook",
            1,
            40,
        )
        assert info.allowed_updates == ("message",) and info.last_error_message is None
        with pytest.raises(Conflict):
            await bot.get_updates()
        assert botapi.errors()[-1].response == {
            "ok": False,
            "error_code": 409,
            "description": WEBHOOK_CONFLICT,
        }
        assert botapi.webhook() == {
            "url": "http://127.0.0.1:8080/hook",
            "secret_token": "s3cret_-",
            "max_connections": 40,
            "has_custom_certificate": False,
            "allowed_updates": ["message"],
        }
        assert await bot.delete_webhook()
        assert botapi.webhook() is None and (await bot.get_webhook_info()).url == ""
        [update] = await bot.get_updates()
    assert update.message is not None and update.message.text == "pending"


async def test_set_webhook_rejections(botapi: FakeBotAPI) -> None:
    async with make_bot(botapi) as bot:
        with rejected(botapi, "bad webhook: An HTTPS URL must be provided for webhook"):
            await bot.set_webhook("http://bot.example.org/hook")
        with rejected(botapi, "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"):
            await bot.set_webhook("https://bot.example.org:8080/hook")
        with rejected(botapi, "secret token contains unallowed characters"):
            await bot.set_webhook("https://bot.example.org/hook", secret_token="123456:TEST-token")
        assert botapi.webhook() is None
        assert await bot.set_webhook("https://bot.example.org:8443/hook", drop_pending_updates=True)
        assert await bot.set_webhook("")  # an empty url removes the webhook
    assert botapi.webhook() is None


async def test_deliver_webhook_posts_json_with_the_secret(
    botapi: FakeBotAPI, receiver: ReceiverServer
) -> None:
    user = botapi.make_user()
    first = botapi.send_text(user, None, "first")
    second = botapi.send_text(user, None, "second")
    with pytest.raises(AssertionError, match="no webhook is set"):
        botapi.deliver_webhook()
    url = f"http://127.0.0.1:{receiver.server_address[1]}/tg/hook?bot=1"
    async with make_bot(botapi) as bot:
        assert await bot.set_webhook(url, secret_token="s3cret")
        assert await asyncio.to_thread(botapi.deliver_webhook) == 200  # the oldest pending one
        path, headers, body = receiver.received[0]
        assert (path, body) == ("/tg/hook?bot=1", first.update)
        assert headers["Content-Type"] == "application/json"
        assert headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cret"
        assert botapi.pending_update_count() == 1  # a 2xx reply confirms the update

        receiver.status = 403
        assert await asyncio.to_thread(botapi.deliver_webhook, second, secret_token=None) == 403
        assert "X-Telegram-Bot-Api-Secret-Token" not in receiver.received[1][1]
        assert await asyncio.to_thread(botapi.deliver_webhook, second, secret_token="wrong") == 403
        assert receiver.received[2][1]["X-Telegram-Bot-Api-Secret-Token"] == "wrong"
        info = await bot.get_webhook_info()
        assert info.pending_update_count == 1  # refused: still pending, as on Telegram
        assert info.last_error_message == "Wrong response from the webhook: 403 Forbidden"
        assert info.last_error_date is not None

        receiver.status = 200
        assert await asyncio.to_thread(botapi.deliver_webhook, second.update_id) == 200
        with pytest.raises(AssertionError, match=f"update {first.update_id} is not pending"):
            botapi.deliver_webhook(first)
    assert botapi.webhook_deliveries() == [
        (first.update_id, 200),
        (second.update_id, 403),
        (second.update_id, 403),
        (second.update_id, 200),
    ]
    assert [r[2] for r in receiver.received] == [first.update, second.update, second.update, second.update]
    assert botapi.pending_update_count() == 0


async def test_deliver_webhook_connection_refused(botapi: FakeBotAPI) -> None:
    injected = botapi.send_text(botapi.make_user(), None, "hello")
    with socket.socket() as bound:  # bound, never listening: connections are refused
        bound.bind(("127.0.0.1", 0))
        port = bound.getsockname()[1]
        async with make_bot(botapi) as bot:
            assert await bot.set_webhook(f"http://127.0.0.1:{port}/")
            with pytest.raises(ConnectionRefusedError):
                await asyncio.to_thread(botapi.deliver_webhook, injected)
            info = await bot.get_webhook_info()
    assert info.last_error_message == "Connection refused" and info.pending_update_count == 1
    assert botapi.webhook_deliveries() == [(injected.update_id, 0)]


# -- editing, callback queries, inline queries -------------------------------------------


async def test_edit_message_text_and_markup(botapi: FakeBotAPI) -> None:
    user = botapi.make_user()
    question = botapi.send_text(user, None, "q")
    async with make_bot(botapi) as bot:
        sent = await bot.send_message(user.id, "page 1", reply_markup=keyboard("more"))
        edited = await bot.edit_message_text(
            "<b>page 2</b>", user.id, sent.message_id, parse_mode="HTML", reply_markup=keyboard("less")
        )
        assert isinstance(edited, type(sent)) and edited.edit_date is not None and edited.text == "page 2"
        current = botapi.message(user.id, sent.message_id)
        assert (current.text, current.callback_data, current.history) == ("page 2", ["less"], ["page 1"])
        with rejected(botapi, NOT_MODIFIED):
            await bot.edit_message_text(
                "<b>page 2</b>", user.id, sent.message_id, parse_mode="HTML", reply_markup=keyboard("less")
            )
        # the entities differ, so this is a change; an edit without reply_markup removes the keyboard
        await bot.edit_message_text("page 2", user.id, sent.message_id)
        assert botapi.message(user.id, sent.message_id).reply_markup is None
        await bot.edit_message_reply_markup(user.id, sent.message_id, reply_markup=keyboard("again"))
        assert botapi.sent_messages(user.id)[0].callback_data == ["again"]
        with rejected(botapi, NOT_MODIFIED):
            await bot.edit_message_reply_markup(user.id, sent.message_id, reply_markup=keyboard("again"))
        with rejected(botapi, "message to edit not found"):
            await bot.edit_message_text("x", user.id, 999)
        with rejected(botapi, "message can't be edited"):
            await bot.edit_message_text("x", user.id, question.message_id)
        with rejected(botapi, "message text is empty"):
            await bot.edit_message_text(" ", user.id, sent.message_id)
        assert await bot.delete_message(user.id, sent.message_id)
        with rejected(botapi, "message to delete not found"):
            await bot.delete_message(user.id, sent.message_id)
    assert botapi.sent_messages(user.id) == []
    assert len(botapi.bad_requests()) == 6


async def test_callback_query_round_trip(botapi: FakeBotAPI) -> None:
    user = botapi.make_user("Carol", language_code="zh-hans")
    botapi.private_chat(user)  # without a chat the bot may not write to the user: "chat not found"
    async with make_bot(botapi) as bot:
        await bot.send_message(user.id, "answer", reply_markup=keyboard("more:7"))
        [message] = botapi.sent_messages(user.id)
        with pytest.raises(AssertionError, match="no button with callback_data 'nope'"):
            botapi.press_button(user, message, "nope")
        pressed = botapi.press_button(user, message, "more:7")
        [update] = await bot.get_updates()
        query = update.callback_query
        assert query is not None and query.id == pressed.callback_query_id and query.data == "more:7"
        assert query.message is not None and query.message.message_id == message.message_id
        assert query.from_user.language_code == "zh-hans"
        assert await bot.answer_callback_query(query.id, text="loading")
        assert botapi.callback_answers() == {query.id: {"callback_query_id": query.id, "text": "loading"}}
        for query_id in (query.id, "12345"):
            with rejected(botapi, QUERY_TOO_OLD):
                await bot.answer_callback_query(query_id)


async def test_inline_query_round_trip_and_validation(botapi: FakeBotAPI) -> None:
    user = botapi.make_user()

    def article(result_id: str, text: str = "<b>answer</b>") -> InlineQueryResultArticle:
        return InlineQueryResultArticle(result_id, "title", InputTextMessageContent(text, parse_mode="HTML"))

    async with make_bot(botapi) as bot:
        query_id = botapi.inline_query(user, "bm25").inline_query_id
        [update] = await bot.get_updates()
        assert update.inline_query is not None and update.inline_query.query == "bm25"
        cases: list[tuple[list[InlineQueryResultArticle], str]] = [
            ([article("1"), article("1")], "RESULT_ID_DUPLICATE"),
            ([article(str(n)) for n in range(51)], "RESULTS_TOO_MUCH"),
            ([article("x" * 65)], "RESULT_ID_INVALID"),
            (
                [article("1", "<b>oops")],
                "can't parse inline query result: Can't parse entities: Can't find end tag corresponding to start tag \"b\"",
            ),
            ([article("1", " ")], "can't parse inline query result: Message text is empty"),
        ]
        for results, description in cases:
            with rejected(botapi, description):
                await bot.answer_inline_query(query_id, results)
        assert await bot.answer_inline_query(query_id, [article("1"), article("2")], cache_time=0)
        with rejected(botapi, QUERY_TOO_OLD):
            await bot.answer_inline_query(query_id, [article("1")])
    answer = botapi.inline_answers()[query_id]
    assert [r["id"] for r in answer["results"]] == ["1", "2"] and answer["cache_time"] == 0
    assert len(botapi.bad_requests()) == len(cases) + 1


# -- other methods, waiting helpers, non-text messages -------------------------------------


async def test_commands_actions_and_housekeeping(botapi: FakeBotAPI) -> None:
    chat = botapi.private_chat(botapi.make_user())
    async with make_bot(botapi) as bot:
        assert await bot.set_my_commands([BotCommand("ask", "Ask a question"), BotCommand("help", "Help")])
        assert await bot.set_my_commands(
            [BotCommand("ask", "提问")], scope=BotCommandScopeAllPrivateChats(), language_code="zh"
        )
        assert [c.command for c in await bot.get_my_commands()] == ["ask", "help"]
        with rejected(botapi, "BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand("Ask-Me", "x")])
        assert await bot.send_chat_action(chat.id, "typing")
        with rejected(botapi, "wrong parameter action in request"):
            await bot.send_chat_action(chat.id, "dancing")
        assert await bot.delete_webhook()
        assert (await bot.get_webhook_info()).url == ""
        assert await bot.close() and await bot.log_out()
        assert await bot.delete_my_commands()
    assert botapi.commands() == []
    assert botapi.commands({"type": "all_private_chats"}, "zh") == [{"command": "ask", "description": "提问"}]
    assert botapi.chat_actions() == [(chat.id, "typing")]


async def test_non_text_messages_parse_in_ptb(botapi: FakeBotAPI) -> None:
    user = botapi.make_user()
    group = botapi.group_chat("Supergroup", supergroup=True)
    botapi.send_sticker(user, group)
    botapi.send_photo(user, None, caption="look")
    async with make_bot(botapi) as bot:
        sticker_update, photo_update = await bot.get_updates()
    assert sticker_update.message is not None and sticker_update.message.sticker is not None
    assert sticker_update.message.chat.type == "supergroup" and sticker_update.message.chat.id < -(10**12)
    assert photo_update.message is not None and photo_update.message.caption == "look"
    assert len(photo_update.message.photo) == 3


async def test_wait_timeout_explains_what_happened(botapi: FakeBotAPI) -> None:
    chat = botapi.private_chat(botapi.make_user())
    async with make_bot(botapi) as bot:
        await bot.send_message(chat.id, "only one")
        with pytest.raises(BadRequest):
            await bot.send_message(chat.id, "<x>", parse_mode="HTML")
    with pytest.raises(AssertionError) as caught:
        botapi.wait_for_messages(chat.id, 2, timeout=0.2)
    report = str(caught.value)
    assert "timed out after 0.2s waiting for 2 bot message(s)" in report
    assert "'only one'" in report and "Unsupported start tag" in report
    assert [m.text for m in botapi.wait_for_messages(chat.id, 1, timeout=0.2)] == ["only one"]


async def test_real_application_polls_replies_and_edits(botapi: FakeBotAPI) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html("<b>Hi</b>", reply_markup=keyboard("more"), do_quote=True)

    async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text("<i>more text</i>", parse_mode="HTML")

    application = Application.builder().token(botapi.token).base_url(botapi.api_url).build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(more))
    user = botapi.make_user()
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(timeout=10, allowed_updates=Update.ALL_TYPES)
        await application.start()
        try:
            botapi.send_text(user, None, "/start")
            [reply] = await botapi.async_wait_for_messages(user.id, 1)
            assert reply.text == "Hi" and reply.reply_to is not None
            botapi.press_button(user, reply, "more")
            await botapi.async_wait_until(
                lambda: botapi.message(user.id, reply.message_id).text == "more text", what="the edit"
            )
            await asyncio.to_thread(botapi.wait_for_updates_consumed)
        finally:
            await application.updater.stop()
            await application.stop()
    assert botapi.errors() == [] and len(botapi.callback_answers()) == 1


async def test_get_file_and_downloads(botapi: FakeBotAPI) -> None:
    """getFile gives a file_path; PTB downloads the file from base_file_url (its token's
    ":" quoted); files over 20 MB are "too big", as on the public Bot API."""
    user = botapi.make_user()
    small = botapi.send_document(user, None, "员工手册.txt", "手册".encode())
    big = botapi.send_document(user, None, "big.pdf", b"%PDF", size=20 * 1024 * 1024 + 1)
    bot = Bot(botapi.token, base_url=botapi.api_url, base_file_url=botapi.base_url + "/file/bot")
    async with bot:
        assert small.message["document"]["file_name"] == "员工手册.txt"
        file = await bot.get_file(small.message["document"]["file_id"])
        assert file.file_size == 6 and file.file_path is not None
        assert bytes(await file.download_as_bytearray()) == "手册".encode()
        assert botapi.downloads() == [file.file_path.split("/file/bot", 1)[1].split("/", 1)[1]]
        with rejected(botapi, "file is too big"):
            await bot.get_file(big.message["document"]["file_id"])
        with rejected(botapi, "invalid file_id"):
            await bot.get_file("nonsense")
    wrong = botapi.base_url + "/file/bot654321:WRONG/" + botapi.downloads()[0]
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(wrong, timeout=5)
    caught.value.close()
    assert caught.value.code == 401 and len(botapi.downloads()) == 1

"""Sending a page of an answer: its messages, and the keyboard on the last one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardMarkup, Message

from bot.telegram.buttons import answer_keyboard
from bot.telegram.pages import page_of
from bot.telegram.phrases import Phrases
from bot.telegram.render import render_page
from bot.telegram.service import Service
from retrieval.answer import Answer

Send = Callable[[str, InlineKeyboardMarkup | None], Awaitable[Message]]


async def send_page(
    service: Service, answer: Answer, offset: int, key: int | None, chat_id: int, phrases: Phrases, send: Send
) -> None:
    """The page of ``answer`` at ``offset``. Under its last message: 👍 👎 when the answer
    is logged (under ``key``), "More passages ▸" when more follow (the answer is then
    kept in the cache, under ``key`` or a new one)."""
    page = page_of(answer, offset, service.page_size)
    if page.next_offset is not None:
        key = service.cache.put(answer, chat_id, key)
    markup = answer_keyboard(phrases, key, page.next_offset, votes=service.journal is not None)
    parts = render_page(page.hits, phrases, page.total)
    for number, part in enumerate(parts, start=1):
        await send(part, markup if number == len(parts) else None)

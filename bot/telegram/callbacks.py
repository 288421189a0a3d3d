"""The buttons under answers: "More passages ▸", 👍 and 👎; and the polite reply to
any button the bot no longer knows.

Every press is answered. "More" sends the next page of the answer: from the
cache while the process lives, else (after a restart) by asking the logged
question again. A vote is recorded (one per person and answer; a second press
changes it) and thanked for, and the buttons stay. A button whose answer is
unknown, or that was pressed in another chat than its answer's, gets the
"expired" reply and loses its keyboard. Each kind of button is registered for
its prefix (``buttons.py``); register :meth:`Buttons.fallback` after all of them.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.telegram.buttons import MORE, VOTE, MoreButton, VoteButton, pattern
from bot.telegram.handlers import Handler, phrases_of
from bot.telegram.pager import send_page
from bot.telegram.pages import page_of
from bot.telegram.phrases import Phrases
from bot.telegram.service import Service


class Buttons:
    def __init__(self, service: Service) -> None:
        self.service = service

    def handlers(self) -> list[Handler]:
        return [
            CallbackQueryHandler(self.on_more, pattern=pattern(MORE)),
            CallbackQueryHandler(self.on_vote, pattern=pattern(VOTE)),
        ]

    def fallback(self) -> list[Handler]:
        """Buttons no other handler claims are stale (register these last)."""
        return [CallbackQueryHandler(self.on_stale)]

    async def on_more(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, phrases, service = update.callback_query, phrases_of(update), self.service
        if query is None:
            return
        button, message = MoreButton.parse(query.data or ""), query.message
        if button is None or not isinstance(message, Message):
            await stale(query, phrases)
            return
        chat_id, key = message.chat.id, button.key
        answer = service.cache.get(key, chat_id)
        if answer is None and (recalled := await service.recall(key, chat_id)) is not None:
            service.cache.put(recalled, chat_id, key)
            answer = service.cache.get(key, chat_id)
        if answer is None:
            await stale(query, phrases)
            return
        if not service.cache.claim(key, button.offset):
            await query.answer()  # a second press of a button already served
            return
        if not page_of(answer, button.offset, service.page_size).hits:  # the documents changed
            await query.answer(phrases.no_more)
            await _remove_keyboard(query)
            return
        await query.answer()
        await _remove_keyboard(query)  # the new page carries the buttons
        bot, topic = context.bot, message.message_thread_id if message.is_topic_message else None

        async def send(text: str, markup: InlineKeyboardMarkup | None) -> Message:
            return await bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup, message_thread_id=topic
            )

        await send_page(service, answer, button.offset, key, chat_id, phrases, send)

    async def on_vote(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, phrases, journal = update.callback_query, phrases_of(update), self.service.journal
        if query is None:
            return
        button, message = VoteButton.parse(query.data or ""), query.message
        if button is None or not isinstance(message, Message) or journal is None:
            await stale(query, phrases)
            return
        if await asyncio.to_thread(journal.recall, button.key, message.chat.id) is None:
            await stale(query, phrases)
            return
        journal.vote(button.key, query.from_user.id, button.value)
        await query.answer(phrases.thanks_up if button.value > 0 else phrases.thanks_down)

    async def on_stale(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query is not None:
            await stale(update.callback_query, phrases_of(update))


async def stale(query: CallbackQuery, phrases: Phrases) -> None:
    """The polite "expired" reply; the message's buttons are removed."""
    await expire(query, phrases.stale_button)


async def expire(query: CallbackQuery, text: str) -> None:
    """Answer the press with ``text`` and remove the message's buttons."""
    await query.answer(text)
    if isinstance(query.message, Message) and query.message.reply_markup is not None:
        await _remove_keyboard(query)


async def _remove_keyboard(query: CallbackQuery) -> None:
    with suppress(TelegramError):
        await query.edit_message_reply_markup(None)

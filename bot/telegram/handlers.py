"""Questions in chats: read them, ask the core (which logs them), reply with the
answer's first page.

Private chats: any text is a question. Groups: ``/ask``, replies to the bot and
messages mentioning it; everything else is left alone. The buttons under an
answer are ``callbacks.py``'s.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.telegram.guard import too_long
from bot.telegram.journal import Asker
from bot.telegram.pager import send_page
from bot.telegram.phrases import Phrases, phrases_for, say
from bot.telegram.service import Service

Handler = BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]


def phrases_of(update: Update) -> Phrases:
    user = update.effective_user
    return phrases_for(user.language_code if user else None)


async def admin_only(service: Service, update: Update) -> bool:
    """True for an admin; anyone else is told no."""
    user, message = update.effective_user, update.effective_message
    if service.access.is_admin(user.id if user else None):
        return True
    if message is not None:
        await message.reply_html(phrases_of(update).admins_only)
    return False


def is_private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


class Questions:
    def __init__(self, service: Service) -> None:
        self.service = service

    def handlers(self) -> list[Handler]:
        new = filters.UpdateType.MESSAGE
        private = filters.ChatType.PRIVATE
        return [
            CommandHandler("ask", self.on_ask, filters=new),
            MessageHandler(new & private & filters.TEXT & ~filters.COMMAND, self.on_private_text),
            MessageHandler(
                new & filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND, self.on_group_text
            ),
            MessageHandler(new & private & ~filters.TEXT & ~filters.StatusUpdate.ALL, self.on_not_text),
        ]

    async def on_ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        text = update.effective_message.text if update.effective_message else None
        parts = (text or "").split(maxsplit=1)
        await self.answer(update, parts[1] if len(parts) > 1 else "")

    async def on_private_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None and message.text is not None:
            await self.answer(update, message.text)

    async def on_group_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer only when addressed: a reply to the bot, or a mention of it."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        bot = context.bot
        replied = message.reply_to_message
        to_bot = replied is not None and replied.from_user is not None and replied.from_user.id == bot.id
        mention = re.compile(rf"(?<![\w@])@{re.escape(bot.username)}(?!\w)", re.IGNORECASE)
        if to_bot or mention.search(message.text):
            await self.answer(update, mention.sub(" ", message.text))

    async def on_not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, phrases = update.effective_message, phrases_of(update)
        if message is not None:
            allowed = self._permitted(update)
            await message.reply_html(phrases.not_text if allowed else phrases.not_allowed)

    def _permitted(self, update: Update) -> bool:
        user, chat = update.effective_user, update.effective_chat
        return self.service.access.permits(user.id if user else None, chat.id if chat else None)

    async def answer(self, update: Update, question: str) -> None:
        """Check the question against the guards, search, and reply with the first page."""
        message, user, phrases = update.effective_message, update.effective_user, phrases_of(update)
        if message is None:
            return
        settings, service = self.service.settings, self.service
        question = question.strip()
        if not self._permitted(update):
            if is_private(update):
                await message.reply_html(phrases.not_allowed)
            return
        if not question:
            await message.reply_html(phrases.ask_usage)
            return
        if too_long(question, settings.max_question_chars):
            await message.reply_html(
                say(phrases.too_long, length=len(question), limit=settings.max_question_chars)
            )
            return
        if user is not None and not service.limiter.allow(user.id, service.clock()):
            wait = service.limiter.retry_after(user.id, service.clock())
            await message.reply_html(say(phrases.rate_limited, seconds=wait))
            return
        chat = message.chat
        asker = Asker(user.id if user else None, chat.id, chat.type, user.language_code if user else None)
        answer, key = await service.ask_from(question, asker)
        if not answer.found:
            await message.reply_html(phrases.no_answer)
            return

        async def reply(text: str, markup: InlineKeyboardMarkup | None) -> Message:
            return await message.reply_html(text, reply_markup=markup)

        await send_page(service, answer, 0, key, chat.id, phrases, reply)

"""Inline mode: ``@bot question`` in any chat offers the top passages to send."""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes, InlineQueryHandler

from bot.telegram.guard import too_long
from bot.telegram.handlers import Handler, phrases_of
from bot.telegram.render import inline_message, snippet
from bot.telegram.service import Service

CACHE_SECONDS = 10
MAX_RESULTS = 50  # Telegram's limit per answer


class Inline:
    def __init__(self, service: Service) -> None:
        self.service = service

    def handlers(self) -> list[Handler]:
        return [InlineQueryHandler(self.on_inline_query)]

    async def on_inline_query(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Every inline query is answered: with passages, or with no results when the
        query is empty, too long, from someone not allowed, or nothing matches."""
        query = update.inline_query
        if query is None:
            return
        service = self.service
        question = query.query.strip()
        allowed = service.access.permits_inline(query.from_user.id)
        if not question or not allowed or too_long(question, service.settings.max_question_chars):
            await query.answer([], cache_time=CACHE_SECONDS, is_personal=True)
            return
        phrases = phrases_of(update)
        answer = await service.ask(question)
        results = [
            InlineQueryResultArticle(
                id=f"{hit.rank}",
                title=hit.passage.heading_path,
                description=snippet(hit.passage.text),
                input_message_content=InputTextMessageContent(
                    inline_message(hit, phrases), parse_mode=ParseMode.HTML
                ),
            )
            for hit in answer.hits[:MAX_RESULTS]
        ]
        await query.answer(results, cache_time=CACHE_SECONDS, is_personal=True)

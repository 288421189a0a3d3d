"""/docs and /remove, for admins: the documents served (each with its passage count, and
the files skipped with the reason), paged with ◂ ▸ buttons; ``/remove NAME`` asks
[Remove] [Cancel] first, then moves the file to ``DOCS_DIR/.trash/``, reloads and
reports. An unknown name gets the closest names. Every removal is logged."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from datetime import UTC, datetime

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.folder.listing import closest_names, document_names, find_document
from bot.folder.trash import move_to_trash
from bot.telegram.buttons import (
    DOCS,
    REMOVE,
    ChoiceButton,
    choice_keyboard,
    docs_keyboard,
    docs_page,
    pattern,
)
from bot.telegram.callbacks import expire, stale
from bot.telegram.docphrases import DocPhrases, doc_phrases
from bot.telegram.docreplies import docs_pages
from bot.telegram.handlers import Handler, admin_only, phrases_of
from bot.telegram.phrases import say
from bot.telegram.service import Service
from bot.telegram.uploads import reason_of
from bot.telegram.waiting import Waiting

log = logging.getLogger(__name__)


class Documents:
    def __init__(self, service: Service) -> None:
        self.service = service
        self.waiting: Waiting[str] = Waiting()

    def handlers(self) -> list[Handler]:
        new = filters.UpdateType.MESSAGE
        return [
            CommandHandler("docs", self.on_docs, filters=new),
            CommandHandler("remove", self.on_remove, filters=new),
            CallbackQueryHandler(self.on_page, pattern=pattern(DOCS)),
            CallbackQueryHandler(self.on_choice, pattern=pattern(REMOVE)),
        ]

    def _pages(self, phrases: DocPhrases) -> list[str]:
        library = self.service.library
        return docs_pages(phrases, library.index.documents, library.skipped)

    async def on_docs(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not await admin_only(self.service, update):
            return
        pages = self._pages(doc_phrases(phrases_of(update)))
        await message.reply_html(pages[0], reply_markup=docs_keyboard(0, len(pages)))

    async def on_page(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """◂ or ▸ under /docs: that page, in place of the one shown (of the documents now served)."""
        query, phrases = update.callback_query, phrases_of(update)
        if query is None:
            return
        page = docs_page(query.data or "")
        if page is None or not self.service.access.is_admin(query.from_user.id):
            await stale(query, phrases)
            return
        pages = self._pages(doc_phrases(phrases))
        page = min(page, len(pages) - 1)
        await query.answer()
        with suppress(BadRequest):  # "message is not modified": the page is shown already
            await query.edit_message_text(
                pages[page], parse_mode=ParseMode.HTML, reply_markup=docs_keyboard(page, len(pages))
            )

    async def on_remove(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/remove NAME``: [Remove] [Cancel] for a document of the folder; else the closest names."""
        message = update.effective_message
        if message is None or not await admin_only(self.service, update):
            return
        phrases = doc_phrases(phrases_of(update))
        parts = (message.text or "").split(maxsplit=1)
        name = parts[1].strip() if len(parts) > 1 else ""
        if not name:
            await message.reply_html(phrases.remove_usage)
            return
        names = await asyncio.to_thread(document_names, self.service.settings.docs_dir)
        found = find_document(name, names)
        if found is None:
            close = closest_names(name, names)
            text = say(phrases.remove_unknown, name=name)
            await message.reply_html(
                text + ("\n" + say(phrases.remove_suggest, names=", ".join(close)) if close else "")
            )
            return
        served = {d.source: len(d.passages) for d in self.service.library.index.documents}
        key = self.waiting.put(found, message.chat.id)
        markup = choice_keyboard(REMOVE, key, phrases.remove_button, phrases.cancel_button)
        await message.reply_html(
            say(phrases.remove_ask, name=found, passages=served.get(found, 0)), reply_markup=markup
        )

    async def on_choice(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """[Remove] moves the file to the trash and reloads; [Cancel] leaves it."""
        query, phrases = update.callback_query, phrases_of(update)
        if query is None:
            return
        button, message = ChoiceButton.parse(query.data or ""), query.message
        admin = query.from_user.id
        if button is None or not isinstance(message, Message) or not self.service.access.is_admin(admin):
            await stale(query, phrases)
            return
        words, name = doc_phrases(phrases), self.waiting.take(button.key, message.chat.id)
        if name is None:
            await expire(query, words.gone)
            return
        await query.answer()
        if not button.yes:
            log.info("removal by admin %d: %s: cancelled", admin, name)
            await query.edit_message_text(say(words.remove_cancelled), parse_mode=ParseMode.HTML)
            return
        await query.edit_message_text(await self._remove(admin, name, words), parse_mode=ParseMode.HTML)

    async def _remove(self, admin: int, name: str, words: DocPhrases) -> str:
        """Move ``name`` to the trash and reload; what to tell the admin."""
        folder = self.service.settings.docs_dir
        try:
            size = (folder / name).stat().st_size
            trashed = await asyncio.to_thread(move_to_trash, folder, name, datetime.now(UTC))
        except OSError as error:
            log.warning("removal by admin %d: %s: failed: %s", admin, name, reason_of(error))
            return say(words.cannot_remove, name=name, reason=reason_of(error))
        trash = trashed.relative_to(folder).as_posix()
        try:
            report = await asyncio.to_thread(self.service.library.reload)
        except Exception as error:
            log.warning("removal by admin %d: %s moved to %s, reload failed: %s", admin, name, trash, error)
            return say(words.removed_not_reloaded, name=name, trash=trash, reason=error)
        log.info("removal by admin %d: %s, %d bytes: moved to %s", admin, name, size, trash)
        return say(
            words.removed, name=name, trash=trash, documents=report.documents, passages=report.passages
        )

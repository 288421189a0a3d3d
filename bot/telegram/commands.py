"""Commands: /start and /help for everyone; /reload, /stats and /unanswered for admins
(/docs and /remove are ``documents.py``'s). An admin's first /start sets their command menu."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes, MessageHandler, filters

from bot.counting import counted
from bot.telegram.docphrases import doc_phrases
from bot.telegram.docreplies import upload_note
from bot.telegram.handlers import Handler, admin_only, is_private, phrases_of
from bot.telegram.menus import set_admin_menu
from bot.telegram.phrases import say
from bot.telegram.replies import (
    Reader,
    help_text,
    report_messages,
    stats_text,
    unanswered_messages,
    week_text,
)
from bot.telegram.service import Service
from retrieval.errors import DocumentsError

log = logging.getLogger(__name__)


class Commands:
    def __init__(self, service: Service) -> None:
        self.service = service
        self.menus: set[int] = set()  # admins whose command menu was set since start-up

    def handlers(self) -> list[Handler]:
        new = filters.UpdateType.MESSAGE
        return [
            CommandHandler(["start", "help"], self.on_help, filters=new),
            CommandHandler("reload", self.on_reload, filters=new),
            CommandHandler("stats", self.on_stats, filters=new),
            CommandHandler("unanswered", self.on_unanswered, filters=new),
        ]

    def fallback(self) -> list[Handler]:
        """Unknown commands in a private chat get the help (register these last)."""
        return [
            MessageHandler(
                filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.COMMAND, self.on_help
            )
        ]

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user, chat = update.effective_message, update.effective_user, update.effective_chat
        if message is None:
            return
        phrases, access = phrases_of(update), self.service.access
        user_id = user.id if user else None
        if not access.permits(user_id, chat.id if chat else None):
            if is_private(update):
                text = phrases.not_allowed + ("\n" + say(phrases.your_id, user_id=user_id) if user_id else "")
                await message.reply_html(text)
            return
        if access.is_admin(user_id) and user_id is not None and user_id not in self.menus:
            self.menus.add(user_id)  # once per process: the admin has written to the bot now
            await set_admin_menu(context.bot, user_id)
        examples = await asyncio.to_thread(self.service.examples)
        reader = Reader(
            name=user.first_name if user else "", user_id=user_id, is_admin=access.is_admin(user_id)
        )
        note = upload_note(doc_phrases(phrases), self.service.settings.max_upload_mb)
        await message.reply_html(help_text(phrases, reader, context.bot.username, examples, note))

    async def on_reload(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Re-read the documents off the event loop; on failure the old ones keep serving."""
        message = update.effective_message
        if message is None or not await admin_only(self.service, update):
            return
        phrases = phrases_of(update)
        try:
            report = await asyncio.to_thread(self.service.library.reload)
        except DocumentsError as error:
            log.warning("reload failed, still serving the previous documents: %s", error)
            await message.reply_html(say(phrases.reload_failed, reason=error))
            return
        except Exception as error:
            log.exception("reload failed, still serving the previous documents")
            await message.reply_html(say(phrases.reload_failed, reason=f"{type(error).__name__}: {error}"))
            return
        documents, passages = counted(report.documents, "document"), counted(report.passages, "passage")
        log.info("reloaded %s, %s in %.2f s", documents, passages, report.seconds)
        for part in report_messages(phrases, report):
            await message.reply_html(part)

    async def on_stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not await admin_only(self.service, update):
            return
        service = self.service
        index = service.library.index
        text = stats_text(
            phrases_of(update),
            documents=len(index.documents),
            passages=len(index.passages),
            loaded_at=service.library.loaded_at,
            uptime=datetime.now(UTC) - service.started_at,
            answered=service.answered,
        )
        if service.journal is not None:
            text += "\n" + week_text(phrases_of(update), await asyncio.to_thread(service.journal.stats))
        await message.reply_html(text)

    async def on_unanswered(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The last 7 days' unanswered questions, most frequent first, and those rated 👎."""
        message = update.effective_message
        if message is None or not await admin_only(self.service, update):
            return
        phrases, journal = phrases_of(update), self.service.journal
        if journal is None:
            await message.reply_html(phrases.log_off)
            return
        for part in unanswered_messages(phrases, await asyncio.to_thread(journal.unanswered)):
            await message.reply_html(part)

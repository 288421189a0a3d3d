"""Documents admins send in a private chat: checked before downloading (an admin, a
readable type, ``MAX_UPLOAD_MB``), downloaded into a staging folder, read as indexing
reads it, put in place (after asking, when it replaces a document: [Replace] [Cancel]),
reloaded, and reported. A file with nothing to serve is not kept. Every upload is logged:
who, which file, its size, what came of it. Documents in groups are left alone."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from telegram import Document as Attachment
from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.counting import counted
from bot.folder.names import clean_name
from bot.folder.uploads import Staged, check, discard, place, stage
from bot.telegram.buttons import REPLACE, ChoiceButton, choice_keyboard, pattern
from bot.telegram.callbacks import expire, stale
from bot.telegram.docphrases import DocPhrases, doc_phrases
from bot.telegram.docreplies import MB, TYPES, upload_text
from bot.telegram.handlers import Handler, phrases_of
from bot.telegram.phrases import say
from bot.telegram.service import Service
from bot.telegram.waiting import Waiting
from retrieval.documents.reader import SUFFIXES, Skipped
from retrieval.passage import Document

log = logging.getLogger(__name__)

Send = Callable[[str], Awaitable[Any]]


@dataclass(frozen=True)
class Upload:
    """A file downloaded and read, waiting to be put in place."""

    staged: Staged
    document: Document
    admin: int
    size: int
    seconds: float  # spent downloading and reading it


def reason_of(error: Exception) -> str:
    return (error.strerror if isinstance(error, OSError) else None) or str(error) or type(error).__name__


class Uploads:
    def __init__(self, service: Service) -> None:
        self.service = service
        self.waiting: Waiting[Upload] = Waiting(dropped=lambda upload: discard(upload.staged))

    def handlers(self) -> list[Handler]:
        private = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
        return [
            MessageHandler(private & filters.Document.ALL, self.on_document),
            CallbackQueryHandler(self.on_replace, pattern=pattern(REPLACE)),
        ]

    async def on_document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or message.document is None:
            return
        phrases, attachment = doc_phrases(phrases_of(update)), message.document
        admin = user.id if user else None
        if admin is None or not self.service.access.is_admin(admin):
            log.info("upload refused: user %s is not an admin (%r)", admin, attachment.file_name)
            await message.reply_html(phrases.not_admin)
            return
        name = clean_name(attachment.file_name or "")
        refusal = self._refusal(phrases, name, attachment)
        if refusal is not None:
            log.info("upload by admin %d: %r, %s bytes: refused", admin, name, attachment.file_size)
            await message.reply_html(refusal)
            return
        upload = await self._fetch(context, admin, name, attachment, phrases, message.reply_html)
        if upload is None:
            return
        if upload.staged.replaces():
            served = {d.source: len(d.passages) for d in self.service.library.index.documents}
            key = self.waiting.put(upload, message.chat.id)
            ask = say(
                phrases.replace_ask, name=name, old=served.get(name, 0), new=len(upload.document.passages)
            )
            markup = choice_keyboard(REPLACE, key, phrases.replace_button, phrases.cancel_button)
            await message.reply_html(ask, reply_markup=markup)
            return
        await self._place(upload, phrases, message.reply_html)

    def _refusal(self, phrases: DocPhrases, name: str, attachment: Attachment) -> str | None:
        """Why the file is not even downloaded: its type, or its declared size."""
        shown = name or attachment.file_name or "?"
        if not name or "." not in name or "." + name.rsplit(".", 1)[1].lower() not in SUFFIXES:
            return say(phrases.wrong_type, name=shown, types=TYPES)
        limit = self.service.settings.max_upload_mb
        declared = attachment.file_size or 0
        if declared > limit * MB:
            return say(phrases.too_big, name=shown, size=f"{declared / MB:.1f}", limit=limit)
        return None

    async def _fetch(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        admin: int,
        name: str,
        attachment: Attachment,
        phrases: DocPhrases,
        send: Send,
    ) -> Upload | None:
        """Download and read the file in the staging folder; None (the admin told why) if
        it cannot be kept."""
        started, settings = time.monotonic(), self.service.settings
        try:
            staged = await asyncio.to_thread(stage, settings.docs_dir, name)
        except OSError as error:
            log.warning("upload by admin %d: %s: cannot write: %s", admin, name, reason_of(error))
            await send(say(phrases.cannot_write, name=name, reason=reason_of(error)))
            return None
        try:
            file = await context.bot.get_file(attachment.file_id)
            await file.download_to_drive(staged.path)
            size = staged.path.stat().st_size
        except (TelegramError, OSError) as error:
            discard(staged)
            log.warning("upload by admin %d: %s: download failed: %s", admin, name, reason_of(error))
            await send(say(phrases.cannot_download, name=name, reason=reason_of(error)))
            return None
        limit = settings.max_upload_mb
        if size > limit * MB:  # the declared size was wrong
            discard(staged)
            log.info("upload by admin %d: %s, %d bytes: too big", admin, name, size)
            await send(say(phrases.too_big, name=name, size=f"{size / MB:.1f}", limit=limit))
            return None
        result = await asyncio.to_thread(check, staged, settings.passage_max_chars)
        if isinstance(result, Skipped):
            discard(staged)
            log.info("upload by admin %d: %s, %d bytes: not added: %s", admin, name, size, result.reason)
            await send(say(phrases.unreadable, name=name, reason=result.reason))
            return None
        return Upload(staged, result, admin, size, time.monotonic() - started)

    async def _place(self, upload: Upload, phrases: DocPhrases, send: Send) -> None:
        """Put the upload in place, reload, and say what it gave."""
        started, name, folder = time.monotonic(), upload.staged.name, upload.staged.folder
        try:
            old = await asyncio.to_thread(place, upload.staged, datetime.now(UTC))
        except OSError as error:
            discard(upload.staged)
            log.warning("upload by admin %d: %s: cannot write: %s", upload.admin, name, reason_of(error))
            await send(say(phrases.cannot_write, name=name, reason=reason_of(error)))
            return
        trash = old.relative_to(folder).as_posix() if old is not None else None
        try:
            await asyncio.to_thread(self.service.library.reload)
        except Exception as error:
            log.warning("upload by admin %d: %s saved, reload failed: %s", upload.admin, name, error)
            await send(say(phrases.reload_failed, name=name, reason=error))
            return
        seconds = upload.seconds + time.monotonic() - started
        log.info(
            "upload by admin %d: %s, %d bytes: %s, %s, %.1f s",
            upload.admin, name, upload.size, "replaced" if trash else "added",
            counted(len(upload.document.passages), "passage"), seconds,
        )  # fmt: skip
        await send(upload_text(phrases, upload.document, seconds, trash))

    async def on_replace(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """[Replace] puts the waiting upload in place; [Cancel] throws it away."""
        query, phrases = update.callback_query, phrases_of(update)
        if query is None:
            return
        button, message = ChoiceButton.parse(query.data or ""), query.message
        if (
            button is None
            or not isinstance(message, Message)
            or not self.service.access.is_admin(query.from_user.id)
        ):
            await stale(query, phrases)
            return
        words = doc_phrases(phrases)
        upload = self.waiting.take(button.key, message.chat.id)
        if upload is None:
            await expire(query, words.gone)
            return
        await query.answer()

        async def edit(text: str) -> Any:
            return await query.edit_message_text(text, parse_mode=ParseMode.HTML)

        if not button.yes:
            discard(upload.staged)
            log.info("upload by admin %d: %s: replacing cancelled", upload.admin, upload.staged.name)
            await edit(say(words.replace_cancelled, name=upload.staged.name))
            return
        await self._place(upload, words, edit)

"""The Telegram bot's side of the question log: who asked (as pseudonyms), in which
kind of chat, what was answered; the logged question behind a button; votes.

Only questions asked in chats are logged (never inline queries). Recording and
voting are queued for the log's writer thread, so they cost the event loop
microseconds; ``recall`` and the summaries read the file, so call them in a thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.questionlog.pseudonyms import Pseudonyms
from bot.questionlog.recorder import Recorder, utc_now
from bot.questionlog.records import Entry, LogError, LoggedHit, Stats, Unanswered, Vote
from bot.questionlog.sqlite import SqliteLog
from bot.settings import Settings
from bot.telegram.pages import new_key
from retrieval.answer import Answer

log = logging.getLogger(__name__)

SUMMARY_DAYS = 7
SUMMARY_GROUPS = 20


@dataclass(frozen=True)
class Asker:
    """Where a question came from, as Telegram says it."""

    user_id: int | None
    chat_id: int
    chat_type: str
    language: str | None


class Journal:
    def __init__(self, recorder: Recorder, pseudonyms: Pseudonyms) -> None:
        self.recorder = recorder
        self.pseudonyms = pseudonyms

    @classmethod
    def open(cls, settings: Settings) -> Journal:
        """The log in DATA_DIR, pruned of questions older than LOG_RETENTION_DAYS; raises
        ``LogError`` if it cannot be opened."""
        folder = settings.data_folder()
        try:
            pseudonyms = Pseudonyms.create(folder)
            store = SqliteLog.open(folder)
        except LogError as error:
            raise LogError(f"setting DATA_DIR: {error} (or set QUERY_LOG=false to keep no log)") from None
        return cls(Recorder(store, timedelta(days=settings.log_retention_days)).start(), pseudonyms)

    def record(self, answer: Answer, asker: Asker, ms: float) -> int:
        """Queue the question and its answer; its id (what its buttons refer to)."""
        key = new_key()
        hits = tuple(LoggedHit(h.passage.source, h.passage.paragraph, round(h.score, 4)) for h in answer.hits)
        self.recorder.record(
            Entry(
                id=key,
                time=utc_now(),
                question=answer.question,
                user=self._user(asker.user_id),
                chat=asker.chat_type,
                chat_key=self.pseudonyms.chat(asker.chat_id),
                language=asker.language,
                hits=hits,
                ms=round(ms, 3),
            )
        )
        return key

    def recall(self, key: int, chat_id: int) -> str | None:
        """The question logged under ``key`` if it was asked in ``chat_id``; else None
        (also when the log cannot be read: the button is then treated as expired)."""
        try:
            logged = self.recorder.lookup(key)
        except LogError as error:
            log.warning("%s", error)
            return None
        if logged is None or logged.chat_key != self.pseudonyms.chat(chat_id):
            return None
        return logged.question

    def vote(self, key: int, user_id: int | None, value: int) -> None:
        self.recorder.feedback(Vote(key, self._user(user_id), value, utc_now()))

    def stats(self) -> Stats:
        return self.recorder.stats(utc_now() - timedelta(days=SUMMARY_DAYS))

    def unanswered(self) -> Unanswered:
        return self.recorder.unanswered(utc_now() - timedelta(days=SUMMARY_DAYS), SUMMARY_GROUPS)

    def close(self) -> None:
        self.recorder.close()

    def _user(self, user_id: int | None) -> str:
        return "" if user_id is None else self.pseudonyms.user(user_id)

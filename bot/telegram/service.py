"""What the handlers share: the library, the settings, the guards, the question log,
the cache and counters."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.settings import Settings
from bot.telegram.guard import Access, RateLimiter
from bot.telegram.journal import Asker, Journal
from bot.telegram.pages import AnswerCache
from retrieval.answer import Answer
from retrieval.errors import QuestionError
from retrieval.index.index import Index
from retrieval.library import Library

# Pages a "more" button can reach: questions are searched for top_k × this many passages.
MORE_PAGES = 5
HEADING_SEPARATORS = (" › ", " · ")


@dataclass
class Service:
    library: Library
    settings: Settings
    access: Access
    limiter: RateLimiter
    journal: Journal | None = None
    cache: AnswerCache = field(default_factory=AnswerCache)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    clock: Callable[[], float] = time.monotonic
    answered: int = 0
    _examples: tuple[Index | None, tuple[str, ...]] = (None, ())

    @classmethod
    def create(cls, library: Library, settings: Settings, journal: Journal | None = None) -> Service:
        return cls(
            library=library,
            settings=settings,
            access=Access.of(settings.allowed_user_ids, settings.allowed_chat_ids, settings.admin_user_ids),
            limiter=RateLimiter(settings.rate_limit_questions, settings.rate_limit_seconds),
            journal=journal,
        )

    @property
    def page_size(self) -> int:
        return self.settings.top_k

    async def ask(self, question: str) -> Answer:
        """Search off the event loop (the index is read-only, so threads may share it)."""
        try:
            answer = await asyncio.to_thread(self.library.ask, question, self.page_size * MORE_PAGES)
        except QuestionError:
            answer = Answer(question=question, hits=())
        self.answered += 1
        return answer

    async def ask_from(self, question: str, asker: Asker) -> tuple[Answer, int | None]:
        """The answer, and the id it is logged under (None when questions are not logged)."""
        started = time.perf_counter()
        answer = await self.ask(question)
        if self.journal is None:
            return answer, None
        return answer, self.journal.record(answer, asker, (time.perf_counter() - started) * 1000)

    async def recall(self, key: int, chat_id: int) -> Answer | None:
        """The answer behind a button from before a restart: its logged question asked
        again, if it was asked in ``chat_id``; None if not (or if nothing is logged)."""
        if self.journal is None:
            return None
        question = await asyncio.to_thread(self.journal.recall, key, chat_id)
        return None if question is None else await self.ask(question)

    def examples(self) -> tuple[str, ...]:
        """Two or three example questions from the loaded documents (cached per index)."""
        index = self.library.index
        if self._examples[0] is not index:
            self._examples = (index, example_questions(self.library))
        return self._examples[1]


def example_questions(library: Library, count: int = 3, tries: int = 30) -> tuple[str, ...]:
    """Questions the documents answer: the last part of their section headings
    (then, if too few, the start of passages), spread over the documents."""
    passages = library.index.passages
    headings = [part for part in map(_last_part, passages.headings()) if part]  # none decoded
    wanted = max(len(set(headings)), count)
    candidates = list(dict.fromkeys(headings))
    for number in range(len(passages)):  # passages decoded only while there are too few headings
        if len(candidates) >= wanted:
            break
        start = _first_words(passages[number].text)
        if start and start not in candidates:
            candidates.append(start)
    candidates = _spread(candidates[:wanted], tries)
    good = [c for c in candidates if library.ask(c, 1).found]
    return tuple(_spread(good, count))


def _spread(items: list[str], count: int) -> list[str]:
    """``count`` items taken evenly from first to last (all of them if there are fewer)."""
    if len(items) <= count:
        return items
    if count == 1:
        return items[:1]
    step = (len(items) - 1) / (count - 1)
    return [items[round(i * step)] for i in range(count)]


def _last_part(heading: str) -> str:
    for separator in HEADING_SEPARATORS:
        heading = heading.rsplit(separator, 1)[-1]
    return heading.strip()


def _first_words(text: str, length: int = 16) -> str:
    flat = " ".join(text.split())
    for end in "。！？；.!?;,，":
        flat = flat.split(end, 1)[0]
    return flat[:length].strip()

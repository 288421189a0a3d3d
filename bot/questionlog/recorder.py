"""Writing the question log off the event loop: a queue and a thread of its own.

``record`` and ``feedback`` only append the item to a bounded list under a lock
(microseconds). The writer thread wakes when the first item arrives, lets the
items that follow it for ``LINGER`` seconds join it, then takes them all at once
and writes them in one transaction: so a crash loses at most the last half
second, and a busy bot's event loop shares Python's GIL with the writer twice a
second rather than once per question. If the store cannot be written (a full
disk, a database locked too long) or the queue is full, the items are dropped and
one warning is logged until writing works again: answering never waits for the log
and never fails because of it. ``flush`` and ``close`` cut the wait short;
``close`` writes everything queued first (the bot calls it on SIGTERM). Old
questions are pruned when the recorder starts and then once a day.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.questionlog.records import Entry, Logged, QuestionLog, Stats, Unanswered, Vote

log = logging.getLogger(__name__)

PRUNE_EVERY = timedelta(days=1)
LINGER = 0.5  # seconds the writer waits for more items before it writes


@dataclass(frozen=True)
class _Flush:
    done: threading.Event = field(default_factory=threading.Event)


_STOP = object()
Item = Entry | Vote | _Flush | object


def utc_now() -> datetime:
    return datetime.now(UTC)


class Recorder:
    def __init__(
        self,
        store: QuestionLog,
        retention: timedelta,
        clock: Callable[[], datetime] = utc_now,
        capacity: int = 10_000,
    ) -> None:
        self.store = store
        self.retention = retention
        self.clock = clock
        self.capacity = capacity
        self._lock = threading.Lock()
        self._ready = threading.Condition(self._lock)
        self._items: list[Item] = []  # queued
        self._pending: dict[int, Entry] = {}  # queued or being written: buttons may ask for them
        self._urgent = False  # a flush or close waits: write now
        self._thread = threading.Thread(target=self._run, name="question-log", daemon=True)
        self._next_prune = clock()
        self._failing = False
        self._lost = 0
        self._closed = False  # no more items are taken
        self._store_closed = False

    def start(self) -> Recorder:
        """Prune old questions now (so start-up leaves none), then start writing."""
        self._prune()
        self._thread.start()
        return self

    def record(self, entry: Entry) -> None:
        self._put(entry)

    def feedback(self, vote: Vote) -> None:
        self._put(vote)

    def lookup(self, question_id: int) -> Logged | None:
        with self._lock:
            entry = self._pending.get(question_id)
        if entry is not None:
            return Logged(entry.id, entry.question, entry.chat_key)
        return self.store.lookup(question_id)

    def stats(self, since: datetime) -> Stats:
        return self.store.stats(since)

    def unanswered(self, since: datetime, limit: int) -> Unanswered:
        return self.store.unanswered(since, limit)

    def flush(self) -> None:
        """Return once everything queued before this call is written (or dropped)."""
        marker = _Flush()
        if self._signal(marker):
            marker.done.wait()

    def close(self) -> None:
        """Write what is queued, stop the thread, close the store."""
        if self._signal(_STOP):
            self._thread.join()
        with self._lock:
            if self._store_closed:
                return
            self._store_closed = True
        self.store.close()

    def _signal(self, marker: object) -> bool:
        """Queue ``marker`` and wake the writer now; False if it is not running."""
        with self._ready:
            if self._closed:
                return False
            self._closed = marker is _STOP
            if not self._thread.is_alive():
                return False
            self._items.append(marker)
            self._urgent = True
            self._ready.notify()
        return True

    def _put(self, item: Entry | Vote) -> None:
        with self._ready:
            if self._closed:
                return
            if len(self._items) >= self.capacity:
                full = True
            else:
                full = False
                self._items.append(item)
                if isinstance(item, Entry):
                    self._pending[item.id] = item
                if len(self._items) == 1:
                    self._ready.notify()  # the writer waits for a first item, not for each
        if full:
            self._failed(1, "its queue is full")

    def _run(self) -> None:
        while True:
            with self._ready:
                if not self._items:
                    self._ready.wait(max((self._next_prune - self.clock()).total_seconds(), 0.001))
                if self._items and not self._urgent:
                    self._ready.wait_for(lambda: self._urgent, LINGER)
                batch, self._items, self._urgent = self._items, [], False
            self._write([i for i in batch if isinstance(i, Entry | Vote)])
            if self.clock() >= self._next_prune:
                self._prune()
            for item in batch:
                if isinstance(item, _Flush):
                    item.done.set()
            if _STOP in batch:
                return

    def _write(self, items: list[Entry | Vote]) -> None:
        if not items:
            return
        try:
            self.store.write(items)
        except Exception as error:
            self._failed(len(items), str(error))
        else:
            self._recovered()
        finally:
            with self._lock:
                for item in items:
                    if isinstance(item, Entry):
                        self._pending.pop(item.id, None)

    def _prune(self) -> None:
        now = self.clock()
        self._next_prune = now + PRUNE_EVERY
        try:
            deleted = self.store.prune(now - self.retention)
        except Exception as error:
            log.warning("question log: could not delete old questions: %s", error)
            return
        if deleted:
            log.info("question log: deleted %d questions older than %d days", deleted, self.retention.days)

    def _failed(self, count: int, why: str) -> None:
        with self._lock:
            self._lost += count
            first, self._failing = not self._failing, True
        if first:
            log.warning("question log: cannot write (%s); answering goes on, questions are not logged", why)

    def _recovered(self) -> None:
        with self._lock:
            if not self._failing:
                return
            lost, self._lost, self._failing = self._lost, 0, False
        log.warning("question log: writing again; %d questions or votes were not logged", lost)

"""Writing the question log off the event loop: a queue and a thread of its own.

``record`` and ``feedback`` only put the item on a bounded queue (microseconds);
the writer thread writes whatever is queued in one transaction as soon as it
arrives, so a crash loses at most the last moment (well under a second). If the
store cannot be written (a full disk, a database locked too long) or the queue
is full, the item is dropped and one warning is logged until writing works again:
answering never waits for the log and never fails because of it. ``close``
writes everything queued first (the bot calls it on SIGTERM). Old questions are
pruned when the recorder starts and then once a day.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.questionlog.records import Entry, Logged, QuestionLog, Stats, Unanswered, Vote

log = logging.getLogger(__name__)

PRUNE_EVERY = timedelta(days=1)
BATCH = 500


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
        self._queue: queue.Queue[Item] = queue.Queue(maxsize=capacity)
        self._pending: dict[int, Entry] = {}  # queued, not yet written: buttons may ask for them
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="question-log", daemon=True)
        self._next_prune = clock()
        self._failing = False
        self._lost = 0
        self._closed = False

    def start(self) -> Recorder:
        """Prune old questions now (so start-up leaves none), then start writing."""
        self._prune()
        self._thread.start()
        return self

    def record(self, entry: Entry) -> None:
        with self._lock:
            self._pending[entry.id] = entry
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
        if self._thread.is_alive():
            marker = _Flush()
            self._queue.put(marker)
            marker.done.wait()

    def close(self) -> None:
        """Write what is queued, stop the thread, close the store."""
        if self._closed:
            return
        self._closed = True
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join()
        self.store.close()

    def _put(self, item: Entry | Vote) -> None:
        if self._closed:
            return
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            self._failed(1, "its queue is full")
            if isinstance(item, Entry):
                with self._lock:
                    self._pending.pop(item.id, None)

    def _run(self) -> None:
        while True:
            wait = (self._next_prune - self.clock()).total_seconds()
            try:
                batch = [self._queue.get(timeout=max(wait, 0.001))]
            except queue.Empty:
                batch = []
            while batch and len(batch) < BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
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

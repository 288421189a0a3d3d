"""The documents being served, and reloading them without a stop.

``Library`` holds the current index. ``reload()`` builds a new one off to the
side and swaps it in only when it succeeded; questions asked meanwhile, and
after a failure, are answered from the old one. Once the process is at rest (under
``IDLE_CPU_S`` of CPU time in ``IDLE_S`` seconds), the mapped index's pages are handed
back to the page cache (``retrieval.store.filepages``): a bot at rest holds what it
needs, not every page its questions ever read.
"""

from __future__ import annotations

import contextlib
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from retrieval.answer import Answer
from retrieval.config import RetrievalConfig
from retrieval.documents.reader import Skipped
from retrieval.index.index import Index
from retrieval.store.allocator import release_free_memory
from retrieval.store.filepages import hand_back_pages
from retrieval.store.indexing import build_index as build
from retrieval.store.indexing import mapped_version
from retrieval.text.tokenizer import Tokenizer, load_stopwords

IDLE_S = 2.0  # seconds between looks at whether the process is at rest
IDLE_CPU_S = 0.01  # at rest: at most this much CPU time used (all threads) since the last look


class Rest:
    """Hands the mapped index's pages back when the process is at rest: it used less than
    ``IDLE_CPU_S`` of CPU time since the last look (however it was asked: ``Library.ask``,
    the index itself, a reload), so the check costs a question nothing."""

    def __init__(self, clock: Callable[[], float] = time.process_time) -> None:
        self._clock = clock
        self._used = clock()

    def look(self) -> bool:
        """Hand the pages back if the process has been at rest since the last look."""
        idle = self._clock() - self._used < IDLE_CPU_S
        if idle:
            with contextlib.suppress(OSError, ValueError):  # (the next look tries again)
                hand_back_pages()
        self._used = self._clock()  # (handing back not counted)
        return idle


def _looking(rest: weakref.ref[Rest]) -> None:
    """``Rest.look`` every ``IDLE_S`` seconds, as long as its library lives."""
    while True:
        time.sleep(IDLE_S)
        owner = rest()
        if owner is None:
            return
        owner.look()
        del owner  # (not kept alive while sleeping)


@dataclass(frozen=True)
class ReloadReport:
    documents: int
    passages: int
    skipped: tuple[Skipped, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    seconds: float


def make_tokenizer(config: RetrievalConfig) -> Tokenizer:
    return Tokenizer(
        stopwords=load_stopwords(config.stopwords_file),
        user_dict=config.user_dict,
        char_ngrams=config.char_ngrams,
        dictionary_dir=config.cache_dir / "dictionary" if config.cache_dir else None,
    )


IndexBuilder = Callable[[RetrievalConfig, Tokenizer, Index | None], tuple[Index, tuple[Skipped, ...]]]


def build_index(
    config: RetrievalConfig, tokenizer: Tokenizer, previous: Index | None
) -> tuple[Index, tuple[Skipped, ...]]:
    """Read the documents folder and index it, tokenising only the files that
    changed since ``previous`` (or the cache's snapshot): see ``retrieval.store.indexing``."""
    return build(config, tokenizer, previous)


class Library:
    """The index in service; ``ask`` answers from it, ``reload`` replaces it."""

    def __init__(self, config: RetrievalConfig, builder: IndexBuilder = build_index) -> None:
        self.config = config
        self._builder = builder
        self._tokenizer = make_tokenizer(config)
        self._reloading = threading.Lock()
        self._index, skipped = builder(config, self._tokenizer, None)
        release_free_memory()  # what loading took beside the index
        self.skipped = skipped
        self.loaded_at = datetime.now(UTC)
        self.rest = Rest()
        threading.Thread(
            target=_looking, args=(weakref.ref(self.rest),), name="qabot-rest", daemon=True
        ).start()

    @property
    def index(self) -> Index:
        return self._index

    def ask(self, question: str, top_k: int) -> Answer:
        self._take_mapped()
        return self._index.search(question, top_k)

    def _take_mapped(self) -> None:
        """Serve the index built last from its snapshot's mapping once that is saved:
        the same answers, from pages shared with other processes (not while reloading)."""
        index = self._index
        mapped = mapped_version(index)
        if mapped is not index and self._reloading.acquire(blocking=False):
            try:
                if self._index is index:
                    self._index = mapped
            finally:
                self._reloading.release()
            del index
            release_free_memory()

    def reload(self) -> ReloadReport:
        """Re-read the documents; raises (keeping the old ones) when that fails."""
        with self._reloading:
            started = time.perf_counter()
            old = self._index
            new, skipped = self._builder(self.config, self._tokenizer, old)
            self._index = new
            self.skipped = skipped
            self.loaded_at = datetime.now(UTC)
        before = {d.source: d.digest for d in old.documents}
        after = {d.source: d.digest for d in new.documents}
        del old  # questions still being answered from it keep it alive until they finish
        release_free_memory()
        return ReloadReport(
            documents=len(new.documents),
            passages=len(new.passages),
            skipped=skipped,
            added=tuple(s for s in after if s not in before),
            removed=tuple(s for s in before if s not in after),
            changed=tuple(s for s in after if s in before and before[s] != after[s]),
            seconds=round(time.perf_counter() - started, 3),
        )

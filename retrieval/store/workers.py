"""Documents to counted terms (``retrieval.store.counting``), on every core.

Tokenising is the slow part of indexing (jieba takes about a millisecond a
passage), so a large build reads, parses and tokenises its documents in
worker processes, a chunk of documents at a time; each worker loads jieba's
dictionary once. A small build (a reload that changed a file or two) does it
in this process, which has jieba loaded already.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from retrieval.documents.reader import Skipped
from retrieval.store.counting import Indexed, Job, index_file
from retrieval.text.tokenizer import Tokenizer

log = logging.getLogger(__name__)

# Below this many bytes of documents to tokenise, starting workers costs more than it saves.
PARALLEL_BYTES = 1 << 20
_CHUNKS_PER_WORKER = 24


def tokenizer_spec(tokenizer: Tokenizer) -> dict[str, Any]:
    """What rebuilds ``tokenizer`` in another process: its init fields."""
    return {f.name: getattr(tokenizer, f.name) for f in dataclasses.fields(tokenizer) if f.init}


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


Done = Callable[[Indexed | Skipped], None]

_worker: dict[str, Any] = {}


def _start_worker(spec: dict[str, Any], folder: Path, max_chars: int) -> None:
    _worker.update(tokenizer=Tokenizer(**spec), folder=folder, max_chars=max_chars)


def _work(jobs: Sequence[Job]) -> list[Indexed | Skipped]:
    return [index_file(job, _worker["folder"], _worker["max_chars"], _worker["tokenizer"]) for job in jobs]


def _chunks(jobs: Sequence[Job], workers: int) -> Iterator[list[Job]]:
    """Consecutive runs of jobs of about equal bytes, many per worker (to share the load)."""
    target = max(sum(job.size for job in jobs) // (workers * _CHUNKS_PER_WORKER), 1)
    chunk: list[Job] = []
    size = 0
    for job in jobs:
        chunk.append(job)
        size += job.size
        if size >= target:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


_spawning = threading.Lock()


@contextlib.contextmanager
def _main_left_alone() -> Iterator[None]:
    """Spawn workers without importing the ``__main__`` module in them.

    They need nothing from it, and importing it would run a script's top
    level there (a script without ``if __name__ == "__main__":`` would index
    again, in every worker).
    """
    main = sys.modules["__main__"]
    saved: dict[str, object] = {n: main.__dict__[n] for n in ("__spec__", "__file__") if n in main.__dict__}
    with _spawning:
        main.__spec__ = None
        main.__dict__.pop("__file__", None)
        try:
            yield
        finally:
            main.__dict__.update(saved)


def index_files(
    jobs: Sequence[Job],
    folder: Path,
    max_chars: int,
    tokenizer: Tokenizer,
    done: Done,
    workers: int | None = None,
) -> None:
    """Index every job's file, calling ``done`` with each result as it comes
    (in any order), on ``workers`` processes (default: every core) when it is
    worth it."""
    workers = available_cores() if workers is None else workers
    workers = min(workers, len(jobs))
    finished: set[str] = set()
    if workers > 1 and sum(job.size for job in jobs) >= PARALLEL_BYTES:
        try:
            _in_workers(jobs, folder, max_chars, tokenizer, workers, done, finished)
        except (BrokenProcessPool, OSError) as error:
            log.warning("indexing in worker processes failed (%s); going on in this one", error)
    for job in jobs:
        if job.source not in finished:
            done(index_file(job, folder, max_chars, tokenizer))


def _in_workers(
    jobs: Sequence[Job],
    folder: Path,
    max_chars: int,
    tokenizer: Tokenizer,
    workers: int,
    done: Done,
    finished: set[str],
) -> None:
    context = multiprocessing.get_context("spawn")  # fork is unsafe in a threaded server
    with ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(tokenizer_spec(tokenizer), folder, max_chars),
    ) as pool:
        with _main_left_alone():
            futures = [pool.submit(_work, chunk) for chunk in _chunks(jobs, workers)]
        for future in as_completed(futures):
            for result in future.result():
                finished.add(result.source if isinstance(result, Skipped) else result.document.source)
                done(result)

"""Documents to counted terms (``retrieval.store.counting``), on every core.

Tokenising is the slow part of indexing, so a large build reads, parses and
tokenises its documents in worker processes, a chunk of documents at a time;
each worker maps jieba's dictionary and cuts with jieba-rs
(``Tokenizer.cut_in_bulk``, started before the worker's limits are set, so they
leave a reader all its room). A small build (a reload that changed a file or
two) does it in this process, with the tokenizer it has, except that Word, PDF
and web-page files are always read in a worker, within limits
(``retrieval.store.boxing``): for a small build, in a worker that only reads
(it starts without a tokenizer: ~2.4 s with a small file read, under load 9), and
are tokenised here. A worker that dies (the kernel ends one stuck in a reader's
C code) leaves its files to be read again one at a time, in a new worker: the
one that ends that worker too is skipped with a reason.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.documents.reader import Skipped, read_document
from retrieval.index.passagetable import PassageTable
from retrieval.passage import Document
from retrieval.store.boxing import CRASHED, confine, needs_box, read_boxed
from retrieval.store.counting import Indexed, Job, Read, count_file, index_file, read_file
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


def _start_worker(spec: dict[str, Any] | None, folder: Path, max_chars: int, read: Read | None) -> None:
    """A worker that reads within limits (``boxing.confine``), and tokenises with jieba-rs
    when given a tokenizer (started before the limits, which then count from there)."""
    tokenizer = Tokenizer(**spec) if spec is not None else None
    if tokenizer is not None:
        tokenizer.cut_in_bulk()
    _worker.update(tokenizer=tokenizer, folder=folder, max_chars=max_chars, read=read)
    confine()


def _work(jobs: Sequence[Job]) -> list[Indexed | Skipped | Document]:
    folder, max_chars, tokenizer = _worker["folder"], _worker["max_chars"], _worker["tokenizer"]
    results: list[Indexed | Skipped | Document] = []
    for job in jobs:
        read = _worker["read"] or (read_boxed if needs_box(job.path) else read_document)
        if tokenizer is None:
            results.append(read_file(job, folder, max_chars, read))
        else:
            results.append(_packed(index_file(job, folder, max_chars, tokenizer, read)))
    return results


def _packed(result: Indexed | Skipped) -> Indexed | Skipped:
    """A document's passages as a few arrays (``PassageTable``): a tenth of the time
    to pickle here and to unpickle in the main process, which packs them anyway."""
    if isinstance(result, Skipped):
        return result
    passages = PassageTable.pack(result.document.passages)
    return dataclasses.replace(result, document=dataclasses.replace(result.document, passages=passages))


def _chunks(jobs: Sequence[Job], workers: int, alone: bool) -> Iterator[list[Job]]:
    """Consecutive runs of jobs of about equal bytes, many per worker (to share the load);
    one job each when ``alone``."""
    target = 1 if alone else max(sum(job.size for job in jobs) // (workers * _CHUNKS_PER_WORKER), 1)
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


@dataclass
class _Build:
    """One call of ``index_files``: where results go, and which files are done."""

    jobs: dict[str, Job]
    folder: Path
    max_chars: int
    tokenizer: Tokenizer
    done: Done
    read: Read | None
    finished: set[str] = field(default_factory=set)

    def report(self, results: list[Indexed | Skipped | Document]) -> None:
        """Hand on each result once; a document only read is tokenised here."""
        for result in results:
            source = result.document.source if isinstance(result, Indexed) else result.source
            if source in self.finished:
                continue
            self.finished.add(source)
            if isinstance(result, Document):
                result = count_file(self.jobs[result.source], result, self.tokenizer)
            self.done(result)


def index_files(
    jobs: Sequence[Job],
    folder: Path,
    max_chars: int,
    tokenizer: Tokenizer,
    done: Done,
    workers: int | None = None,
    read: Read | None = None,
) -> None:
    """Index every job's file, calling ``done`` with each result as it comes (in any
    order): on ``workers`` processes (default: every core) when it is worth it, else in
    this process, but for Word, PDF and web pages, always read in a worker (and tokenised
    here). ``read`` replaces how a worker reads a file (``read_boxed`` or ``read_document``)."""
    workers = available_cores() if workers is None else workers
    build = _Build({job.source: job for job in jobs}, folder, max_chars, tokenizer, done, read)
    tokenise = min(workers, len(jobs)) > 1 and sum(job.size for job in jobs) >= PARALLEL_BYTES
    pooled = list(jobs) if tokenise else [job for job in jobs if needs_box(job.path)]
    spawns = True
    if pooled:
        try:
            _in_workers(build, pooled, max(1, min(workers, len(pooled))), tokenise)
        except BrokenProcessPool as error:
            log.warning("a worker process ended (%s); reading its files again one at a time", error)
            spawns = _one_at_a_time(
                build, [j for j in pooled if needs_box(j.path) and j.source not in build.finished]
            )
        except OSError as error:
            log.warning("indexing in worker processes failed (%s)", error)
            spawns = False
        if not spawns:
            log.warning("going on in this process: Word, PDF and web pages are read without limits")
    for job in jobs:
        if job.source not in build.finished:
            build.report([index_file(job, folder, max_chars, tokenizer)])


def _one_at_a_time(build: _Build, jobs: list[Job]) -> bool:
    """Read ``jobs`` in order in one worker; the file it dies on is skipped, and a new
    worker goes on with the rest. False if no worker could be started."""
    while jobs:
        try:
            _in_workers(build, jobs, 1, tokenise=False, alone=True)
        except BrokenProcessPool:
            jobs = [job for job in jobs if job.source not in build.finished]
            build.report([Skipped(jobs[0].source, CRASHED)])
            jobs = jobs[1:]
        except OSError:
            return False
        else:
            return True
    return True


def _in_workers(
    build: _Build, jobs: Sequence[Job], workers: int, tokenise: bool, alone: bool = False
) -> None:
    """``jobs`` in a pool of ``workers`` processes, tokenised there or only read; what
    finished counts also when the pool breaks (``BrokenProcessPool``: a worker died)."""
    context = multiprocessing.get_context("spawn")  # fork is unsafe in a threaded server
    spec = tokenizer_spec(build.tokenizer) if tokenise else None
    with ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(spec, build.folder, build.max_chars, build.read),
    ) as pool:
        with _main_left_alone():
            futures = [pool.submit(_work, chunk) for chunk in _chunks(jobs, workers, alone)]
        try:
            for future in as_completed(futures):
                build.report(future.result())
        except BrokenProcessPool:
            for future in futures:
                if future.done() and future.exception() is None:
                    build.report(future.result())
            raise


def read_apart(path: Path, folder: Path, max_chars: int) -> Document | Skipped:
    """One file read as indexing reads it, in a worker process within limits (``boxing``):
    for checking a file before it joins the documents folder (an upload, say)."""
    job = Job(path, path.relative_to(folder).as_posix(), path.stat().st_size)
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(1, context, _start_worker, (None, folder, max_chars, None)) as pool:
            with _main_left_alone():
                future = pool.submit(_work, [job])
            (result,) = future.result()
    except BrokenProcessPool:
        return Skipped(job.source, CRASHED)
    assert not isinstance(result, Indexed)  # nothing is tokenised in a worker without a tokenizer
    return result

"""Documents to counted terms, on every core.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

from retrieval.cuts import Cuts
from retrieval.encoding import UndecodableFile
from retrieval.index import passage_terms
from retrieval.passage import Document
from retrieval.reader import Skipped, read_document
from retrieval.termcounts import TermCounts
from retrieval.tokenizer import Tokenizer

log = logging.getLogger(__name__)

# Below this many bytes of documents to tokenise, starting workers costs more than it saves.
PARALLEL_BYTES = 1 << 20
_CHUNKS_PER_WORKER = 24


@dataclass(frozen=True)
class Indexed:
    """A document, its passages' terms counted (one ``TermCounts`` per field),
    and where jieba cut their texts."""

    document: Document
    fields: tuple[TermCounts, ...]
    cuts: Cuts


@dataclass(frozen=True)
class Job:
    """A file to read and index: its path, its name relative to the documents folder, its
    size, and what an earlier version of it held (its unchanged passages are not tokenised again)."""

    path: Path
    source: str
    size: int
    previous: Indexed | None = None


class _Remembering:
    """A tokenizer that tokenises each text once (the passages of a section share
    their title and heading), and remembers where jieba cut it."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self._tokenizer = tokenizer
        self._seen: dict[str, tuple[list[str], list[int]]] = {}

    def terms(self, text: str) -> list[str]:
        return self._analyse(text)[0]

    def cuts(self, text: str) -> list[int]:
        return self._analyse(text)[1]

    def _analyse(self, text: str) -> tuple[list[str], list[int]]:
        found = self._seen.get(text)
        if found is None:
            found = self._seen[text] = self._tokenizer.terms_and_cuts(text)
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tokenizer, name)


def count_document(document: Document, tokenizer: Tokenizer) -> Indexed:
    """Tokenise and count the terms of each of ``document``'s passages."""
    remembering = _Remembering(tokenizer)
    terms = [passage_terms(cast(Tokenizer, remembering), passage) for passage in document.passages]
    cuts = Cuts.pack([remembering.cuts(passage.text) for passage in document.passages])
    return Indexed(document, tuple(TermCounts.count(field) for field in zip(*terms, strict=True)), cuts)


def index_file(job: Job, folder: Path, max_chars: int, tokenizer: Tokenizer) -> Indexed | Skipped:
    """Read, parse and count one file; a file with no usable text is skipped."""
    try:
        document = read_document(job.path, folder, max_chars)
    except (UndecodableFile, OSError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return Skipped(job.source, reason)
    if job.previous is not None:
        return recount_document(document, tokenizer, job.previous)
    return count_document(document, tokenizer)


def _rows(counts: TermCounts, start: int, stop: int) -> TermCounts:
    ends = np.cumsum(counts.sizes, dtype=np.int64)
    first, last = (int(ends[start - 1]) if start else 0), (int(ends[stop - 1]) if stop else 0)
    return TermCounts(
        counts.vocab,
        counts.terms[first:last],
        counts.counts[first:last],
        counts.sizes[start:stop],
        counts.lengths[start:stop],
    )


def recount_document(document: Document, tokenizer: Tokenizer, previous: Indexed) -> Indexed:
    """``count_document``, taking the terms and cuts of each passage whose text, title
    and heading an earlier version's passage had (an edit leaves most as they were)."""
    known = {(p.text, p.title, p.heading): i for i, p in enumerate(previous.document.passages)}
    found = [known.get((p.text, p.title, p.heading), -1) for p in document.passages]
    pieces: list[Indexed] = []
    start = 0
    while start < len(found):  # runs of new passages, and of consecutive old ones
        stop = start + 1
        if found[start] < 0:
            while stop < len(found) and found[stop] < 0:
                stop += 1
            part = dataclasses.replace(document, passages=document.passages[start:stop])
            pieces.append(count_document(part, tokenizer))
        else:
            while stop < len(found) and found[stop] == found[stop - 1] + 1:
                stop += 1
            first, last = found[start], found[stop - 1] + 1
            fields = tuple(_rows(counts, first, last) for counts in previous.fields)
            pieces.append(Indexed(document, fields, previous.cuts.slice(first, last)))
        start = stop
    fields = tuple(TermCounts.concat([p.fields[i] for p in pieces]) for i in range(len(previous.fields)))
    return Indexed(document, fields, Cuts.concat([p.cuts for p in pieces]))


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

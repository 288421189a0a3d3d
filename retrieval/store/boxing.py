"""Reading Word, PDF and web-page files inside limits, in the indexer's worker processes.

These formats are parsed by other people's code (python-docx and lxml, in C underneath;
pypdf, in Python), which a damaged or hostile file can make loop, recurse or allocate
without end. So the indexer reads them only in its worker processes (``workers``), never
in the process that serves questions, and each worker is confined (``confine``):

- memory: its address space may grow ``MEMORY_BYTES`` (2 GiB) past what it held once
  started (``RLIMIT_AS``); an allocation beyond fails, and the file is skipped;
- time, per file (``time_box``): ``READ_SECONDS`` (60 s) of CPU time (``ITIMER_PROF``)
  or three times that on the clock (``ITIMER_REAL``) raise ``ReadTimeout`` in the reader;
- a hard stop for code stuck inside C, where Python's signal handlers never run: the CPU
  limit (``RLIMIT_CPU``) is set to twice the budget past what the worker has used, so the
  kernel ends the worker (SIGXCPU); the indexer then reads the files it had one at a time
  and skips the one that ends its worker again (``workers``).

The readers have their own size limits too: 1,000 pages of PDF (``formats/pdf.py``),
50 MiB of unpacked XML in a .docx (``formats/wordpackage.py``), 20 MiB of HTML
(``formats/webpage.py``).
"""

from __future__ import annotations

import contextlib
import resource
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from retrieval.documents.reader import LIBRARY_SUFFIXES, read_document
from retrieval.errors import UnreadableFile
from retrieval.passage import Document

READ_SECONDS = 60
MEMORY_BYTES = 2 << 30
CRASHED = "the reader crashed on it (damaged, or it needs more memory or time than allowed)"


class ReadTimeout(BaseException):  # not an Exception: readers that catch those must let it through
    """A file took longer to read than ``READ_SECONDS``."""


def needs_box(path: Path) -> bool:
    return path.suffix.lower() in LIBRARY_SUFFIXES


def _expired(signum: int, frame: FrameType | None) -> None:
    raise ReadTimeout


def _address_space() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def confine() -> None:
    """Limit this (worker) process's memory, and let ``time_box`` interrupt it."""
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = _address_space() + MEMORY_BYTES
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError):  # no /proc, or limits this system will not set
        pass
    signal.signal(signal.SIGPROF, _expired)
    signal.signal(signal.SIGALRM, _expired)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextlib.contextmanager
def time_box(seconds: float) -> Iterator[None]:
    """Raise ``ReadTimeout`` in the block after ``seconds`` of CPU (or 3 × ``seconds`` on the
    clock); end the process if it is still running twice that CPU time later. Only in a
    process's main thread, after ``confine``."""
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    stop = int(_cpu_seconds() + 2 * seconds) + 1
    if hard == resource.RLIM_INFINITY or stop < hard:
        resource.setrlimit(resource.RLIMIT_CPU, (stop, hard))
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, 3 * seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))


def read_boxed(path: Path, folder: Path, max_chars: int) -> Document:
    """``read_document`` within the time box; running out of time or memory is a reason to skip."""
    try:
        with time_box(READ_SECONDS):
            return read_document(path, folder, max_chars)
    except ReadTimeout:
        raise UnreadableFile(
            f"it took longer than {READ_SECONDS} s to read (damaged, or too complex)"
        ) from None
    except MemoryError:
        raise UnreadableFile(
            f"it needs more than {MEMORY_BYTES >> 20} MiB of memory to read (damaged, or too large)"
        ) from None

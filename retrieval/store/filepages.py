"""What a mapped cache file puts in a process's memory: the passages' text read with
``os.pread`` rather than through the mapping, and the mapped pages handed back when the
process is idle.

Every page a question reads joins the process's RSS, and stays: the postings are in key
(hash) order, so a few hundred terms' lists share each 64 KiB, and within a thousand
questions a process has touched nearly all of them (at 150k long passages, the whole
180 MB of postings). ``hand_back_pages`` unmaps every mapped cache file's pages
(``MADV_DONTNEED``): they stay in the page cache, shared and clean, and the next question
maps what it reads again. ``retrieval.library.Library`` calls it when the process is at rest.

Linux (6.x) caches a file written in large writes in folios of up to 2 MiB and maps each
with one page-table entry: one byte read maps 2 MiB, but ranking runs faster through those
huge mappings (TLB). Written 64 KiB at a time, the file's first answer left 66 MiB resident
instead of 130 MiB, but ranking took ~20% longer (150k long passages, interleaved runs), so
the file is written in large writes and ``hand_back_pages`` does the rest.
"""

from __future__ import annotations

import mmap
import os
import weakref
from collections.abc import Callable

_mappings: weakref.WeakSet[mmap.mmap] = weakref.WeakSet()  # every cache file mapped, while in use


def mapped(fd: int) -> mmap.mmap:
    """The file ``fd`` mapped read-only (and remembered, for ``hand_back_pages``)."""
    mapping = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    _mappings.add(mapping)
    return mapping


def hand_back_pages() -> int:
    """Unmap the pages of every cache file mapped (they stay cached, and are mapped again
    when read); how many files. Safe while other threads read them."""
    if not hasattr(mmap, "MADV_DONTNEED"):
        return 0
    count = 0
    for mapping in list(_mappings):
        if not mapping.closed:
            mapping.madvise(mmap.MADV_DONTNEED)
            count += 1
    return count


class FileBytes:
    """An array's bytes read from the mapped file with ``os.pread`` (the same open file
    as the mapping), not through the mapping: what is read once in a while (a passage's
    text, to show it) does not leave the mapping's pages in the process's memory."""

    def __init__(self, fd: int, places: dict[str, int]) -> None:
        self._fd = fd
        self._places = places  # each array's first byte in the file
        weakref.finalize(self, os.close, fd)

    def reader(self, name: str) -> Callable[[int, int], bytes]:
        """Bytes ``start`` to ``end`` of array ``name``."""
        offset = self._places[name]

        def read(start: int, end: int) -> bytes:
            data = b""
            while len(data) < end - start:  # (a regular file gives all at once but at its end)
                more = os.pread(self._fd, end - start - len(data), offset + start + len(data))
                if not more:
                    raise ValueError("the index cache file is cut short")
                data += more
            return data

        return read

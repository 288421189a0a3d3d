"""Which document files a folder holds, and the sha256 of each one's content.

A reload must not read and hash every file again to find the one that
changed: a file whose ``stat`` (inode, size, modification and change times)
is the one it had when it was last hashed keeps that hash. Only a stat taken
well after the file's last change is trusted (git's "racy" rule: a write in
the same clock tick as the hash would leave the times as they were), and
the change time (``ctime``) cannot be set back by a program, so a rewrite
always shows. Any other file is read and hashed. The stamps of a folder's
last scan are kept in the index cache's snapshot too (``remembered``), so a
new process does not hash the files of a folder it has indexed before.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from retrieval.documents.reader import Skipped, document_entries

# A file changed less than this long before it was hashed is hashed again next time.
SETTLED_NS = 2_000_000_000

Stamp = tuple[int, int, int, int]  # inode, size, mtime, ctime (ns)

Known = dict[str, tuple[Stamp, str]]  # source name: the stamp its file was hashed at, and the hash
_known: dict[Path, Known] = {}  # per folder, the files of its last scan
_lock = threading.Lock()


@dataclass(frozen=True)
class File:
    path: Path
    source: str
    digest: str
    size: int


def _stamp(status: os.stat_result) -> Stamp:
    return (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def _digest(
    path: Path, status: os.stat_result, last: tuple[Stamp, str] | None, now: int
) -> tuple[str, int, bool]:
    """The sha256 and size of ``path``'s content (``status`` its stat), reusing ``last``
    hash while its stat stands; and whether that hash may be kept for next time."""
    before = _stamp(status)
    if last is not None and last[0] == before:
        return last[1], before[1], True
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    settled = _stamp(os.stat(path)) == before and max(before[2], before[3]) < now - SETTLED_NS
    return digest, len(data), settled


def scan(folder: Path, remembered: Known | None = None) -> tuple[list[File], dict[str, Skipped], list[str]]:
    """The readable document files of ``folder`` (in order), those that could not
    be read, and every document file's source name (in order); a file whose stamp
    is the one ``remembered`` (or this process's last scan) has keeps its hash."""
    files: list[File] = []
    skipped: dict[str, Skipped] = {}
    sources: list[str] = []
    now = time.time_ns()
    with _lock:
        known = {**(remembered or {}), **_known.get(folder, {})}
    seen: Known = {}
    for source, path, status in document_entries(folder):
        sources.append(source)
        try:
            digest, size, settled = _digest(path, status, known.get(source), now)
        except OSError as error:
            skipped[source] = Skipped(source, error.strerror or str(error))
            continue
        if settled:
            seen[source] = (_stamp(status), digest)
        files.append(File(path, source, digest, size))
    with _lock:
        _known[folder] = seen
    return files, skipped, sources


def stamps(folder: Path) -> Known:
    """The stamps and hashes of ``folder``'s files as its last scan left them."""
    with _lock:
        return dict(_known.get(folder, {}))

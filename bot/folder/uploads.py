"""An upload's way into the documents folder: staged in a hidden folder inside it
(``DOCS_DIR/.uploads/<random>/<name>``, never indexed), read there as indexing would
read it, then put in place with one rename (the same filesystem: atomic), or thrown away."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.folder.trash import keep_in_trash
from retrieval.documents.reader import Skipped
from retrieval.passage import Document
from retrieval.store.boxing import needs_box
from retrieval.store.counting import Job, read_file
from retrieval.store.workers import read_apart

STAGING = ".uploads"
STALE = timedelta(hours=1)


@dataclass(frozen=True)
class Staged:
    """An upload waiting in the staging folder: ``name`` is its (clean) name in ``folder``."""

    folder: Path
    path: Path
    name: str

    @property
    def target(self) -> Path:
        return self.folder / self.name

    def replaces(self) -> bool:
        """True when a document of that name is in the folder already."""
        return self.target.is_file()


def stage(folder: Path, name: str) -> Staged:
    """A new staging place for ``name`` (its folder made); raises ``OSError`` when the
    documents folder cannot be written to."""
    area = folder / STAGING / secrets.token_hex(8)
    area.mkdir(parents=True)
    return Staged(folder, area / name, name)


def check(staged: Staged, max_chars: int) -> Document | Skipped:
    """The staged file read as indexing reads it: Word, PDF and web pages in a worker
    process within limits, plain text and Markdown here. Its document, or why it has
    nothing to serve."""
    folder = staged.path.parent
    if needs_box(staged.path):
        return read_apart(staged.path, folder, max_chars)
    return read_file(Job(staged.path, staged.name, staged.path.stat().st_size), folder, max_chars)


def place(staged: Staged, when: datetime) -> Path | None:
    """Put the staged file in place with one rename; an old version of that name is kept in
    the trash first. Where the old version went, or None when there was none."""
    old = keep_in_trash(staged.folder, staged.name, when) if staged.replaces() else None
    os.replace(staged.path, staged.target)
    discard(staged)
    return old


def sweep(folder: Path, older_than: timedelta = STALE) -> int:
    """Delete what earlier runs left in the staging folder (uploads waiting for a button when
    the bot stopped), when older than ``older_than``; how many. Errors are ignored."""
    area, now, count = folder / STAGING, time.time(), 0
    for entry in area.iterdir() if area.is_dir() else ():
        with contextlib.suppress(OSError):
            if now - entry.stat().st_mtime > older_than.total_seconds():
                if entry.is_dir():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
                count += 1
    return count


def discard(staged: Staged) -> None:
    """Forget the staged file (and its staging folder)."""
    shutil.rmtree(staged.path.parent, ignore_errors=True)

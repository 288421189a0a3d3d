"""Old versions and removed documents go to ``DOCS_DIR/.trash/`` (hidden, so never
indexed), with the time they left in their name; nothing is destroyed."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path, PurePosixPath

TRASH = ".trash"
STAMP = "%Y%m%d-%H%M%S"


def trash_path(folder: Path, source: str, when: datetime) -> Path:
    """Where ``source`` (a path relative to ``folder``) goes in the trash: the same
    subfolders, the time stamp before the suffix (``手册.20250102-030405.docx``), and a
    number after it if that name is taken."""
    relative = PurePosixPath(source)
    stamp = when.strftime(STAMP)
    stem, suffix = relative.stem, relative.suffix
    parent = folder / TRASH / relative.parent
    target = parent / f"{stem}.{stamp}{suffix}"
    number = 2
    while target.exists():
        target = parent / f"{stem}.{stamp}-{number}{suffix}"
        number += 1
    return target


def move_to_trash(folder: Path, source: str, when: datetime) -> Path:
    """Move the document ``source`` into the trash; where it went."""
    target = trash_path(folder, source, when)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(folder / source, target)
    return target


def keep_in_trash(folder: Path, source: str, when: datetime) -> Path:
    """A copy of ``source`` in the trash (a hard link where the filesystem allows), the
    file itself left in place, so that a new version can replace it in one rename."""
    target = trash_path(folder, source, when)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(folder / source, target)
    except OSError:
        shutil.copy2(folder / source, target)
    return target

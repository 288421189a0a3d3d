"""The index cache's files on disk: each written whole or not at all, read only
when it is sound (anything else is deleted with a warning), and removed once
unused (``retrieval.store.cache`` decides what goes in them)."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from retrieval.store.cachefile import open_file, write_file
from retrieval.store.filepages import FileBytes

log = logging.getLogger("retrieval.store.cache")  # the cache's warnings, under one name
_T = TypeVar("_T")

SUFFIX = ".qix"
SNAPSHOTS = 8
UNUSED_DAYS = 30


class CacheFolder:
    """One cache key's folder (``folder``, under the cache's ``root``); safe to use
    from several threads and processes at once, and never raising on a bad file
    or a folder it cannot write: it warns and carries on without it."""

    def __init__(self, root: Path, folder: Path) -> None:
        self.root = root
        self.folder = folder
        self._unwritable = False

    def write(self, path: Path, meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
        """Write ``path`` whole or not at all: a temporary file renamed over it."""
        if self._unwritable:
            return
        import tempfile  # (and shutil below: only a start that writes needs them, ~5 ms)

        temporary = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=path.stem + ".", suffix=".tmp", dir=path.parent)
            with os.fdopen(handle, "wb") as file:
                write_file(file, meta, arrays)
            os.replace(temporary, path)
            temporary = None
        except OSError as error:
            self._unwritable = True
            log.warning(
                "cannot write the index cache in %s (%s); going on without saving to it", self.root, error
            )
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)

    def load(
        self, path: Path, parse: Callable[[dict[str, Any], dict[str, np.ndarray], FileBytes], _T]
    ) -> _T | None:
        """What ``parse`` makes of the file at ``path``; None when there is none, or
        when it does not parse (then it is deleted with a warning)."""
        try:
            meta, archive, verify, raw = open_file(path)
            try:
                loaded = parse(meta, archive, raw)  # while its CRCs are checked
            finally:
                verify()  # nothing of it is used before its CRCs are known to be right
        except FileNotFoundError:
            return None
        except Exception as error:  # anything at all: the file is not to be trusted
            self._discard(path, error)
            return None
        self._touch(path)
        return loaded

    def _discard(self, path: Path, error: BaseException) -> None:
        reason = str(error) or type(error).__name__
        if isinstance(error, (KeyError, TypeError, UnicodeDecodeError, json.JSONDecodeError)):
            reason = f"damaged: {type(error).__name__}: {reason}"
        log.warning("index cache file %s is unusable (%s); rebuilding it", path, reason)
        with contextlib.suppress(OSError):
            path.unlink()

    @staticmethod
    def _touch(path: Path) -> None:
        with contextlib.suppress(OSError):
            os.utime(path)

    def collect_garbage(self, now: float | None = None) -> None:
        """Remove what has not been used for ``UNUSED_DAYS`` (at most once a day)
        and all but the ``SNAPSHOTS`` most recent snapshots."""
        with contextlib.suppress(OSError):
            self._collect_garbage(time.time() if now is None else now)

    def _collect_garbage(self, now: float) -> None:
        import shutil

        marker = self.folder / ".collected"
        with contextlib.suppress(OSError):
            if now - marker.stat().st_mtime < 86400:
                return
        with contextlib.suppress(OSError):
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        old = now - UNUSED_DAYS * 86400

        def mtime(path: Path) -> float:
            try:
                return path.stat().st_mtime
            except OSError:
                return now

        snapshots = sorted(self.folder.glob(f"snapshots/*{SUFFIX}"), key=mtime, reverse=True)
        for path in snapshots[SNAPSHOTS:]:
            with contextlib.suppress(OSError):
                path.unlink()
        for path in self.folder.glob("*/*"):
            stale = path.suffix == ".tmp" and mtime(path) < now - 3600
            if stale or (path.suffix == SUFFIX and mtime(path) < old):
                with contextlib.suppress(OSError):
                    path.unlink()
        for sibling in self.folder.parent.iterdir():
            if sibling != self.folder and sibling.is_dir() and mtime(sibling / ".collected") < old:
                shutil.rmtree(sibling, ignore_errors=True)
        for version in self.root.glob("v*"):  # other formats' caches
            if version != self.folder.parent and version.is_dir() and mtime(version) < old:
                shutil.rmtree(version, ignore_errors=True)

"""The files of jieba's dictionary (``retrieval.text.dictionary``): ``<stem>.marisa``,
a MARISA trie of its keys, and ``<stem>.tables``, a header (JSON: totals, sizes and
CRC-32s of both files) then the arrays it describes.

Both are checked once, when mapped: a truncated, foreign or corrupt file is
deleted with a warning (then built anew), never trusted; they are written to
temporary files renamed over the old ones, never rewritten in place, so a
process that has the old ones mapped goes on with them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import mmap
import os
import sys
import zlib
from pathlib import Path
from typing import Any

log = logging.getLogger("retrieval.text.dictionary")
FORMAT = 1
_MAGIC = b"qabot jieba tables\n"

Checked = tuple[dict[str, Any], memoryview]  # a tables file's header, and its body


def padded(data: bytes) -> bytes:
    """``data`` with zeros up to a multiple of 8 bytes (arrays after it start aligned)."""
    return data + bytes(-len(data) % 8)


def tables_file(header: dict[str, Any], body: bytes, trie: bytes) -> bytes:
    """The tables file's bytes: ``header`` with the format, sizes and CRCs, then ``body``."""
    header = header | {
        "format": FORMAT,
        "byteorder": sys.byteorder,
        "trie_size": len(trie),
        "trie_crc": zlib.crc32(trie),
        "body_size": len(body),
        "body_crc": zlib.crc32(body),
    }
    return padded(_MAGIC + json.dumps(header).encode() + b"\n") + body


def checked(tables: memoryview, trie: bytes) -> Checked:
    """The header and body of ``tables`` (a tables file's bytes); raises ValueError
    unless both it and ``trie`` (the trie file's bytes) are whole and belong together."""
    if bytes(tables[: len(_MAGIC)]) != _MAGIC:
        raise ValueError("not a jieba tables file")
    end = bytes(tables[: 1 << 12]).index(b"\n", len(_MAGIC))
    header: dict[str, Any] = json.loads(bytes(tables[len(_MAGIC) : end]))
    body = tables[end + 1 + (-(end + 1) % 8) :]
    if header["format"] != FORMAT or header["byteorder"] != sys.byteorder:
        raise ValueError(f"format {header['format']} ({header['byteorder']}-endian)")
    if len(body) != header["body_size"] or len(trie) != header["trie_size"]:
        raise ValueError("truncated")
    if zlib.crc32(body) != header["body_crc"] or zlib.crc32(trie) != header["trie_crc"]:
        raise ValueError("CRC mismatch")
    return header, body


def mapped_tables(folder: Path, stem: str) -> tuple[memoryview, Checked] | None:
    """The tables file in ``folder``, mapped, and what ``checked`` found, if both files
    are there and sound; None if they are not there (or were unsound, and are deleted)."""
    try:
        with (folder / f"{stem}.tables").open("rb") as file:
            tables = memoryview(mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ))
    except (FileNotFoundError, NotADirectoryError):
        return None  # not built yet
    except (OSError, ValueError) as error:  # ValueError: an empty file cannot be mapped
        discard(folder, stem, error)
        return None
    try:
        return tables, checked(tables, (folder / f"{stem}.marisa").read_bytes())
    except Exception as error:  # anything at all: the files are not to be trusted
        discard(folder, stem, error)
        return None


def discard(folder: Path, stem: str, error: BaseException) -> None:
    log.warning("jieba's dictionary files %s are unusable (%s); rebuilding them", folder / stem, error)
    for suffix in (".marisa", ".tables"):
        with contextlib.suppress(OSError):
            (folder / f"{stem}{suffix}").unlink()


def saved(folder: Path, stem: str, trie: bytes, tables: bytes) -> bool:
    """Whether the files could be written (each to a temporary file renamed over it)."""
    import tempfile  # only a start that writes them needs it (~5 ms with shutil and random)

    try:
        folder.mkdir(parents=True, exist_ok=True)
        for suffix, data in ((".marisa", trie), (".tables", tables)):  # the tables last: they vouch for it
            handle, temporary = tempfile.mkstemp(prefix=stem, suffix=".tmp", dir=folder)
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(data)
                os.replace(temporary, folder / f"{stem}{suffix}")
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
    except OSError as error:
        log.warning("jieba's dictionary cannot be saved in %s (%s); it is built in memory", folder, error)
        return False
    return True


def remove_others(folder: Path, stem: str) -> None:
    """Delete the dictionary files of other stems (an earlier jieba, or format), once this
    one's are saved: a process that has them mapped keeps reading them (the files go, not
    their pages: Linux and macOS keep an unlinked file until it is unmapped)."""
    for path in folder.glob("jieba-*"):
        if path.suffix in (".marisa", ".tables") and path.stem != stem:
            with contextlib.suppress(OSError):
                path.unlink()

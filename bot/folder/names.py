"""File names from outside (an upload's name is whatever the sender's client says) made
safe to use inside the documents folder."""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_BYTES = 200  # UTF-8 bytes; filesystems allow 255, the trash adds a time stamp
MAX_SUFFIX_CHARS = 16
_SEPARATORS = re.compile(r"[/\\]")
_REPLACED = frozenset('<>:"|?*')  # not allowed in names on Windows and in many shares
_DROPPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})  # controls, formats, separators


def clean_name(name: str) -> str:
    """A name that is one plain, visible file name in a folder: only the last part of a
    path (either slash), without control or invisible formatting characters (a right-to-left
    override, a NUL, a line break), without leading dots or spaces (never hidden, never
    ``..``), nor trailing ones, and at most ``MAX_NAME_BYTES`` (the suffix kept). Chinese
    and every other script are kept. ``""`` when nothing usable is left."""
    base = _SEPARATORS.split(unicodedata.normalize("NFC", name))[-1]
    kept = "".join(
        "_" if char in _REPLACED else char for char in base if unicodedata.category(char) not in _DROPPED
    )
    kept = kept.strip().lstrip(". ").rstrip(". ")
    return _shortened(kept)


def _shortened(name: str) -> str:
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > MAX_SUFFIX_CHARS:
        stem, suffix = name, ""
    tail = f".{suffix}" if suffix else ""
    room = MAX_NAME_BYTES - len(tail.encode("utf-8"))
    short = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip(". ")
    return short + tail if short else ""

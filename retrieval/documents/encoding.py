"""Bytes to text: the home of charset-normalizer.

UTF-8 (with or without a byte-order mark) is tried first, strictly; anything
else is left to charset-normalizer, which recognises GB18030/GBK, Big5,
UTF-16 and the rest. Binary and undecodable files raise ``UndecodableFile``
with the reason, so one bad file never stops the others.
"""

from __future__ import annotations

import codecs

import charset_normalizer


class UndecodableFile(ValueError):
    """The bytes are not text in any encoding we can recognise."""


_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode(data: bytes) -> str:
    """Return the text ``data`` encodes, or raise ``UndecodableFile`` saying why."""
    if not data.strip():
        raise UndecodableFile("it is empty")
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        raise UndecodableFile("it looks binary (it contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise UndecodableFile("its encoding is not recognised (not UTF-8, GB18030 or another text encoding)")
    return str(best)

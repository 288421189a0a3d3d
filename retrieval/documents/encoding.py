"""Bytes to text: the home of charset-normalizer.

UTF-8 (with or without a byte-order mark) is tried first, strictly; anything
else is left to charset-normalizer, which recognises GB18030/GBK, Big5,
UTF-16 and the rest. A format that declares its encoding (a web page's
``<meta charset>``) has it tried first, read as browsers read it: GB2312 and
GBK as GB18030 (their superset: pages labelled GB2312 often hold GBK-only
characters such as 镕), Big5 as Big5-HKSCS, Latin-1 as Windows-1252. Binary
and undecodable files raise ``UndecodableFile`` with the reason, so one bad
file never stops the others.
"""

from __future__ import annotations

import codecs

from retrieval.errors import UnreadableFile


class UndecodableFile(UnreadableFile):
    """The bytes are not text in any encoding we can recognise."""


_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "utf-16": "utf-8",  # a page that says UTF-16 in its own (ASCII) text is not UTF-16
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}


def decode(data: bytes, declared: str = "") -> str:
    """Return the text ``data`` encodes, or raise ``UndecodableFile`` saying why.

    ``declared`` is the encoding the file names for itself, if any: tried first
    (a byte-order mark still wins), and ignored when the bytes do not fit it.
    """
    if not data.strip():
        raise UndecodableFile("it is empty")
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        raise UndecodableFile("it looks binary (it contains NUL bytes)")
    label = declared.strip().lower()
    if label and not data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode(_SUPERSETS.get(label, label))
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    import charset_normalizer  # only here: importing it takes ~50 ms that most starts need not pay

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise UndecodableFile("its encoding is not recognised (not UTF-8, GB18030 or another text encoding)")
    return str(best)

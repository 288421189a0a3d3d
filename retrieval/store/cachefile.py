"""One cache file: a JSON header (metadata, and the type, shape, place and CRC-32
of each array) followed by the arrays' raw bytes, no pickle; and how
passages and counted terms become such arrays and back."""

from __future__ import annotations

import itertools
import json
import os
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from retrieval.index.termcounts import TermCounts
from retrieval.passage import Passage

_MAGIC = b"QABOTIDX"
_ALIGN = 64


def write_file(file: BinaryIO, meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
    """A header (magic, length, JSON: ``meta`` and where each array is, with its
    CRC-32) and the arrays' bytes, each at a 64-byte boundary."""
    layout = []
    offset = 0
    for name, array in arrays.items():
        data = np.ascontiguousarray(array)
        layout.append(
            {
                "name": name,
                "dtype": data.dtype.str,
                "shape": list(data.shape),
                "offset": offset,
                "bytes": data.nbytes,
                "crc": zlib.crc32(data.data),
            }
        )
        offset += -(-data.nbytes // _ALIGN) * _ALIGN
    header = json.dumps({"meta": meta, "arrays": layout}, ensure_ascii=False).encode()
    start = -(-(len(_MAGIC) + 8 + len(header)) // _ALIGN) * _ALIGN
    file.write(_MAGIC + len(header).to_bytes(8, "little") + header)
    file.write(b"\0" * (start - len(_MAGIC) - 8 - len(header)))
    for array in arrays.values():
        data = np.ascontiguousarray(array)
        if data.nbytes:
            file.write(data.data.cast("B"))
        file.write(b"\0" * (-data.nbytes % _ALIGN))


def read_file(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The ``meta`` and arrays of a file ``write_file`` wrote; ``ValueError`` if it is not whole."""
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        if file.read(len(_MAGIC)) != _MAGIC:
            raise ValueError("it is not an index cache file")
        length = int.from_bytes(file.read(8), "little")
        if not 0 < length <= size:
            raise ValueError("its header is cut short")
        header = json.loads(file.read(length).decode())
        start = -(-(len(_MAGIC) + 8 + length) // _ALIGN) * _ALIGN
        arrays: dict[str, np.ndarray] = {}
        for item in header["arrays"]:
            dtype = np.dtype(item["dtype"])
            if dtype.hasobject:
                raise ValueError("it holds objects")
            array = np.empty(tuple(item["shape"]), dtype=dtype)
            if array.nbytes != item["bytes"] or start + item["offset"] + array.nbytes > size:
                raise ValueError(f"its array {item['name']} is cut short")
            file.seek(start + item["offset"])
            view = array.data.cast("B") if array.nbytes else memoryview(b"")
            if array.nbytes and file.readinto(view) != array.nbytes:
                raise ValueError(f"its array {item['name']} is cut short")
            if zlib.crc32(view) != item["crc"]:
                raise ValueError(f"its array {item['name']} is damaged (CRC)")
            arrays[item["name"]] = array
    meta = header["meta"]
    if not isinstance(meta, dict):
        raise ValueError("its metadata is not an object")
    return meta, arrays


class Strings:
    """A table of distinct strings, for passages' titles and headings."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        return self.index.setdefault(text, len(self.index))

    @property
    def table(self) -> list[str]:
        return list(self.index)


def pack_passages(passages: Sequence[Passage], strings: Strings) -> dict[str, np.ndarray]:
    """Passages as arrays: their texts as one UTF-8 blob (and where each ends, in
    characters), their titles, headings, paragraph and part numbers, and their pages."""
    info = np.array(
        [(strings(p.title), strings(p.heading), p.paragraph, p.part) for p in passages], dtype=np.int32
    ).reshape(len(passages), 4)
    # One join and one encode: no small temporaries left to fragment the heap.
    return {
        "texts": np.frombuffer("".join(p.text for p in passages).encode(), dtype=np.uint8),
        "ends": np.cumsum([len(p.text) for p in passages], dtype=np.int64),
        "info": info,
        "pages": np.array([p.page for p in passages], dtype=np.int32),
    }


def unpack_passages(
    archive: Mapping[str, np.ndarray], strings: list[str], sources: Sequence[tuple[str, int]]
) -> list[Passage]:
    """The passages of documents ``(source, passage count)``, in order."""
    text = str(archive["texts"].data, "utf-8")  # one decode, then slices
    ends = archive["ends"]
    info = archive["info"]
    pages = archive["pages"]
    count = sum(n for _, n in sources)
    if (
        ends.shape != (count,)
        or info.shape != (count, 4)
        or ends.dtype != np.int64
        or pages.shape != (count,)
    ):
        raise ValueError("its passages do not add up")
    if count and (int(ends[-1]) != len(text) or (np.diff(ends) < 0).any() or int(ends[0]) < 0):
        raise ValueError("its passages' texts do not add up")
    if count and (int(info[:, :2].min()) < 0 or int(info[:, :2].max()) >= len(strings)):
        raise ValueError("its passages refer past its strings")
    texts = [text[a:b] for a, b in itertools.pairwise([0, *ends.tolist()])]
    del text
    table = np.array(strings, dtype=object)
    titles = table[info[:, 0]].tolist() if count else []
    headings = table[info[:, 1]].tolist() if count else []
    names = [source for source, n in sources for _ in range(n)]
    numbers = (info[:, 2].tolist(), info[:, 3].tolist(), pages.tolist())
    return list(map(Passage, texts, titles, headings, names, *numbers))


def pack_counts(prefix: str, counts: TermCounts) -> dict[str, np.ndarray]:
    return {
        f"{prefix}.{name}": getattr(counts, name) for name in ("vocab", "terms", "counts", "sizes", "lengths")
    }


def unpack_counts(archive: Mapping[str, np.ndarray], prefix: str) -> TermCounts:
    counts = TermCounts(
        *(archive[f"{prefix}.{name}"] for name in ("vocab", "terms", "counts", "sizes", "lengths"))
    )
    counts.check()
    return counts

"""One cache file: raw arrays, then a JSON header, then a fixed trailer; read by
mapping it (``mmap``), its arrays NumPy views of the mapping, never copied.

Layout: the arrays' bytes from offset 0, each at a 64-byte boundary; the
header (``meta`` and each array's name, type, shape and place, and a CRC-32 of
every ``CHUNK`` bytes of the arrays' region); the trailer: the header's length
and CRC-32, and ``MAGIC``. A file is checked once, when it is mapped: its size,
the trailer, the header's CRC and every chunk's CRC (on every core, each
chunk's pages handed back to the system once checked, so loading does not
hold the whole file); a file that is cut short, foreign or damaged raises
``ValueError`` naming what is wrong. Mapped files are never written again:
writers write a new file and rename it over the old one
(``retrieval.store.cachefolder``), so a process that has the old one mapped
keeps reading the old one, whole.
"""

from __future__ import annotations

import json
import mmap
import os
import zlib
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

MAGIC = b"QABOTIX4"
_TRAILER = 8 + 4 + 4 + len(MAGIC)  # header length, header CRC, reserved, magic
_ALIGN = 64
CHUNK = 1 << 22  # bytes per CRC: a multiple of every page size (4 KiB Linux, 16 KiB macOS)


def _padded(size: int) -> int:
    return -(-size // _ALIGN) * _ALIGN


def write_file(file: BinaryIO, meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
    """The arrays (each at a 64-byte boundary), the header and the trailer."""
    layout = []
    crcs: list[int] = []
    crc = filled = offset = 0

    def feed(data: memoryview) -> None:  # the running CRC of each CHUNK bytes
        nonlocal crc, filled
        while len(data):
            take = min(len(data), CHUNK - filled)
            crc = zlib.crc32(data[:take], crc)
            filled += take
            data = data[take:]
            if filled == CHUNK:
                crcs.append(crc)
                crc = filled = 0

    for name, array in arrays.items():
        data = np.ascontiguousarray(array)
        layout.append({"name": name, "dtype": data.dtype.str, "shape": list(data.shape), "offset": offset})
        raw = data.data.cast("B") if data.nbytes else memoryview(b"")
        padding = memoryview(b"\0" * (_padded(data.nbytes) - data.nbytes))
        for piece in (raw, padding):
            feed(piece)
            file.write(piece)
        offset += _padded(data.nbytes)
    if filled:
        crcs.append(crc)
    header = json.dumps({"meta": meta, "arrays": layout, "size": offset, "crcs": crcs}, ensure_ascii=False)
    encoded = header.encode()
    file.write(encoded)
    file.write(len(encoded).to_bytes(8, "little") + zlib.crc32(encoded).to_bytes(4, "little"))
    file.write(b"\0" * 4 + MAGIC)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _check_chunks(mapping: mmap.mmap, size: int, crcs: list[int]) -> int:
    """The first chunk whose CRC is wrong, or -1; each chunk's pages are handed back once read."""
    view = memoryview(mapping)

    def check(chunk: int) -> bool:
        start = chunk * CHUNK
        end = min(start + CHUNK, size)
        sound = zlib.crc32(view[start:end]) == crcs[chunk]  # releases the GIL: chunks in parallel
        if hasattr(mapping, "madvise") and hasattr(mmap, "MADV_DONTNEED"):
            mapping.madvise(mmap.MADV_DONTNEED, start, end - start)  # still cached, no longer ours
        return sound

    try:
        if len(crcs) > 1:
            with ThreadPoolExecutor(min(_cores(), len(crcs))) as pool:
                results = list(pool.map(check, range(len(crcs))))
        else:
            results = [check(i) for i in range(len(crcs))]
    finally:
        view.release()
    return next((i for i, sound in enumerate(results) if not sound), -1)


def _header(mapping: mmap.mmap, size: int) -> tuple[dict[str, Any], int]:
    """The header of a mapped file of ``size`` bytes, and its length."""
    trailer = mapping[size - _TRAILER :]
    if trailer[-len(MAGIC) :] != MAGIC:
        raise ValueError("it is not an index cache file of this format")
    length = int.from_bytes(trailer[:8], "little")
    if not 0 < length <= size - _TRAILER:
        raise ValueError("its header is cut short")
    encoded = mapping[size - _TRAILER - length : size - _TRAILER]
    if zlib.crc32(encoded) != int.from_bytes(trailer[8:12], "little"):
        raise ValueError("its header is damaged (CRC)")
    return dict(json.loads(encoded.decode())), length


def array_places(path: Path) -> dict[str, tuple[int, int]]:
    """Where each array of a cache file is: its first byte and its length (for tools and tests)."""
    with open(path, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mapping:
        header, _ = _header(mapping, len(mapping))
    places = {}
    for item in header["arrays"]:
        count = int(np.prod(item["shape"], dtype=np.int64))
        places[str(item["name"])] = (int(item["offset"]), count * np.dtype(item["dtype"]).itemsize)
    return places


def read_file(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The ``meta`` and arrays (read-only views of the mapped file) of a file
    ``write_file`` wrote; ``ValueError`` unless it is whole and sound."""
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size < _TRAILER:
            raise ValueError("it is not an index cache file (too short)")
        mapping = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    header, length = _header(mapping, size)
    data = int(header["size"])
    if data + length + _TRAILER != size:
        raise ValueError("it is cut short or too long")
    crcs = [int(c) for c in header["crcs"]]
    if len(crcs) != -(-data // CHUNK):
        raise ValueError("its checksums do not cover it")
    arrays: dict[str, np.ndarray] = {}
    places = []
    for item in header["arrays"]:
        dtype = np.dtype(item["dtype"])
        shape = tuple(int(n) for n in item["shape"])
        offset = int(item["offset"])
        if dtype.hasobject:
            raise ValueError("it holds objects")
        count = int(np.prod(shape, dtype=np.int64))
        if count < 0 or offset < 0 or offset % _ALIGN or offset + count * dtype.itemsize > data:
            raise ValueError(f"its array {item['name']} is out of place")
        places.append((item["name"], offset, offset + count * dtype.itemsize))
        if count:
            arrays[item["name"]] = np.frombuffer(mapping, dtype, count, offset).reshape(shape)
        else:
            arrays[item["name"]] = np.zeros(shape, dtype)
    bad = _check_chunks(mapping, data, crcs)
    if bad >= 0:
        start, end = bad * CHUNK, min((bad + 1) * CHUNK, data)
        names = [name for name, a, b in places if a < end and b > start] or ["padding"]
        raise ValueError(f"its array {', '.join(names)} is damaged (CRC of bytes {start}-{end})")
    meta = header["meta"]
    if not isinstance(meta, dict):
        raise ValueError("its metadata is not an object")
    return meta, arrays

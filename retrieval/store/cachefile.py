"""One cache file: raw arrays, then a JSON header, then a fixed trailer; read by mapping it
(``mmap``), its arrays NumPy views of the mapping, never copied.

Layout: the arrays' bytes from offset 0, each at a 64-byte boundary; the header (``meta``
and each array's name, type, shape and place, and a CRC-32 of every ``CHUNK`` bytes of it);
the trailer: the header's length and CRC-32, and ``MAGIC``. A file is checked once, when it
is mapped: its size, the trailer, the header's CRC and every chunk's CRC (on every core, in
the background while the caller makes sense of the header: ``open_file``; each chunk's
pages handed back to the system once checked, so loading does not hold the whole file); a
file that is cut short, foreign or damaged raises ``ValueError`` naming what is wrong (the
array, for a CRC). The CRC-32 is zlib's, computed by ISA-L (``isal``'s home): ~8 GB/s
against zlib 1.2's ~2 GB/s (170 MB: ~20 ms of CPU, not ~80). Mapped files are never
written again: writers write a new file and rename it over the old one
(``retrieval.store.cachefolder``), so a process that has the old one mapped keeps reading
the old one, whole.
"""

from __future__ import annotations

import json
import mmap
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from isal.isal_zlib import crc32

from retrieval.store.filepages import FileBytes, mapped

MAGIC = b"QABOTIX4"
_TRAILER = 8 + 4 + 4 + len(MAGIC)  # header length, header CRC, reserved, magic
_ALIGN = 64
CHUNK = 1 << 22  # bytes per CRC: a multiple of every page size (4 KiB Linux, 16 KiB macOS)


def _padded(size: int) -> int:
    return -(-size // _ALIGN) * _ALIGN


def write_file(file: BinaryIO, meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
    """The arrays (each at a 64-byte boundary), the header and the trailer."""
    layout = []
    offset = 0
    for name, array in arrays.items():
        data = np.ascontiguousarray(array)
        raw = data.data.cast("B") if data.nbytes else memoryview(b"")
        padded = bytes(raw) + b"\0" * (_padded(data.nbytes) - data.nbytes) if data.nbytes < CHUNK else None
        crcs = []
        for start in range(0, _padded(data.nbytes), CHUNK):  # each CHUNK of the array and its padding
            piece = (
                raw[start : start + CHUNK] if padded is None else memoryview(padded)[start : start + CHUNK]
            )
            crc = crc32(piece)
            if padded is None and start + CHUNK >= data.nbytes:
                crc = crc32(b"\0" * (_padded(data.nbytes) - data.nbytes), crc)
            crcs.append(crc)
        layout.append(
            {"name": name, "dtype": data.dtype.str, "shape": list(data.shape), "offset": offset, "crcs": crcs}
        )
        file.write(raw)
        file.write(b"\0" * (_padded(data.nbytes) - data.nbytes))
        offset += _padded(data.nbytes)
    header = json.dumps({"meta": meta, "arrays": layout, "size": offset}, ensure_ascii=False)
    encoded = header.encode()
    file.write(encoded)
    file.write(len(encoded).to_bytes(8, "little") + crc32(encoded).to_bytes(4, "little"))
    file.write(b"\0" * 4 + MAGIC)


Piece = tuple[str, int, int, int]  # an array's name, the first and past-last byte of a chunk of it, its CRC


Verify = Callable[[], None]  # waits for a file's check; raises ``ValueError`` if it is damaged


def _checking(mapping: mmap.mmap, pieces: list[Piece]) -> Verify:
    """Start checking every piece's CRC on every core (ISA-L releases the GIL: the caller
    goes on meanwhile), each piece's pages handed back once read; the returned function
    waits for the check and raises naming the first damaged piece."""
    view = memoryview(mapping)
    page = mmap.PAGESIZE

    def check(piece: Piece) -> bool:
        _, start, end, crc = piece
        sound = crc32(view[start:end]) == crc
        first, last = -(-start // page) * page, end // page * page
        if last > first and hasattr(mapping, "madvise") and hasattr(mmap, "MADV_DONTNEED"):
            mapping.madvise(mmap.MADV_DONTNEED, first, last - first)  # still cached, no longer ours
        return sound

    results: list[bool | BaseException | None] = [None] * len(pieces)

    def run(share: range) -> None:
        for i in share:
            try:
                results[i] = check(pieces[i])
            except BaseException as error:  # raised again by verify(), in the caller
                results[i] = error

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    count = max(1, min(cores, len(pieces)))  # threads, each checking every count-th piece
    shares = [range(k, len(pieces), count) for k in range(count)]
    started: list[threading.Thread] = []
    for share in shares if len(pieces) > 1 else ():
        started.append(threading.Thread(target=run, args=(share,), name="qabot-crc"))
        try:
            started[-1].start()
        except RuntimeError:  # no new threads (the interpreter is exiting): in verify(), below
            started.pop()
            break

    def verify() -> None:
        try:
            for share in shares[len(started) :]:
                run(share)
            for thread in started:
                thread.join()
        finally:
            view.release()
        for result in results:
            if isinstance(result, BaseException):
                raise result
        bad = next((piece for piece, sound in zip(pieces, results, strict=True) if sound is not True), None)
        if bad is not None:
            raise ValueError(f"its array {bad[0]} is damaged (CRC of its bytes {bad[1]}-{bad[2]})")

    return verify


def _header(mapping: mmap.mmap, size: int) -> tuple[dict[str, Any], int]:
    """The header of a mapped file of ``size`` bytes, and its length."""
    trailer = mapping[size - _TRAILER :]
    if trailer[-len(MAGIC) :] != MAGIC:
        raise ValueError("it is not an index cache file of this format")
    length = int.from_bytes(trailer[:8], "little")
    if not 0 < length <= size - _TRAILER:
        raise ValueError("its header is cut short")
    encoded = mapping[size - _TRAILER - length : size - _TRAILER]
    if crc32(encoded) != int.from_bytes(trailer[8:12], "little"):
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
    meta, arrays, verify, _ = open_file(path)
    verify()
    return meta, arrays


def open_file(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray], Verify, FileBytes]:
    """``read_file``, its CRCs still being checked: the arrays are not to be trusted until
    the returned ``verify()`` has returned (it raises ``ValueError`` if they are damaged);
    sizes, places and the header are checked already. With the arrays' bytes to read
    from the file itself (``FileBytes``)."""
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size < _TRAILER:
            raise ValueError("it is not an index cache file (too short)")
        mapping = mapped(file.fileno())
        fd = os.dup(file.fileno())
    try:
        meta, arrays, verify, places = _opened(mapping, size)
    except BaseException:
        os.close(fd)
        raise
    return meta, arrays, verify, FileBytes(fd, places)


def _opened(
    mapping: mmap.mmap, size: int
) -> tuple[dict[str, Any], dict[str, np.ndarray], Verify, dict[str, int]]:
    header, length = _header(mapping, size)
    data = int(header["size"])
    if data + length + _TRAILER != size:
        raise ValueError("it is cut short or too long")
    arrays: dict[str, np.ndarray] = {}
    places: dict[str, int] = {}
    pieces: list[Piece] = []
    end = 0
    for item in header["arrays"]:
        name = str(item["name"])
        dtype = np.dtype(item["dtype"])
        shape = tuple(int(n) for n in item["shape"])
        offset = int(item["offset"])
        if dtype.hasobject:
            raise ValueError("it holds objects")
        count = int(np.prod(shape, dtype=np.int64))
        if count < 0 or offset != end or offset + count * dtype.itemsize > data:
            raise ValueError(f"its array {name} is out of place")
        end = offset + _padded(count * dtype.itemsize)
        places[name] = offset
        crcs = [int(c) for c in item["crcs"]]
        if len(crcs) != -(-(end - offset) // CHUNK):
            raise ValueError(f"its array {name}'s checksums do not cover it")
        pieces += [
            (name, a, min(a + CHUNK, end), crc)
            for a, crc in zip(range(offset, end, CHUNK), crcs, strict=True)
        ]
        if count:
            arrays[name] = np.frombuffer(mapping, dtype, count, offset).reshape(shape)
        else:
            arrays[name] = np.zeros(shape, dtype)
    if end != data:
        raise ValueError("its arrays do not fill it")
    meta = header["meta"]
    if not isinstance(meta, dict):
        raise ValueError("its metadata is not an object")
    return meta, arrays, _checking(mapping, pieces), places

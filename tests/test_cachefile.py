"""The index cache's file format, judged by its documented layout (read here by hand):
arrays at 64-byte boundaries from offset 0, then a JSON header, then a 24-byte trailer
(the header's length, its CRC-32, 4 zero bytes, ``QABOTIX4``); a CRC-32 of every 4 MiB
of each array. A file that is cut short, foreign or damaged is refused, naming what is wrong."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retrieval.store.cachefile import array_places, read_file, write_file

MIB4 = 4 * 1024 * 1024  # bytes per CRC, as documented
ARRAYS: dict[str, np.ndarray] = {
    "texts": np.frombuffer("苹果😀".encode(), dtype=np.uint8),  # 10 bytes
    "ends": np.array([3, 6, 10], dtype=np.int64),
    "info": np.arange(12, dtype=np.int32).reshape(3, 4),
    "nothing": np.zeros(0, dtype=np.float64),
    "weights": np.array([0.5, -1.25], dtype=np.float32),
}
META = {"version": 4, "source": "文档/a.txt", "ok": True}


def written(path: Path, arrays: dict[str, np.ndarray] = ARRAYS, meta: Any = META) -> bytes:
    with open(path, "wb") as file:
        write_file(file, meta, arrays)
    return path.read_bytes()


def parts(data: bytes) -> tuple[dict[str, Any], int]:
    """The header and its length, read as the format says."""
    assert data[-8:] == b"QABOTIX4" and data[-12:-8] == bytes(4)
    length = int.from_bytes(data[-24:-16], "little")
    encoded = data[-24 - length : -24]
    assert int.from_bytes(data[-16:-12], "little") == zlib.crc32(encoded)
    return json.loads(encoded.decode()), length


def test_the_layout_is_as_documented(tmp_path: Path) -> None:
    data = written(tmp_path / "f")
    header, length = parts(data)
    assert header["meta"] == META
    # 10, 24, 48, 0 and 8 bytes, each from a 64-byte boundary
    assert [a["offset"] for a in header["arrays"]] == [0, 64, 128, 192, 192]
    assert header["size"] == 256 and len(data) == 256 + length + 24
    for item in header["arrays"]:
        array = ARRAYS[item["name"]]
        assert item["shape"] == list(array.shape) and np.dtype(item["dtype"]) == array.dtype
        start = item["offset"]
        padded = -(-array.nbytes // 64) * 64
        assert data[start : start + array.nbytes] == array.tobytes()
        assert data[start + array.nbytes : start + padded] == bytes(padded - array.nbytes)  # zeros
        assert item["crcs"] == ([zlib.crc32(data[start : start + padded])] if padded else [])


def test_a_crc_for_every_4_mib_of_an_array_padding_included(tmp_path: Path) -> None:
    big = np.arange(MIB4 // 8 * 2 + 3, dtype=np.int64)  # two chunks and 24 bytes (+ 40 of padding)
    exact = np.ones(MIB4, dtype=np.uint8)  # exactly one chunk
    data = written(tmp_path / "f", {"big": big, "exact": exact})
    header, _ = parts(data)
    (one, two) = header["arrays"]
    end = 2 * MIB4 + 64
    assert one["crcs"] == [zlib.crc32(data[a : min(a + MIB4, end)]) for a in (0, MIB4, 2 * MIB4)]
    assert two["offset"] == end and two["crcs"] == [zlib.crc32(data[end : end + MIB4])]
    _, arrays = read_file(tmp_path / "f")
    assert np.array_equal(arrays["big"], big) and np.array_equal(arrays["exact"], exact)


def test_arrays_come_back_as_read_only_views_of_the_file(tmp_path: Path) -> None:
    written(tmp_path / "f")
    meta, arrays = read_file(tmp_path / "f")
    assert meta == META and list(arrays) == list(ARRAYS)
    for name, array in ARRAYS.items():
        assert arrays[name].dtype == array.dtype and arrays[name].shape == array.shape
        assert np.array_equal(arrays[name], array)
        assert not arrays[name].flags.writeable or not array.size
    assert arrays["texts"].tobytes().decode() == "苹果😀"
    assert array_places(tmp_path / "f") == {
        "texts": (0, 10),
        "ends": (64, 24),
        "info": (128, 48),
        "nothing": (192, 0),
        "weights": (192, 8),
    }


def test_a_file_without_arrays(tmp_path: Path) -> None:
    data = written(tmp_path / "f", {}, {})
    header, length = parts(data)
    assert header == {"meta": {}, "arrays": [], "size": 0} and len(data) == length + 24
    assert read_file(tmp_path / "f") == ({}, {})


def rewritten(data: bytes, change: Any) -> bytes:
    """The file with its header changed by ``change`` (a function of the header) and a
    sound trailer: only what the header says is wrong."""
    header, length = parts(data)
    change(header)
    encoded = json.dumps(header).encode()
    body = data[: len(data) - 24 - length]
    trailer = len(encoded).to_bytes(8, "little") + zlib.crc32(encoded).to_bytes(4, "little") + data[-12:]
    return body + encoded + trailer


def moved(header: dict[str, Any]) -> None:
    header["arrays"][1]["offset"] = 0


def objects(header: dict[str, Any]) -> None:
    header["arrays"][0]["dtype"] = "|O"


def one_crc_short(header: dict[str, Any]) -> None:
    header["arrays"][0]["crcs"] = []


def too_big(header: dict[str, Any]) -> None:
    header["arrays"][4]["shape"] = [17]  # 68 bytes from 192: past the data's 256


def one_array_less(header: dict[str, Any]) -> None:
    del header["arrays"][4]


def a_list(header: dict[str, Any]) -> None:
    header["meta"] = [1, 2]


Change = Callable[[bytes], bytes]


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]


DAMAGES: dict[str, tuple[Change, str]] = {
    "empty": (lambda d: b"", "it is not an index cache file (too short)"),
    "23 bytes": (lambda d: d[-23:], "it is not an index cache file (too short)"),
    "the trailer alone": (lambda d: d[-24:], "its header is cut short"),
    "foreign": (lambda d: d[:-1] + b"5", "it is not an index cache file of this format"),
    "cut at the start": (lambda d: d[64:], "it is cut short or too long"),
    "a byte more": (lambda d: b"\0" + d, "it is cut short or too long"),
    "header length 0": (lambda d: d[:-24] + bytes(8) + d[-16:], "its header is cut short"),
    "header longer than the file": (
        lambda d: d[:-24] + (len(d) - 23).to_bytes(8, "little") + d[-16:],
        "its header is cut short",
    ),
    "header damaged": (lambda d: flip(d, len(d) - 30), "its header is damaged (CRC)"),
    "header's CRC damaged": (lambda d: flip(d, len(d) - 16), "its header is damaged (CRC)"),
    "array out of place": (lambda d: rewritten(d, moved), "its array ends is out of place"),
    "array past the data": (lambda d: rewritten(d, too_big), "its array weights is out of place"),
    "objects": (lambda d: rewritten(d, objects), "it holds objects"),
    "checksums": (lambda d: rewritten(d, one_crc_short), "its array texts's checksums do not cover it"),
    "arrays short of the data": (lambda d: rewritten(d, one_array_less), "its arrays do not fill it"),
    "meta a list": (lambda d: rewritten(d, a_list), "its metadata is not an object"),
    "an array's byte": (lambda d: flip(d, 64 + 8), "its array ends is damaged (CRC of its bytes 64-128)"),
    "a padding byte": (lambda d: flip(d, 63), "its array texts is damaged (CRC of its bytes 0-64)"),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_file_is_refused_naming_what_is_wrong(tmp_path: Path, damage: str) -> None:
    change, message = DAMAGES[damage]
    path = tmp_path / "f"
    path.write_bytes(change(written(path)))
    with pytest.raises(ValueError) as raised:
        read_file(path)
    assert str(raised.value) == message


def test_a_damaged_byte_in_a_later_chunk_names_that_chunk(tmp_path: Path) -> None:
    path = tmp_path / "f"
    data = written(path, {"small": np.zeros(3, np.uint8), "big": np.zeros(MIB4 + 1, np.uint8)})
    path.write_bytes(flip(data, 64 + MIB4 + 10))
    with pytest.raises(
        ValueError, match=rf"^its array big is damaged \(CRC of its bytes {64 + MIB4}-{64 + MIB4 + 64}\)$"
    ):
        read_file(path)


def test_a_file_of_one_array_is_checked_too(tmp_path: Path) -> None:
    path = tmp_path / "f"
    data = written(path, {"one": np.arange(5, dtype=np.int16)})
    assert read_file(path)[1]["one"].tolist() == [0, 1, 2, 3, 4]
    path.write_bytes(flip(data, 3))
    with pytest.raises(ValueError, match=r"^its array one is damaged \(CRC of its bytes 0-64\)$"):
        read_file(path)


def test_the_reserved_trailer_bytes_are_not_read(tmp_path: Path) -> None:
    """Four bytes before the magic are reserved (written as zeros): a later format may use them."""
    path = tmp_path / "f"
    data = written(path)
    path.write_bytes(data[:-12] + b"\x01\x02\x03\x04" + data[-8:])
    assert read_file(path)[0] == META

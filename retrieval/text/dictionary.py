"""jieba's dictionary and HMM as files built once and mapped: the home of marisa-trie.

jieba keeps its 349,000 words and every prefix of them (498,000 keys) in a dict
that each process unmarshals (~0.65 s, ~60 MiB). Here they are built once from
jieba's own files (``retrieval.text.jiebadata``) into a folder (the index
cache's): ``jieba-<id>.marisa``, a MARISA trie of the keys (1.2 MiB), and
``jieba-<id>.tables``, a header (totals, median word weight, sizes, CRC-32s)
then each key's count (uint32) and the HMM's log probabilities (float64).
Every process maps them (``mmap``): about a millisecond, and the pages are the
page cache's, shared by every process using them. ``<id>`` comes from jieba's
files' sizes and times, so another jieba builds other files (and, once they are
saved, deletes the earlier ones: processes mapping those keep reading them).

The sizes and CRCs are checked once, when mapped; a missing, truncated, foreign
or corrupt file is rebuilt (``retrieval.text.dictionaryfiles``). A folder that
cannot be written gets a warning and the dictionary is built in memory (as it
is without a folder).
"""

from __future__ import annotations

import hashlib
import itertools
import math
import sys
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import marisa_trie
import numpy as np

from retrieval.text.dictionaryfiles import (
    FORMAT,
    Checked,
    checked,
    discard,
    mapped_tables,
    padded,
    remove_others,
    saved,
    tables_file,
)
from retrieval.text.hmm import HiddenMarkov
from retrieval.text.jiebadata import (
    HAN_FIRST,
    HAN_SIZE,
    MIN_FLOAT,
    STATES,
    dictionary_file,
    hmm_files,
    read_dictionary,
    read_hmm,
)


class WordCounts:
    """A read-only ``jieba.Tokenizer.FREQ``: each word's count, 0 for a mere prefix."""

    __slots__ = ("_trie", "get")

    def __init__(self, trie: marisa_trie.Trie, counts: memoryview) -> None:
        self._trie = trie
        find = trie.get

        def get(word: str, default: int | None = None, /) -> int | None:
            key = find(word)
            return default if key is None else counts[key]

        self.get: Callable[..., int | None] = get

    def key(self, word: str) -> int | None:
        """Where ``word``'s count is in the counts, if it is a key."""
        key: int | None = self._trie.get(word)
        return key

    def __contains__(self, word: object) -> bool:
        return word in self._trie


@dataclass(frozen=True)
class JiebaDictionary:
    """What is read of jieba's dictionary: ``FREQ`` and ``total`` as jieba names them,
    the total of the distinct words' counts (what jieba-rs counts), the median word
    weight, the HMM, every key's count, and a digest of jieba's files."""

    FREQ: WordCounts
    total: int
    distinct_total: int
    median_weight: float
    hmm: HiddenMarkov
    counts: memoryview
    digest: str


# What this process has mapped or built, by the stem of its files' names.
_loaded: dict[str, tuple[JiebaDictionary, marisa_trie.Trie, memoryview]] = {}


@lru_cache(maxsize=4)
def jieba_dictionary(folder: Path | None) -> JiebaDictionary:
    """jieba's dictionary, mapped from ``folder`` (built there first if need be), or
    built in memory when ``folder`` is None or cannot be written."""
    sources = (dictionary_file(), *hmm_files())
    identity = hashlib.sha256(f"{FORMAT} {sys.byteorder}".encode())
    for source in sources:
        stat = source.stat()
        identity.update(f" {source.name} {stat.st_size} {stat.st_mtime_ns}".encode())
    stem = f"jieba-{identity.hexdigest()[:16]}"
    found = _mapped(folder, stem) if folder is not None else None
    if found is not None:
        return found
    if stem in _loaded:  # this process has it from another folder: no need to build it again
        known, trie, tables = _loaded[stem]
        if folder is not None and saved(folder, stem, trie.tobytes(), bytes(tables)):
            remove_others(folder, stem)
        return known
    trie_bytes, tables_bytes = _build(sources)
    if folder is not None and saved(folder, stem, trie_bytes, tables_bytes):
        remove_others(folder, stem)
        found = _mapped(folder, stem)
        if found is not None:
            return found
    tables = memoryview(tables_bytes)
    return _remember(stem, marisa_trie.Trie().frombytes(trie_bytes), tables, checked(tables, trie_bytes))


def _mapped(folder: Path, stem: str) -> JiebaDictionary | None:
    """The files in ``folder``, mapped, if they are there and sound."""
    found = mapped_tables(folder, stem)
    if found is None:
        return None
    try:
        trie = marisa_trie.Trie()
        trie.mmap(str(folder / f"{stem}.marisa"))  # checked: marisa trusts the file
        return _remember(stem, trie, *found)
    except Exception as error:  # anything at all: the files are not to be trusted
        discard(folder, stem, error)
        return None


def _remember(stem: str, trie: marisa_trie.Trie, tables: memoryview, found: Checked) -> JiebaDictionary:
    """The dictionary in ``tables`` (its header and body as ``checked`` found them) with ``trie``."""
    dictionary = _parse(trie, *found)
    _loaded[stem] = (dictionary, trie, tables)
    return dictionary


def _build(sources: tuple[Path, ...]) -> tuple[bytes, bytes]:
    """The trie file's bytes and the tables file's, from jieba's files."""
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.read_bytes())
    words, total = read_dictionary(sources[0])
    prefixes = {word[:end] for word in words for end in range(1, len(word))}  # jieba's at count 0
    trie = marisa_trie.Trie(itertools.chain(words, prefixes))
    counts = np.zeros(len(trie), dtype=np.uint32)
    ids = np.fromiter(map(trie.__getitem__, words), dtype=np.int64, count=len(words))
    counts[ids] = np.fromiter(words.values(), dtype=np.uint32, count=len(words))
    positive = counts[counts > 0].astype(np.float64)
    start, trans, emit = read_hmm()
    hmm = array("d", [start[y] for y in STATES])
    hmm.extend(trans[y0].get(y, MIN_FLOAT) for y0 in STATES for y in STATES)
    for y in STATES:
        hmm.extend(emit[y].get(chr(HAN_FIRST + i), MIN_FLOAT) for i in range(HAN_SIZE))
    trie_bytes = trie.tobytes()
    header = {
        "keys": len(trie),
        "total": total,
        "distinct_total": int(counts.sum(dtype=np.int64)),
        "median_weight": math.log(total / float(np.median(positive))),
        "digest": digest.hexdigest(),
    }
    return trie_bytes, tables_file(header, padded(counts.tobytes()) + hmm.tobytes(), trie_bytes)


def _parse(trie: marisa_trie.Trie, header: dict[str, Any], body: memoryview) -> JiebaDictionary:
    """The dictionary in a tables file's body, with its trie."""
    keys = header["keys"]
    counts = body[: 4 * keys].cast("I")
    if len(trie) != keys:
        raise ValueError("its trie has another number of keys")
    numbers = body[4 * keys + (-4 * keys % 8) :].cast("d")
    start = dict(zip(STATES, numbers[:4], strict=True))
    trans = {
        y0: dict(zip(STATES, numbers[4 + 4 * i : 8 + 4 * i], strict=True)) for i, y0 in enumerate(STATES)
    }
    emit = {y: numbers[20 + HAN_SIZE * i : 20 + HAN_SIZE * (i + 1)] for i, y in enumerate(STATES)}
    return JiebaDictionary(
        FREQ=WordCounts(trie, counts),
        total=header["total"],
        distinct_total=header["distinct_total"],
        median_weight=header["median_weight"],
        hmm=HiddenMarkov(start, trans, emit),
        counts=counts,
        digest=header["digest"],
    )

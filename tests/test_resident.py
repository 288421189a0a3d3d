"""What a process serving a mapped index keeps in its memory: the passages' text blob is
read from the cache file when a passage is shown (``os.pread``), so its pages do not join
the process; judged from the kernel's own page table (``/proc/self/pagemap``, Linux)."""

from __future__ import annotations

import mmap
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import retrieval.library as library_module
from retrieval.config import RetrievalConfig
from retrieval.index.passagetable import PassageTable
from retrieval.library import Library, Rest
from retrieval.store.indexing import wait_for_saves
from tests.conftest import SEED

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/pagemap")

QUESTIONS = ["沧州中院院长是谁？", "法官联系人", "党支部合并后还剩多少个？", "审判委员会", "院长"]


def resident_pages(array: np.ndarray) -> int:
    """How many of ``array``'s pages are in this process's memory now."""
    page = mmap.PAGESIZE
    address = int(array.__array_interface__["data"][0])
    first, last = address // page, (address + array.nbytes - 1) // page
    with open("/proc/self/pagemap", "rb") as pagemap:
        pagemap.seek(first * 8)
        entries = np.frombuffer(pagemap.read((last - first + 1) * 8), np.uint64)
    return int((entries >> np.uint64(63)).sum())  # bit 63: present


def test_showing_passages_of_a_mapped_index_leaves_its_text_out_of_memory(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(120):  # text over many pages
        (docs / f"{n}.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    config = RetrievalConfig(docs_dir=docs, cache_dir=tmp_path / "cache")
    Library(config)
    wait_for_saves()
    library = Library(config)  # the index mapped from the saved snapshot
    text = library.index.passages.text
    assert not text.flags.writeable and text.nbytes > 128 * mmap.PAGESIZE
    shown = [hit.passage for q in QUESTIONS for hit in library.ask(q, 5).hits]
    assert len(shown) > 10
    read = resident_pages(text)
    # the same passages decoded through the mapping, in a process's fresh mapping of it
    other = Library(config).index.passages
    through = PassageTable(other.text, other.ends, other.info, other.strings)
    numbers = [i for i, p in enumerate(other) if p in shown]  # (read from the file too)
    before = resident_pages(other.text)
    assert {through[i] for i in numbers} == set(shown)
    mapped = resident_pages(other.text)
    # read from the file: at most the kernel's fault-around next to the arrays that are read
    # (measured 13-40 pages of 206 with 60 files); through the mapping, all of them (104 of 103)
    assert read <= mapped // 2 and before <= mapped // 2, (read, before, mapped, text.nbytes // mmap.PAGESIZE)


def test_a_library_at_rest_hands_its_mapped_pages_back(tmp_path: Path) -> None:
    """When the process used (almost) no CPU time between two of its looks (every
    ``IDLE_S`` seconds, on a thread of its own), a library unmaps the index's pages: none
    stays in the process (the page cache keeps them), and the answers are the same after."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(40):
        (docs / f"{n}.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    config = RetrievalConfig(docs_dir=docs, cache_dir=tmp_path / "cache")
    Library(config)
    wait_for_saves()
    library = Library(config)  # mapped
    assert any(t.name == "qabot-rest" and t.daemon and t.is_alive() for t in threading.enumerate())
    used = [0.0]
    rest = Rest(lambda: used[0])  # CPU time as the test says
    arrays = [f.postings.ids for f in library.index.fields] + [f.postings.keys for f in library.index.fields]
    before = [library.ask(q, 3).hits for q in QUESTIONS]
    assert sum(map(resident_pages, arrays)) > 0
    used[0] += 0.011  # 11 ms of CPU since the last look: busy
    assert not rest.look()
    assert sum(map(resident_pages, arrays)) > 0
    used[0] += 0.009  # 9 ms: at rest
    assert rest.look()
    assert sum(map(resident_pages, arrays)) == 0
    assert [library.ask(q, 3).hits for q in QUESTIONS] == before
    assert sum(map(resident_pages, arrays)) > 0
    assert rest.look()  # at rest still, by this clock: handed back again
    assert sum(map(resident_pages, arrays)) == 0


def test_a_library_at_rest_that_cannot_hand_pages_back_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """An ``madvise`` refused (a platform without it for files, a mapping closed under it)
    does not end the library's looking thread: the look says it was at rest, and that is all."""

    def refused() -> int:
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(library_module, "hand_back_pages", refused)
    rest = Rest(lambda: 0.0)
    assert rest.look() and rest.look()

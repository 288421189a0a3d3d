"""Word, PDF and web pages are read in worker processes within limits: a reader that never
returns is stopped, one stuck where Python cannot stop it is ended by the kernel, memory past
the limit is refused, a file that ends its worker is skipped and the others are served, and a
refused file is not read again until it changes."""

from __future__ import annotations

import functools
import multiprocessing
import os
import resource
import signal
import sys
from collections.abc import Callable
from multiprocessing.queues import Queue
from pathlib import Path

import pytest

from retrieval.config import RetrievalConfig
from retrieval.documents.reader import Skipped, read_document
from retrieval.library import Library, make_tokenizer
from retrieval.passage import Document
from retrieval.store import workers
from retrieval.store.boxing import CRASHED, MEMORY_BYTES, ReadTimeout, confine, time_box
from retrieval.store.counting import Indexed, Job
from retrieval.store.workers import index_files, read_apart, tokenizer_spec
from tests import pdfs, webpages

MakeDocs = Callable[[dict[str, str | bytes]], Path]
SPAWN = multiprocessing.get_context("spawn")


def _spin(results: Queue[str]) -> None:
    confine()
    try:
        with time_box(0.2):
            while True:
                pass
    except ReadTimeout:
        results.put("stopped")


def _spin_regardless(results: Queue[str]) -> None:
    confine()
    with time_box(0.2):
        while True:
            try:
                while True:
                    pass
            except ReadTimeout:
                results.put("ignored the time box")


def _allocate(results: Queue[str]) -> None:
    confine()
    try:
        block = bytearray(MEMORY_BYTES + (256 << 20))
        results.put(f"allocated {len(block)}")
    except MemoryError:
        results.put("refused")


def _tokenise_in_a_worker(spec: dict[str, object], folder: Path, results: Queue[str]) -> None:
    """Start as a pool's worker that tokenises starts, cut, and say with what and how much
    address space is left below the limit."""
    import jieba

    text = "沧州中院院长是闫杰，zh-tw 1999-2000年。"
    expected = jieba.lcut(text)  # before the limits: jieba's dictionary is not the worker's
    workers._start_worker(spec, folder, 400, None)
    cutter = workers._worker["tokenizer"]._cutter
    same = cutter.cut(text) == expected
    with open("/proc/self/status", encoding="ascii") as status:
        size = next(int(line.split()[1]) << 10 for line in status if line.startswith("VmSize:"))
    room = resource.getrlimit(resource.RLIMIT_AS)[0] - size
    results.put(f"{type(cutter).__name__} rjieba={'rjieba' in sys.modules} same={same}")
    results.put(f"room {room >> 20} MiB")


def run(target: Callable[[Queue[str]], None]) -> tuple[list[str], int | None]:
    results: Queue[str] = SPAWN.Queue()
    process = SPAWN.Process(target=target, args=(results,))
    process.start()
    process.join(timeout=120)
    if process.is_alive():
        process.kill()
        process.join()
    said = []
    while not results.empty():
        said.append(results.get())
    return said, process.exitcode


def test_a_reader_that_never_returns_is_stopped() -> None:
    assert run(_spin) == (["stopped"], 0)


def test_a_reader_that_does_not_stop_is_ended_by_the_kernel() -> None:
    said, code = run(_spin_regardless)
    assert set(said) == {"ignored the time box"} and code == -signal.SIGXCPU  # the CPU limit


def test_memory_past_the_limit_is_refused() -> None:
    assert run(_allocate) == (["refused"], 0)


def test_a_worker_that_tokenises_cuts_with_jieba_rs_started_before_its_limits(make_docs: MakeDocs) -> None:
    """jieba-rs (~20 MiB of address space) is not taken from the reader's 2 GiB."""
    folder = make_docs({"a.txt": "沧州中院。\n"})
    tokenizer = make_tokenizer(RetrievalConfig(docs_dir=folder))
    said, code = run(functools.partial(_tokenise_in_a_worker, tokenizer_spec(tokenizer), folder))
    assert code == 0 and said[0] == "BulkCutter rjieba=True same=True"
    room = int(said[1].split()[1])
    assert 2048 - 8 <= room <= 2048, said  # MEMORY_BYTES (2 GiB) past the worker's start


def crashing_read(path: Path, folder: Path, max_chars: int) -> Document:
    """Reads as usual, except that a file named crash.* ends the process reading it."""
    if path.stem == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    return read_document(path, folder, max_chars)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_file_that_ends_its_worker_is_skipped_and_the_others_are_served(
    make_docs: MakeDocs, workers: int
) -> None:
    files = {"a.pdf": pdfs.english_pdf().data, "crash.pdf": b"%PDF-", "b.html": webpages.notice().data}
    folder = make_docs({**files, "c.txt": "沧州中院院长是闫杰。\n"})
    jobs = [Job(folder / name, name, (folder / name).stat().st_size) for name in [*files, "c.txt"]]
    results: dict[str, Indexed | Skipped] = {}

    def done(result: Indexed | Skipped) -> None:
        results[result.source if isinstance(result, Skipped) else result.document.source] = result

    tokenizer = make_tokenizer(RetrievalConfig(docs_dir=folder))
    index_files(jobs, folder, 400, tokenizer, done, workers=workers, read=crashing_read)
    assert results.pop("crash.pdf") == Skipped("crash.pdf", CRASHED)
    assert sorted(results) == ["a.pdf", "b.html", "c.txt"]
    assert all(isinstance(result, Indexed) for result in results.values())


def test_a_refused_file_is_not_read_again_until_it_changes(
    make_docs: MakeDocs, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_docs({"rules.pdf": pdfs.chinese_pdf().data, "locked.pdf": pdfs.encrypted_pdf("secret")})
    read: list[list[str]] = []
    real = workers.index_files  # imported from there when there are files to index

    def spy(jobs: list[Job], *args: object, **kwargs: object) -> None:
        read.append(sorted(job.source for job in jobs))
        real(jobs, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(workers, "index_files", spy)
    library = Library(RetrievalConfig(docs_dir=folder))
    first = library.skipped
    assert [s.source for s in first] == ["locked.pdf"] and "password-protected" in first[0].reason
    assert library.reload().skipped == first
    (folder / "locked.pdf").write_bytes(pdfs.encrypted_pdf("other"))
    assert library.reload().skipped == first
    assert read == [["locked.pdf", "rules.pdf"], ["locked.pdf"]]  # nothing to read at the first reload


def test_a_file_can_be_checked_apart_before_it_joins_the_documents(make_docs: MakeDocs) -> None:
    folder = make_docs({"rules.pdf": pdfs.chinese_pdf().data, "locked.pdf": pdfs.encrypted_pdf("secret")})
    document = read_apart(folder / "rules.pdf", folder, 400)
    assert isinstance(document, Document) and document.title == pdfs.TITLE
    assert [p.page for p in document.passages] == [1, 1, 1, 1, 1, 2]
    refused = read_apart(folder / "locked.pdf", folder, 400)
    assert isinstance(refused, Skipped) and refused.source == "locked.pdf"
    assert refused.reason.startswith("password-protected PDF")

"""Reloading: a new index swapped in only when it is built; the old one serves meanwhile."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval.config import RetrievalConfig
from retrieval.documents.reader import Skipped
from retrieval.errors import DocumentsError
from retrieval.index.index import Index
from retrieval.library import Library, build_index
from retrieval.store import scanning
from retrieval.text.tokenizer import Tokenizer

MakeDocs = Callable[[dict[str, str | bytes]], Path]


def test_reload_reports_what_changed(make_docs: MakeDocs) -> None:
    folder = make_docs(
        {"a.txt": "苹果树在春天开花。\n", "b.txt": "香蕉生长在热带。\n", "c.md": "# C\n\n橙子富含维生素。\n"}
    )
    library = Library(RetrievalConfig(docs_dir=folder))
    assert not library.ask("火龙果", 3).found
    (folder / "a.txt").write_text("苹果树在秋天结果。\n", encoding="utf-8")
    (folder / "b.txt").unlink()
    (folder / "d.txt").write_text("火龙果是仙人掌科植物。\n", encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02")
    report = library.reload()
    assert (report.documents, report.passages) == (3, 3)
    assert report.added == ("d.txt",)
    assert report.removed == ("b.txt",)
    assert report.changed == ("a.txt",)
    assert report.skipped == (Skipped("broken.txt", "it looks binary (it contains NUL bytes)"),)
    assert report.seconds >= 0
    assert library.ask("火龙果", 3).hits[0].passage.source == "d.txt"


def test_failed_reload_keeps_serving_the_previous_documents(make_docs: MakeDocs) -> None:
    folder = make_docs({"a.txt": "沧州中院院长是闫杰。\n"})
    library = Library(RetrievalConfig(docs_dir=folder))
    loaded_at = library.loaded_at
    (folder / "a.txt").unlink()
    with pytest.raises(DocumentsError, match=r"no \.txt, \.md, \.docx, \.pdf or \.html documents"):
        library.reload()
    assert library.ask("院长是谁", 3).hits[0].passage.text == "沧州中院院长是闫杰。"
    assert library.loaded_at == loaded_at
    folder.rmdir()
    with pytest.raises(DocumentsError, match="does not exist"):
        library.reload()
    assert library.ask("院长是谁", 3).found


def test_questions_during_a_reload_are_answered_from_the_old_index(make_docs: MakeDocs) -> None:
    folder = make_docs({"a.txt": "旧文档说院长是闫杰。\n"})
    building = threading.Event()
    release = threading.Event()

    def slow_builder(
        config: RetrievalConfig, tokenizer: Tokenizer, previous: Index | None
    ) -> tuple[Index, tuple[Skipped, ...]]:
        if previous is not None:
            building.set()
            assert release.wait(10)
        return build_index(config, tokenizer, previous)

    library = Library(RetrievalConfig(docs_dir=folder), builder=slow_builder)
    (folder / "a.txt").write_text("新文档说院长是张三。\n", encoding="utf-8")
    reloading = threading.Thread(target=library.reload)
    reloading.start()
    assert building.wait(10)
    assert "闫杰" in library.ask("院长是谁", 1).hits[0].passage.text
    release.set()
    reloading.join(10)
    assert "张三" in library.ask("院长是谁", 1).hits[0].passage.text


def test_reload_rereads_only_files_whose_stat_changed(
    make_docs: MakeDocs, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_docs({"a.txt": "苹果树在春天开花。\n", "b.txt": "香蕉生长在热带。\n"})
    library = Library(RetrievalConfig(docs_dir=folder))
    monkeypatch.setattr(scanning, "SETTLED_NS", -(10**18))  # every file counts as long unchanged
    library.reload()  # hashes them once more, now trusting their stats
    read: list[str] = []
    read_bytes = Path.read_bytes

    def reading(path: Path) -> bytes:
        read.append(path.name)
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", reading)
    assert library.reload().changed == ()
    assert read == []
    (folder / "a.txt").write_text("苹果树在秋天结果，果农采摘。\n", encoding="utf-8")
    assert library.reload().changed == ("a.txt",)
    assert "b.txt" not in read
    assert library.ask("果农", 3).hits[0].passage.source == "a.txt"


def test_a_file_rewritten_at_once_with_the_same_size_is_hashed_again(make_docs: MakeDocs) -> None:
    folder = make_docs({"a.txt": "苹果树在春天开花。\n"})
    library = Library(RetrievalConfig(docs_dir=folder))
    for season in ("夏天", "秋天", "冬天"):  # same size, same clock tick perhaps: never trusted
        (folder / "a.txt").write_text(f"苹果树在{season}开花。\n", encoding="utf-8")
        assert library.reload().changed == ("a.txt",)

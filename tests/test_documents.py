"""Reading folders: encodings, bad files, tiny corpora, mixed Chinese and English."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval.config import BM25Params, RetrievalConfig
from retrieval.documents.encoding import decode
from retrieval.documents.reader import read_folder
from retrieval.errors import DocumentsError
from retrieval.library import Library
from tests.conftest import SEED

MakeDocs = Callable[[dict[str, str | bytes]], Path]
ARTICLE = SEED.read_text(encoding="utf-8")


def test_gb18030_bom_and_utf16_files_read_as_the_same_text(make_docs: MakeDocs) -> None:
    folder = make_docs(
        {
            "gb.txt": ARTICLE.encode("gb18030"),
            "bom.txt": ARTICLE.encode("utf-8-sig"),
            "sub/utf16.txt": ARTICLE.encode("utf-16"),
        }
    )
    reading = read_folder(folder, 400)
    assert [d.source for d in reading.documents] == ["bom.txt", "gb.txt", "sub/utf16.txt"]
    texts = [[p.text for p in d.passages] for d in reading.documents]
    assert texts[0] == texts[1] == texts[2]
    assert texts[0][0].startswith("近年来,沧州市中级人民法院")
    assert not reading.skipped


def test_short_gbk_file_is_detected(make_docs: MakeDocs) -> None:
    folder = make_docs({"short.txt": "抓思想武装\n\n增强党组织向心力，学习制度化。\n".encode("gbk")})
    (document,) = read_folder(folder, 400).documents
    assert document.passages[0].text == "增强党组织向心力，学习制度化。"


def test_empty_binary_and_undecodable_files_are_skipped_with_a_warning_naming_them(
    make_docs: MakeDocs, caplog: pytest.LogCaptureFixture
) -> None:
    folder = make_docs(
        {
            "good.md": "# 指南\n\n机器人回答问题。\n",
            "empty.txt": b"",
            "blank.txt": b"\n  \n",
            "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
            "notes.rtf": b"{\\rtf1 ignored: not a document type}",
        }
    )
    with caplog.at_level(logging.WARNING):
        reading = read_folder(folder, 400)
    assert [d.source for d in reading.documents] == ["good.md"]
    reasons = {s.source: s.reason for s in reading.skipped}
    assert set(reasons) == {"empty.txt", "blank.txt", "image.txt"}
    assert "empty" in reasons["empty.txt"] and "binary" in reasons["image.txt"]
    for source in reasons:
        assert source in caplog.text


def test_missing_folder_and_folder_with_nothing_to_index_are_clear_errors(
    tmp_path: Path, make_docs: MakeDocs
) -> None:
    with pytest.raises(DocumentsError, match="does not exist"):
        read_folder(tmp_path / "nope", 400)
    with pytest.raises(DocumentsError, match=r"no \.txt, \.md, \.docx, \.pdf or \.html documents"):
        read_folder(make_docs({"a.pdf": b"x", "empty.txt": b""}), 400)


@pytest.mark.parametrize("variant", ["okapi", "l", "plus"])
@pytest.mark.parametrize("size", [1, 2, 3])
def test_tiny_corpora_still_answer(make_docs: MakeDocs, variant: str, size: int) -> None:
    paragraphs = ["沧州中院院长是闫杰。", "法院合并了党支部。", "志愿服务队获得荣誉称号。"][:size]
    folder = make_docs({"tiny.txt": "\n\n".join(paragraphs) + "\n"})
    config = RetrievalConfig(docs_dir=folder, bm25=BM25Params(variant=variant))
    library = Library(config)
    answer = library.ask("院长是谁", 5)
    assert [h.passage.text for h in answer.hits] == ["沧州中院院长是闫杰。"]
    assert answer.hits[0].score > 0
    assert not library.ask("苹果手机多少钱", 5).found


def test_english_and_mixed_documents(make_docs: MakeDocs) -> None:
    folder = make_docs(
        {
            "guide.md": (
                "# Bot guide\n\n## Install\n\nRun `uv sync` to install the bot on Linux.\n\n"
                "## Reload\n\nAdmins send /reload to re-read the documents without a restart.\n\n"
                "## 部署\n\n在服务器上用 systemd 运行 qabot telegram。\n"
            )
        }
    )
    library = Library(RetrievalConfig(docs_dir=folder))
    hit = library.ask("How do I reload the documents?", 1).hits[0]
    assert hit.passage.heading == "Reload" and hit.passage.title == "Bot guide"
    assert library.ask("怎么用 systemd 部署", 1).hits[0].passage.heading == "部署"
    assert library.ask("install on linux", 1).hits[0].passage.heading == "Install"
    assert library.ask("what does reloading do", 1).hits[0].passage.heading == "Reload"
    assert not library.ask("What's the dress code?", 3).found  # "s" is no match


@pytest.mark.parametrize("label", ["gb2312", "GBK", "x-gbk"])
def test_a_declared_gb2312_or_gbk_label_is_read_as_gb18030(label: str) -> None:
    """Browsers read these labels as GB18030; left to detection, a few bytes are guessed wrong."""
    data = "朱镕基".encode("gbk")  # 镕 is in GBK, not in GB2312
    assert decode(data, label) == "朱镕基"
    assert decode(data) != "朱镕基"  # what detection alone makes of them


def test_the_document_files_are_those_a_recursive_glob_finds_in_its_order(tmp_path: Path) -> None:
    """One ``stat`` a file (``os.scandir``), and the same files in the same order as the
    rule it replaced: every path under the folder, sorted, not hidden, a document's
    suffix, a file (links to files followed; folders behind links not entered)."""
    import os

    from retrieval.documents.reader import REFUSED_SUFFIXES, SUFFIXES, document_entries

    docs = tmp_path / "docs"
    names = [
        "a.txt", "B.MD", "a b.txt", "a-b.txt", "a.b/c.txt", "a/b.md", "a/b/c.markdown", "中文/文档.txt",
        "z/.hidden.txt", ".secret/x.txt", "old.doc", "notes.text", "x.pdf", "y.HTML", "w.docx", "noext",
        "deep/er/still/q.md", "deep/er.txt",
    ]  # fmt: skip
    for name in names:
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("字", encoding="utf-8")
    (docs / "dir.txt").mkdir()  # a folder with a document's suffix
    (docs / "link.txt").symlink_to(docs / "a.txt")
    (docs / "broken.md").symlink_to(docs / "missing.md")
    (docs / "linked").symlink_to(docs / "deep", target_is_directory=True)
    os.symlink(tmp_path / "elsewhere", docs / "dangling")

    def by_glob(folder: Path) -> list[Path]:
        found = []
        for path in sorted(folder.rglob("*")):
            hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
            suffix = path.suffix.lower()
            if not hidden and (suffix in SUFFIXES or suffix in REFUSED_SUFFIXES) and path.is_file():
                found.append(path)
        return found

    entries = document_entries(docs)
    assert [path for _, path, _ in entries] == by_glob(docs)
    assert len(entries) == 15
    assert [source for source, _, _ in entries] == [p.relative_to(docs).as_posix() for p in by_glob(docs)]
    assert all(status.st_size == path.stat().st_size for _, path, status in entries)

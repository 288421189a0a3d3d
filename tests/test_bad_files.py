"""Bad files are skipped, each with one warning naming it and why; the others are served."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from retrieval.documents.formats import pdf as pdf_reader
from retrieval.documents.reader import read_folder
from tests import pdfs, wordfiles
from tests.pdfs import zip_bomb, zip_file

MakeDocs = Callable[[dict[str, str | bytes]], Path]
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024)


def empty_word_file() -> bytes:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


BAD: dict[str, tuple[Callable[[], bytes], str]] = {
    "not-a-zip.docx": (lambda: "这不是 Word 文件。".encode() * 20, "not a .docx (not a zip file)"),
    "sheet.docx": (lambda: zip_file({"xl/workbook.xml": "<workbook/>"}), "the zip has no word/document.xml"),
    "bomb.docx": (zip_bomb, "too large: it unpacks to 60 MiB"),
    "cut.docx": (lambda: wordfiles.handbook().data[:3000], "damaged .docx"),
    "empty.docx": (lambda: b"", "it is empty"),
    "blank.docx": (empty_word_file, "it has no paragraphs of text"),
    "old.doc": (lambda: OLE2, "legacy .doc is not supported: save it as .docx"),
    "renamed.docx": (lambda: OLE2, "legacy .doc is not supported: save it as .docx"),
    "locked.docx": (lambda: OLE2 + "EncryptedPackage".encode("utf-16-le"), "password-protected .docx"),
    "cut.pdf": (lambda: pdfs.chinese_pdf().data[:2000], "damaged PDF"),
    "garbage.pdf": (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40, "damaged PDF"),
    "locked.pdf": (lambda: pdfs.encrypted_pdf("secret"), "password-protected PDF"),
    "scan.pdf": (pdfs.scanned_pdf, "no text: scanned? OCR is not supported"),
    "empty.pdf": (lambda: b"", "it is empty"),
    "image.html": (lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "not a web page (it looks binary)"),
    "nul.htm": (lambda: b"<html>" + bytes(100), "not a web page (it looks binary)"),
    "empty.html": (lambda: b"  \n", "it is empty"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_file_is_skipped_with_one_warning_naming_it_and_why(
    name: str, make_docs: MakeDocs, caplog: pytest.LogCaptureFixture
) -> None:
    build, reason = BAD[name]
    folder = make_docs({"good.md": "# 指南\n\n机器人回答问题。\n", name: build()})
    with caplog.at_level(logging.WARNING):
        reading = read_folder(folder, 400)
    assert [d.source for d in reading.documents] == ["good.md"]
    (skipped,) = reading.skipped
    assert skipped.source == name and reason in skipped.reason
    (line,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert line == f"skipped {name}: {skipped.reason}"
    assert "Traceback" not in caplog.text


def test_a_pdf_over_the_page_limit_is_skipped(make_docs: MakeDocs, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = make_docs({"rules.pdf": pdfs.chinese_pdf().data, "good.md": "# 指南\n\n机器人回答问题。\n"})
    assert read_folder(folder, 400).skipped == ()
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 1)
    (skipped,) = read_folder(folder, 400).skipped
    assert skipped.reason == "too many pages (2; the limit is 1)"

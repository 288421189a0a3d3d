"""Word, PDF and web pages read as their owners wrote them: title, heading paths, tables,
pages, and nothing of the page furniture (headers, footers, page numbers, menus)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from retrieval.config import RetrievalConfig
from retrieval.documents.formats.pdf import page_lines
from retrieval.documents.reader import read_document
from retrieval.library import Library, make_tokenizer
from retrieval.passage import Document
from retrieval.store.cache import IndexCache
from retrieval.store.cachekey import cache_key
from retrieval.store.indexing import wait_for_saves
from tests import pdfs, webpages, wordfiles
from tests.pdfs import Made

MakeDocs = Callable[[dict[str, str | bytes]], Path]


def read(make_docs: MakeDocs, name: str, data: bytes) -> Document:
    folder = make_docs({name: data})
    return read_document(folder / name, folder, 400)


def found(document: Document) -> list[tuple[str, str, int]]:
    return [(p.heading, p.text, p.page) for p in document.passages]


def assert_reads_as_made(document: Document, made: Made) -> None:
    assert document.title == made.title
    assert found(document) == made.passages
    for passage in document.passages:
        for furniture in made.furniture:
            assert furniture not in passage.text


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("handbook.docx", wordfiles.handbook),
        ("handbook.docx", lambda: wordfiles.handbook(title_style=False)),
        ("notice.docx", wordfiles.official_styles),
        ("report.docx", wordfiles.single_heading),
    ],
    ids=["title-style-tables-soft-break", "file-name-title", "outline-levels-core-title", "single-heading-1"],
)
def test_word_titles_headings_and_tables(make_docs: MakeDocs, name: str, build: Callable[[], Made]) -> None:
    made = build()
    assert_reads_as_made(read(make_docs, name, made.data), made)


def test_word_table_rows_are_passages_under_their_heading(make_docs: MakeDocs) -> None:
    document = read(make_docs, "handbook.docx", wordfiles.handbook().data)
    rows = [p for p in document.passages if "天数" in p.text]
    assert [(p.heading, p.text) for p in rows] == [
        ("第二章 休假", "假期类型: 年假; 天数: 5天; 说明: 工作满一年"),
        ("第二章 休假", "假期类型: 婚假; 天数: 3天; 说明: 凭结婚证"),
    ]
    assert [p.paragraph for p in document.passages] == list(range(1, 10))  # rows count as paragraphs


def test_a_word_subtitle_is_kept_out_of_the_passages(make_docs: MakeDocs) -> None:
    """The first Subtitle paragraph only: a second one is text like any other."""
    document = docx.Document()
    document.add_paragraph("年度报告", style="Title")
    document.add_paragraph("二〇二五年版", style="Subtitle")
    document.add_paragraph("本报告总结全年工作。")
    document.add_paragraph("附：数据说明", style="Subtitle")
    buffer = io.BytesIO()
    document.save(buffer)
    read_back = read(make_docs, "report.docx", buffer.getvalue())
    assert read_back.title == "年度报告"
    assert found(read_back) == [("", "本报告总结全年工作。", 0), ("", "附：数据说明", 0)]


@pytest.mark.parametrize(
    "build",
    [
        pdfs.chinese_pdf,
        lambda: pdfs.chinese_pdf(bookmarks=False, footer="dash"),
        lambda: pdfs.chinese_pdf(bookmarks=False, footer="dash", flat=True),
        pdfs.english_pdf,
    ],
    ids=["bookmarks", "type-sizes-and-fake-bold", "plain-text-rule", "english-bold-same-size"],
)
def test_pdf_paragraphs_headings_pages_and_no_furniture(
    make_docs: MakeDocs, build: Callable[[], Made]
) -> None:
    made = build()
    document = read(make_docs, "report.pdf", made.data)
    assert_reads_as_made(document, made)
    texts = [p.text for p in document.passages]
    assert not any(t == pdfs.TITLE or t.startswith(("第 ", "- ", "Page ")) for t in texts)


def test_a_pdf_paragraph_runs_over_the_page_break_and_keeps_its_first_page(make_docs: MakeDocs) -> None:
    made = pdfs.chinese_pdf()
    document = read(make_docs, "rules.pdf", made.data)
    index = [text for _, text, _ in made.passages].index(pdfs.LONG)
    assert (made.passages[index][2], made.last_pages[index]) == (1, 2)  # drawn on pages 1 and 2
    long = document.passages[index]
    assert (long.text, long.paragraph, long.page) == (pdfs.LONG, index + 1, 1)
    assert document.passages[0].location == "rules.pdf p.1 ¶1"


def test_long_pdf_paragraphs_are_split_at_sentence_ends_keeping_their_page(make_docs: MakeDocs) -> None:
    folder = make_docs({"rules.pdf": pdfs.chinese_pdf().data})
    document = read_document(folder / "rules.pdf", folder, 60)
    parts = [p for p in document.passages if p.paragraph == 3]  # 第三条: two sentences
    assert [(p.part, p.page) for p in parts] == [(1, 1), (2, 1)]
    assert "".join(p.text for p in parts) == pdfs.CHAPTERS[1][1][0]


@pytest.mark.parametrize(
    "build", [pdfs.rc4_owner_only_pdf, lambda: pdfs.encrypted_pdf("")], ids=["rc4", "aes-256"]
)
def test_pdf_with_only_an_owner_password_is_read(make_docs: MakeDocs, build: Callable[[], bytes]) -> None:
    made = pdfs.chinese_pdf()
    assert found(read(make_docs, "open.pdf", build())) == made.passages


@pytest.mark.parametrize(
    ("build", "name"),
    [(webpages.notice, "notice.html"), (webpages.gbk_page, "old.htm")],
    ids=["notice", "gbk"],
)
def test_web_page_main_content_title_and_headings(
    make_docs: MakeDocs, build: Callable[[], Made], name: str
) -> None:
    made = build()
    assert_reads_as_made(read(make_docs, name, made.data), made)


def test_a_page_labelled_gb2312_holding_gbk_characters_is_read_as_gb18030(make_docs: MakeDocs) -> None:
    made = webpages.gbk_page("gb2312")
    document = read(make_docs, "old.html", made.data)
    assert document.title == made.title and "镕" in document.title
    assert found(document) == made.passages


def test_pages_come_back_from_the_index_cache(make_docs: MakeDocs, tmp_path: Path) -> None:
    folder = make_docs({"rules.pdf": pdfs.chinese_pdf().data, "notes.md": "# 笔记\n\n第一段。\n"})
    config = RetrievalConfig(docs_dir=folder, cache_dir=tmp_path / "cache")
    built = Library(config).index.passages
    wait_for_saves()
    cache = IndexCache(tmp_path / "cache", cache_key(make_tokenizer(config), config.passage_max_chars))
    snapshot = cache.load_snapshot(folder)
    assert snapshot is not None
    loaded = [p for document in snapshot.documents for p in document.passages]
    assert loaded == list(built)
    assert [p.page for p in loaded] == [0, 1, 1, 1, 1, 1, 2]  # notes.md, then rules.pdf
    (folder / "notes.md").write_text("# 笔记\n\n第二段。\n", encoding="utf-8")
    served = Library(config).index.passages  # a new start: rules.pdf's passages from the mapped snapshot
    assert [p.page for p in served] == [0, 1, 1, 1, 1, 1, 2] and list(served)[1:] == list(built)[1:]


def test_pdf_lines_know_fake_bold_and_bold_fonts_from_regular_text() -> None:
    pdf = canvas.Canvas(buffer := io.BytesIO())
    pdf.setFont(pdfs.SONG, 12)
    pdf._code.append("2 Tr")  # fill and stroke: fake bold
    pdf.drawString(72, 700, "加粗的标题")
    pdf._code.append("0 Tr")
    pdf.drawString(72, 680, "正文一行")
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(72, 660, "Bold heading")
    pdf.save()
    (page,) = PdfReader(io.BytesIO(buffer.getvalue())).pages
    lines = page_lines(page, 1)
    assert [(line.text, line.bold, line.size) for line in lines] == [
        ("加粗的标题", True, 12.0),
        ("正文一行", False, 12.0),
        ("Bold heading", True, 12.0),
    ]
    assert lines[1].x1 == pytest.approx(72 + 4 * 12)  # four full-width characters of 12 pt


def test_a_pdf_whose_font_description_is_damaged_is_still_read(make_docs: MakeDocs) -> None:
    content = b"BT /F1 12 Tf 72 720 Td (Damaged fonts still show their text.) Tj ET"
    data = pdfs.raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FontDescriptor 6 0 R >>",
        b"<< /Type /FontDescriptor /FontName /Helvetica /FontWeight /Heavy /Flags 32 >>",
    ])  # fmt: skip
    document = read(make_docs, "odd.pdf", data)
    assert [(p.text, p.page) for p in document.passages] == [("Damaged fonts still show their text.", 1)]

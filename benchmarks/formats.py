"""What reading Word, PDF and web pages costs, and a cold build of a folder of mixed files.

    uv run python benchmarks/formats.py [--files 200] [--workdir DIR]

Files are made in code from the seed article (``seeds/``): its paragraphs, repeated
and numbered, under chapter headings. Every measurement runs in a fresh process:

- per format: ``read_document`` (reading, structure, passages; no tokenising) of a
  100-page PDF (STSong-Light, reportlab), a .docx of ~100 pages (python-docx), a
  ~150 KB web page and the seed .txt; then the same with the passages tokenised
  (``count_document``, by a fresh tokenizer: no memo). Per page for the PDF, per
  100 KB of the file otherwise (per 100 KB of document.xml for the .docx); peak RSS
  of the process once it has read the file (Python, the readers' libraries and the
  file's passages; before jieba is loaded).
- cold build: ``Library`` over a folder of ``--files`` files (a fifth each of .txt, .md,
  .docx, .pdf of 10 pages, .html) with an empty index cache, on every core, as
  ``qabot ask`` does at start-up.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_fc6bf0a2fe9ff4f6.txt"
PARAGRAPHS = [p for p in SEED.read_text(encoding="utf-8").split("\n") if len(p) > 60]


def pdf_file(pages: int) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(buffer := io.BytesIO(), pagesize=(595, 842))
    number, chapter = 0, 0
    while number < pages:
        number += 1
        pdf.setFont("STSong-Light", 9)
        pdf.drawCentredString(297, 45, f"第 {number} 页 共 {pages} 页")
        y = 770
        if number % 3 == 1:
            chapter += 1
            pdf.setFont("STSong-Light", 16)
            pdf.drawString(96, y, f"第{chapter}章 党建工作")
            y -= 30
        pdf.setFont("STSong-Light", 12)
        for paragraph in PARAGRAPHS[number % 5 : number % 5 + 3]:
            line, indent = "", 24
            for char in paragraph:
                if pdfmetrics.stringWidth(line + char, "STSong-Light", 12) > 451 - indent:
                    pdf.drawString(72 + indent, y, line)
                    y, line, indent = y - 20, "", 0
                line += char
            pdf.drawString(72 + indent, y, line)
            y -= 26
            if y < 120:
                break
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def word_file(chapters: int) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("党建工作手册", style="Title")
    for chapter in range(chapters):
        document.add_heading(f"第{chapter + 1}章 党建工作", level=1)
        for index, paragraph in enumerate(PARAGRAPHS[chapter % 5 : chapter % 5 + 3]):
            document.add_heading(f"第{index + 1}节", level=2) if index == 1 else None
            document.add_paragraph(paragraph)
        table = document.add_table(rows=3, cols=3)
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                cell.text = ["项目", "数量", "说明"][c] if r == 0 else f"第{r}项 {c * 7} 个"
    document.save(buffer := io.BytesIO())
    return buffer.getvalue()


def web_page(sections: int) -> bytes:
    nav = '<div class="nav">' + "".join(f'<a href="/{i}">栏目{i}</a>' for i in range(20)) + "</div>"
    body = "".join(
        f"<h2>第{s + 1}部分</h2>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[s % 5 : s % 5 + 4])
        for s in range(sections)
    )
    return (
        f'<html><head><meta charset="utf-8"><title>党建引领激发奋进动力_某某网</title></head><body>{nav}'
        f'<div class="article"><h1>党建引领激发奋进动力</h1>{body}</div>'
        '<div class="footer">版权所有 某某网 京ICP备00000000号</div></body></html>'
    ).encode()


def measure(path: str) -> dict[str, float]:
    """In this (fresh) process: read ``path``, then read and tokenise it."""
    from retrieval.documents.reader import read_document
    from retrieval.store.counting import count_document
    from retrieval.text.tokenizer import DEFAULT_STOPWORDS, Tokenizer, load_stopwords

    file = Path(path)
    read_document(file, file.parent, 400)  # imports and first-use costs aside
    start = time.perf_counter()
    document = read_document(file, file.parent, 400)
    read = time.perf_counter() - start
    with open("/proc/self/status") as status:  # what reading took, before jieba is loaded
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    tokenizer = Tokenizer(stopwords=load_stopwords(DEFAULT_STOPWORDS))
    for paragraph in PARAGRAPHS:  # jieba's dictionary and first-use costs aside
        tokenizer.terms(paragraph)
    fresh = Tokenizer(stopwords=load_stopwords(DEFAULT_STOPWORDS))
    start = time.perf_counter()
    count_document(document, fresh)
    counted = time.perf_counter() - start
    return {"read": read, "tokenise": counted, "passages": len(document.passages), "peak_mib": peak / 1024}


def cold_build(folder: str) -> dict[str, float]:
    from retrieval.config import RetrievalConfig
    from retrieval.library import Library

    start = time.perf_counter()
    library = Library(RetrievalConfig(docs_dir=Path(folder), cache_dir=Path(tempfile.mkdtemp())))
    return {
        "seconds": time.perf_counter() - start,
        "passages": len(library.index.passages),
        "skipped": len(library.skipped),
    }


def child(function: str, argument: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", function, argument], capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout.splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps({"measure": measure, "cold_build": cold_build}[args.child[0]](args.child[1])))
        return
    work = args.workdir or Path(tempfile.mkdtemp(prefix="qabot-formats-"))
    work.mkdir(parents=True, exist_ok=True)
    samples = {"pdf (100 pages)": ("big.pdf", pdf_file(100)), "docx": ("big.docx", word_file(100)),
               "html": ("big.html", web_page(60)), "txt (the seed)": ("seed.txt", SEED.read_bytes())}  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.1f}; each row in a fresh process\n")
    print("| format | file | read (no tokenising) | read + tokenise | passages | peak RSS reading |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, (name, data) in samples.items():
        (work / name).write_bytes(data)
        result = child("measure", str(work / name))
        units: float
        if name.endswith(".pdf"):
            units, unit = 100, "page"
        elif name.endswith(".docx"):
            units, unit = (
                zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml").file_size / 100_000,
                "100 KB of XML",
            )
        else:
            units, unit = len(data) / 100_000, "100 KB"
        read, both = (
            f"{s / units * 1000:.1f} ms / {unit}"
            for s in (result["read"], result["read"] + result["tokenise"])
        )
        print(f"| {label} | {len(data) / 1024:.0f} KB | {read} | {both} | {result['passages']:.0f} "
              f"| {result['peak_mib']:.0f} MiB |")  # fmt: skip
    folder = work / "mixed"
    folder.mkdir(exist_ok=True)
    makers = [lambda i: SEED.read_bytes(), lambda i: ("# 手册\n\n## 第一节\n\n" + "\n\n".join(PARAGRAPHS[i % 5 :])).encode(),
              lambda i: word_file(3), lambda i: pdf_file(10), lambda i: web_page(3)]  # fmt: skip
    suffixes = [".txt", ".md", ".docx", ".pdf", ".html"]
    for i in range(args.files):
        (folder / f"{i:03d}{suffixes[i % 5]}").write_bytes(makers[i % 5](i))
    size = sum(f.stat().st_size for f in folder.iterdir())
    result = child("cold_build", str(folder))
    print(f"\ncold build of {args.files} mixed files ({size / 2**20:.1f} MiB, a fifth each of .txt .md .docx "
          f".pdf (10 pages) .html): {result['seconds']:.1f} s, {result['passages']:.0f} passages, "
          f"{result['skipped']:.0f} skipped; load average {os.getloadavg()[0]:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()

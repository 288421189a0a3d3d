"""PDF files (and zips) made in code for the tests: reportlab, with its built-in CID font STSong-Light
(not embedded, as iText and reportlab make Chinese PDFs). Each builder returns the file's bytes
and what a reader should find in it: the title and each passage's (heading path, text, page).
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass, field

from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
SONG = "STSong-Light"


@dataclass
class Made:
    data: bytes
    title: str
    passages: list[tuple[str, str, int]] = field(default_factory=list)  # (heading path, text, page)
    furniture: list[str] = field(default_factory=list)  # text on the file that is never a passage
    last_pages: list[int] = field(default_factory=list)  # PDFs: the page each passage ends on


TITLE = "某某市公共数据管理办法（试行）"
CHAPTERS = [
    ("第一章 总则", [
        "第一条　为了规范公共数据管理，促进公共数据安全有序开放和利用，提升政府治理能力和公共服务水平，"
        "根据有关法律、法规的规定，结合本市实际，制定本办法。",
        "第二条　本市行政区域内公共数据的收集、归集、共享、开放、利用及其安全管理等活动，适用本办法。",
    ]),
    ("第二章 数据共享", [
        "第三条　公共数据以共享为原则，不共享为例外。公共管理和服务机构应当按照“一数一源、多源校核”的要求，"
        "通过全市统一的公共数据平台提供和获取共享数据，不得通过其他渠道重复采集。",
        "第四条　市大数据中心负责建设和运行维护公共数据平台，建立数据质量检查和问题数据纠错机制，"
        "定期对数据的完整性、准确性、一致性和时效性进行评估，并将评估结果向社会公布。",
    ]),
    ("第三章 附则", ["第五条　本办法自2024年3月1日起施行。"]),
]  # fmt: skip
SECTION = "第一节 平台建设"  # a level-2 heading before the second article of chapter two
LONG = (
    "第一条之二　"
    + "公共数据管理应当遵循统一标准、分级分类、安全可控、便民利用的原则，" * 28
    + "具体办法由市数据主管部门另行制定。"
)
PAGE_W, PAGE_H, LEFT, RIGHT, TOP, BOTTOM = 595.0, 842.0, 72.0, 523.0, 770.0, 80.0


def _wrap(text: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for char in text:
        if pdfmetrics.stringWidth(line + char, SONG, size) > width - (24 if not lines else 0):
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines


def chinese_pdf(
    bookmarks: bool = True, footer: str = "zh", flat: bool = False, encrypt: object = None
) -> Made:
    """A regulation: a 22 pt title on page 1, chapters (16 pt) and a section (14 pt) drawn in
    fake bold (fill and stroke, as Word does for CJK fonts), or at body size and not bold
    (``flat``); 12 pt body with a two-character first-line indent; a paragraph running over
    a page break; the title as a running header and ``第 i 页 共 N 页`` or ``- i -`` as footer."""
    content: list[tuple[int, str]] = []
    for number, (chapter, articles) in enumerate(CHAPTERS):
        content.append((1, chapter))
        for index, article in enumerate(articles):
            if number == 1 and index == 1:
                content.append((2, SECTION))
            content.append((0, article))
    content.insert(-2, (0, LONG))  # it starts on page 1 and ends on page 2
    pages: list[list[tuple[float, float, float, str, int]]] = [[(PAGE_W / 2, TOP - 30, 22.0, TITLE, 9)]]
    made = Made(b"", TITLE)
    y, path = TOP - 50, list[str]()
    for level, text in content:
        if level:
            size = 12.0 if flat else 16.0 if level == 1 else 14.0
            if y - 2 * size - 20 < BOTTOM:
                pages.append([])
                y = TOP
            y -= size + 10
            pages[-1].append((LEFT + (0 if level == 2 else 24), y, size, text, level))
            y -= 10
            path = [*path[: level - 1], text]
            continue
        first = 0
        for index, line in enumerate(_wrap(text, 12.0, RIGHT - LEFT)):
            if y - 20 < BOTTOM:
                pages.append([])
                y = TOP
            y -= 20
            pages[-1].append((LEFT + (24 if index == 0 else 0), y, 12.0, line, 0))
            first = first or len(pages)
        y -= 6
        heading = path[-1] if flat else " › ".join(path)
        made.passages.append((heading, text, first))
        made.last_pages.append(len(pages))
    pdf = canvas.Canvas(buffer := io.BytesIO(), pagesize=(PAGE_W, PAGE_H), encrypt=encrypt)
    if bookmarks:
        pdf.setTitle(TITLE)
    for number, items in enumerate(pages, 1):
        label = f"第 {number} 页 共 {len(pages)} 页" if footer == "zh" else f"- {number} -"
        made.furniture.append(label)
        pdf.setFont(SONG, 9)
        pdf.drawCentredString(PAGE_W / 2, 800, TITLE)
        pdf.drawCentredString(PAGE_W / 2, 45, label)
        for x, y, size, text, level in items:
            pdf.setFont(SONG, size)
            if level == 9:
                pdf.drawCentredString(x, y, text)
                continue
            if level and not flat:
                pdf._code.append("2 Tr 0.4 w")  # fake bold
            pdf.drawString(x, y, text)
            if level and not flat:
                pdf._code.append("0 Tr")
            if level and bookmarks:
                pdf.bookmarkPage(key := f"h{number}-{y}", fit="XYZ", top=y + size)
                pdf.addOutlineEntry(text, key, level=level - 1)
        pdf.showPage()
    pdf.save()
    made.data = buffer.getvalue()
    return made


ENGLISH = [
    ("Introduction", "This annual report describes the work of the data office in 2024. It covers the catalogue "
     "of open data sets, the quality checks that were run on them, and the plans for the year ahead."),
    ("Results", "Two hundred and twelve data sets were published during the year, of which one hundred and "
     "forty were updated at least monthly. Usage of the portal grew steadily."),
    ("Results", "The quality checks found errors in eleven data sets; all of them were corrected within the "
     "agreed period of thirty days."),
]  # fmt: skip


def english_pdf() -> Made:
    """Helvetica 11 pt, headings in Helvetica-Bold at the same size, ragged right, no
    bookmarks; ``Page i of 2`` and the report's name on every page."""
    pdf = canvas.Canvas(buffer := io.BytesIO(), pagesize=(PAGE_W, PAGE_H))
    made = Made(b"", "Annual Report 2024", furniture=["Data Office - Annual Report 2024", "Page 1 of 2"])
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(LEFT, TOP, made.title)
    y, page, last = TOP - 40, 1, ""
    closing = [("Results", "Approved by the board"), ("Results", "The report was approved on 3 March 2025.")]
    for heading, text in [*ENGLISH * 2, *closing]:  # a short line, not bold: body text, not a heading
        if heading != last:
            pdf.setFont("Helvetica-Bold", 11)
            y -= 24
            pdf.drawString(LEFT, y, heading)
        last = heading
        words, line, lines = text.split(), "", []
        for word in words:
            if pdfmetrics.stringWidth(f"{line} {word}".strip(), "Helvetica", 11) > RIGHT - LEFT:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        y -= 8
        made.passages.append((heading, text, page))
        pdf.setFont("Helvetica", 11)
        for drawn in [*lines, line]:
            y -= 15
            pdf.drawString(LEFT, y, drawn)
        if y < 500 and page == 1:
            pdf.setFont("Helvetica", 8)
            pdf.drawString(LEFT, 800, made.furniture[0])
            pdf.drawRightString(RIGHT, 45, "Page 1 of 2")
            pdf.showPage()
            page, y, last = 2, TOP, ""
    pdf.setFont("Helvetica", 8)
    pdf.drawString(LEFT, 800, made.furniture[0])
    pdf.drawRightString(RIGHT, 45, "Page 2 of 2")
    pdf.save()
    made.data = buffer.getvalue()
    return made


def scanned_pdf() -> bytes:
    """One page that is an image of text: no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (400, 500), 255)
    draw = ImageDraw.Draw(image)
    for row in range(40, 460, 24):
        draw.rectangle([40, row, 40 + random.Random(row).randint(200, 320), row + 10], fill=0)
    pdf = canvas.Canvas(buffer := io.BytesIO(), pagesize=(PAGE_W, PAGE_H))
    pdf.drawImage(ImageReader(image), 0, 0, PAGE_W, PAGE_H)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def encrypted_pdf(user_password: str) -> bytes:
    """``chinese_pdf`` encrypted with AES-256 by pypdf (which needs ``cryptography`` for it)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(chinese_pdf().data)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    writer.write(buffer := io.BytesIO())
    return buffer.getvalue()


def rc4_owner_only_pdf() -> bytes:
    """An owner password only (anyone may open it), RC4, as many government PDFs are."""
    return chinese_pdf(encrypt=StandardEncryption("", ownerPassword="owner", canCopy=0)).data


def zip_file(parts: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A .docx whose document.xml unpacks to 60 MiB of spaces (it zips to ~60 KiB)."""
    start = '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    return zip_file(
        {
            "[Content_Types].xml": "<Types/>",
            "word/document.xml": start + " " * (60 << 20) + "</w:body></w:document>",
        }
    )


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1, the first the catalog), with its cross-reference table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(
        b"%010d 00000 n \n" % o for o in offsets
    )
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)
    return bytes(out)

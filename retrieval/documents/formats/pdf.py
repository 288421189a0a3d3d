"""A PDF into an ``Outline``: the home of pypdf.

pypdf reads the text of each page with its position, type size and font (its
``visitor_text``), exactly, whatever fonts this machine has: Chinese PDFs made
with a CID font that is not embedded (STSong-Light, as iText and reportlab make
them) lose nothing. Page by page, each run of text becomes a piece; pieces on
one baseline are a ``Line`` with its left and right edges (the right one from
the font's widths), size and weight; ``pdflayout.build_outline`` makes the
outline. Only the lines are kept: pypdf's cache of the file's objects is
emptied after each page, so a long PDF is never held whole.

Refused with a reason: no ``%PDF-`` header, damaged, password-protected, more
than ``MAX_PAGES`` pages, no text at all (a scan: no OCR). pypdf's own guards
stay on (its limits on decompressed stream sizes); reading is time- and
memory-boxed by the caller (``retrieval.store.boxing``).
"""

from __future__ import annotations

import dataclasses
import io
import logging
import math
import re
from typing import Any

from pypdf import PageObject, PasswordType, PdfReader
from pypdf.generic import DictionaryObject
from pypdf.generic._font import Font  # pypdf's widths table (pinned: see pyproject.toml)

from retrieval.documents.formats.linebreaks import is_wide
from retrieval.documents.formats.pdflayout import Line, build_outline
from retrieval.documents.outline import Outline
from retrieval.errors import UnreadableFile

MAX_PAGES = 1000
_BOLD_NAME = re.compile(r"bold|heavy|black|semibold|demi|hei|黑", re.I)
_FAKE_BOLD = 2  # text render mode fill + stroke: how Word and WPS embolden a CJK font without a bold face
_FORCE_BOLD = 1 << 18
logging.getLogger("pypdf").setLevel(logging.ERROR)  # its notes on damaged files: the skip reason says it


def _open(data: bytes) -> PdfReader:
    if not data.strip():
        raise UnreadableFile("it is empty")
    if b"%PDF-" not in data[:1024]:
        raise UnreadableFile("not a PDF (no %PDF- header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise UnreadableFile("password-protected PDF (save a copy without the password)")
        count = len(reader.pages)
    except (UnreadableFile, MemoryError):
        raise
    except NotImplementedError as error:
        raise UnreadableFile(f"encrypted PDF this reader cannot open ({error})") from None
    except Exception as error:  # pypdf fails in many ways on a damaged file
        raise UnreadableFile(f"damaged PDF ({type(error).__name__}: {error})".replace(" ()", "")) from None
    if count > MAX_PAGES:
        raise UnreadableFile(f"too many pages ({count}; the limit is {MAX_PAGES})")
    return reader


def _product(tm: list[float], cm: list[float]) -> list[float]:
    return [
        tm[0] * cm[0] + tm[1] * cm[2],
        tm[0] * cm[1] + tm[1] * cm[3],
        tm[2] * cm[0] + tm[3] * cm[2],
        tm[2] * cm[1] + tm[3] * cm[3],
        tm[4] * cm[0] + tm[5] * cm[2] + cm[4],
        tm[4] * cm[1] + tm[5] * cm[3] + cm[5],
    ]


class _Page:
    """The lines of one page, collected from pypdf's visitors as it extracts the page's text."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.lines: list[Line] = []
        self.fonts: dict[int, tuple[Font | None, bool]] = {}  # per font dictionary: widths, bold
        self.modes = [0]  # text render mode, saved and restored with the graphics state
        self.faked = False  # some text shown in fake bold since the last piece

    def operator(self, operator: bytes, operands: list[Any], cm: Any, tm: Any) -> None:
        if operator == b"Tr" and operands:
            self.modes[-1] = int(operands[0]) if isinstance(operands[0], (int, float)) else 0
        elif operator == b"q":
            self.modes.append(self.modes[-1])
        elif operator == b"Q" and len(self.modes) > 1:
            self.modes.pop()
        elif operator in (b"Tj", b"TJ", b"'", b'"'):
            self.faked |= self.modes[-1] == _FAKE_BOLD

    def _font(self, resource: DictionaryObject | None) -> tuple[Font | None, bool]:
        if resource is None:
            return None, False
        if id(resource) not in self.fonts:
            bold = bool(_BOLD_NAME.search(str(resource.get("/BaseFont", ""))))
            try:
                found: Any = resource.get("/FontDescriptor")
                if found is None and "/DescendantFonts" in resource:
                    descendants: Any = resource["/DescendantFonts"].get_object()
                    found = descendants[0].get_object().get("/FontDescriptor")
                descriptor: Any = found.get_object() if found is not None else {}
                bold |= float(descriptor.get("/FontWeight", 400)) >= 600
                bold |= bool(int(descriptor.get("/Flags", 0)) & _FORCE_BOLD)
                self.fonts[id(resource)] = (Font.from_font_resource(resource), bold)
            except MemoryError:
                raise
            except Exception:  # a damaged font: its text is still read, its widths guessed
                self.fonts[id(resource)] = (None, bold)
        return self.fonts[id(resource)]

    def text(
        self, text: str, cm: list[float], tm: list[float], resource: DictionaryObject | None, size: float
    ) -> None:
        faked, self.faked = self.faked, False
        text = text.replace("\n", "")
        if not text.strip():
            return
        m = _product(tm, cm)
        font, bold = self._font(resource)
        units = font.get_text_width(text) if font else 500.0 * len(text)  # thousandths of the type size
        x0, y, x1 = m[4], m[5], m[4] + units / 1000 * abs(size) * math.hypot(m[0], m[1])
        size = abs(size) * math.hypot(m[2], m[3])
        piece = Line(text, self.number, x0, x1, y, round(size * 2) / 2, bold or faked)
        last = self.lines[-1] if self.lines else None
        if last is None or abs(last.y - y) > 0.4 * max(size, 1.0) or x0 < last.x0:
            self.lines.append(piece)
            return
        gap = "" if x0 - last.x1 < 0.25 * size or is_wide(last.text[-1]) or is_wide(text[0]) else " "
        joined = last.text + (gap if not last.text.endswith(" ") and not text.startswith(" ") else "") + text
        bolder = last.bold if len(last.text) >= len(text) else piece.bold
        self.lines[-1] = Line(
            joined, last.page, last.x0, max(last.x1, x1), last.y, max(last.size, piece.size), bolder
        )


def page_lines(page: PageObject, number: int) -> list[Line]:
    """The lines of one page (numbered ``number``), in the order the page draws them."""
    collector = _Page(number)
    page.extract_text(visitor_text=collector.text, visitor_operand_before=collector.operator)
    return [dataclasses.replace(ln, text=ln.text.strip()) for ln in collector.lines]


def _bookmarks(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(level from 1, title, 0-based page) of each bookmark that leads to a page."""
    out: list[tuple[int, str, int]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
                continue
            page = reader.get_destination_page_number(item)
            if page is not None and page >= 0 and item.title:
                out.append((level, str(item.title), page))

    try:
        walk(reader.outline, 1)
    except MemoryError:
        raise
    except Exception:  # a damaged outline: the headings come from the type instead
        return []
    return out


def _has_images(reader: PdfReader) -> bool:
    try:
        return any(len(page.images) for page in list(reader.pages)[:10])
    except MemoryError:
        raise
    except Exception:
        return False


def outline_pdf(data: bytes, fallback_title: str) -> Outline:
    reader = _open(data)
    pages: list[list[Line]] = []
    try:
        for number, page in enumerate(reader.pages, start=1):
            pages.append(page_lines(page, number))
            reader.resolved_objects.clear()  # pypdf's cache of the objects read: kept for one page only
        toc = _bookmarks(reader)
        meta_title = str(reader.metadata.title or "").strip() if reader.metadata else ""
    except MemoryError:
        raise
    except Exception as error:
        raise UnreadableFile(f"damaged PDF ({type(error).__name__}: {error})") from None
    if not any(pages):
        raise UnreadableFile(
            "no text: scanned? OCR is not supported" if _has_images(reader) else "no text in this PDF"
        )
    return build_outline(pages, toc, meta_title, fallback_title)

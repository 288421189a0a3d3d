"""A Word .docx into an ``Outline``: the home of python-docx.

python-docx opens the package (once ``wordpackage.check_package`` has passed it) and gives
the styles and core properties; the body is walked as XML in document order, so text in
content controls (``w:sdt``) and tracked insertions (``w:ins``), which ``Paragraph.text``
skips, is kept, and deleted text, text boxes and their compatibility copies are not.

- Title: the first paragraph in the Title style (标题); else the core properties' title
  unless it is a template's placeholder; else the only Heading 1, when it opens the
  document; else the file name.
- Headings: the paragraph's own outline level, else its style chain (``basedOn``): a style
  named Heading N / 标题 N, or with an outline level (公文 styles). Longer than 100
  characters, it is body text.
- Tables: one passage per row (``tables.row_passages``), on the table grid (a spanned cell
  once, a vertically merged one repeated), under the heading the table sits under.
- Headers, footers, footnotes, comments, tables of contents: never read.
- Whitespace: soft breaks (``w:br``, ``w:cr``) joined as ``linebreaks.join_lines`` says;
  tabs kept; empty paragraphs dropped.
"""

from __future__ import annotations

import io
import re
from typing import Any

import docx

from retrieval.documents.formats.linebreaks import join_lines
from retrieval.documents.formats.tables import row_passages
from retrieval.documents.formats.wordpackage import check_package
from retrieval.documents.outline import PATH_JOINER, Block, Outline
from retrieval.errors import UnreadableFile

Element = Any  # python-docx's XML elements (lxml underneath)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": _W}
_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.I)
_TITLE_NAMES = {"title", "标题"}
_SUBTITLE_NAMES = {"subtitle", "副标题"}
_TOC_NAME = re.compile(r"^(?:toc|目录)\s*\d$", re.I)
_PLACEHOLDER_TITLE = re.compile(r"^(?:|标题|title|untitled|document\d*|文档\d*|microsoft word - .*)$", re.I)
_HEADING_MAX_CHARS = 100
_RUN_TEXT = ".//w:t | .//w:tab | .//w:br | .//w:cr | .//w:noBreakHyphen"
_HIDDEN = {
    f"{{{_W}}}txbxContent",
    f"{{{_W}}}del",
    f"{{{_W}}}moveFrom",
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
}


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _val(element: Element | None, default: str = "") -> str:
    return str(element.get(_w("val"), default)) if element is not None else default


class _Styles:
    """Paragraph styles by id: (lower-case name, the id it is based on, outline level 1–10 or 0)."""

    def __init__(self, styles: Element) -> None:
        self.styles: dict[str, tuple[str, str, int]] = {}
        self.default = ""
        for style in styles.iterchildren(_w("style")):
            if style.get(_w("type")) != "paragraph":
                continue
            sid = style.get(_w("styleId"), "")
            level = style.find("w:pPr/w:outlineLvl", _NS)
            name = _val(style.find("w:name", _NS), sid).strip().lower()
            self.styles[sid] = (
                name,
                _val(style.find("w:basedOn", _NS)),
                int(_val(level, "9")) + 1 if level is not None else 0,
            )
            if style.get(_w("default")) in ("1", "true"):
                self.default = sid

    def chain(self, sid: str) -> list[tuple[str, str, int]]:
        out: list[tuple[str, str, int]] = []
        while sid in self.styles and len(out) < 20 and self.styles[sid] not in out:
            out.append(self.styles[sid])
            sid = self.styles[sid][1]
        return out

    def level(self, sid: str) -> int:
        """Heading level 1–9 of a style, 0 for body text (outline level 10 is body text)."""
        for name, _, outline in self.chain(sid):
            if match := _HEADING_NAME.match(name):
                return int(match.group(1))
            if outline:
                return outline if outline <= 9 else 0
        return 0


def _shown(element: Element, paragraph: Element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor is paragraph:
            return True
        if ancestor.tag in _HIDDEN:
            return False
    return True


def _text(paragraph: Element) -> str:
    parts: list[str] = []
    for element in paragraph.xpath(_RUN_TEXT):
        if not _shown(element, paragraph):
            continue
        tag = element.tag.rsplit("}", 1)[1]
        if tag == "t":
            parts.append(element.text or "")
        elif tag == "tab":
            parts.append("\t")
        elif tag == "noBreakHyphen":
            parts.append("-")
        elif tag == "cr" or element.get(_w("type")) in (None, "textWrapping"):
            parts.append("\n")  # page and column breaks are not line breaks
    return join_lines("".join(parts).split("\n"))


def _rows(table: Element) -> list[list[str]]:
    rows: list[list[str]] = []
    above: dict[int, str] = {}
    for tr in table.iterchildren(_w("tr")):
        column = int(_val(tr.find("w:trPr/w:gridBefore", _NS), "0"))
        row: list[str] = []
        for tc in tr.iterchildren(_w("tc")):
            merge = tc.find("w:tcPr/w:vMerge", _NS)
            continued = merge is not None and merge.get(_w("val")) != "restart"
            text = above.get(column, "") if continued else join_lines([_text(p) for p in tc.iter(_w("p"))])
            above[column] = text
            row.append(text)
            column += int(_val(tc.find("w:tcPr/w:gridSpan", _NS), "1"))
        rows.append(row)
    return rows


def _body(parent: Element) -> list[Element]:
    """``w:p`` and ``w:tbl`` in document order, inside content controls too (not a table of contents)."""
    items: list[Element] = []
    for element in parent.iterchildren():
        if element.tag in (_w("p"), _w("tbl")):
            items.append(element)
        elif element.tag == _w("sdt"):
            gallery = _val(element.find("w:sdtPr/w:docPartObj/w:docPartGallery", _NS))
            content = element.find("w:sdtContent", _NS)
            if "Contents" not in gallery and content is not None:
                items.extend(_body(content))
        elif element.tag == _w("customXml"):
            items.extend(_body(element))
    return items


def outline_docx(data: bytes, fallback_title: str) -> Outline:
    if not data.strip():
        raise UnreadableFile("it is empty")
    check_package(data)
    try:
        document = docx.Document(io.BytesIO(data))
        styles = _Styles(document.styles.element)
        core = (document.core_properties.title or "").strip()
    except MemoryError:
        raise
    except Exception as error:  # python-docx fails in many ways on a malformed package
        raise UnreadableFile(f"damaged .docx ({type(error).__name__}: {error})") from None
    title, subtitled = "", False  # the first Subtitle paragraph is left out
    entries: list[tuple[int, str]] = []  # (heading level, or 0 for body text and table rows; text)
    for element in _body(document.element.body):
        if element.tag == _w("tbl"):
            flagged = element.find("w:tr/w:trPr/w:tblHeader", _NS) is not None
            entries.extend((0, row) for row in row_passages(_rows(element), flagged))
            continue
        sid = _val(element.find("w:pPr/w:pStyle", _NS), styles.default)
        names = {name for name, _, _ in styles.chain(sid)}
        text = _text(element)
        if not text or any(_TOC_NAME.match(name) for name in names):
            continue
        if names & _TITLE_NAMES and not title:
            title = text
        elif names & _SUBTITLE_NAMES and not subtitled:
            subtitled = True
        else:
            direct = element.find("w:pPr/w:outlineLvl", _NS)
            level = int(_val(direct, "9")) + 1 if direct is not None else styles.level(sid)
            entries.append((level if level <= 9 and len(text) <= _HEADING_MAX_CHARS else 0, text))
    levels = [level for level, _ in entries if level]
    title_level = 0
    if not title and not _PLACEHOLDER_TITLE.match(core):
        title = core
    elif not title and levels and levels[0] == 1 and levels.count(1) == 1:
        title, title_level = next(text for level, text in entries if level == 1), 1
    blocks: list[Block] = []
    path: list[tuple[int, str]] = []
    for level, text in entries:
        if level:
            path = [(lv, t) for lv, t in path if lv < level] + (
                [(level, text)] if level != title_level else []
            )
        else:
            blocks.append(Block(PATH_JOINER.join(t for _, t in path), text))
    return Outline(title or fallback_title, tuple(blocks))

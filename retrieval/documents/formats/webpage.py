"""A saved web page (.html/.htm) into an ``Outline``: the home of lxml.

1. Bytes to text: a byte-order mark, else the page's ``<meta charset>`` (in its first 4 KiB),
   else UTF-8, else what ``encoding.decode`` recognises; GB2312/GBK pages are read as GB18030.
   A file with a binary signature or NUL bytes is not a web page.
2. Title: the first ``<h1>``; else ``<title>`` without its site name (the longest part
   between ``_ | ｜ ——`` or a spaced dash).
3. Boilerplate elements go: scripts, styles, forms, ``nav``, ``aside``, ``header``/``footer``
   (unless they hold the ``<h1>``), and elements whose class or id says nav, menu, crumb,
   sidebar, footer, share, related, copyright, banner, comment...
4. The main content: the element that gathers the most text outside links (readability-style).
5. Walked in document order: ``<h2>``–``<h6>`` give the heading path, each block element and
   each ``<br>``-separated line is a paragraph, a data table gives one passage per row;
   short lines naming a date, source, view count, print/close, copyright or ICP number go.
6. Whitespace, as a browser shows it: the source's line breaks joined
   (``linebreaks.join_lines``), runs of spaces, tabs and ``&nbsp;`` as one space, each line
   stripped (so ``&nbsp;`` and ``　　`` indents go); U+3000 inside a line is kept.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree
from lxml.html import HtmlElement as Element

from retrieval.documents.encoding import decode
from retrieval.documents.formats.linebreaks import join_lines, squeeze_spaces
from retrieval.documents.formats.tables import row_passages
from retrieval.documents.outline import PATH_JOINER, Block, Outline
from retrieval.errors import UnreadableFile

MAX_BYTES = 20 << 20
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_BINARY = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x1f\x8b")
_DROP_TAGS = {"script", "style", "noscript", "template", "iframe", "svg", "form", "nav", "aside", "button",
              "select", "input", "textarea", "object", "embed", "canvas", "head"}  # fmt: skip
_DROP_NAMES = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|topbar|top-bar|header|footer|foot|sidebar|side|crumbs?|breadcrumbs?|position|"
    r"location|share|related|relate|recommend|hot|rank|copyright|login|search|banner|ads?|advert|comments?|toolbar|"
    r"pager|pagination)(?:$|[-_\s\d])",
    re.I,
)
_BLOCKS = {"p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th",
           "tbody", "thead", "tfoot", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption",
           "center", "address", "body", "header", "footer", "hr", "caption", "form", "fieldset"}  # fmt: skip
_NOISE = re.compile(
    r"(发布时间|发布日期|发布机构|来源[:：]|浏览次数|点击数|阅读量|访问量|字体[:：]|【?打印】?|关闭窗口|分享到|责任编辑|"
    r"版权所有|ICP\s*[备证]|公网安备|网站标识码|copyright|©|all rights reserved)",
    re.I,
)
_NOISE_MAX_CHARS = 120
_TITLE_SPLIT = re.compile(r"\s*(?:[_|｜]|——|\s[-–—]\s)\s*")


def page_text(data: bytes) -> str:
    """The text of a web page's bytes, or ``UnreadableFile`` when they are not a page."""
    if not data.strip():
        raise UnreadableFile("it is empty")
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if data.lstrip().startswith(_BINARY) or (b"\x00" in data[:8192] and not utf16):
        raise UnreadableFile("not a web page (it looks binary)")
    declared = _META_CHARSET.search(data[:4096])
    text = decode(data, declared.group(1).decode("ascii") if declared else "")
    if not re.search(r"<[A-Za-z!/]", text[:65536]):
        raise UnreadableFile("not a web page (no tags in it)")
    return re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses text that declares an encoding


def _clean(root: Element) -> None:
    keep = {a for h1 in root.iter("h1") for a in (h1, *h1.iterancestors())}  # what holds the title stays
    for element in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        if element.getparent() is not None:
            element.drop_tree()
    for element in list(root.iter()):
        if (
            not isinstance(element.tag, str)
            or element.getparent() is None
            or element in keep
            or element.tag == "body"
        ):
            continue
        names = f"{element.get('class', '')} {element.get('id', '')}"
        if element.tag in _DROP_TAGS or element.tag in ("header", "footer") or _DROP_NAMES.search(names):
            element.drop_tree()


def _own_text(element: Element) -> tuple[int, int]:
    """(length, length inside links) of an element's inline text, its block children aside."""
    total, links = len((element.text or "").strip()), 0
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _BLOCKS:
            n = len(child.text_content().strip())
            total += n
            links += n if child.tag == "a" else sum(len(a.text_content()) for a in child.iter("a"))
        total += len((child.tail or "").strip())
    return total, links


def main_content(root: Element) -> Element:
    scores: dict[Element, float] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        length, links = _own_text(element)
        if length < 10 or links > length / 2:
            continue
        parent = (
            element if element.tag in ("td", "div", "article", "section", "main") else element.getparent()
        )
        for weight, target in ((1.0, parent), (0.5, parent.getparent() if parent is not None else None)):
            if target is not None:
                scores[target] = scores.get(target, 0.0) + weight * length
    return max(scores, key=lambda e: scores[e]) if scores else root


def _lines(pieces: list[str]) -> list[str]:
    """Inline text into lines: ``\\x00`` (a ``<br>``) ends a line; the source's newlines are joined."""
    return [squeeze_spaces(join_lines(line.split("\n"))) for line in "".join(pieces).split("\x00")]


def _walk(element: Element, out: list[tuple[int, str]]) -> None:
    """(heading level, or 0 for a paragraph; text) in document order."""
    if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        out.append((int(element.tag[1]), squeeze_spaces(join_lines(element.text_content().split("\n")))))
        return
    if (
        element.tag == "table"
        and element.find(".//table") is None
        and not element.xpath(".//td//p|.//td//div|.//td//br")
    ):
        rows = [
            [squeeze_spaces(c.text_content()) for c in tr.iterchildren("td", "th")]
            for tr in element.iter("tr")
        ]
        flagged = element.find(".//thead") is not None or bool(element.xpath("boolean(.//tr[1]/th)"))
        out.extend((0, row) for row in row_passages(rows, flagged))
        return
    pieces: list[str] = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):
            pieces.append(child.tail or "")
            continue
        if child.tag == "br":
            pieces.append("\x00")
        elif child.tag in _BLOCKS:
            out.extend((0, line) for line in _lines(pieces) if line)
            pieces = []
            _walk(child, out)
        elif child.tag != "img":
            pieces.append(child.text_content())
        pieces.append(child.tail or "")
    out.extend((0, line) for line in _lines(pieces) if line)


def page_title(root: Element) -> str:
    h1 = root.find(".//h1")
    if h1 is not None and h1.text_content().strip():
        return squeeze_spaces(h1.text_content())
    parts = [p for p in _TITLE_SPLIT.split(squeeze_spaces(root.findtext(".//title") or "")) if p]
    return max(parts, key=len) if parts else ""


def outline_html(data: bytes, fallback_title: str) -> Outline:
    if len(data) > MAX_BYTES:
        raise UnreadableFile(
            f"too large for a web page ({len(data) >> 20} MiB; the limit is {MAX_BYTES >> 20} MiB)"
        )
    text = page_text(data)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as error:
        raise UnreadableFile(f"damaged web page ({error})") from None
    title = page_title(root)
    _clean(root)
    body = root.find("body")
    entries: list[tuple[int, str]] = []
    _walk(main_content(body if body is not None else root), entries)
    blocks: list[Block] = []
    headings: list[tuple[int, str]] = []
    for level, line in entries:
        noise = line == title or (len(line) <= _NOISE_MAX_CHARS and _NOISE.search(line) is not None)
        if level == 1 or not line or (level == 0 and noise):
            continue
        if level:
            headings = [(lv, t) for lv, t in headings if lv < level] + [(level, line)]
        else:
            blocks.append(Block(PATH_JOINER.join(t for _, t in headings), line))
    return Outline(title or fallback_title, tuple(blocks))

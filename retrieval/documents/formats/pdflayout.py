"""A PDF's lines (text, page, position, size, weight) into an ``Outline``; no PDF library here.

1. Running headers and footers go: page numbers (``第 1 页 共 2 页``, ``- 3 -``, ``Page 2 of 9``)
   and lines repeated (digits aside) at the same height on most pages, among the top two and
   bottom two lines of each page.
2. The title: the metadata Title unless it is a placeholder; else the largest type on page 1,
   when it is at least 1.3 times the body size and found on no other page.
3. Headings: the bookmarks (outline) matched to lines on their page; else type larger than
   the body (or bold where the body is not), short and not ending a sentence, its sizes
   giving the levels; else the plain-text rule (a short line alone, followed by a paragraph).
4. Paragraphs: a line goes on with the previous one unless that one stopped short of the
   right edge (the next line's first word would have fitted), or a first-line indent or
   extra spacing starts a new one, or, in a document with neither, the previous line ended
   a sentence. The same holds across a page break, so a sentence running over the page
   stays one paragraph (it keeps the page it starts on).
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from retrieval.documents.formats.linebreaks import is_wide, join_lines
from retrieval.documents.outline import HEADING_JOINER, PATH_JOINER, Block, Outline, ends_sentence

_PAGE_NUMBER = re.compile(
    r"^(第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?|[-—–]\s*\d+\s*[-—–]|\d+(\s*/\s*\d+)?|page\s+\d+(\s+of\s+\d+)?)$",
    re.I,
)
_PLACEHOLDER_TITLE = re.compile(r"^(|untitled|无标题|microsoft word - .*|.*\.(docx?|wps|pdf))$", re.I)
_HEADING_MAX_CHARS = 40
_HEADING_MAX_WIDTH = 60


@dataclass(frozen=True)
class Line:
    """One line of text as drawn: its page (1-based), left and right edges, baseline
    (from the bottom of the page), type size and whether it is bold."""

    text: str
    page: int
    x0: float
    x1: float
    y: float
    size: float
    bold: bool


Item = tuple[int, str, list[Line]]  # (heading level, or 0 for a paragraph; its text; its lines)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def strip_running(pages: list[list[Line]]) -> list[list[Line]]:
    """Each page without its page number and the lines repeated at its top or bottom."""

    def key(line: Line) -> tuple[str, float, int]:
        return re.sub(r"\d+", "#", _squash(line.text)), line.size, round(line.y / 4)

    edges = [
        {id(ln) for ln in [*sorted(p, key=lambda ln: -ln.y)[:2], *sorted(p, key=lambda ln: ln.y)[:2]]}
        for p in pages
    ]
    counts = Counter(
        k for p, e in zip(pages, edges, strict=True) for k in {key(ln) for ln in p if id(ln) in e}
    )
    repeated = {k for k, n in counts.items() if n >= max(2, len(pages) // 2 + 1)}
    return [
        [
            ln
            for ln in p
            if id(ln) not in e or not (key(ln) in repeated or _PAGE_NUMBER.match(ln.text.strip()))
        ]
        for p, e in zip(pages, edges, strict=True)
    ]


def _bookmarked(toc: list[tuple[int, str, int]], pages: list[list[Line]]) -> dict[int, int]:
    """id(line) -> level, for bookmarks (level, title, 0-based page) found as one or two lines on
    their page or the next."""
    found: dict[int, int] = {}
    for level, title, index in toc:
        want = _squash(title)
        for page in pages[index : index + 2]:
            hit = next(
                (
                    i
                    for i, ln in enumerate(page)
                    if _squash(ln.text) == want
                    or (i + 1 < len(page) and _squash(ln.text + page[i + 1].text) == want)
                ),
                None,
            )
            if hit is not None:
                found[id(page[hit])] = level
                if _squash(page[hit].text) != want:
                    found[id(page[hit + 1])] = level
                break
    return found


def _typeset_headings(lines: list[Line], body: float, body_bold: bool) -> dict[int, int]:
    big = [
        ln
        for ln in lines
        if (ln.size >= body * 1.12 or (ln.bold and not body_bold and ln.size >= body))
        and len(ln.text) <= _HEADING_MAX_CHARS
        and not ends_sentence(ln.text)
    ]
    sizes = sorted({ln.size for ln in big}, reverse=True)
    return {id(ln): sizes.index(ln.size) + 1 + (ln.size < body * 1.12) for ln in big}


def _plain_heading(text: str) -> bool:
    width = sum(2 if is_wide(c) else 1 for c in text)
    return (
        0 < width <= _HEADING_MAX_WIDTH
        and not ends_sentence(text)
        and text[-1] not in "，,、：:"
        and any(c.isalpha() for c in text)
    )


def _plain_headings(items: list[Item]) -> list[Item]:
    """One or two one-line paragraphs that look like headings, followed by body text, are a heading."""
    out: list[Item] = []
    i = 0
    while i < len(items):
        run = 0
        while i + run < len(items) and len(items[i + run][2]) == 1 and _plain_heading(items[i + run][1]):
            run += 1
        if 0 < run <= 2 and i + run < len(items):
            heads = items[i : i + run]
            out.append((1, HEADING_JOINER.join(t for _, t, _ in heads), [ln for h in heads for ln in h[2]]))
        else:
            out.extend(items[i : i + max(run, 1)])
        i += max(run, 1)
    return out


def build_outline(
    pages: list[list[Line]], toc: list[tuple[int, str, int]], meta_title: str, fallback: str
) -> Outline:
    pages = strip_running(pages)
    lines = [ln for p in pages for ln in p]
    if not lines:
        return Outline(fallback, ())
    weights = Counter[float]()
    for ln in lines:
        weights[ln.size] += len(ln.text)
    body = weights.most_common(1)[0][0]
    body_bold = sum(len(ln.text) for ln in lines if ln.bold) > sum(weights.values()) / 2
    largest = max(ln.size for ln in lines)
    elsewhere = any(ln.size == largest for p in pages[1:] for ln in p)
    title_lines = [ln for ln in pages[0] if ln.size == largest and largest >= body * 1.3 and not elsewhere]
    skip = {id(ln) for ln in title_lines}
    title_text = join_lines([ln.text for ln in title_lines])
    title = meta_title if not _PLACEHOLDER_TITLE.match(meta_title) else title_text
    levels = _bookmarked(toc, pages) if toc else {}
    if len(levels) * 2 < len(toc) or not toc:
        levels = _typeset_headings([ln for ln in lines if id(ln) not in skip], body, body_bold)
    items = _items([ln for ln in lines if id(ln) not in skip], levels, body)
    if not levels:
        items = _plain_headings(items)
    blocks: list[Block] = []
    path: list[tuple[int, str]] = []
    for level, text, para in items:
        if level:
            path = [(lv, t) for lv, t in path if lv < level] + [(level, text)]
        else:
            blocks.append(Block(PATH_JOINER.join(t for _, t in path), text, para[0].page))
    return Outline(title or fallback, tuple(blocks))


def _items(lines: list[Line], levels: dict[int, int], body: float) -> list[Item]:
    """Headings, and lines joined into paragraphs, in order."""
    body_lines = [ln for ln in lines if id(ln) not in levels] or lines
    left = Counter(round(ln.x0) for ln in body_lines).most_common(1)[0][0]
    right = sorted(ln.x1 for ln in body_lines)[int(0.95 * (len(body_lines) - 1))]
    gaps = [
        a.y - b.y for a, b in itertools.pairwise(body_lines) if a.page == b.page and 0 < a.y - b.y < 3 * body
    ]
    leading = statistics.median(gaps) if gaps else body * 1.5
    spaced = any(g > 1.25 * leading for g in gaps)
    indents = sum(ln.x0 - left > 0.8 * body for ln in body_lines) / len(body_lines)
    uses_indent = 0.02 < indents < 0.5

    def starts_new(prev: Line, ln: Line) -> bool:
        same_page = prev.page == ln.page
        width = (ln.x1 - ln.x0) / max(len(ln.text), 1)
        first = 1 if is_wide(ln.text[0]) else len(ln.text.split()[0])
        ended = (
            prev.x1 + width * (first + (not is_wide(ln.text[0]))) < right
        )  # its next word would have fitted
        gap = same_page and prev.y - ln.y > 1.25 * leading
        if uses_indent:
            return ended or gap or ln.x0 - left > 0.8 * body
        return ended or gap or (ends_sentence(prev.text) and (not same_page or not spaced))

    items: list[Item] = []
    for ln in lines:
        level = levels.get(id(ln), 0)
        last = items[-1] if items else None
        if (
            level
            and last
            and last[0] == level
            and last[2][-1].page == ln.page
            and last[2][-1].y - ln.y < 2 * ln.size
        ):
            items[-1] = (
                level,
                join_lines([last[1], ln.text]),
                [*last[2], ln],
            )  # a heading wrapped over two lines
        elif level or not last or last[0] or starts_new(last[2][-1], ln):
            items.append((level, ln.text, [ln]))
        else:
            items[-1] = (0, "", [*last[2], ln])
    return [(lv, text if lv else join_lines([p.text for p in para]), para) for lv, text, para in items]

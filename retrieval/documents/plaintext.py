"""The structure of a plain-text article, recognised from its lines.

Newspaper articles like the seed have no markup: a dateline and page line, a
title (and a ``——`` subtitle), a byline, a lead, then sections whose headings
are short lines without sentence-ending punctuation (two in a row make one
heading), and a footer of copyright and registration lines.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from retrieval.documents.boilerplate import is_boilerplate, is_metadata, is_subtitle
from retrieval.documents.outline import HEADING_JOINER, Block, Outline, ends_sentence

_HEADING_MAX_WIDTH = 60
_NOT_HEADING_ENDS = "，,、：:"
_MAX_HEADING_LINES = 2


@dataclass(frozen=True)
class _Paragraph:
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def heading_like(self) -> bool:
        return len(self.lines) == 1 and looks_like_heading(self.lines[0])


def width(text: str) -> int:
    """Display width: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wider_than(text: str, limit: int) -> bool:
    """``width(text) > limit``, without counting a text longer than ``limit`` (as wide at least)."""
    return len(text) > limit or width(text) > limit


def looks_like_heading(line: str) -> bool:
    stripped = line.strip()
    return (
        bool(stripped)
        and not _wider_than(stripped, _HEADING_MAX_WIDTH)
        and not ends_sentence(stripped)
        and stripped[-1] not in _NOT_HEADING_ENDS
        and any(c.isalpha() for c in stripped)
    )


def outline_plain_text(text: str, fallback_title: str) -> Outline:
    """Title and the paragraphs under their headings (a subtitle is left out)."""
    paragraphs = _paragraphs(text)
    title, paragraphs = _take_title(paragraphs, fallback_title)
    blocks: list[Block] = []
    heading = ""
    index = 0
    while index < len(paragraphs):
        run, is_heading = _heading_run(paragraphs, index)
        if is_heading:
            heading = HEADING_JOINER.join(p.text.strip() for p in paragraphs[index : index + run])
        else:  # body text: one paragraph, or a whole run of short lines (a list)
            blocks.extend(Block(heading=heading, text=p.text) for p in paragraphs[index : index + run])
        index += run
    return Outline(title=title, blocks=tuple(blocks))


def _paragraphs(text: str) -> list[_Paragraph]:
    """Group content lines into paragraphs; wrapped lines continue a paragraph."""
    paragraphs: list[list[str]] = []
    gap = True
    for raw in text.splitlines():
        line = raw.strip()
        if not line or is_boilerplate(line) or is_metadata(line):
            gap = True
            continue
        previous = paragraphs[-1][-1] if paragraphs else ""
        continues = not gap and not ends_sentence(previous) and _wider_than(previous, _HEADING_MAX_WIDTH)
        if continues:
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
        gap = False
    return [_Paragraph(tuple(lines)) for lines in paragraphs]


def _take_title(paragraphs: list[_Paragraph], fallback_title: str) -> tuple[str, list[_Paragraph]]:
    """The title and the paragraphs after it and its ``——`` subtitle, if any."""
    if not paragraphs or not paragraphs[0].heading_like:
        return fallback_title, paragraphs
    rest = paragraphs[1:]
    if rest and len(rest[0].lines) == 1 and is_subtitle(rest[0].lines[0]):
        rest = rest[1:]
    return paragraphs[0].text.strip(), rest


def _heading_run(paragraphs: list[_Paragraph], start: int) -> tuple[int, bool]:
    """How many paragraphs from ``start`` go together (at least one), and whether they are a heading.

    A heading is one or two heading-like lines followed by body text; a longer
    run of short lines is a list (body text, all of it), and short lines at the
    end are body text.
    """
    run = 0
    while start + run < len(paragraphs) and paragraphs[start + run].heading_like:
        run += 1
    followed_by_body = start + run < len(paragraphs)
    return max(run, 1), 0 < run <= _MAX_HEADING_LINES and followed_by_body

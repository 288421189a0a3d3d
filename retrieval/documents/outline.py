"""A document's structure once understood: title, and paragraphs under headings."""

from __future__ import annotations

from dataclasses import dataclass

SENTENCE_ENDS = "。！？!?；;…"
CLOSERS = "”’」』）)】》\"'"
HEADING_JOINER = " · "
PATH_JOINER = " › "


@dataclass(frozen=True)
class Block:
    """One paragraph of body text, verbatim, with the heading it sits under."""

    heading: str
    text: str
    page: int = 0  # the page the paragraph starts on (1-based) for PDFs; 0 where there are no pages


@dataclass(frozen=True)
class Outline:
    title: str
    blocks: tuple[Block, ...]


def ends_sentence(line: str) -> bool:
    """True when ``line`` ends like a sentence (closing quotes aside)."""
    stripped = line.rstrip().rstrip(CLOSERS)
    return bool(stripped) and (stripped[-1] in SENTENCE_ENDS or stripped.endswith("."))

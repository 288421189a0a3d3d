"""Answers as Telegram HTML messages: pure functions, no Telegram library.

A hit is rendered as its heading path in bold, the passage in a blockquote
(expandable when long) with the best sentence underlined and the matched
terms in bold, and its source in italics. Every piece of document text is
escaped; a heading path over 1,000 UTF-16 units is shortened in its middle.
Messages stay within Telegram's limit of 4096 UTF-16 code units of text after
entity parsing: hits are packed into messages whole, and a passage
too long for one message is cut at sentence ends (or, failing that, anywhere)
into parts, each a complete, well-formed block.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from itertools import pairwise

from bot.telegram.phrases import Phrases, say
from retrieval.answer import Hit
from retrieval.documents.splitter import sentences

MESSAGE_LIMIT = 4096
HEADING_LIMIT = 1000  # UTF-16 units of a heading path shown: a longer one loses its middle
EXPANDABLE_OVER = 300
SEPARATOR = "\n\n"
_TAG = re.compile(r"<[^>]*>")


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_length(markup: str) -> int:
    """Length of ``markup`` as Telegram counts it: text without tags, in UTF-16 units."""
    return utf16_len(html.unescape(_TAG.sub("", markup)))


def mark_up(
    text: str,
    marks: Iterable[tuple[int, int]],
    sentence: tuple[int, int],
    start: int = 0,
    end: int | None = None,
) -> str:
    """``text[start:end]`` escaped, with ``sentence`` in ``<u>`` and ``marks`` in ``<b>``.

    Spans are clipped to the slice; ``<b>`` always nests inside ``<u>``, so the
    tags are well nested even when a mark crosses the sentence's edge. A
    sentence that is the whole passage is not underlined (it would say nothing).
    """
    end = len(text) if end is None else end
    bold = [(max(a, start), min(b, end)) for a, b in marks if a < end and b > start]
    line = (max(sentence[0], start), min(sentence[1], end))
    if text[sentence[0] : sentence[1]].strip() == text.strip():
        line = (start, start)
    cuts = {start, end, *line, *(p for span in bold for p in span)}
    points = sorted(p for p in cuts if start <= p <= end)
    out: list[str] = []
    state = (False, False)
    for a, b in pairwise(points):
        new = (line[0] <= a < line[1], any(x <= a < y for x, y in bold))
        out.append(_switch(state, new))
        out.append(escape(text[a:b]))
        state = new
    out.append(_switch(state, (False, False)))
    return "".join(out)


def _switch(old: tuple[bool, bool], new: tuple[bool, bool]) -> str:
    """Tags that go from (underline, bold) ``old`` to ``new``, keeping ``<b>`` innermost."""
    if old == new:
        return ""
    if old[0] == new[0]:
        return "<b>" if new[1] else "</b>"
    closing = ("</b>" if old[1] else "") + ("</u>" if old[0] else "")
    return closing + ("<u>" if new[0] else "") + ("<b>" if new[1] else "")


def blockquote(inner: str) -> str:
    tag = "<blockquote expandable>" if visible_length(inner) > EXPANDABLE_OVER else "<blockquote>"
    return f"{tag}{inner}</blockquote>"


def hit_header(hit: Hit, continued: str = "", numbered: bool = True) -> str:
    number = f"{hit.rank}. " if numbered else ""
    return f"<b>{number}{escape(shorten(hit.passage.heading_path))}{escape(continued)}</b>"


def shorten(text: str, limit: int = HEADING_LIMIT) -> str:
    """``text``, or its start and end around "…" when it is over ``limit`` UTF-16 units."""
    if utf16_len(text) <= limit:
        return text
    head = _fit(text, 0, (limit - 1) // 2)
    start, room = len(text), limit - 1 - utf16_len(text[:head])
    while room >= utf16_len(text[start - 1]):
        start -= 1
        room -= utf16_len(text[start])
    return f"{text[:head]}…{text[start:]}"


def hit_footer(hit: Hit) -> str:
    return f"<i>{escape(hit.passage.location)}</i>"


def render_hit(hit: Hit, phrases: Phrases, limit: int = MESSAGE_LIMIT, numbered: bool = True) -> list[str]:
    """One block for the hit, or several when its passage does not fit in one message."""
    text = hit.passage.text
    header, footer = hit_header(hit, numbered=numbered), hit_footer(hit)
    longest_header = hit_header(hit, phrases.continued, numbered)
    budget = limit - visible_length(longest_header) - visible_length(footer) - 2
    blocks = []
    spans = cut(text, max(budget, 1))
    for number, (a, b) in enumerate(spans):
        head = header if number == 0 else longest_header
        quote = blockquote(mark_up(text, hit.marks, hit.sentence, a, b))
        tail = "\n" + footer if number == len(spans) - 1 else ""
        blocks.append(f"{head}\n{quote}{tail}")
    return blocks


def cut(text: str, budget: int) -> list[tuple[int, int]]:
    """Spans covering ``text`` (white space at the cuts left out), each at most
    ``budget`` UTF-16 units, cut at sentence ends where a sentence fits."""
    pieces: list[tuple[int, int]] = []
    for a, b in (_strip(text, *sentence) for sentence in sentences(text) or [(0, len(text))]):
        while utf16_len(text[a:b]) > budget:  # white space before a sentence counts for nothing
            step = _fit(text, a, budget)
            pieces.append((a, step))
            a = step
        pieces.append((a, b))
    spans: list[tuple[int, int]] = []
    for a, b in pieces:
        if spans and utf16_len(text[spans[-1][0] : b]) <= budget:
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    # Only white space: one span of it, within the budget too (an empty text: an empty span).
    return [_strip(text, a, b) for a, b in spans if text[a:b].strip()] or [(0, min(len(text), budget))]


def _fit(text: str, start: int, budget: int) -> int:
    """The largest end such that ``text[start:end]`` is within ``budget`` (at least one character)."""
    end, used = start, 0
    while end < len(text) and used + utf16_len(text[end]) <= budget:
        used += utf16_len(text[end])
        end += 1
    return max(end, start + 1)


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def pack(blocks: Sequence[str], limit: int = MESSAGE_LIMIT, separator: str = SEPARATOR) -> list[str]:
    """Blocks joined into as few messages as fit, never splitting a block."""
    messages: list[str] = []
    for block in blocks:
        if messages and visible_length(messages[-1] + separator + block) <= limit:
            messages[-1] += separator + block
        else:
            messages.append(block)
    return messages


def render_page(hits: Sequence[Hit], phrases: Phrases, total: int, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The messages showing ``hits``, with a note of which they are when there are more."""
    blocks = [block for hit in hits for block in render_hit(hit, phrases, limit)]
    if hits and total > len(hits):
        template = phrases.page_note if len(hits) > 1 else phrases.page_note_one
        note = say(template, first=hits[0].rank, last=hits[-1].rank, total=total)
        blocks.append(f"<i>{note}</i>")
    return pack(blocks, limit)


def inline_message(hit: Hit, phrases: Phrases, limit: int = MESSAGE_LIMIT) -> str:
    """A hit as one message (for inline mode): cut short, with an ellipsis, if it is too long."""
    blocks = render_hit(hit, phrases, limit - 1, numbered=False)
    if len(blocks) == 1:
        return blocks[0]
    return blocks[0].replace("</blockquote>", "…</blockquote>") + "\n" + hit_footer(hit)


def snippet(text: str, length: int = 100) -> str:
    """The start of ``text`` on one line, plain (not HTML), for previews."""
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"

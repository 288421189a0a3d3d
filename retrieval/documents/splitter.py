"""Long paragraphs into readable parts, cut only at sentence ends."""

from __future__ import annotations

import re

# A sentence ends at 。！？；!?;… (or a full stop followed by a space), with any closing quotes:
# (?:[。！？；!?;…]+|\.(?=\s))[”’」』）)"']*, written to start with one character class (the
# full stop's case told apart after it), which the scan looks for twice as fast.
_END = re.compile(r"[。！？；!?;….](?:(?<=\.)(?=\s)|(?<!\.)[。！？；!?;…]*)[”’」』）)\"']*")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of ``text``, covering it all: each
    up to the end of the next sentence end; what follows the last one is a
    sentence too, and a newline ending the text one of its own."""
    spans = []
    start = 0
    for match in _END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text):
        end = len(text) - 1 if text.endswith("\n") and len(text) - 1 > start else len(text)
        spans.append((start, end))
        if end < len(text):
            spans.append((end, len(text)))
    return spans


def split_paragraph(text: str, max_chars: int) -> list[str]:
    """Parts of ``text``, each at most ``max_chars`` unless one sentence is longer.

    The parts are verbatim slices of ``text`` (surrounding white space aside).
    """
    if len(text) <= max_chars:
        return [text]
    parts: list[str] = []
    start = end = 0
    for s_start, s_end in sentences(text):
        if end > start and s_end - start > max_chars:
            parts.append(text[start:end])
            start = s_start
        end = s_end
    parts.append(text[start:end])
    return [p.strip() for p in parts if p.strip()]

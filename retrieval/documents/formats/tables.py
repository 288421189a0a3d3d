"""A table's rows as passages (Word and web pages): ``header: value; header: value``
when the first row is a header, else the cells joined with `` | ``."""

from __future__ import annotations

import re

from retrieval.documents.outline import ends_sentence

_HEADER_CELL_MAX_CHARS = 20


def _looks_like_header(row: list[str], rows: list[list[str]]) -> bool:
    """Three or more distinct, short, label-like cells (no digits, no sentence end): a two-column
    key–value table is not given a header."""
    cells = [cell for cell in row if cell]
    return (
        len(rows) > 1
        and len(row) >= 3
        and len(cells) == len(row)
        and len(set(cells)) == len(cells)
        and all(
            len(c) <= _HEADER_CELL_MAX_CHARS and not ends_sentence(c) and not re.search(r"\d", c)
            for c in cells
        )
    )


def row_passages(rows: list[list[str]], header_flagged: bool) -> list[str]:
    """One passage per non-empty row. The first row is the header when the format flags it
    (Word's repeated header row, HTML's ``<th>``/``<thead>``) or when it looks like one; a
    first row of one cell (a caption across the table) is a passage of its own; a header
    row repeated further down is left out."""
    rows = [row for row in rows if any(row)]
    out: list[str] = []
    if len(rows) > 1 and len([c for c in rows[0] if c]) == 1:
        out.append(next(c for c in rows[0] if c))
        rows = rows[1:]
    header = rows[0] if rows and (header_flagged or _looks_like_header(rows[0], rows)) else None
    for row in rows[1:] if header else rows:
        if header is None:
            out.append(" | ".join(c for c in row if c))
        elif row != header:
            out.append("; ".join(f"{h}: {v}" if h else v for h, v in zip(header, row, strict=False) if v))
    return [passage for passage in out if passage]

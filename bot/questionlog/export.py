"""Logged questions for ``qabot log``: JSON lines, CSV or a plain listing.

``--json`` is a contract other tools rely on: one object per question, newest
first, with ``time`` (UTC, ISO 8601), ``question``, ``answered`` (bool),
``feedback`` (1, -1 or null), ``user`` (the pseudonym), ``chat`` (the chat's type),
``hits`` (``[{source, paragraph, score}]``) and ``ms``; also ``id``, ``language``,
``up`` and ``down`` (the counts of 👍 and 👎).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from bot.questionlog.records import Row, stamp

CSV_COLUMNS = (
    "time", "question", "answered", "feedback", "up", "down", "user", "chat", "language", "ms", "hits", "id",
)  # fmt: skip


def row_object(row: Row) -> dict[str, object]:
    entry = row.entry
    return {
        "time": stamp(entry.time),
        "question": entry.question,
        "answered": entry.answered,
        "feedback": row.feedback,
        "up": row.up,
        "down": row.down,
        "user": entry.user,
        "chat": entry.chat,
        "language": entry.language,
        "hits": [{"source": h.source, "paragraph": h.paragraph, "score": h.score} for h in entry.hits],
        "ms": entry.ms,
        "id": entry.id,
    }


def write_json(rows: Iterable[Row], out: TextIO) -> None:
    for row in rows:
        out.write(json.dumps(row_object(row), ensure_ascii=False) + "\n")


def write_csv(rows: Iterable[Row], out: TextIO) -> None:
    """A header, then one line per question; ``hits`` is the JSON list."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        values = row_object(row)
        values["hits"] = json.dumps(values["hits"], ensure_ascii=False)
        writer.writerow(["" if values[c] is None else values[c] for c in CSV_COLUMNS])


def write_text(rows: Iterable[Row], out: TextIO) -> None:
    """``2025-01-02 03:04:05  answered  👍 2 👎 0  private  12 ms  question``, one line each."""
    for row in rows:
        entry = row.entry
        when = entry.time.strftime("%Y-%m-%d %H:%M:%S")
        state = "answered  " if entry.answered else "no answer "
        votes = f"👍 {row.up} 👎 {row.down}" if row.up or row.down else " " * 9
        out.write(f"{when}  {state}  {votes}  {entry.chat:10s} {entry.ms:6.0f} ms  {entry.question}\n")

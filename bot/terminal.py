"""Answers and reports as text for a terminal, and as JSON lines for tools."""

from __future__ import annotations

import json

from bot.counting import counted
from retrieval.answer import Answer, Hit
from retrieval.library import ReloadReport

BOLD, UNDERLINE, DIM, RESET = "\033[1m", "\033[4m", "\033[2m", "\033[0m"

NO_ANSWER = "No answer: nothing in the documents matches this question. Try other words, or fewer of them."


def render_answer(answer: Answer, color: bool) -> str:
    """The hits as quoted passages under ``《title》 › heading``, with their sources."""
    if not answer.hits:
        return NO_ANSWER + "\n"
    blocks = []
    for hit in answer.hits:
        passage = hit.passage
        where = passage.heading_path
        quote = _emphasise(hit) if color else passage.text
        quoted = "\n".join("  " + line for line in quote.splitlines())
        source = f"  — {passage.location} · score {hit.score:.2f}"
        if color:
            where, source = BOLD + where + RESET, DIM + source + RESET
        blocks.append(f"[{hit.rank}] {where}\n{quoted}\n{source}\n")
    return "\n".join(blocks)


def _emphasise(hit: Hit) -> str:
    """Matched terms in bold, the best sentence underlined."""
    text = hit.passage.text
    codes: dict[int, list[str]] = {}
    for start, end in hit.marks:
        codes.setdefault(start, []).append("bold+")
        codes.setdefault(end, []).append("bold-")
    start, end = hit.sentence
    codes.setdefault(start, []).append("line+")
    codes.setdefault(end, []).append("line-")
    out: list[str] = []
    bold = line = False
    for index in range(len(text) + 1):
        for code in codes.get(index, []):
            bold = code == "bold+" if code.startswith("bold") else bold
            line = code == "line+" if code.startswith("line") else line
        if index in codes:
            out.append(RESET + (BOLD if bold else "") + (UNDERLINE if line else ""))
        if index < len(text):
            out.append(text[index])
    return "".join(out) + RESET


def answer_json(answer: Answer) -> str:
    """One line of JSON; the keys other tools rely on are kept stable (``page``, the page a
    PDF passage starts on, is there for PDFs only)."""
    hits = [
        {
            "rank": hit.rank,
            "score": hit.score,
            "title": hit.passage.title,
            "heading": hit.passage.heading,
            "source": hit.passage.source,
            "paragraph": hit.passage.paragraph,
            "text": hit.passage.text,
            "matched": list(hit.matched),
            "sentence": hit.passage.text[hit.sentence[0] : hit.sentence[1]],
        }
        | ({"page": hit.passage.page} if hit.passage.page else {})
        for hit in answer.hits
    ]
    return json.dumps({"question": answer.question, "hits": hits}, ensure_ascii=False)


def render_report(report: ReloadReport) -> str:
    lines = [
        f"Reloaded {counted(report.documents, 'document')}, {counted(report.passages, 'passage')} "
        f"in {report.seconds:.2f} s.",
    ]
    for label, sources in (("added", report.added), ("removed", report.removed), ("changed", report.changed)):
        if sources:
            lines.append(f"{label}: {', '.join(sources)}")
    for skipped in report.skipped:
        lines.append(f"skipped {skipped.source}: {skipped.reason}")
    return "\n".join(lines) + "\n"

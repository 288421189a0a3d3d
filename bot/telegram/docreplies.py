"""Replies about the documents themselves, for admins: what an upload holds, the pages of
``/docs``. Pure functions over the phrase tables, no Telegram library."""

from __future__ import annotations

from collections.abc import Sequence

from bot.telegram.docphrases import DocPhrases
from bot.telegram.phrases import say
from bot.telegram.render import MESSAGE_LIMIT, escape, pack
from retrieval.documents.reader import SUFFIXES, Skipped
from retrieval.passage import Document

MB = 1024 * 1024
TYPES = ", ".join(SUFFIXES)
SHOWN_HEADINGS = 5
DOCS_LIMIT = MESSAGE_LIMIT - 200  # room for the title and the page line


def upload_note(phrases: DocPhrases, limit_mb: int) -> str:
    """How to add a document, for the admins' help."""
    return say(phrases.help_upload, types=TYPES, limit=limit_mb)


def heading_paths(document: Document) -> list[str]:
    """The document's distinct heading paths (``《title》 › heading``), in reading order."""
    return list(dict.fromkeys(p.heading_path for p in document.passages if p.heading))


def upload_text(phrases: DocPhrases, document: Document, seconds: float, trash: str | None = None) -> str:
    """What an upload gave: its name, passages and headings (the first few paths), the time."""
    paths = heading_paths(document)
    values = {"name": document.source, "passages": len(document.passages), "headings": len(paths)}
    if trash is None:
        lines = [say(phrases.added, seconds=f"{seconds:.1f}", **values)]
    else:
        lines = [say(phrases.replaced, seconds=f"{seconds:.1f}", trash=trash, **values)]
    if paths:
        lines += [phrases.headings, *(f"• {escape(path)}" for path in paths[:SHOWN_HEADINGS])]
        if len(paths) > SHOWN_HEADINGS:
            lines.append(say(phrases.more_headings, count=len(paths) - SHOWN_HEADINGS))
    return "\n".join(lines)


def docs_pages(
    phrases: DocPhrases, documents: Sequence[Document], skipped: Sequence[Skipped], limit: int = DOCS_LIMIT
) -> list[str]:
    """``/docs``: each document served with its passage count, then the files skipped and
    why, in pages that fit a message; each page starts with the totals, ends with its number."""
    title = say(
        phrases.docs_title, documents=len(documents), passages=sum(len(d.passages) for d in documents)
    )
    lines = [say(phrases.docs_line, name=d.source, passages=len(d.passages)) for d in documents]
    lines += [say(phrases.docs_skipped, name=s.source, reason=s.reason) for s in skipped]
    bodies = pack(lines, limit, separator="\n") or [""]
    pages = len(bodies)
    if pages == 1:
        return [f"{title}\n{bodies[0]}".rstrip()]
    return [
        f"{title}\n{body}\n{say(phrases.docs_page, page=number, pages=pages)}"
        for number, body in enumerate(bodies, start=1)
    ]

"""A folder of ``.txt`` and ``.md`` files into documents and their passages."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from retrieval.documents.encoding import UndecodableFile, decode
from retrieval.documents.markdown import outline_markdown
from retrieval.documents.outline import Outline
from retrieval.documents.plaintext import outline_plain_text
from retrieval.documents.splitter import split_paragraph
from retrieval.errors import DocumentsError
from retrieval.passage import Document, Passage

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md", ".markdown")


@dataclass(frozen=True)
class Skipped:
    """A file that was not indexed, and why."""

    source: str
    reason: str


@dataclass(frozen=True)
class Reading:
    documents: tuple[Document, ...]
    skipped: tuple[Skipped, ...]


def document_files(folder: Path) -> Iterator[Path]:
    """Every document file under ``folder``, recursively, hidden ones aside, in order."""
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise DocumentsError(f"documents folder {folder} {what}")
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        hidden = any(part.startswith(".") for part in relative.parts)
        if not hidden and path.suffix.lower() in SUFFIXES and path.is_file():
            yield path


def parse_document(text: str, source: str, max_chars: int) -> Document:
    """Passages of one document's text; ``source`` decides Markdown or plain text."""
    fallback = Path(source).stem
    outline: Outline
    if source.lower().endswith((".md", ".markdown")):
        outline = outline_markdown(text, fallback)
    else:
        outline = outline_plain_text(text, fallback)
    passages: list[Passage] = []
    for number, block in enumerate(outline.blocks, start=1):
        parts = split_paragraph(block.text, max_chars)
        for part_number, part in enumerate(parts, start=1):
            passages.append(
                Passage(
                    text=part,
                    title=outline.title,
                    heading=block.heading,
                    source=source,
                    paragraph=number,
                    part=part_number if len(parts) > 1 else 0,
                )
            )
    return Document(source=source, title=outline.title, passages=tuple(passages))


def read_document(path: Path, folder: Path, max_chars: int) -> Document:
    """One file's document; raises ``UndecodableFile`` when it has no usable text."""
    data = path.read_bytes()
    source = path.relative_to(folder).as_posix()
    document = parse_document(decode(data), source, max_chars)
    if not document.passages:
        raise UndecodableFile("it has no paragraphs of text")
    digest = hashlib.sha256(data).hexdigest()
    return Document(document.source, document.title, document.passages, digest)


def read_folder(folder: Path, max_chars: int) -> Reading:
    """All documents under ``folder``; a file that cannot be read is skipped with a warning."""
    documents: list[Document] = []
    skipped: list[Skipped] = []
    for path in document_files(folder):
        source = path.relative_to(folder).as_posix()
        try:
            documents.append(read_document(path, folder, max_chars))
        except (UndecodableFile, OSError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            log.warning("skipped %s: %s", source, reason)
            skipped.append(Skipped(source, reason))
    if not documents:
        detail = f" ({len(skipped)} skipped)" if skipped else ""
        raise DocumentsError(f"no .txt or .md documents with text in {folder}{detail}")
    return Reading(tuple(documents), tuple(skipped))

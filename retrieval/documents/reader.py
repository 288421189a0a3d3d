"""A folder of documents into documents and their passages.

Plain text and Markdown are decoded here (``encoding``); Word, PDF and web pages are
read by their format's module in ``formats/``, imported only when such a file is read
(a process that never reads one never loads python-docx, pypdf or lxml). Every reader
hands back an ``Outline``; its paragraphs become passages, long ones split at sentence ends.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval.documents.splitter import split_paragraph
from retrieval.errors import DocumentsError, UnreadableFile
from retrieval.passage import Document, Passage

if TYPE_CHECKING:
    from retrieval.documents.outline import Outline

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
# Read by a third-party library (python-docx, pypdf, lxml): the indexer reads these in a
# worker process, with a time and memory limit (``retrieval.store.boxing``).
LIBRARY_SUFFIXES = (".docx", ".pdf", ".html", ".htm")
SUFFIXES = TEXT_SUFFIXES + LIBRARY_SUFFIXES  # every format that can be read
# Listed with the documents so that they are skipped with a warning saying what to do.
REFUSED_SUFFIXES = {".doc": "legacy .doc is not supported: save it as .docx"}


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
    """Every document file under ``folder``, recursively, hidden ones aside, in order
    (legacy ``.doc`` files too, to be refused with a reason)."""
    for _, path, _ in document_entries(folder):
        yield path


def document_entries(folder: Path) -> list[tuple[str, Path, os.stat_result]]:
    """``document_files`` with each one's source name (its path under ``folder``, with
    ``/``) and ``stat``: one ``stat`` a file (symbolic links to files followed, to
    folders not; folders that cannot be listed left out)."""
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise DocumentsError(f"documents folder {folder} {what}")
    found: list[tuple[tuple[str, ...], Path, os.stat_result]] = []
    wanted = (*SUFFIXES, *REFUSED_SUFFIXES)

    def walk(directory: Path, parts: tuple[str, ...]) -> None:
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except PermissionError:
            return
        for entry in entries:
            if entry.name.startswith("."):  # hidden, and so is everything in it
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    walk(directory / entry.name, (*parts, entry.name))
                elif os.path.splitext(entry.name)[1].lower() in wanted:
                    status = entry.stat()
                    if stat.S_ISREG(status.st_mode):
                        found.append(((*parts, entry.name), directory / entry.name, status))
            except OSError:
                continue

    walk(folder, ())
    found.sort(key=lambda item: item[0])  # as sorted paths are: part by part
    return [("/".join(parts), path, status) for parts, path, status in found]


def passages_of(outline: Outline, source: str, max_chars: int) -> Document:
    """A document's passages: its paragraphs in order, long ones cut at sentence ends."""
    passages: list[Passage] = []
    for number, block in enumerate(outline.blocks, start=1):
        parts = split_paragraph(block.text, max_chars)
        for part_number, part in enumerate(parts, start=1):
            part_of = part_number if len(parts) > 1 else 0
            passages.append(Passage(part, outline.title, block.heading, source, number, part_of, block.page))
    return Document(source=source, title=outline.title, passages=tuple(passages))


def parse_document(text: str, source: str, max_chars: int) -> Document:
    """Passages of one text document; ``source`` decides Markdown or plain text."""
    # (the readers imported when a document is read: a start from the index cache reads none)
    from retrieval.documents.markdown import outline_markdown
    from retrieval.documents.plaintext import outline_plain_text

    fallback = Path(source).stem
    if source.lower().endswith((".md", ".markdown")):
        return passages_of(outline_markdown(text, fallback), source, max_chars)
    return passages_of(outline_plain_text(text, fallback), source, max_chars)


def outline_file(data: bytes, suffix: str, fallback_title: str) -> Outline:
    """The outline of a Word, PDF or web page file's bytes (its reader imported now)."""
    if suffix == ".docx":
        from retrieval.documents.formats.word import outline_docx

        return outline_docx(data, fallback_title)
    if suffix == ".pdf":
        from retrieval.documents.formats.pdf import outline_pdf

        return outline_pdf(data, fallback_title)
    from retrieval.documents.formats.webpage import outline_html

    return outline_html(data, fallback_title)


def read_document(path: Path, folder: Path, max_chars: int) -> Document:
    """One file's document; raises ``UnreadableFile`` saying why when it cannot be read or
    has no text (empty, binary, damaged, password-protected, a scan, a legacy .doc...)."""
    source = path.relative_to(folder).as_posix()
    suffix = path.suffix.lower()
    if suffix in REFUSED_SUFFIXES:
        raise UnreadableFile(REFUSED_SUFFIXES[suffix])
    if suffix not in SUFFIXES:
        raise UnreadableFile(f"{suffix or 'a file without a suffix'} is not a supported format")
    data = path.read_bytes()
    if suffix in TEXT_SUFFIXES:
        from retrieval.documents.encoding import decode

        document = parse_document(decode(data), source, max_chars)
    else:
        document = passages_of(outline_file(data, suffix, path.stem), source, max_chars)
    if not document.passages:
        raise UnreadableFile("it has no paragraphs of text")
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
        except (UnreadableFile, OSError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            log.warning("skipped %s: %s", source, reason)
            skipped.append(Skipped(source, reason))
    if not documents:
        raise nothing_to_index(folder, len(skipped))
    return Reading(tuple(documents), tuple(skipped))


def nothing_to_index(folder: Path, skipped: int) -> DocumentsError:
    detail = f" ({skipped} skipped)" if skipped else ""
    return DocumentsError(f"no .txt, .md, .docx, .pdf or .html documents with text in {folder}{detail}")

"""One document file to its passages' counted terms: what indexing stores per document."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

from retrieval.documents.reader import Skipped, read_document
from retrieval.errors import UnreadableFile
from retrieval.index.index import passage_terms
from retrieval.index.termcounts import TermCounts
from retrieval.passage import Document
from retrieval.text.cuts import Cuts
from retrieval.text.tokenizer import Tokenizer


@dataclass(frozen=True)
class Indexed:
    """A document, its passages' terms counted (one ``TermCounts`` per field),
    and where jieba cut their texts."""

    document: Document
    fields: tuple[TermCounts, ...]
    cuts: Cuts


@dataclass(frozen=True)
class Job:
    """A file to read and index: its path, its name relative to the documents folder, its
    size, and what an earlier version of it held (its unchanged passages are not tokenised again)."""

    path: Path
    source: str
    size: int
    previous: Indexed | None = None


class _Remembering:
    """A tokenizer that tokenises each text once (the passages of a section share
    their title and heading), and remembers where jieba cut it."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self._tokenizer = tokenizer
        self._seen: dict[str, tuple[list[str], list[int]]] = {}

    def terms(self, text: str) -> list[str]:
        return self._analyse(text)[0]

    def cuts(self, text: str) -> list[int]:
        return self._analyse(text)[1]

    def _analyse(self, text: str) -> tuple[list[str], list[int]]:
        found = self._seen.get(text)
        if found is None:
            found = self._seen[text] = self._tokenizer.terms_and_cuts(text)
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tokenizer, name)


def count_document(document: Document, tokenizer: Tokenizer) -> Indexed:
    """Tokenise and count the terms of each of ``document``'s passages."""
    remembering = _Remembering(tokenizer)
    terms = [passage_terms(cast(Tokenizer, remembering), passage) for passage in document.passages]
    cuts = Cuts.pack([remembering.cuts(passage.text) for passage in document.passages])
    return Indexed(document, tuple(TermCounts.count(field) for field in zip(*terms, strict=True)), cuts)


Read = Callable[[Path, Path, int], Document]


def read_file(job: Job, folder: Path, max_chars: int, read: Read = read_document) -> Document | Skipped:
    """Read and parse one file (with ``read``); a file with no usable text is skipped."""
    try:
        return read(job.path, folder, max_chars)
    except (UnreadableFile, OSError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return Skipped(job.source, reason)


def count_file(job: Job, document: Document, tokenizer: Tokenizer) -> Indexed:
    """Count the terms of a file's document (those of its earlier version's passages taken as they were)."""
    if job.previous is not None:
        return recount_document(document, tokenizer, job.previous)
    return count_document(document, tokenizer)


def index_file(
    job: Job, folder: Path, max_chars: int, tokenizer: Tokenizer, read: Read = read_document
) -> Indexed | Skipped:
    """Read, parse and count one file; a file with no usable text is skipped."""
    document = read_file(job, folder, max_chars, read)
    return document if isinstance(document, Skipped) else count_file(job, document, tokenizer)


def _rows(counts: TermCounts, start: int, stop: int) -> TermCounts:
    ends = np.cumsum(counts.sizes, dtype=np.int64)
    first, last = (int(ends[start - 1]) if start else 0), (int(ends[stop - 1]) if stop else 0)
    return TermCounts(
        counts.vocab,
        counts.terms[first:last],
        counts.counts[first:last],
        counts.sizes[start:stop],
        counts.lengths[start:stop],
    )


def recount_document(document: Document, tokenizer: Tokenizer, previous: Indexed) -> Indexed:
    """``count_document``, taking the terms and cuts of each passage whose text, title
    and heading an earlier version's passage had (an edit leaves most as they were)."""
    known = {(p.text, p.title, p.heading): i for i, p in enumerate(previous.document.passages)}
    found = [known.get((p.text, p.title, p.heading), -1) for p in document.passages]
    pieces: list[Indexed] = []
    start = 0
    while start < len(found):  # runs of new passages, and of consecutive old ones
        stop = start + 1
        if found[start] < 0:
            while stop < len(found) and found[stop] < 0:
                stop += 1
            part = dataclasses.replace(document, passages=document.passages[start:stop])
            pieces.append(count_document(part, tokenizer))
        else:
            while stop < len(found) and found[stop] == found[stop - 1] + 1:
                stop += 1
            first, last = found[start], found[stop - 1] + 1
            fields = tuple(_rows(counts, first, last) for counts in previous.fields)
            pieces.append(Indexed(document, fields, previous.cuts.slice(first, last)))
        start = stop
    fields = tuple(TermCounts.concat([p.fields[i] for p in pieces]) for i in range(len(previous.fields)))
    return Indexed(document, fields, Cuts.concat([p.cuts for p in pieces]))

"""One document file to its passages' counted terms: what indexing stores per document."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.documents.reader import Skipped, read_document
from retrieval.errors import UnreadableFile
from retrieval.index.index import context_of
from retrieval.index.termcounts import TermCounts
from retrieval.index.termkeys import gram_keys
from retrieval.passage import Document
from retrieval.store.ngrams import Grams, grams
from retrieval.store.piecekeys import Pieces, piece_table
from retrieval.text.cuts import Cuts
from retrieval.text.tokenizer import BulkPieces, Tokenizer


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


def _counted(tokenizer: Tokenizer, cut: BulkPieces, found: Pieces, texts: np.ndarray) -> TermCounts:
    """The counted terms of passages whose texts are ``texts`` (numbers of ``cut``'s texts,
    whose pieces are ``found``): the pieces' words, and the texts' n-grams."""
    ngrams = grams(cut.normalised, tokenizer.stopwords) if tokenizer.char_ngrams else Grams.none()
    counts = np.asarray(cut.counts, dtype=np.int64)
    owner = np.concatenate(
        [np.repeat(np.arange(counts.size), counts)[found.kept], ngrams.text.astype(np.int64, copy=False)]
    )
    keys = np.concatenate([found.keys[found.kept], gram_keys(ngrams.first, ngrams.second)])
    if np.array_equal(texts, np.arange(counts.size)):
        return TermCounts.of_keys(keys, owner, texts.size)
    order = np.argsort(owner, kind="stable")  # each text's terms together, then copied per passage
    sizes = np.bincount(owner, minlength=counts.size)
    starts = np.cumsum(sizes) - sizes
    taken = sizes[texts]
    ends = np.cumsum(taken)
    chosen = order[
        np.repeat(starts[texts] - ends + taken, taken) + np.arange(int(ends[-1]) if ends.size else 0)
    ]
    return TermCounts.of_keys(keys[chosen], np.repeat(np.arange(texts.size), taken), texts.size)


def count_document(document: Document, tokenizer: Tokenizer) -> Indexed:
    """Tokenise and count the terms of each of ``document``'s passages (``passage_terms``'s,
    each distinct title and heading tokenised once: the passages of a section share them)."""
    passages = document.passages
    table = piece_table(tokenizer)
    body = tokenizer.bulk_pieces([passage.text for passage in passages])
    contexts: dict[str, int] = {}
    which = [contexts.setdefault(context_of(passage), len(contexts)) for passage in passages]
    context = tokenizer.bulk_pieces(list(contexts))
    found = table.of(body.pieces)
    fields = (
        _counted(tokenizer, body, found, np.arange(len(passages))),
        _counted(tokenizer, context, table.of(context.pieces), np.array(which, dtype=np.int64)),
    )
    return Indexed(document, fields, Cuts.of_pieces(found.lengths, np.asarray(body.counts, np.int64)))


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

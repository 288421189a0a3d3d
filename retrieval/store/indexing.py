"""Building the index: reuse what is known, tokenise only what changed.

Every file is hashed (sha256; ``retrieval.store.scanning`` reuses the hash of a
file whose stat has not changed since, in this process or, at start-up, when
the cache's snapshot was saved). A file whose name and content are those of a
document of the index being replaced (on a reload) or of the cache's snapshot
of the folder (at start-up, mapped: ``retrieval.store.cache``) keeps its
passages and postings; the others are tokenised (on every core when there are
many), a changed file's unchanged passages taking their terms from the
postings (``retrieval.index.assembly``). The postings of the kept documents
are then renumbered and the new ones merged in, in vectorised passes over the
arrays (or, when one file's passages changed, spliced in:
``retrieval.index.splicing``), rather than rebuilt. The new index is saved as
the folder's snapshot in the background.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import numpy as np

from retrieval.config import RetrievalConfig
from retrieval.documents.reader import Skipped, nothing_to_index
from retrieval.documents.reader import log as reader_log
from retrieval.index.assembly import assembled, recounted
from retrieval.index.bm25 import BM25Index
from retrieval.index.index import Index, tabled
from retrieval.index.postings import Postings
from retrieval.index.updating import updated
from retrieval.passage import Document
from retrieval.store.allocator import release_free_memory
from retrieval.store.cache import IndexCache, Snapshot
from retrieval.store.cachekey import cache_key
from retrieval.store.counting import Indexed, Job
from retrieval.store.progress import Progress
from retrieval.store.scanning import Known, scan, stamps
from retrieval.text.cuts import Cuts
from retrieval.text.tokenizer import Tokenizer

log = logging.getLogger(__name__)
_saving = threading.Lock()
# Files skipped by this process, by name and content: a reload does not read them again
# (a damaged file may take the whole time box, READ_SECONDS, each time) until they change.
_refused: dict[tuple[str, str], Skipped] = {}
_savers: list[threading.Thread] = []


def wait_for_saves() -> None:
    """Wait until the snapshots being saved in the background are written."""
    while _savers:
        _savers.pop().join()


_mapped: dict[int, tuple[weakref.ref[Index], Index]] = {}  # built index: the same, mapped from its snapshot


def mapped_version(index: Index) -> Index:
    """``index`` read back from the snapshot it was saved as, once that is written
    (the same passages and postings, in pages shared with other processes rather
    than this one's memory); ``index`` itself until then."""
    found = _mapped.get(id(index))
    return found[1] if found is not None and found[0]() is index else index


def _remember_mapped(cache: IndexCache, docs_dir: Path, index: Index) -> None:
    if not threading.main_thread().is_alive():
        return  # the process is exiting (a one-shot ``ask``): no question will take it
    snapshot = cache.load_snapshot(docs_dir)
    if snapshot is None or [(d.source, d.digest) for d in snapshot.documents] != [
        (d.source, d.digest) for d in index.documents
    ]:
        return  # not written, or another process's since
    fields = [BM25Index(postings, index.config.bm25) for postings in snapshot.fields]
    mapped = Index.from_fields(snapshot.documents, fields, index.tokenizer, index.config, snapshot.cuts)
    key = id(index)
    _mapped[key] = (weakref.ref(index, lambda _: _mapped.pop(key, None)), mapped)


def _save_later(
    cache: IndexCache,
    docs_dir: Path,
    index: Index,
    fields: Sequence[Postings] | None,
    known: Known,
) -> None:
    """Save the snapshot (unless ``fields`` is None: it is saved already) and the files'
    stamps; then map the snapshot, for ``mapped_version``."""

    def save() -> None:
        with _saving:
            try:
                if fields is not None:
                    cache.save_snapshot(docs_dir, index.documents, fields, index.cuts)
                    _remember_mapped(cache, docs_dir, index)
                cache.save_stamps(docs_dir, known)
            except Exception as error:  # a cache must never take the server down
                log.warning("could not save the index cache: %s", error)
            release_free_memory()  # what writing it took

    _savers[:] = [t for t in _savers if t.is_alive()]
    thread = threading.Thread(target=save, name="qabot-index-cache")  # not a daemon: exit waits for it
    _savers.append(thread)
    thread.start()


def build_index(
    config: RetrievalConfig,
    tokenizer: Tokenizer,
    previous: Index | None,
    workers: int | None = None,
    progress: TextIO | None = None,
) -> tuple[Index, tuple[Skipped, ...]]:
    """Read the documents folder and index it, reusing ``previous`` (the index
    being replaced) and the cache for whatever did not change."""
    folder = config.docs_dir
    cache = (
        IndexCache(config.cache_dir, cache_key(tokenizer, config.passage_max_chars))
        if config.cache_dir
        else None
    )
    base: Snapshot | None = None
    if previous is not None:
        base = Snapshot(previous.documents, tuple(field.postings for field in previous.fields), previous.cuts)
    remembered: Known = {}
    if previous is None and cache is not None:
        base = cache.load_snapshot(folder)
        remembered = cache.load_stamps(folder) if base is not None else {}
    files, skipped, sources = scan(folder, remembered)
    known: dict[tuple[str, str], tuple[Document, int]] = {}
    earlier: dict[str, tuple[Document, int]] = {}
    first = 0
    for document in base.documents if base else ():
        known[document.source, document.digest] = earlier[document.source] = (document, first)
        first += len(document.passages)

    indexed: dict[str, Indexed] = {}
    jobs: list[Job] = []
    refused = dict(_refused)
    for file in files:
        if (file.source, file.digest) in known:
            continue
        if (file.source, file.digest) in refused:
            skipped[file.source] = refused[file.source, file.digest]
            continue
        before = earlier.get(file.source)  # an earlier version's passages are not tokenised again
        old = _indexed(base, *before) if base is not None and before is not None else None
        jobs.append(Job(file.path, file.source, file.size, old))
    bar = Progress(len(jobs), "indexing", "files", progress)

    def done(result: Indexed | Skipped) -> None:
        if isinstance(result, Skipped):
            skipped[result.source] = result
        else:
            indexed[result.document.source] = result
        bar.advance()

    try:
        if jobs:  # (the workers' module brings multiprocessing: ~35 ms a start that needs none)
            from retrieval.store.workers import index_files

            index_files(jobs, folder, config.passage_max_chars, tokenizer, done, workers)
    finally:
        bar.close()

    documents: list[Document] = []
    cuts: list[Cuts] | None = []
    added: list[tuple[int, Indexed]] = []
    remap = np.full(first, -1, dtype=np.int64)
    size = 0
    for file in files:
        reused = known.get((file.source, file.digest))
        if reused is not None:
            document, start = reused
            count = len(document.passages)
            remap[start : start + count] = np.arange(size, size + count)
            if cuts is not None and base is not None and base.cuts is not None:
                cuts.append(base.cuts.slice(start, start + count))
            else:
                cuts = None
        elif file.source in indexed:
            document = indexed[file.source].document
            added.append((size, indexed[file.source]))
            if cuts is not None:
                cuts.append(indexed[file.source].cuts)
        else:
            continue
        documents.append(document)
        size += len(document.passages)
    order = {source: i for i, source in enumerate(sources)}
    skips = tuple(sorted(skipped.values(), key=lambda s: order[s.source]))
    digests = {file.source: file.digest for file in files}
    _refused.clear()
    _refused.update({(s.source, digests[s.source]): s for s in skips if s.source in digests})
    for skip in skips:
        reader_log.warning("skipped %s: %s", skip.source, skip.reason)
    if not documents:
        raise nothing_to_index(folder, len(skips))

    new_counts = [(start, item.fields) for start, item in added]
    indexed.clear()  # each document's passages now only in ``documents``: packed, then let go
    added.clear()
    documents = list(tabled(documents)[0])  # the passages in one table before the postings' peak
    unchanged = (
        base is not None and not new_counts and size == first and bool((remap == np.arange(size)).all())
    )
    fields: Sequence[Postings]
    if base is not None and unchanged:
        fields = base.fields
    elif base is not None:
        fields = [
            updated(postings, remap, size, [(start, counts[i]) for start, counts in new_counts])
            for i, postings in enumerate(base.fields)
        ]
    else:  # each field's postings in turn, each document's counts let go once used
        per_field = [[counts[i] for _, counts in new_counts] for i in range(len(new_counts[0][1]))]
        new_counts.clear()
        fields = []
        while per_field:
            fields.append(assembled(per_field.pop(0)))
    all_cuts = (
        (base.cuts if base is not None else None) if unchanged else (Cuts.concat(cuts) if cuts else None)
    )
    index = Index.from_fields(
        documents, [BM25Index(p, config.bm25) for p in fields], tokenizer, config, all_cuts
    )
    now = stamps(folder)
    if cache is not None and (not unchanged or (previous is None and now != remembered)):
        _save_later(cache, folder, index, None if unchanged else fields, now)
    return index, skips


def _indexed(base: Snapshot, document: Document, first: int) -> Indexed | None:
    """What indexing gave a document of ``base`` (numbered from ``first``), read back
    from its postings, as plain copies (a job goes to another process)."""
    if base.cuts is None:
        return None
    last = first + len(document.passages)
    cuts = base.cuts.slice(first, last)
    return Indexed(
        Document(document.source, document.title, tuple(document.passages), document.digest),
        tuple(recounted(postings, first, last) for postings in base.fields),
        Cuts(np.array(cuts.bits), np.array(cuts.ends)),
    )

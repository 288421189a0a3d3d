"""The index cache on disk: what was tokenised once is not tokenised again.

Two kinds of files, under ``<cache dir>/v<format>/<key>/`` where the key is
a hash of everything that decides passages and their terms (``retrieval.store.cachekey``:
the tokenizer's settings with the stopwords' and user dictionary's contents,
the passage length limit, the code of ``retrieval/`` that makes passages and
terms, and the versions of jieba, OpenCC, Snowball and the readers' libraries), so a change of any of
them starts afresh:

- ``documents/<hash of file name and content>.qix``: one document's passages
  and their counted terms (``Indexed``), written when it is first tokenised;
- ``snapshots/<hash of the documents folder>.qix``: a whole index (its
  documents, passages and postings), what start-up loads instead of
  tokenising: only files whose content changed since are read again.

Each file is a JSON header (its metadata, and the type, shape, place and
CRC-32 of each array) followed by the arrays' raw bytes: no pickle
(``retrieval.store.cachefile``). Each is
written to a temporary file in the same folder and renamed over the
old one, so readers (other processes too) see a whole old or a whole new
file. Every file is checked when read (CRCs, its key, the shapes and
ranges of its arrays); one that is stale, truncated or corrupt is deleted
with a warning and rebuilt, never trusted. Files unused for a month are
removed, and at most ``SNAPSHOTS`` snapshots are kept (``retrieval.store.cachefolder``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.index.postings import Postings
from retrieval.passage import Document
from retrieval.store.cachefile import Strings, pack_counts, pack_passages, unpack_counts, unpack_passages
from retrieval.store.cachefolder import SUFFIX, CacheFolder
from retrieval.store.cachekey import CACHE_FORMAT
from retrieval.store.counting import Indexed
from retrieval.text.cuts import Cuts


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/qabot``, or ``~/.cache/qabot``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "qabot"


def _name(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:40] + SUFFIX


_POSTINGS = ("keys", "indptr", "ids", "splits", "tf", "maxtf", "lengths")


@dataclass(frozen=True)
class Snapshot:
    """A whole index as saved: its documents and each field's postings."""

    documents: tuple[Document, ...]
    fields: tuple[Postings, ...]
    cuts: Cuts | None = None


class IndexCache:
    """The cache folder for one ``cache_key``; every method is safe to call
    from several threads and processes at once, and none raises on a bad
    cache: it warns and carries on without it."""

    def __init__(self, root: Path, key: str) -> None:
        self.root = root
        self.key = key
        self.folder = root / f"v{CACHE_FORMAT}" / key[:32]
        self.files = CacheFolder(root, self.folder)

    # -- documents ------------------------------------------------------------------------

    def document_path(self, source: str, digest: str) -> Path:
        return self.folder / "documents" / _name(source, digest)

    def load_document(self, source: str, digest: str) -> Indexed | None:
        """The cached passages and terms of file ``source`` with content ``digest``, if any."""

        def parse(meta: dict[str, Any], archive: dict[str, np.ndarray]) -> Indexed:
            if meta.get("key") != self.key or [meta.get("source"), meta.get("digest")] != [source, digest]:
                raise ValueError("it is for another file or settings")
            passages = unpack_passages(archive, meta["strings"], [(source, int(meta["passages"]))])
            fields = tuple(unpack_counts(archive, str(i)) for i in range(int(meta["fields"])))
            cuts = Cuts(archive["cuts.bits"], archive["cuts.ends"])
            cuts.check(len(passages))
            if any(counts.passages != len(passages) for counts in fields):
                raise ValueError("its terms and passages differ in number")
            return Indexed(Document(source, str(meta["title"]), tuple(passages), digest), fields, cuts)

        return self.files.load(self.document_path(source, digest), parse)

    def save_document(self, indexed: Indexed) -> None:
        document = indexed.document
        if any(p.source != document.source for p in document.passages):
            return
        strings = Strings()
        arrays = pack_passages(document.passages, strings)
        for i, counts in enumerate(indexed.fields):
            arrays.update(pack_counts(str(i), counts))
        arrays.update({"cuts.bits": indexed.cuts.bits, "cuts.ends": indexed.cuts.ends})
        meta = {
            "key": self.key,
            "source": document.source,
            "digest": document.digest,
            "title": document.title,
            "passages": len(document.passages),
            "fields": len(indexed.fields),
            "strings": strings.table,
        }
        self.files.write(self.document_path(document.source, document.digest), meta, arrays)

    # -- snapshots ------------------------------------------------------------------------

    def snapshot_path(self, docs_dir: Path) -> Path:
        return self.folder / "snapshots" / _name(str(docs_dir.resolve()))

    def load_snapshot(self, docs_dir: Path) -> Snapshot | None:
        """The last index saved for ``docs_dir``, if any (and sound)."""

        def parse(meta: dict[str, Any], archive: dict[str, np.ndarray]) -> Snapshot:
            if meta.get("key") != self.key or meta.get("docs_dir") != str(docs_dir.resolve()):
                raise ValueError("it is for another folder or settings")
            listed = [(str(s), str(t), str(d), int(n)) for s, t, d, n in meta["documents"]]
            passages = unpack_passages(archive, meta["strings"], [(s, n) for s, _, _, n in listed])
            fields = []
            for i in range(int(meta["fields"])):
                postings = Postings(*(archive[f"{i}.{name}"] for name in _POSTINGS))
                postings.check(thorough=False)  # its CRCs vouch for its bytes
                if postings.size != len(passages):
                    raise ValueError("its postings and passages differ in number")
                fields.append(postings)
            cuts = Cuts(archive["cuts.bits"], archive["cuts.ends"]) if "cuts.bits" in archive else None
            if cuts is not None:
                cuts.check(len(passages))
            documents = []
            position = 0
            for source, title, digest, count in listed:
                documents.append(
                    Document(source, title, tuple(passages[position : position + count]), digest)
                )
                position += count
            return Snapshot(tuple(documents), tuple(fields), cuts)

        return self.files.load(self.snapshot_path(docs_dir), parse)

    def save_snapshot(
        self,
        docs_dir: Path,
        documents: Sequence[Document],
        fields: Sequence[Postings],
        cuts: Cuts | None = None,
    ) -> None:
        strings = Strings()
        passages = [p for document in documents for p in document.passages]
        if any(p.source != d.source for d in documents for p in d.passages):
            return
        arrays = pack_passages(passages, strings)
        for i, postings in enumerate(fields):
            arrays.update({f"{i}.{name}": getattr(postings, name) for name in _POSTINGS})
        if cuts is not None:
            arrays.update({"cuts.bits": cuts.bits, "cuts.ends": cuts.ends})
        meta = {
            "key": self.key,
            "docs_dir": str(docs_dir.resolve()),
            "documents": [[d.source, d.title, d.digest, len(d.passages)] for d in documents],
            "fields": len(fields),
            "strings": strings.table,
        }
        self.files.write(self.snapshot_path(docs_dir), meta, arrays)
        self.files.collect_garbage()

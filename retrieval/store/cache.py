"""The index cache on disk: what was tokenised once is not tokenised again.

One file per documents folder, ``<cache dir>/v<format>/<key>/snapshots/<hash
of the folder>.qix``, where the key is a hash of everything that decides
passages and their terms (``retrieval.store.cachekey``: the tokenizer's
settings with the stopwords' and user dictionary's contents, the passage
length limit, the code of ``retrieval/`` that makes passages and terms, and
the versions of jieba, OpenCC, Snowball and the readers' libraries), so a
change of any of them starts afresh. The file is a whole index: its documents, its passages
(one UTF-8 blob of their texts and a table of the rest: ``PassageTable``), each
field's postings and where jieba cut each passage. Start-up maps it
(``retrieval.store.cachefile``): the arrays are views of the file, shared
by every process serving the same folder; a document whose file changed
since is tokenised again, its unchanged passages' terms read back from the
postings (``retrieval.index.assembly``). Beside it, ``stamps/<same
name>``: the ``stat`` each file was hashed at, so start-up need not hash
it again (``retrieval.store.scanning``).

Nothing is stored twice: there are no per-document files (a version 3
cache kept each document's passages and terms again, three times the
snapshot's size); a file that is changed back to an earlier content, or a
second folder holding the same files, is tokenised again.

The file is written to a temporary file in the same folder and renamed over
the old one, never rewritten in place, so readers (other processes, and
this one while it serves from the old mapping) see a whole old or a whole
new file. It is checked once, when mapped (its size, CRCs, key, and the
shapes and ranges of its arrays); one that is stale, truncated, foreign or
damaged is deleted with a warning and rebuilt, never trusted. Files unused
for a month are removed, and at most ``SNAPSHOTS`` snapshots are kept
(``retrieval.store.cachefolder``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.index.passagetable import PassageTable
from retrieval.index.postings import Postings
from retrieval.passage import Document
from retrieval.store.cachefolder import SUFFIX, CacheFolder
from retrieval.store.cachekey import CACHE_FORMAT
from retrieval.store.filepages import FileBytes
from retrieval.store.scanning import Known
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
    """A whole index as saved: its documents (their passages slices of one
    table), each field's postings and where jieba cut each passage."""

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

    def snapshot_path(self, docs_dir: Path) -> Path:
        return self.folder / "snapshots" / _name(str(docs_dir.resolve()))

    def load_snapshot(self, docs_dir: Path) -> Snapshot | None:
        """The last index saved for ``docs_dir``, if any (and sound), mapped."""

        def parse(meta: dict[str, Any], archive: dict[str, np.ndarray], raw: FileBytes) -> Snapshot:
            if meta.get("key") != self.key or meta.get("docs_dir") != str(docs_dir.resolve()):
                raise ValueError("it is for another folder or settings")
            table = PassageTable(
                archive["passages.text"],
                archive["passages.ends"],
                archive["passages.info"],
                meta["strings"],
                read=raw.reader("passages.text"),  # a passage shown: its bytes, not the mapping's pages
            )
            table.check()
            fields = []
            for i in range(int(meta["fields"])):
                postings = Postings(*(archive[f"{i}.{name}"] for name in _POSTINGS))
                postings.check(thorough=False)  # its CRCs vouch for its bytes
                if postings.size != len(table):
                    raise ValueError("its postings and passages differ in number")
                fields.append(postings)
            cuts = Cuts(archive["cuts.bits"], archive["cuts.ends"]) if "cuts.bits" in archive else None
            if cuts is not None:
                cuts.check(len(table))
            documents = []
            position = 0
            for source, title, digest, count in meta["documents"]:
                count = int(count)
                if count < 1 or position + count > len(table):
                    raise ValueError("its documents and passages differ in number")
                documents.append(
                    Document(str(source), str(title), table[position : position + count], digest)
                )
                position += count
            if position != len(table):
                raise ValueError("its documents and passages differ in number")
            return Snapshot(tuple(documents), tuple(fields), cuts)

        return self.files.load(self.snapshot_path(docs_dir), parse)

    def save_snapshot(
        self,
        docs_dir: Path,
        documents: Sequence[Document],
        fields: Sequence[Postings],
        cuts: Cuts | None = None,
    ) -> None:
        """Save an index (its documents' passages consecutive slices of one table, as an ``Index``'s)."""
        table = PassageTable.concat([document.passages for document in documents])
        if any(p.source != d.source for d in documents for p in d.passages[:1]):
            return
        arrays = {"passages.text": table.text, "passages.ends": table.ends, "passages.info": table.info}
        for i, postings in enumerate(fields):
            arrays.update({f"{i}.{name}": getattr(postings, name) for name in _POSTINGS})
        if cuts is not None:
            arrays.update({"cuts.bits": cuts.bits, "cuts.ends": cuts.ends})
        meta = {
            "key": self.key,
            "docs_dir": str(docs_dir.resolve()),
            "documents": [[d.source, d.title, d.digest, len(d.passages)] for d in documents],
            "fields": len(fields),
            "strings": list(table.strings),
        }
        self.files.write(self.snapshot_path(docs_dir), meta, arrays)
        self.files.collect_garbage()

    def stamps_path(self, docs_dir: Path) -> Path:
        return self.folder / "stamps" / _name(str(docs_dir.resolve()))

    def load_stamps(self, docs_dir: Path) -> Known:
        """The ``stat`` and hash of each of ``docs_dir``'s files when last hashed (none if unknown)."""

        def parse(meta: dict[str, Any], archive: dict[str, np.ndarray], raw: FileBytes) -> Known:
            if meta.get("key") != self.key or meta.get("docs_dir") != str(docs_dir.resolve()):
                raise ValueError("it is for another folder or settings")
            return {
                str(source): ((int(i), int(n), int(m), int(c)), str(digest))
                for source, (i, n, m, c), digest in meta["files"]
            }

        return self.files.load(self.stamps_path(docs_dir), parse) or {}

    def save_stamps(self, docs_dir: Path, known: Known) -> None:
        files = [[source, list(stamp), digest] for source, (stamp, digest) in sorted(known.items())]
        meta = {"key": self.key, "docs_dir": str(docs_dir.resolve()), "files": files}
        self.files.write(self.stamps_path(docs_dir), meta, {})

"""The index cache on disk: what was tokenised once is not tokenised again.

Two kinds of files, under ``<cache dir>/v<format>/<key>/`` where the key is
a hash of everything that decides passages and their terms (``cache_key``:
the tokenizer's settings with the stopwords' and user dictionary's contents,
the passage length limit, the code of ``retrieval/`` that makes passages and
terms, and the versions of jieba, OpenCC and Snowball), so a change of any of
them starts afresh:

- ``documents/<hash of file name and content>.qix``: one document's passages
  and their counted terms (``Indexed``), written when it is first tokenised;
- ``snapshots/<hash of the documents folder>.qix``: a whole index (its
  documents, passages and postings), what start-up loads instead of
  tokenising: only files whose content changed since are read again.

Each file is a JSON header (its metadata, and the type, shape, place and
CRC-32 of each array) followed by the arrays' raw bytes: no pickle. Each is
written to a temporary file in the same folder and renamed over the
old one, so readers (other processes too) see a whole old or a whole new
file. Every file is checked when read (CRCs, its key, the shapes and
ranges of its arrays); one that is stale, truncated or corrupt is deleted
with a warning and rebuilt, never trusted. Files unused for a month are
removed, and at most ``SNAPSHOTS`` snapshots are kept.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.metadata
import itertools
import json
import logging
import os
import shutil
import tempfile
import time
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from retrieval.cuts import Cuts
from retrieval.passage import Document, Passage
from retrieval.postings import Postings
from retrieval.termcounts import TermCounts
from retrieval.tokenizer import Tokenizer
from retrieval.workers import Indexed

log = logging.getLogger(__name__)

CACHE_FORMAT = 3
SUFFIX = ".qix"
SNAPSHOTS = 8
UNUSED_DAYS = 30
_CODE = Path(__file__).resolve().parent
_PACKAGES = ("jieba", "opencc", "snowballstemmer")
# Modules that decide nothing the cache holds (passages, their terms, postings
# layout): changing them keeps the cache. Any other module of retrieval/,
# new ones included, starts it afresh.
_NOT_CACHED = frozenset(
    {
        "allocator.py",
        "answer.py",
        "bm25.py",
        "datasets.py",
        "evaluation.py",
        "highlight.py",
        "library.py",
        "maxscore.py",
        "termlist.py",
        "progress.py",
        "relevance.py",
        "spans.py",
    }
)


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/qabot``, or ``~/.cache/qabot``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "qabot"


def _describe(value: object) -> bytes:
    if isinstance(value, (set, frozenset)):
        return "\n".join(sorted(map(str, value))).encode()
    if isinstance(value, Path):
        try:
            return b"file:" + value.read_bytes()
        except OSError:
            return f"missing:{value}".encode()
    return repr(value).encode()


def cache_key(tokenizer: Tokenizer, max_chars: int) -> str:
    """A hash of everything that decides a document's passages and terms."""
    digest = hashlib.sha256()

    def feed(label: str, data: bytes) -> None:
        digest.update(f"{label}:{len(data)}:".encode() + data)

    feed("format", str(CACHE_FORMAT).encode())
    feed("max_chars", str(max_chars).encode())
    for field in dataclasses.fields(tokenizer):
        if field.init:
            feed(f"tokenizer.{field.name}", _describe(getattr(tokenizer, field.name)))
    for module in sorted(_CODE.glob("*.py")):
        if module.name not in _NOT_CACHED:
            feed(module.name, module.read_bytes())
    for package in _PACKAGES:
        feed(package, importlib.metadata.version(package).encode())
    return digest.hexdigest()


def _name(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:40] + SUFFIX


_MAGIC = b"QABOTIDX"
_ALIGN = 64


def _write_file(file: BinaryIO, meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
    """A header (magic, length, JSON: ``meta`` and where each array is, with its
    CRC-32) and the arrays' bytes, each at a 64-byte boundary."""
    layout = []
    offset = 0
    for name, array in arrays.items():
        data = np.ascontiguousarray(array)
        layout.append(
            {
                "name": name,
                "dtype": data.dtype.str,
                "shape": list(data.shape),
                "offset": offset,
                "bytes": data.nbytes,
                "crc": zlib.crc32(data.data),
            }
        )
        offset += -(-data.nbytes // _ALIGN) * _ALIGN
    header = json.dumps({"meta": meta, "arrays": layout}, ensure_ascii=False).encode()
    start = -(-(len(_MAGIC) + 8 + len(header)) // _ALIGN) * _ALIGN
    file.write(_MAGIC + len(header).to_bytes(8, "little") + header)
    file.write(b"\0" * (start - len(_MAGIC) - 8 - len(header)))
    for array in arrays.values():
        data = np.ascontiguousarray(array)
        if data.nbytes:
            file.write(data.data.cast("B"))
        file.write(b"\0" * (-data.nbytes % _ALIGN))


def _read_file(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The ``meta`` and arrays of a file ``_write_file`` wrote; ``ValueError`` if it is not whole."""
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        if file.read(len(_MAGIC)) != _MAGIC:
            raise ValueError("it is not an index cache file")
        length = int.from_bytes(file.read(8), "little")
        if not 0 < length <= size:
            raise ValueError("its header is cut short")
        header = json.loads(file.read(length).decode())
        start = -(-(len(_MAGIC) + 8 + length) // _ALIGN) * _ALIGN
        arrays: dict[str, np.ndarray] = {}
        for item in header["arrays"]:
            dtype = np.dtype(item["dtype"])
            if dtype.hasobject:
                raise ValueError("it holds objects")
            array = np.empty(tuple(item["shape"]), dtype=dtype)
            if array.nbytes != item["bytes"] or start + item["offset"] + array.nbytes > size:
                raise ValueError(f"its array {item['name']} is cut short")
            file.seek(start + item["offset"])
            view = array.data.cast("B") if array.nbytes else memoryview(b"")
            if array.nbytes and file.readinto(view) != array.nbytes:
                raise ValueError(f"its array {item['name']} is cut short")
            if zlib.crc32(view) != item["crc"]:
                raise ValueError(f"its array {item['name']} is damaged (CRC)")
            arrays[item["name"]] = array
    meta = header["meta"]
    if not isinstance(meta, dict):
        raise ValueError("its metadata is not an object")
    return meta, arrays


class _Strings:
    """A table of distinct strings, for passages' titles and headings."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        return self.index.setdefault(text, len(self.index))

    @property
    def table(self) -> list[str]:
        return list(self.index)


def _pack_passages(passages: Sequence[Passage], strings: _Strings) -> dict[str, np.ndarray]:
    """Passages as arrays: their texts as one UTF-8 blob (and where each ends, in
    characters), their titles, headings, paragraph and part numbers."""
    info = np.array(
        [(strings(p.title), strings(p.heading), p.paragraph, p.part) for p in passages], dtype=np.int32
    ).reshape(len(passages), 4)
    # One join and one encode: no small temporaries left to fragment the heap.
    return {
        "texts": np.frombuffer("".join(p.text for p in passages).encode(), dtype=np.uint8),
        "ends": np.cumsum([len(p.text) for p in passages], dtype=np.int64),
        "info": info,
    }


def _unpack_passages(
    archive: Mapping[str, np.ndarray], strings: list[str], sources: Sequence[tuple[str, int]]
) -> list[Passage]:
    """The passages of documents ``(source, passage count)``, in order."""
    text = str(archive["texts"].data, "utf-8")  # one decode, then slices
    ends = archive["ends"]
    info = archive["info"]
    count = sum(n for _, n in sources)
    if ends.shape != (count,) or info.shape != (count, 4) or ends.dtype != np.int64:
        raise ValueError("its passages do not add up")
    if count and (int(ends[-1]) != len(text) or (np.diff(ends) < 0).any() or int(ends[0]) < 0):
        raise ValueError("its passages' texts do not add up")
    if count and (int(info[:, :2].min()) < 0 or int(info[:, :2].max()) >= len(strings)):
        raise ValueError("its passages refer past its strings")
    texts = [text[a:b] for a, b in itertools.pairwise([0, *ends.tolist()])]
    del text
    table = np.array(strings, dtype=object)
    titles = table[info[:, 0]].tolist() if count else []
    headings = table[info[:, 1]].tolist() if count else []
    names = [source for source, n in sources for _ in range(n)]
    return list(map(Passage, texts, titles, headings, names, info[:, 2].tolist(), info[:, 3].tolist()))


def _pack_counts(prefix: str, counts: TermCounts) -> dict[str, np.ndarray]:
    return {
        f"{prefix}.{name}": getattr(counts, name) for name in ("vocab", "terms", "counts", "sizes", "lengths")
    }


def _unpack_counts(archive: Mapping[str, np.ndarray], prefix: str) -> TermCounts:
    counts = TermCounts(
        *(archive[f"{prefix}.{name}"] for name in ("vocab", "terms", "counts", "sizes", "lengths"))
    )
    counts.check()
    return counts


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
        self._unwritable = False

    # -- documents ------------------------------------------------------------------------

    def document_path(self, source: str, digest: str) -> Path:
        return self.folder / "documents" / _name(source, digest)

    def load_document(self, source: str, digest: str) -> Indexed | None:
        """The cached passages and terms of file ``source`` with content ``digest``, if any."""
        path = self.document_path(source, digest)
        try:
            meta, archive = _read_file(path)
            if meta.get("key") != self.key or [meta.get("source"), meta.get("digest")] != [source, digest]:
                raise ValueError("it is for another file or settings")
            passages = _unpack_passages(archive, meta["strings"], [(source, int(meta["passages"]))])
            fields = tuple(_unpack_counts(archive, str(i)) for i in range(int(meta["fields"])))
            cuts = Cuts(archive["cuts.bits"], archive["cuts.ends"])
            cuts.check(len(passages))
        except FileNotFoundError:
            return None
        except Exception as error:  # anything at all: the file is not to be trusted
            self._discard(path, error)
            return None
        if any(counts.passages != len(passages) for counts in fields):
            self._discard(path, ValueError("its terms and passages differ in number"))
            return None
        self._touch(path)
        document = Document(source, str(meta["title"]), tuple(passages), digest)
        return Indexed(document, fields, cuts)

    def save_document(self, indexed: Indexed) -> None:
        document = indexed.document
        if any(p.source != document.source for p in document.passages):
            return
        strings = _Strings()
        arrays = _pack_passages(document.passages, strings)
        for i, counts in enumerate(indexed.fields):
            arrays.update(_pack_counts(str(i), counts))
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
        self._write(self.document_path(document.source, document.digest), meta, arrays)

    # -- snapshots ------------------------------------------------------------------------

    def snapshot_path(self, docs_dir: Path) -> Path:
        return self.folder / "snapshots" / _name(str(docs_dir.resolve()))

    def load_snapshot(self, docs_dir: Path) -> Snapshot | None:
        """The last index saved for ``docs_dir``, if any (and sound)."""
        path = self.snapshot_path(docs_dir)
        try:
            meta, archive = _read_file(path)
            if meta.get("key") != self.key or meta.get("docs_dir") != str(docs_dir.resolve()):
                raise ValueError("it is for another folder or settings")
            listed = [(str(s), str(t), str(d), int(n)) for s, t, d, n in meta["documents"]]
            passages = _unpack_passages(archive, meta["strings"], [(s, n) for s, _, _, n in listed])
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
        except FileNotFoundError:
            return None
        except Exception as error:  # anything at all: the file is not to be trusted
            self._discard(path, error)
            return None
        documents = []
        position = 0
        for source, title, digest, count in listed:
            documents.append(Document(source, title, tuple(passages[position : position + count]), digest))
            position += count
        self._touch(path)
        return Snapshot(tuple(documents), tuple(fields), cuts)

    def save_snapshot(
        self,
        docs_dir: Path,
        documents: Sequence[Document],
        fields: Sequence[Postings],
        cuts: Cuts | None = None,
    ) -> None:
        strings = _Strings()
        passages = [p for document in documents for p in document.passages]
        if any(p.source != d.source for d in documents for p in d.passages):
            return
        arrays = _pack_passages(passages, strings)
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
        self._write(self.snapshot_path(docs_dir), meta, arrays)
        self.collect_garbage()

    # -- files ----------------------------------------------------------------------------

    def _write(self, path: Path, meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
        """Write ``path`` whole or not at all: a temporary file renamed over it."""
        if self._unwritable:
            return
        temporary = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=path.stem + ".", suffix=".tmp", dir=path.parent)
            with os.fdopen(handle, "wb") as file:
                _write_file(file, meta, arrays)
            os.replace(temporary, path)
            temporary = None
        except OSError as error:
            self._unwritable = True
            log.warning(
                "cannot write the index cache in %s (%s); going on without saving to it", self.root, error
            )
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)

    def _discard(self, path: Path, error: BaseException) -> None:
        reason = str(error) or type(error).__name__
        if isinstance(error, (KeyError, TypeError, UnicodeDecodeError, json.JSONDecodeError)):
            reason = f"damaged: {type(error).__name__}: {reason}"
        log.warning("index cache file %s is unusable (%s); rebuilding it", path, reason)
        with contextlib.suppress(OSError):
            path.unlink()

    @staticmethod
    def _touch(path: Path) -> None:
        with contextlib.suppress(OSError):
            os.utime(path)

    def collect_garbage(self, now: float | None = None) -> None:
        """Remove what has not been used for ``UNUSED_DAYS`` (at most once a day)
        and all but the ``SNAPSHOTS`` most recent snapshots."""
        with contextlib.suppress(OSError):
            self._collect_garbage(time.time() if now is None else now)

    def _collect_garbage(self, now: float) -> None:
        marker = self.folder / ".collected"
        with contextlib.suppress(OSError):
            if now - marker.stat().st_mtime < 86400:
                return
        with contextlib.suppress(OSError):
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        old = now - UNUSED_DAYS * 86400

        def mtime(path: Path) -> float:
            try:
                return path.stat().st_mtime
            except OSError:
                return now

        snapshots = sorted(self.folder.glob(f"snapshots/*{SUFFIX}"), key=mtime, reverse=True)
        for path in snapshots[SNAPSHOTS:]:
            with contextlib.suppress(OSError):
                path.unlink()
        for path in self.folder.glob("*/*"):
            stale = path.suffix == ".tmp" and mtime(path) < now - 3600
            if stale or (path.suffix == SUFFIX and mtime(path) < old):
                with contextlib.suppress(OSError):
                    path.unlink()
        for sibling in self.folder.parent.iterdir():
            if sibling != self.folder and sibling.is_dir() and mtime(sibling / ".collected") < old:
                shutil.rmtree(sibling, ignore_errors=True)
        for version in self.root.glob("v*"):  # other formats' caches
            if version != self.folder.parent and version.is_dir() and mtime(version) < old:
                shutil.rmtree(version, ignore_errors=True)

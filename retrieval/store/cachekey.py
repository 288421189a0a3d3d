"""The cache key: a hash of everything that decides a document's passages and terms.

The tokenizer's settings with the stopwords' and user dictionary's contents,
the passage length limit, the code of ``retrieval/`` that makes passages and
terms and its data files (``*.txt``: which characters OpenCC changes, ...), the versions of jieba, jieba-rs (rjieba), OpenCC and Snowball and of the
readers' libraries (python-docx, pypdf, lxml), a digest of jieba's dictionary and
HMM files, and the cache format: a change of any of them starts the cache afresh.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from retrieval.text.tokenizer import Tokenizer

CACHE_FORMAT = 4
_CODE = Path(__file__).resolve().parent.parent  # retrieval/
_PACKAGES = ("jieba", "rjieba", "opencc", "snowballstemmer", "python-docx", "pypdf", "lxml")
# Modules that decide nothing the cache holds (passages, their terms, postings
# layout): changing them keeps the cache. Any other module of retrieval/,
# new ones included, starts it afresh.
_NOT_CACHED = frozenset(
    {
        "__init__.py",
        "answer.py",
        "datasets.py",
        "evaluation.py",
        "library.py",
        "startup.py",
        "index/bm25.py",
        "index/topn.py",
        "index/ranking/__init__.py",
        "index/ranking/query.py",
        "index/ranking/rerank.py",
        "index/relevance.py",
        "index/termlist.py",
        "store/allocator.py",
        "store/progress.py",
        "text/highlight.py",
        "text/spans.py",
    }
)


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
        if field.init and field.metadata.get("decides_terms", True):
            feed(f"tokenizer.{field.name}", _describe(getattr(tokenizer, field.name)))
    feed("dictionary", tokenizer.dictionary_digest.encode())
    for module in sorted([*_CODE.rglob("*.py"), *_CODE.rglob("*.txt")]):  # code and its data files
        name = module.relative_to(_CODE).as_posix()
        if name not in _NOT_CACHED:
            feed(name, module.read_bytes())
    for package, version in installed_versions(_PACKAGES).items():
        feed(package, version.encode())
    return digest.hexdigest()


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def installed_versions(packages: Iterable[str]) -> dict[str, str]:
    """Each package's installed version, from the name of its ``<name>-<version>.dist-info``
    folder on ``sys.path`` (the first one, as ``importlib.metadata`` takes), rather than
    importing ``importlib.metadata`` (~70 ms at every start); asked of it for any other kind
    of install."""
    wanted = {_normal(package): package for package in packages}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in sorted(names):
            if name.endswith(".dist-info"):
                project, _, version = name.removesuffix(".dist-info").partition("-")
                package = wanted.get(_normal(project))
                if package is not None and version:
                    found.setdefault(package, version)
    if len(found) < len(wanted):
        import importlib.metadata

        for package in wanted.values():
            found.setdefault(package, importlib.metadata.version(package))
    return {package: found[package] for package in wanted.values()}

"""How to build and search an index: everything a change of which rebuilds it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from retrieval.bm25 import BM25Params
from retrieval.tokenizer import DEFAULT_STOPWORDS


@dataclass(frozen=True)
class RetrievalConfig:
    docs_dir: Path
    passage_max_chars: int = 400
    stopwords_file: Path = DEFAULT_STOPWORDS
    user_dict: Path | None = None
    char_ngrams: bool = True
    bm25: BM25Params = field(default_factory=BM25Params)
    min_coverage: float = 0.3
    cache_dir: Path | None = None  # the index cache's folder; None: no cache

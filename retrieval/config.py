"""How to build and search an index: everything a change of which rebuilds it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from retrieval.text.tokenizer import DEFAULT_STOPWORDS


@dataclass(frozen=True)
class BM25Params:
    """BM25's formula and parameters, as rank-bm25 names them."""

    variant: str = "plus"
    k1: float = 1.2  # as BM25_K1 (rank-bm25's own default is 1.5)
    b: float = 0.75
    epsilon: float = 0.25
    delta: float = 1.0  # rank-bm25's default is 0.5 for BM25L, 1.0 for BM25Plus

    def __post_init__(self) -> None:
        if self.variant not in ("okapi", "l", "plus"):
            raise ValueError(f"BM25 variant must be okapi, l or plus, not {self.variant!r}")


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

"""tantivy-py, the scale benchmark's peer (``benchmarks/scale.py``), given jieba's words.

Each passage's words (qabot's tokenizer without character n-grams: jieba's
words, normalised, stopwords left out; the title and heading's words too)
are indexed, whitespace-separated, in one text field with term frequencies
(no positions) and the passage's number stored; a question is the same
words, any of which may match (BM25, tantivy's own). Its warm start opens
the index and loads jieba (questions need it) before the first answer.
Needs the benchmark group: ``uv run --group bench``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

WRITER_MEMORY = 200_000_000  # bytes: tantivy's indexing buffer (its default is 50 MB a thread at least)


def _tokenizer() -> Any:
    from retrieval.config import RetrievalConfig
    from retrieval.library import make_tokenizer

    return make_tokenizer(RetrievalConfig(docs_dir=Path("."), char_ngrams=False))


def _schema() -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("words", tokenizer_name="whitespace", index_option="freq")
    builder.add_unsigned_field("passage", stored=True)
    return builder.build()


def build(docs: Path, folder: Path) -> int:
    """Index ``docs`` into ``folder``; returns the number of passages."""
    import tantivy

    from retrieval.documents.reader import read_folder
    from retrieval.index.index import context_of

    tokenizer = _tokenizer()
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(_schema(), path=str(folder))
    writer = index.writer(WRITER_MEMORY)
    number = 0
    for document in read_folder(docs, 400).documents:
        for passage in document.passages:
            words = [*tokenizer.terms(passage.text), *tokenizer.terms(context_of(passage))]
            writer.add_document(tantivy.Document(words=" ".join(words), passage=number))
            number += 1
    writer.commit()
    writer.wait_merging_threads()
    return number


class Searcher:
    """An opened index, answering questions with passage numbers."""

    def __init__(self, folder: Path) -> None:
        import tantivy

        self._tantivy = tantivy
        self.tokenizer = _tokenizer()
        self.tokenizer.terms("初始化")  # loads jieba's dictionary, as a question would
        self.index = tantivy.Index.open(str(folder))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def search(self, question: str, n: int) -> list[int]:
        tantivy = self._tantivy
        terms = list(dict.fromkeys(self.tokenizer.terms(question)))
        if not terms:
            return []
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "words", t)) for t in terms]
        )
        hits = self.searcher.search(query, n).hits
        return [int(self.searcher.doc(address)["passage"][0]) for _, address in hits]


def size_on_disk(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def timed_search(searcher: Searcher, questions: list[str], n: int) -> list[float]:
    latencies = []
    for question in questions:
        begin = time.perf_counter()
        searcher.search(question, n)
        latencies.append((time.perf_counter() - begin) * 1000)
    return latencies

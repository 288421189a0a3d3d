"""Passages and their BM25 index, searched for the passages that answer a question."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.answer import Answer, Hit
from retrieval.bm25 import BM25Index
from retrieval.config import RetrievalConfig
from retrieval.errors import QuestionError
from retrieval.highlight import highlight
from retrieval.passage import Document, Passage
from retrieval.tokenizer import Tokenizer


def passage_terms(tokenizer: Tokenizer, passage: Passage) -> list[str]:
    """What a passage is indexed by: its words, its heading's and its title's."""
    return tokenizer.terms(f"{passage.title}\n{passage.heading}\n{passage.text}")


@dataclass(frozen=True)
class Index:
    documents: tuple[Document, ...]
    passages: tuple[Passage, ...]
    bm25: BM25Index
    tokenizer: Tokenizer
    config: RetrievalConfig

    @classmethod
    def build(
        cls,
        documents: Sequence[Document],
        tokenizer: Tokenizer,
        config: RetrievalConfig,
        terms: Sequence[Sequence[str]] | None = None,
    ) -> Index:
        passages = tuple(p for document in documents for p in document.passages)
        if terms is None:
            terms = [passage_terms(tokenizer, p) for p in passages]
        bm25 = BM25Index(terms, config.bm25)
        return cls(tuple(documents), passages, bm25, tokenizer, config)

    def search(self, question: str, top_k: int) -> Answer:
        """The ``top_k`` passages that answer ``question``; none when nothing is relevant."""
        if not question.strip():
            raise QuestionError("the question is empty")
        if top_k < 1:
            raise QuestionError(f"top-k must be at least 1, not {top_k}")
        terms = self.tokenizer.terms(question)
        found = self.bm25.score(terms)
        relevant = found.coverage >= self.config.min_coverage
        passages, scores = found.passages[relevant], found.scores[relevant]
        order = np.lexsort((passages, -scores))[:top_k]
        question_terms = set(terms)
        hits = []
        for rank, position in enumerate(order, start=1):
            passage = self.passages[int(passages[position])]
            spans = self.tokenizer.spans(passage.text)
            marked = highlight(passage.text, spans, question_terms, self.bm25.term_weight)
            hits.append(
                Hit(
                    rank=rank,
                    score=round(float(scores[position]), 4),
                    passage=passage,
                    matched=marked.matched,
                    marks=marked.marks,
                    sentence=marked.sentence,
                )
            )
        return Answer(question=question, hits=tuple(hits))

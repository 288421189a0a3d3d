"""Passages and their BM25 index, searched for the passages that answer a question.

A passage is indexed in two fields: its own text, and its context (document
title and section heading), whose score counts ``CONTEXT_WEIGHT`` as much.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from retrieval.answer import Answer, Hit
from retrieval.config import RetrievalConfig
from retrieval.errors import QuestionError
from retrieval.index.bm25 import BM25Index
from retrieval.index.passagetable import PassageTable
from retrieval.index.ranking import rerank
from retrieval.index.ranking.query import Query, make_query
from retrieval.index.relevance import Relevance
from retrieval.index.topn import added_scores, top
from retrieval.passage import Document, Passage
from retrieval.text.cuts import Cuts
from retrieval.text.highlight import highlight
from retrieval.text.normalisation import normalise, normalise_with_offsets
from retrieval.text.tokenizer import Tokenizer

CONTEXT_WEIGHT = 0.75
# How many of the best-scored passages are checked by the "no answer" rule
# beyond the top k: enough to fill k hits, few enough to stay fast.
EXTRA_CANDIDATES = 5

PassageTerms = tuple[Sequence[str], Sequence[str]]
Normalised = tuple[str, Sequence[int]]  # ``normalise_with_offsets``: the text, where each character came from
Found = tuple[int, float, Passage, Normalised]  # a passage's number, score, itself and its normalised text


def context_of(passage: Passage) -> str:
    return f"{passage.title}\n{passage.heading}"


@lru_cache(maxsize=4096)
def _normalised(context: str) -> str:
    """A title and heading, normalised: passages of a section share them."""
    return normalise(context)


def passage_terms(tokenizer: Tokenizer, passage: Passage) -> PassageTerms:
    """What a passage is indexed by: its text's terms, and its context's."""
    return tokenizer.terms(passage.text), tokenizer.terms(context_of(passage))


def tabled(documents: Sequence[Document]) -> tuple[tuple[Document, ...], PassageTable]:
    """``documents`` with their passages in one ``PassageTable`` (each document a slice of it)."""
    table = PassageTable.concat([document.passages for document in documents])
    if all(_slice_of(document.passages, table) for document in documents):
        return tuple(documents), table  # they are its slices already (a mapped snapshot's)
    sliced = []
    start = 0
    for document in documents:
        count = len(document.passages)
        sliced.append(dataclasses.replace(document, passages=table[start : start + count]))
        start += count
    return tuple(sliced), table


def _slice_of(passages: Sequence[Passage], table: PassageTable) -> bool:
    return isinstance(passages, PassageTable) and passages.text is table.text and passages.ends is table.ends


@dataclass(frozen=True)
class Index:
    documents: tuple[Document, ...]
    passages: PassageTable  # a Sequence[Passage], decoded one at a time
    body: BM25Index
    context: BM25Index
    tokenizer: Tokenizer
    config: RetrievalConfig
    cuts: Cuts | None = None  # where jieba cut each passage: highlighting without jieba

    @classmethod
    def build(
        cls,
        documents: Sequence[Document],
        tokenizer: Tokenizer,
        config: RetrievalConfig,
        terms: Sequence[PassageTerms] | None = None,
    ) -> Index:
        if terms is None:
            terms = [passage_terms(tokenizer, p) for document in documents for p in document.passages]
        body = BM25Index([t[0] for t in terms], config.bm25)
        context = BM25Index([t[1] for t in terms], config.bm25)
        return cls(*tabled(documents), body, context, tokenizer, config)

    @classmethod
    def from_fields(
        cls,
        documents: Sequence[Document],
        fields: Sequence[BM25Index],
        tokenizer: Tokenizer,
        config: RetrievalConfig,
        cuts: Cuts | None = None,
    ) -> Index:
        """An index whose fields (in ``passage_terms`` order) are built already."""
        body, context = fields
        return cls(*tabled(documents), body, context, tokenizer, config, cuts)

    @property
    def fields(self) -> tuple[BM25Index, ...]:
        """The BM25 fields, in ``passage_terms`` order."""
        return (self.body, self.context)

    def rank(self, terms: Sequence[str] | Mapping[str, float], n: int) -> tuple[np.ndarray, np.ndarray]:
        """The numbers and scores of the ``n`` passages that score best for a
        question's terms (BM25 over text and context), best first. ``terms``: a
        list (a repeat weighs again), or each distinct term with its weight."""
        return top(self.weighted_fields, terms, n)

    @property
    def weighted_fields(self) -> tuple[tuple[BM25Index, float], ...]:
        """The BM25 fields with the weights their scores count with."""
        return ((self.body, 1.0), (self.context, CONTEXT_WEIGHT))

    def question_terms(self, question: str) -> tuple[dict[str, float], list[str]]:
        """The terms a question is searched for, with their weights, and its words
        (for the no-answer rule): see ``retrieval.index.ranking.query``."""
        query = make_query(self.tokenizer, self.body, question)
        return query.terms, query.words

    def answering(self, question: str, top_k: int) -> list[tuple[int, float]]:
        """The numbers and scores of the ``top_k`` passages that answer ``question``,
        best first: what ``search`` returns, without highlighting them."""
        return [(number, score) for number, score, _, _ in self._answering(question, top_k)[0]]

    def search(self, question: str, top_k: int) -> Answer:
        """The ``top_k`` passages that answer ``question``; none when nothing is relevant."""
        found, weights = self._answering(question, top_k)
        hits: list[Hit] = []
        for number, score, passage, body in found:
            cuts = self.cuts.of(number) if self.cuts is not None else None
            spans = self.tokenizer.spans(passage.text, cuts, weights, known=body)
            marked = highlight(passage.text, spans, weights, weights.__getitem__)
            hits.append(
                Hit(
                    rank=len(hits) + 1,
                    score=round(score, 4),
                    passage=passage,
                    matched=marked.matched,
                    marks=marked.marks,
                    sentence=marked.sentence,
                )
            )
        return Answer(question=question, hits=tuple(hits))

    def _answering(self, question: str, top_k: int) -> tuple[list[Found], dict[str, float]]:
        """The best passages in ``_ranked`` order, cut after the last of them that
        the "no answer" rule lets through (at most ``top_k``); and the terms
        searched with their weights in the index (``BM25Index.term_weights``). One that fails the rule is still shown when one ranked below it
        passes: the ranking orders, the rule decides whether to answer."""
        if not question.strip():
            raise QuestionError("the question is empty")
        if top_k < 1:
            raise QuestionError(f"top-k must be at least 1, not {top_k}")
        query = make_query(self.tokenizer, self.body, question)
        relevance = Relevance(self.tokenizer, query.words)
        idf = self.body.term_weights([*query.terms, *query.common, *query.words])
        terms = {term: idf[term] for term in query.terms}
        # The second stage weighs every term, the common characters left out of the
        # search too: the rule spares the search their postings, not the reordering.
        every = {term: idf[term] for term in (*query.terms, *query.common)}
        words = {word: idf[word] for word in query.words}
        found: list[Found] = []
        answered = 0  # how many of ``found`` are the answer
        for number, score, passage, body in self._ranked(query, every, words, top_k + EXTRA_CANDIDATES):
            found.append((number, score, passage, body))
            context = _normalised(context_of(passage))
            if relevance.answers(f"{context}\n{body[0]}", self.config.min_coverage, normalised=True):
                answered = len(found)
                if answered >= top_k:
                    break
        return found[: min(answered, top_k)], terms

    def _ranked(
        self, query: Query, terms: Mapping[str, float], words: Mapping[str, float], n: int
    ) -> Iterator[Found]:
        """The best ``n`` passages, each decoded and normalised once: the exact top by
        BM25 over the searched terms; the first ``rerank.POOL`` of them scored over
        all the question's terms (its common characters too, looked up for them
        alone) and reordered by ``rerank`` (``terms``, all the question's, and
        ``words``: their weights in the index); the rest after them in BM25's order."""
        passages, scores = self.rank(query.terms, max(n, rerank.POOL))
        pool = passages[: rerank.POOL]
        full = scores[: pool.size] + added_scores(self.weighted_fields, query.common, pool)
        decoded = [self.passages[number] for number in pool.tolist()]
        texts = [normalise_with_offsets(passage.text) for passage in decoded]
        reordered = rerank.reorder([t[0] for t in texts], full.tolist(), terms, words)
        for place, score in reordered[:n]:
            yield int(pool[place]), score, decoded[place], texts[place]
        for number, score in zip(
            passages[pool.size : n].tolist(), scores[pool.size : n].tolist(), strict=True
        ):
            passage = self.passages[number]
            yield number, score, passage, normalise_with_offsets(passage.text)

"""How well an index answers a set of questions: recall, MRR, refusals, latency."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from retrieval.datasets import Case
from retrieval.index.index import Index

RECALL_AT = (1, 3, 5)
MRR_AT = 10


@dataclass(frozen=True)
class Evaluation:
    questions: int
    passages: int
    answerable: int
    recall: dict[int, float]
    mrr: float
    refused: int
    """Answerable questions that got no answer."""
    unanswerable: int
    answered_unanswerable: int
    """Unanswerable questions that got an answer anyway."""
    latency_ms: dict[str, float]

    def as_dict(self) -> dict[str, object]:
        return {
            "questions": self.questions,
            "passages": self.passages,
            "answerable": self.answerable,
            **{f"recall@{k}": round(v, 4) for k, v in self.recall.items()},
            f"mrr@{MRR_AT}": round(self.mrr, 4),
            "no_answer": self.refused,
            "unanswerable": self.unanswerable,
            "unanswerable_answered": self.answered_unanswerable,
            **{f"latency_{name}_ms": round(v, 3) for name, v in self.latency_ms.items()},
        }


def _rank(hits: list[str], expect: str) -> int | None:
    return next((rank for rank, text in enumerate(hits, start=1) if expect in text), None)


def evaluate(
    index: Index,
    cases: tuple[Case, ...],
    prepare: Callable[[str], str] = str,
    recall_at: tuple[int, ...] = RECALL_AT,
) -> Evaluation:
    """Ask every case's question (after ``prepare``) and score the ranked passages."""
    depth = max(*recall_at, MRR_AT)
    ranks: list[int | None] = []
    refused = answered_unanswerable = 0
    latencies = []
    for case in cases:
        question = prepare(case.question)
        started = time.perf_counter()
        answer = index.search(question, depth)
        latencies.append((time.perf_counter() - started) * 1000)
        if case.expect is None:
            answered_unanswerable += answer.found
            continue
        refused += not answer.found
        ranks.append(_rank([h.passage.text for h in answer.hits], case.expect))
    answerable = len(ranks)
    found = [r for r in ranks if r is not None]
    recall = {k: sum(r <= k for r in found) / answerable if answerable else 0.0 for k in recall_at}
    mrr = sum(1 / r for r in found if r <= MRR_AT) / answerable if answerable else 0.0
    timings = np.asarray(latencies)
    return Evaluation(
        questions=len(cases),
        passages=len(index.passages),
        answerable=answerable,
        recall=recall,
        mrr=mrr,
        refused=refused,
        unanswerable=len(cases) - answerable,
        answered_unanswerable=answered_unanswerable,
        latency_ms={
            "p50": float(np.percentile(timings, 50)),
            "p95": float(np.percentile(timings, 95)),
        },
    )

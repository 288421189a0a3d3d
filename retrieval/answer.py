"""What the answering core returns: a question and its ranked hits."""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.passage import Passage


@dataclass(frozen=True)
class Hit:
    """One passage that answers, with why it was chosen.

    ``matched`` holds the question's terms found in the passage, as they are
    written in the passage, and ``marks`` their (start, end) character spans;
    ``sentence`` is the span of the sentence that best matches the question.
    """

    rank: int
    score: float
    passage: Passage
    matched: tuple[str, ...]
    marks: tuple[tuple[int, int], ...]
    sentence: tuple[int, int]


@dataclass(frozen=True)
class Answer:
    """The ranked hits for one question; no hits means no answer."""

    question: str
    hits: tuple[Hit, ...]

    @property
    def found(self) -> bool:
        return bool(self.hits)

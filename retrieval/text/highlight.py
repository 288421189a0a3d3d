"""Where a passage answers: the question's terms in it, and its best sentence."""

from __future__ import annotations

import math
import operator
from bisect import bisect_right
from collections.abc import Callable, Collection
from dataclasses import dataclass

from retrieval.documents.splitter import sentences
from retrieval.text.spans import Term

_PLACE = operator.itemgetter(1, 2)  # a Term's (start, end)


@dataclass(frozen=True)
class Highlight:
    matched: tuple[str, ...]
    marks: tuple[tuple[int, int], ...]
    sentence: tuple[int, int]


def highlight(
    text: str, spans: list[Term], question: Collection[str], weight: Callable[[str], float]
) -> Highlight:
    """The merged spans of ``text`` whose terms are in ``question``, their
    distinct surface forms, and the sentence holding the most question weight."""
    hits = sorted((t for t in spans if t.text in question), key=_PLACE)
    marks: list[tuple[int, int]] = []
    for term in hits:
        if marks and term.start <= marks[-1][1]:
            marks[-1] = (marks[-1][0], max(marks[-1][1], term.end))
        else:
            marks.append((term.start, term.end))
    matched = tuple(dict.fromkeys(text[start:end] for start, end in marks))
    parts = sentences(text)
    starts = [start for start, _ in parts]
    inside: list[set[str]] = [set() for _ in parts]  # each sentence's terms
    for term in hits:
        place = bisect_right(starts, term.start) - 1
        if place >= 0 and term.end <= parts[place][1]:  # else it spans a sentence end: in none
            inside[place].add(term.text)
    best, best_weight = (0, len(text)), 0.0
    for span, terms in zip(parts, inside, strict=True):
        if not terms:
            continue
        total = math.fsum(weight(t) for t in terms)  # exact: the same whatever the set's order
        if total > best_weight:
            best, best_weight = span, total
    start, end = best
    while start < end and text[start].isspace():
        start += 1
    return Highlight(matched=matched, marks=tuple(marks), sentence=(start, end))

"""Second stage: the best passages by BM25, reordered by where the question's words fall.

BM25 counts a passage's terms wherever they are. A passage that answers a
question usually holds most of its terms, and its words together in one
sentence; a passage that only shares its topic does not. The best ``POOL``
passages by BM25 (an exact top-n) are reordered by

    score + best score × (SENTENCE × the share of the question's word weight in its best sentence
                          + COVERAGE × the share of the question's term weight it holds)

each word or term weighing its idf in the index (``BM25Index.term_weights``),
and the text matched as normalised. Passages beyond the pool keep BM25's order
after them (their scores are no higher).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence

from retrieval.documents.splitter import sentences

POOL = 10
SENTENCE = 1.0
COVERAGE = 1.0


def coverage(text: str, weights: Mapping[str, float]) -> float:
    """The share (0..1) of ``weights``' total that the terms in ``text`` hold."""
    total = sum(weights.values())
    return sum(w for term, w in weights.items() if term in text) / total if total > 0 else 0.0


def best_sentence(text: str, weights: Mapping[str, float]) -> float:
    """The largest share (0..1) of ``weights``' total that one sentence of ``text`` holds."""
    total = sum(weights.values())
    present = [(term, w) for term, w in weights.items() if term in text]
    if total <= 0 or not present:
        return 0.0
    spans = sentences(text)
    starts = [start for start, _ in spans]
    held = [0.0] * len(spans)  # each sentence's weight, added in ``weights``' order
    for term, weight in present:  # one pass: where each term is, not each sentence searched
        inside = set()
        at = text.find(term)
        while at >= 0:
            place = bisect_right(starts, at) - 1
            if at + len(term) <= spans[place][1]:
                inside.add(place)
            at = text.find(term, at + 1)
        for place in inside:
            held[place] += weight
    return max(held) / total


def reorder(
    texts: Sequence[str], scores: Sequence[float], terms: Mapping[str, float], words: Mapping[str, float]
) -> list[tuple[int, float]]:
    """The pool (``texts``, normalised, with their BM25 ``scores``) reordered:
    each one's place in the pool and its new score, best first (ties in pool order)."""
    if not scores:
        return []
    best = max(scores)
    rescored = [
        (place, score + best * (SENTENCE * best_sentence(text, words) + COVERAGE * coverage(text, terms)))
        for place, (text, score) in enumerate(zip(texts, scores, strict=True))
    ]
    return sorted(rescored, key=lambda item: (-item[1], item[0]))

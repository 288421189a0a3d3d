"""Where a question's terms sit in a passage, for highlighting.

Pure string work on normalised text: words are where indexing's cut points
(``Tokenizer.terms_and_cuts``) say, so jieba need not run again; bigrams are
found with ``str.find``, one wanted bigram at a time.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import NamedTuple

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


class Term(NamedTuple):
    """A term and the span of the original text it came from (a tuple: a passage's
    dozens are made twice as fast as a frozen dataclass's)."""

    text: str
    start: int
    end: int


def words_at_cuts(
    text: str, cuts: Sequence[int], wanted: Collection[str] | None, term_of: Callable[[str], str | None]
) -> Iterable[Term]:
    """The words of ``text`` (cut at ``cuts``) with their terms, in order; only
    those whose terms are ``wanted``, if given. ``term_of`` gives a word's term
    (an English word's is its stem), or None when it is no term (a stopword)."""
    english = wanted is not None and any(term.isascii() for term in wanted)
    if wanted is not None and not english:
        yield from sorted(_found_at_cuts(text, cuts, wanted, term_of), key=operator.itemgetter(1))  # by start
        return
    for start, end in itertools.pairwise(cuts):
        word = text[start:end]
        if wanted is None or word in wanted or (english and word.isascii()):
            term = term_of(word)
            if term is not None and (wanted is None or term in wanted):
                yield Term(term, start, end)


def _found_at_cuts(
    text: str, cuts: Sequence[int], wanted: Collection[str], term_of: Callable[[str], str | None]
) -> Iterable[Term]:
    """``words_at_cuts`` when no term wanted is English, in no order: each wanted word
    found with ``str.find`` where a word starts and ends with no cut inside it (a passage has
    about a hundred words, a question a few dozen terms)."""
    boundaries = set(cuts)
    for word in wanted:
        at = text.find(word) if word else -1
        if at < 0:
            continue
        term = term_of(word)
        if term is None or term not in wanted:
            continue
        size = len(word)
        while at >= 0:
            end = at + size  # a word if a cut is at each end and none inside (else two words)
            if (
                at in boundaries
                and end in boundaries
                and (size == 1 or boundaries.isdisjoint(range(at + 1, end)))
            ):
                yield Term(term, at, end)
            at = text.find(word, at + 1)


def bigrams(text: str, wanted: Collection[str] | None) -> Iterable[Term]:
    """The CJK character bigrams of ``text`` (only those in ``wanted``, if given)."""
    if wanted is None:
        for run in _CJK.finditer(text):
            for i in range(run.start(), run.end() - 1):
                yield Term(text[i : i + 2], i, i + 2)
        return
    for bigram in wanted:
        if len(bigram) == 2 and _CJK.fullmatch(bigram):
            at = text.find(bigram)
            while at >= 0:
                yield Term(bigram, at, at + 2)
                at = text.find(bigram, at + 1)

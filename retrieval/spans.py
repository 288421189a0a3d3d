"""Where a question's terms sit in a passage, for highlighting.

Pure string work on normalised text: words are found where indexing's cut
points (``Tokenizer.terms_and_cuts``) say a word starts and ends, bigrams
wherever they occur; ``str.find`` walks the text for each wanted term, so a
passage costs its question's terms, not its words.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@dataclass(frozen=True)
class Term:
    """A term and the span of the original text it came from."""

    text: str
    start: int
    end: int


def words_at_cuts(
    text: str, cuts: Sequence[int], wanted: Collection[str], term_of: Callable[[str], str | None]
) -> Iterable[Term]:
    """The words of ``text`` (cut at ``cuts``) whose terms are ``wanted``;
    ``term_of`` gives a word's term, or None when it is no term (a stopword)."""
    following = dict(itertools.pairwise(cuts))
    words = [term for term in wanted if not term.isascii()]
    for word in words:
        at = text.find(word)
        while at >= 0:
            if following.get(at) == at + len(word) and term_of(word) == word:
                yield Term(word, at, at + len(word))
            at = text.find(word, at + 1)
    if len(words) < len(wanted):  # English: a word's term is its stem, look at every ASCII word
        for start, end in following.items():
            if text[start].isascii():
                term = term_of(text[start:end])
                if term is not None and term.isascii() and term in wanted:
                    yield Term(term, start, end)


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

"""Highlighting: the question's words found at the passage's cuts, and its best sentence,
each judged against the straightforward way (every word and every sentence looked at)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Collection, Iterable, Sequence

from hypothesis import example, given
from hypothesis import strategies as st

from retrieval.documents.splitter import sentences
from retrieval.text.highlight import Highlight, highlight
from retrieval.text.spans import Term, words_at_cuts

_PIECES = ["沧", "州", "沧州", "河", "院长", "。", "!", " ", "\n", "」", "ab", "a"]


def _words_at_each_cut(
    text: str, cuts: Sequence[int], wanted: Collection[str], term_of: Callable[[str], str | None]
) -> Iterable[Term]:
    """Every word between two cuts looked at, in order."""
    english = any(term.isascii() for term in wanted)
    for start, end in itertools.pairwise(cuts):
        word = text[start:end]
        if word in wanted or (english and word.isascii()):
            term = term_of(word)
            if term is not None and term in wanted:
                yield Term(term, start, end)


def _term_of(word: str) -> str | None:
    """Drops 河 and spaces, stands 院长 for 院 (a term other than the word), keeps the rest."""
    return None if word.strip() in ("河", "") else {"院长": "院"}.get(word, word)


@st.composite
def _cut_text(draw: st.DrawFn) -> tuple[str, list[int]]:
    """A text and its cuts: 0, its length, and most places between its pieces, a few others."""
    pieces = draw(st.lists(st.sampled_from(_PIECES), max_size=25))
    text = "".join(pieces)
    between = list(itertools.accumulate(map(len, pieces)))
    inner = {at for at in between if draw(st.integers(0, 4))}
    if len(text) > 1:
        inner |= draw(st.sets(st.integers(1, len(text) - 1), max_size=3))
    return text, sorted({0, len(text), *inner})


@given(_cut_text(), st.lists(st.sampled_from([*_PIECES, "州河", "沧州河", "院", "a a", ""]), unique=True))
@example(("沧州沧州", [0, 1, 2, 4]), ["沧州", "沧"]).via("a word cut in two is no word")
@example(("州沧", [0, 1, 2]), ["沧", "州"]).via("found in the text's order, not the question's")
@example(("院长河", [0, 2, 3]), ["院长"]).via("a word whose term is not wanted")
def test_words_are_found_at_cuts_as_looking_at_every_word_finds_them(
    cut: tuple[str, list[int]], wanted: list[str]
) -> None:
    text, cuts = cut
    asked = dict.fromkeys(wanted)  # in this order
    expected = list(_words_at_each_cut(text, cuts, asked, _term_of))
    assert list(words_at_cuts(text, cuts, asked, _term_of)) == expected


def _highlight_searching_each(
    text: str, spans: list[Term], question: Collection[str], weight: Callable[[str], float]
) -> Highlight:
    """The straightforward highlight: every sentence searched for every span."""
    hits = sorted((t for t in spans if t.text in question), key=lambda t: (t.start, t.end))
    marks: list[tuple[int, int]] = []
    for term in hits:
        if marks and term.start <= marks[-1][1]:
            marks[-1] = (marks[-1][0], max(marks[-1][1], term.end))
        else:
            marks.append((term.start, term.end))
    matched = tuple(dict.fromkeys(text[start:end] for start, end in marks))
    best, best_weight = (0, len(text)), 0.0
    for start, end in sentences(text):
        inside = {t.text for t in hits if start <= t.start and t.end <= end}
        total = math.fsum(weight(t) for t in inside)
        if total > best_weight:
            best, best_weight = (start, end), total
    start, end = best
    while start < end and text[start].isspace():
        start += 1
    return Highlight(matched=matched, marks=tuple(marks), sentence=(start, end))


@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join), st.data())
@example("沧州。河州", [Term("沧州。河", 0, 4), Term("州", 4, 5)]).via("a span across a sentence end")
def test_the_best_sentence_is_found_in_one_pass_as_searching_each_finds_it(
    text: str, data: st.DataObject | list[Term]
) -> None:
    if isinstance(data, list):
        spans = data
    else:
        at = st.integers(0, max(len(text) - 1, 0))
        span = st.tuples(at, st.integers(1, 4)).map(lambda s: (s[0], min(s[0] + s[1], len(text))))
        places = data.draw(st.lists(span, max_size=12)) if text else []
        spans = [Term(text[start:end], start, end) for start, end in places]
    weights = {t.text: 1.0 + len(t.text) % 3 for t in spans}  # whole numbers: sums exact either way
    question = set(list(weights)[::2]) | {"州"}
    expected = _highlight_searching_each(text, spans, question, lambda t: weights.get(t, 0.0))
    assert highlight(text, spans, question, lambda t: weights.get(t, 0.0)) == expected

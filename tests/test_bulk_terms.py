"""Indexing's bulk path gives the terms, counts and postings of the one-text-at-a-time path.

Documents are indexed a document at a time: n-grams found as code points in NumPy
(``retrieval.store.ngrams``), keyed arithmetically (``termkeys.gram_keys``) and counted
from keys (``TermCounts.of_keys``). Each is judged here against the plain path that
questions and small builds take: ``Tokenizer.terms`` (strings), ``term_key`` (FNV-1a
one character at a time) and ``TermCounts.count`` with ``Postings.build``.
"""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from retrieval.documents.outline import ends_sentence
from retrieval.documents.plaintext import looks_like_heading, width
from retrieval.documents.reader import read_document
from retrieval.index.index import passage_terms
from retrieval.index.postings import Postings
from retrieval.index.termcounts import TermCounts
from retrieval.index.termkeys import gram_keys, term_key, term_keys
from retrieval.store.counting import count_document
from retrieval.store.ngrams import grams
from retrieval.store.piecekeys import PieceTable, piece_table
from retrieval.text.cuts import Cuts
from retrieval.text.tokenizer import DEFAULT_STOPWORDS, Tokenizer, load_stopwords
from tests.conftest import SEED

# Chinese characters (stopwords among them: 的 是 在 了 和, 一个 这个 什么), the edges of the ranges whose
# characters and bigrams are terms (U+3400, U+4DBF, U+4E00, U+9FFF, U+F900, U+FAFF) and just
# outside them, letters, digits, punctuation, spaces and line breaks, full-width forms, emoji, NUL
# (what the piece table joins pieces with).
_ALPHABET = st.sampled_from(
    [
        *"的是在了和一个这什么沧州中院长头雁培育龙凤体常组织力滄閆傑院長",
        *"\u3400\u4dbf\u4dc0\u4e00\u9fff\ua000\uf900\ufaff\ufb00\u33ff",
        *"abcXYZ09-_. ，。！？、“”（） \n\t·ＡＢ１😀𠀀\x00",
    ]
)
_TEXTS = st.lists(st.text(_ALPHABET, max_size=40), max_size=6)


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer(stopwords=load_stopwords(DEFAULT_STOPWORDS))


def _as_strings(first: np.ndarray, second: np.ndarray) -> list[str]:
    return [chr(a) + (chr(b) if b else "") for a, b in zip(first.tolist(), second.tolist(), strict=True)]


def _bulk_terms_and_cuts(table: PieceTable, tokenizer: Tokenizer, texts: list[str]) -> None:
    """The bulk path's terms (as keys) and cuts of ``texts`` are ``terms_and_cuts``'s."""
    cut = tokenizer.bulk_pieces(texts)
    found = table.of(cut.pieces)
    ngrams = grams(cut.normalised, tokenizer.stopwords)
    owner = np.repeat(np.arange(len(texts)), cut.counts)
    words = found.keys[found.kept].tolist()
    words_owner = owner[found.kept].tolist()
    gram_owner = ngrams.text.tolist()
    strings = _as_strings(ngrams.first, ngrams.second)
    expected_cuts = []
    for number, text in enumerate(texts):
        terms, cuts = tokenizer.terms_and_cuts(text)
        mine = [key for key, o in zip(words, words_owner, strict=True) if o == number]
        mine += [term_key(gram) for gram, o in zip(strings, gram_owner, strict=True) if o == number]
        assert Counter(mine) == Counter(term_key(term) for term in terms)
        expected_cuts.append(cuts)
    packed = Cuts.pack(expected_cuts)
    bulk = Cuts.of_pieces(found.lengths, np.array(cut.counts, dtype=np.int64))
    assert bulk.bits.tolist() == packed.bits.tolist()
    assert bulk.ends.tolist() == packed.ends.tolist()
    assert bulk.ends.dtype == packed.ends.dtype and bulk.bits.dtype == packed.bits.dtype


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_bulk_pieces_give_each_texts_terms_and_cuts(tokenizer: Tokenizer, texts: list[str]) -> None:
    _bulk_terms_and_cuts(piece_table(tokenizer), tokenizer, texts)


@pytest.mark.parametrize("limit", [3, 40])  # emptied before most documents, or now and then
@settings(max_examples=100, deadline=None)
@given(documents=st.lists(_TEXTS, min_size=1, max_size=4))
def test_a_small_piece_table_gives_the_terms(
    tokenizer: Tokenizer, limit: int, documents: list[list[str]]
) -> None:
    table = PieceTable(tokenizer, limit=limit)  # few slots: many pieces go to the sorted list
    for texts in documents:
        _bulk_terms_and_cuts(table, tokenizer, texts)


@given(st.lists(st.lists(st.integers(0, 20), max_size=6), max_size=6))
def test_cuts_of_pieces_are_the_cuts_packed_text_by_text(texts: list[list[int]]) -> None:
    expected = Cuts.pack([[0, *itertools.accumulate(lengths)] for lengths in texts])
    cuts = Cuts.of_pieces(
        np.array([n for lengths in texts for n in lengths], dtype=np.int64),
        np.array([len(lengths) for lengths in texts], dtype=np.int64),
    )
    assert cuts.bits.tolist() == expected.bits.tolist()
    assert cuts.ends.tolist() == expected.ends.tolist()


def test_without_ngrams_a_document_is_counted_by_its_words() -> None:
    plain = Tokenizer(char_ngrams=False)
    document = read_document(SEED, SEED.parent, 400)
    indexed = count_document(document, plain)
    expected = TermCounts.count([plain.terms(passage.text) for passage in document.passages])
    _same_postings(Postings.build(indexed.fields[0]), Postings.build(expected))


@given(st.lists(st.tuples(st.integers(1, 0x10FFFF), st.integers(0, 0x10FFFF)), max_size=30))
def test_gram_keys_are_the_term_keys_of_the_characters(pairs: list[tuple[int, int]]) -> None:
    first = np.array([a for a, _ in pairs], dtype=np.uint32)
    second = np.array([b for _, b in pairs], dtype=np.uint32)
    strings = [chr(a) + (chr(b) if b else "") for a, b in pairs]
    assert gram_keys(first, second).tolist() == [term_key(s) for s in strings]


def _same_postings(a: Postings, b: Postings) -> None:
    for name in ("keys", "indptr", "ids", "splits", "tf", "maxtf", "lengths"):
        assert getattr(a, name).dtype == getattr(b, name).dtype, name
        assert getattr(a, name).tolist() == getattr(b, name).tolist(), name


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "沧州", "州", "x" * 30, "é"]), max_size=8), max_size=6))
def test_counting_keys_gives_the_postings_of_counting_terms(corpus: list[list[str]]) -> None:
    flat = [term for terms in corpus for term in terms]
    rows = np.repeat(np.arange(len(corpus)), [len(terms) for terms in corpus])
    counted = TermCounts.of_keys(term_keys(flat), rows, len(corpus))
    counted.check()
    expected = TermCounts.count(corpus)
    assert counted.lengths.tolist() == expected.lengths.tolist()
    assert counted.counts.dtype == expected.counts.dtype
    _same_postings(Postings.build(counted), Postings.build(expected))


def test_a_document_is_counted_as_its_passages_terms_are(tokenizer: Tokenizer) -> None:
    document = read_document(SEED, SEED.parent, 400)
    assert len({(p.title, p.heading) for p in document.passages}) > 1  # several contexts, shared
    indexed = count_document(document, tokenizer)
    terms = [passage_terms(tokenizer, passage) for passage in document.passages]
    for field, counted in enumerate(indexed.fields):
        expected = TermCounts.count([t[field] for t in terms])
        assert counted.lengths.tolist() == expected.lengths.tolist()
        _same_postings(Postings.build(counted), Postings.build(expected))
    cuts = Cuts.pack([tokenizer.terms_and_cuts(passage.text)[1] for passage in document.passages])
    assert indexed.cuts.bits.tolist() == cuts.bits.tolist()
    assert indexed.cuts.ends.tolist() == cuts.ends.tolist()


@given(st.text(st.sampled_from([*"标题沧州ab，。：1 😀\u3000"]), max_size=80))
@example("a" * 60)  # as long as a heading may be wide
@example("a" * 61)
@example("标" * 30)
@example("标" * 30 + "a")  # short, one column too wide
@example(" 标题 ")
def test_a_heading_is_a_line_at_most_sixty_columns_wide(line: str) -> None:
    stripped = line.strip()
    expected = (
        0 < width(stripped) <= 60
        and not ends_sentence(stripped)
        and stripped[-1] not in "，,、：:"
        and any(c.isalpha() for c in stripped)
    )
    assert looks_like_heading(line) == expected

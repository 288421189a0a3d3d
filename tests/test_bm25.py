"""The sparse BM25 ranks exactly as rank-bm25 does on the same tokens."""

from __future__ import annotations

import numpy as np
import pytest
import rank_bm25
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from retrieval.config import BM25Params
from retrieval.index import bm25, postings, splicing, topn
from retrieval.index.bm25 import BM25Index
from retrieval.index.postings import Postings
from retrieval.index.termcounts import TermCounts
from retrieval.index.termkeys import term_key, term_keys
from retrieval.index.updating import updated
from tests import topn_numpy

WORDS = st.sampled_from(list("abcdefghijklmnopqrstuvwxyz"))
CORPUS = st.lists(st.lists(WORDS, min_size=1, max_size=15), min_size=4, max_size=40)
QUERY = st.lists(st.sampled_from(list("abcdefghijklmnopqrstuvwxyz0")), min_size=1, max_size=6)


@pytest.fixture(autouse=True, params=[1 << 16, 4], ids=["one-segment", "segments-of-4"])
def segment(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs with 16-bit passage ids in one segment and in many tiny ones."""
    monkeypatch.setattr(postings, "SEGMENT", request.param)


REFERENCE = {"plus": rank_bm25.BM25Plus, "l": rank_bm25.BM25L, "okapi": rank_bm25.BM25Okapi}


def dense(index: BM25Index, query: list[str]) -> np.ndarray:
    found = index.score(query)
    scores = np.zeros(index.size)
    scores[found.passages] = found.scores
    return scores


# The shipped defaults (BM25_K1, BM25_B), rank-bm25's own, and two far from both.
K1_B = [(1.2, 0.75), (1.5, 0.75), (0.5, 0.2), (2.5, 1.0)]


def okapi_as_documented(reference: rank_bm25.BM25Okapi, corpus: list[list[str]]) -> None:
    """rank-bm25's Okapi with the one difference ``bm25.py`` documents: an idf of zero
    or below (a term in half the passages or more) is floored at epsilon x the mean
    idf, or at epsilon when that mean is not positive (rank-bm25 keeps a zero idf,
    and floors at epsilon x a mean of zero or below)."""
    n = len(corpus)
    for term in reference.idf:
        df = sum(term in passage for passage in corpus)  # counted here, not taken from either
        if np.log(n - df + 0.5) - np.log(df + 0.5) <= 0:
            mean = reference.average_idf
            reference.idf[term] = reference.epsilon * mean if mean > 0 else reference.epsilon


@settings(max_examples=300, deadline=None)
@given(
    corpus=CORPUS,
    query=QUERY,
    variant=st.sampled_from(["plus", "l", "okapi"]),
    k1_b=st.sampled_from(K1_B),
)
def test_scores_match_rank_bm25_up_to_a_constant(
    corpus: list[list[str]], query: list[str], variant: str, k1_b: tuple[float, float]
) -> None:
    k1, b = k1_b
    reference = REFERENCE[variant](corpus, k1=k1, b=b)
    if variant == "okapi":
        # The mean idf is a sum of logs that may cancel: zero up to rounding (hypothesis
        # found 7e-18), where which side of zero it lands on is rounding's choice.
        assume(abs(reference.average_idf) > 1e-9)
        okapi_as_documented(reference, corpus)
    index = BM25Index(
        corpus, BM25Params(variant=variant, k1=k1, b=b, delta=reference.__dict__.get("delta", 1.0))
    )
    expected = reference.get_scores(query)
    matching = np.array([bool(set(query) & set(passage)) for passage in corpus])
    ours = dense(index, query)
    if variant != "okapi":  # Plus and L add a constant per question term to every passage
        if not matching.all():
            expected = expected - expected[~matching].max()
        else:
            expected = expected - (expected.min() - ours.min())
    assert np.allclose(ours[matching], expected[matching], rtol=1e-4, atol=1e-4)
    assert not ours[~matching].any()


def test_remembered_terms_start_afresh_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bm25, "_MEMO_SIZE", 3)
    corpus = [["a", "b"], ["c", "d"], ["a", "e"]]
    index, fresh = BM25Index(corpus), BM25Index(corpus)
    for query in (["a", "b"], ["c", "d"], ["a", "e", "z"], ["b", "c", "d", "e"]):
        got = index.score(query)
        want = BM25Index(corpus).score(query)
        assert got.passages.tolist() == want.passages.tolist()
        assert got.scores.tolist() == want.scores.tolist()
    assert fresh.term_weights(["a", "z"]) == index.term_weights(["a", "z"])


def test_term_frequencies_and_weights_by_hand() -> None:
    """How many passages hold each term, and its smoothed idf ln((N + 1) / (df + 0.5)):
    positive even for a term in every passage, largest for a term in none."""
    index = BM25Index([["a", "b"], ["a", "a"], ["c"]])
    assert index.frequencies(["a", "z", "c", "a"]) == [2, 0, 1, 2]
    weights = index.term_weights(["a", "z", "c", "a"])
    assert list(weights) == ["a", "z", "c"]  # each distinct term once, in the question's order
    assert weights == pytest.approx({"a": np.log(4 / 2.5), "z": np.log(4 / 0.5), "c": np.log(4 / 1.5)})
    assert BM25Index([["a"], ["a"]]).term_weights(["a"])["a"] == pytest.approx(np.log(3 / 2.5))


def test_a_question_of_many_terms_is_looked_up_as_a_short_one_is() -> None:
    words = [f"w{i}" for i in range(100)]
    corpus = [words[i : i + 10] for i in range(0, 100, 5)]  # each word in one or two passages
    terms = [*words, "unknown", "w5"]
    counts = [sum(term in passage for passage in corpus) for term in terms]
    assert BM25Index(corpus).frequencies(terms) == counts
    assert [BM25Index(corpus).frequencies([t]) for t in terms] == [[c] for c in counts]


def test_passages_without_a_question_term_are_never_candidates() -> None:
    index = BM25Index([["a", "b"], ["c"], ["a", "a"]], BM25Params())
    found = index.score(["a", "z"])
    assert sorted(found.passages.tolist()) == [0, 2]
    for nothing in (["z"], []):
        found = index.score(nothing)
        assert found.passages.size == 0 and found.scores.size == 0


# --- Postings, exact top-n with pruning, incremental updates ---------------------------------

SKEWED = st.sampled_from(list("aaaaaaaaaaaabbbbbbbbcccccddddeeefghijklmnopq"))
SKEWED_CORPUS = st.lists(st.lists(SKEWED, min_size=0, max_size=12), min_size=1, max_size=60)
SKEWED_QUERY = st.lists(st.sampled_from(list("aabbcdefghijklmnopqz")), min_size=1, max_size=8)


def brute_scores(fields: list[tuple[BM25Index, float]], query: list[str]) -> np.ndarray:
    scores = np.zeros(fields[0][0].size)
    for index, weight in fields:
        found = index.score(query)
        scores[found.passages] += weight * found.scores
    return scores


def top(fields: list[tuple[BM25Index, float]], query: list[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """``topn.top`` (compiled), after checking it gives what the NumPy version gives, bit for bit."""
    got = topn.top(fields, query, n)
    want = topn_numpy.top(fields, query, n)
    assert got[0].dtype == want[0].dtype and got[1].dtype == want[1].dtype
    assert got[0].tolist() == want[0].tolist() and got[1].tobytes() == want[1].tobytes()
    return got


def assert_exact_top(got: tuple[np.ndarray, np.ndarray], scores: np.ndarray, n: int) -> None:
    """``got`` is the best ``n`` of ``scores`` (> 0), ties by passage; passages
    whose scores differ only by rounding may come in either order."""
    passages, found = got
    matching = np.flatnonzero(scores > 0)
    order = np.lexsort((matching, -scores[matching]))
    want_passages, want_scores = matching[order], scores[matching][order]
    assert passages.size == min(n, matching.size)
    assert np.allclose(found, scores[passages], rtol=1e-9, atol=1e-12)
    assert np.allclose(found, want_scores[:n], rtol=1e-9, atol=1e-12)
    for i in range(passages.size):
        if np.isclose(want_scores, want_scores[i], rtol=1e-9, atol=1e-12).sum() == 1:
            assert passages[i] == want_passages[i]
    ties = found[1:] == found[:-1]
    assert (passages[1:][ties] > passages[:-1][ties]).all()


@pytest.fixture
def tiny_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    """The floor set by the passages of one posting of each field: a passage counted
    twice, or a floor far below the n-th best, are then common."""
    monkeypatch.setattr(topn_numpy, "SAMPLE", 1)


@settings(max_examples=200, deadline=None)
@given(
    corpus=SKEWED_CORPUS,
    context=SKEWED_CORPUS,
    query=SKEWED_QUERY,
    n=st.integers(1, 8),
    variant=st.sampled_from(["plus", "l", "okapi"]),
    tiny=st.booleans(),
)
def test_top_is_the_exact_best_n_over_weighted_fields(
    corpus: list[list[str]],
    context: list[list[str]],
    query: list[str],
    n: int,
    variant: str,
    tiny: bool,
) -> None:
    context = (context * len(corpus))[: len(corpus)]
    params = BM25Params(variant=variant)
    with pytest.MonkeyPatch.context() as patch:
        fields = [(BM25Index(corpus, params), 1.0), (BM25Index(context, params), 0.75)]
        if tiny:
            patch.setattr(topn_numpy, "SAMPLE", 1)
        got = top(fields, query, n)
    assert_exact_top(got, brute_scores(fields, query), n)


@settings(max_examples=200, deadline=None)
@given(corpus=SKEWED_CORPUS, context=SKEWED_CORPUS, query=SKEWED_QUERY, data=st.data())
def test_added_scores_are_what_the_terms_score_for_those_passages(
    corpus: list[list[str]], context: list[list[str]], query: list[str], data: st.DataObject
) -> None:
    """What the pool's common characters add: the full score (rank-bm25's, see above) of
    the passages asked for, in any order, whichever segments they fall in."""
    context = (context * len(corpus))[: len(corpus)]
    fields = [(BM25Index(corpus), 1.0), (BM25Index(context), 0.75)]
    wanted = data.draw(st.lists(st.integers(0, len(corpus) - 1), unique=True, max_size=10))
    passages = np.asarray(wanted, dtype=np.intp)
    added = topn.added_scores(fields, query, passages)
    assert added == pytest.approx(brute_scores(fields, query)[passages], rel=1e-9, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    corpus=SKEWED_CORPUS,
    context=SKEWED_CORPUS,
    query=SKEWED_QUERY,
    variant=st.sampled_from(["plus", "l", "okapi"]),
    data=st.data(),
)
def test_added_scores_are_the_scores_of_the_passages_asked_about(
    corpus: list[list[str]], context: list[list[str]], query: list[str], variant: str, data: st.DataObject
) -> None:
    """What a question's terms add to given passages (distinct, any order, some holding
    no term) over weighted fields: their brute-force scores, in their order."""
    context = (context * len(corpus))[: len(corpus)]
    params = BM25Params(variant=variant)
    fields = [(BM25Index(corpus, params), 1.0), (BM25Index(context, params), 0.75)]
    passages = np.array(data.draw(st.permutations(range(len(corpus)))), dtype=np.int64)
    passages = passages[: data.draw(st.integers(0, len(corpus)))]
    got = topn.added_scores(fields, query, passages)
    assert got.shape == passages.shape
    assert np.allclose(got, brute_scores(fields, query)[passages], rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(corpus=SKEWED_CORPUS, terms=st.lists(st.sampled_from(list("abcdq")), unique=True, max_size=5))
def test_gathered_postings_are_each_terms_passages_in_order(
    corpus: list[list[str]], terms: list[str]
) -> None:
    """Several terms' postings gathered: each term's passages (counted here from the
    corpus), one term after the other, whichever segments the passages fall in."""
    index = BM25Index(corpus)
    lists = index.lists(terms)
    assume(lists)
    gathered = topn_numpy.gathered_ids(lists)
    held = [t for t in terms if any(t in passage for passage in corpus)]
    assert gathered.tolist() == [i for t in held for i, passage in enumerate(corpus) if t in passage]


def test_top_when_a_passage_counted_twice_sets_the_floor_too_high() -> None:
    """The floor is the n-th best score of the passages of the weightiest postings, with
    repeats: the best passage holds both rare terms, so it is counted twice and the floor
    is its score; the second best must still be found."""
    corpus = [["a", "b", "x"], ["a", "x"], ["x"], ["x", "y"], ["y"], ["y"], ["x"], ["b"]]
    fields = [(BM25Index(corpus), 1.0)]
    for n in (1, 2, 3):
        assert_exact_top(top(fields, ["a", "b", "x"], n), brute_scores(fields, ["a", "b", "x"]), n)


@pytest.mark.usefixtures("tiny_sample")
def test_top_breaks_ties_by_passage() -> None:
    corpus = [["x", "a"]] * 3 + [["a"] * 3] * 20 + [["x", "a"]] * 3 + [["b"]] * 30
    index = BM25Index(corpus)
    passages, scores = top([(index, 1.0)], ["x", "a", "a"], 5)
    assert passages.tolist() == [0, 1, 2, 23, 24]
    assert len(set(scores[:5].tolist())) == 1


@pytest.mark.usefixtures("tiny_sample")
def test_top_on_a_larger_skewed_corpus() -> None:
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(400)]
    weights = 1 / np.arange(1, 401) ** 1.1
    weights /= weights.sum()
    corpus = [list(rng.choice(words, size=rng.integers(5, 60), p=weights)) for _ in range(3000)]
    fields = [(BM25Index(corpus), 1.0)]
    for _ in range(60):
        query = [*rng.choice(words, size=rng.integers(1, 12), p=weights).tolist(), str(rng.choice(words))]
        for n in (1, 3, 8):
            assert_exact_top(top(fields, query, n), brute_scores(fields, query), n)


def postings_equal(a: Postings, b: Postings) -> None:
    assert a.keys.tolist() == b.keys.tolist()
    assert a.indptr.tolist() == b.indptr.tolist()
    assert a.passage_ids().tolist() == b.passage_ids().tolist()
    assert a.tf.tolist() == b.tf.tolist()
    assert a.lengths.tolist() == b.lengths.tolist()
    assert (a.maxtf >= b.maxtf).all()  # an update may keep a looser (larger) bound


@settings(max_examples=150, deadline=None)
@given(
    old=st.lists(st.lists(st.lists(SKEWED, max_size=8), min_size=1, max_size=5), min_size=1, max_size=8),
    new=st.lists(st.lists(st.lists(WORDS, max_size=8), min_size=1, max_size=5), max_size=4),
    data=st.data(),
)
def test_update_equals_a_fresh_build(
    old: list[list[list[str]]], new: list[list[list[str]]], data: st.DataObject
) -> None:
    """Documents (lists of passages) dropped, kept and added anywhere give what a rebuild gives."""
    before = Postings.build(TermCounts.count([p for doc in old for p in doc]))
    keep = [data.draw(st.booleans()) for _ in old]
    slots = sorted(data.draw(st.lists(st.integers(0, len(old)), min_size=len(new), max_size=len(new))))
    result: list[list[list[str]]] = []
    remap = np.full(sum(len(d) for d in old), -1, dtype=np.int64)
    added: list[tuple[int, TermCounts]] = []
    start = size = 0
    pending = list(zip(slots, new, strict=True))
    for position in range(len(old) + 1):
        while pending and pending[0][0] == position:
            document = pending.pop(0)[1]
            added.append((size, TermCounts.count(document)))
            result.append(document)
            size += len(document)
        if position < len(old):
            if keep[position]:
                remap[start : start + len(old[position])] = np.arange(size, size + len(old[position]))
                result.append(old[position])
                size += len(old[position])
            start += len(old[position])
    after = updated(before, remap, size, added)
    after.check()
    postings_equal(after, Postings.build(TermCounts.count([p for doc in result for p in doc])))


@settings(max_examples=150, deadline=None)
@given(
    old=st.lists(st.lists(st.lists(SKEWED, max_size=8), min_size=1, max_size=5), min_size=1, max_size=8),
    new=st.lists(st.lists(WORDS, max_size=8), max_size=6),
    data=st.data(),
)
def test_one_document_replaced_is_spliced_as_the_general_update_would(
    old: list[list[list[str]]], new: list[list[str]], data: st.DataObject
) -> None:
    """One document replaced (by more, fewer or no passages) or added: the splice's
    arrays are exactly the general update's, which are a fresh build's."""
    before = Postings.build(TermCounts.count([p for doc in old for p in doc]))
    at = data.draw(st.integers(0, len(old)))
    replaced = at < len(old) and data.draw(st.booleans())
    result = [*old[:at], *([new] if new else []), *old[at + replaced :]]
    a = sum(len(d) for d in old[:at])
    b = a + (len(old[at]) if replaced else 0)
    total = sum(len(d) for d in old)
    remap = np.concatenate([np.arange(a), np.full(b - a, -1), np.arange(b, total) + len(new) - (b - a)])
    added = [(a, TermCounts.count(new))] if new else []
    size = total + len(new) - (b - a)
    assert splicing.block(remap, size, added) is not None
    spliced = updated(before, remap, size, added)
    spliced.check()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(splicing, "block", lambda *_: None)
        general = updated(before, remap, size, added)
    for name in ("keys", "indptr", "ids", "splits", "tf", "maxtf", "lengths"):
        mine, theirs = getattr(spliced, name), getattr(general, name)
        assert mine.dtype == theirs.dtype and mine.tolist() == theirs.tolist(), name
    postings_equal(spliced, Postings.build(TermCounts.count([p for doc in result for p in doc])))


def test_term_keys_are_stable_and_vectorised_like_one_by_one() -> None:
    terms = ["a", "ab", "ba", "沧州", "中院", "x" * 30, "", "é", "𠀋字", "bm25"]
    keys = term_keys(terms)
    assert keys.tolist() == [term_key(t) for t in terms]
    assert len(set(keys.tolist())) == len(terms)
    assert term_key("a") == 0xAF63DC4C8601EC8C  # FNV-1a 64 of "a": the cache depends on it
    assert term_keys(["a" * 40]).tolist() == [term_key("a" * 40)]


def test_check_rejects_inconsistent_postings() -> None:
    built = Postings.build(TermCounts.count([["a", "b"], ["a"]]))
    built.check()
    broken = Postings.of(
        built.keys,
        built.indptr,
        built.passage_ids() + 5,
        built.tf,
        built.maxtf,
        built.lengths,
    )
    with pytest.raises(ValueError, match="do not exist"):
        broken.check()
    counts = TermCounts.count([["a", "b"], ["a"]])
    counts.check()
    with pytest.raises(ValueError):
        TermCounts(
            counts.vocab[::-1].copy(), counts.terms, counts.counts, counts.sizes, counts.lengths
        ).check()


@pytest.mark.parametrize("thorough", [False, True])
def test_check_rejects_segments_out_of_order_without_a_pass_over_the_postings(
    monkeypatch: pytest.MonkeyPatch, thorough: bool
) -> None:
    from retrieval.index import postings as module

    monkeypatch.setattr(module, "SEGMENT", 2)  # 5 passages: 3 segments, 2 split points a term
    built = Postings.build(TermCounts.count([["a", "b"], ["a"], ["a", "c"], ["b"], ["a"]]))
    built.check(thorough)
    a = 0  # "a": in passages 0, 1, 2, 4: its segments start at 0, 2, 3 of its 4 postings
    assert built.splits[a].tolist() == [2, 3]

    def with_splits(row: list[int]) -> Postings:
        splits = built.splits.copy()
        splits[a] = row
        return Postings(built.keys, built.indptr, built.ids, splits, built.tf, built.maxtf, built.lengths)

    for row in ([3, 2], [-1, 3], [2, 5]):  # backwards; before the first posting; past the last
        with pytest.raises(ValueError, match="segments are not in order"):
            with_splits(row).check(thorough)
    keys = built.keys[::-1].copy()
    with pytest.raises(ValueError, match="not sorted"):
        Postings(keys, built.indptr, built.ids, built.splits, built.tf, built.maxtf, built.lengths).check(
            thorough
        )


# Found by a random search against a mutant that pruned with the bound of the list just
# added instead of the lists still to come: the best passage holds a rare term and then
# only common ones, each of which alone could not lift it to the floor.
LIFTED_BY_COMMON_TERMS = [
    "c0", "c2", "c0 c1 c2", "c1 c2", "c0 c1", "c0 c1 c2", "c0 c1", "c0 c1", "c0 c1 c2", "c0 c1",
    "r0 c0 c2", "c1 c2", "r1 c0 c2", "f f f f r1 r1 c3 c3 c4", "f", "c1 c2", "c1 c2", "c1 c2",
    "c0 c2", "c0 c1", "c2", "c1 c2", "c0 c1", "c0 c1 c2 c5", "c0 c1 c2", "f c0 c1 c2 c2 c2 c2 c2 c5",
    "f f f f f c0 c0 c0 c0 c1 c1 c1 c3 c3", "f f f f c0 c2",
    "f f f f f c0 c1 c1 c1 c1 c1 c2 c2 c2 c4 c4 c4 c4 c4",
    "f f f f f c0 c1 c2 c2 c2 c2 c3 c3 c3 c3 c3 c5 c5",
    "f f f f c0 c0 c1 c1 c1 c2 c2 c2 c2 c3 c3 c3 c3 c4 c4 c4 c5 c5 c5 c5",
    "f c0 c0 c0 c2 c2 c5 c5 c5",
    "f f f f f r0 r0 c0 c0 c0 c1 c1 c1 c1 c1 c2 c3 c3 c3 c3 c3 c4 c4 c4",
    "f f f f c0 c0 c0 c1 c1 c1 c1 c1", "f f f c1 c1 c1 c1 c2 c2 c4 c4 c4 c4 c4",
]  # fmt: skip


@pytest.mark.usefixtures("tiny_sample")
def test_top_keeps_a_passage_that_several_common_terms_lift() -> None:
    corpus = [passage.split() for passage in LIFTED_BY_COMMON_TERMS]
    fields = [(BM25Index(corpus), 1.0)]
    query = ["r0", "r1", "r2", "c0", "c1", "c2", "c3", "c4", "c5"]
    for n in (1, 2, 3):
        assert_exact_top(top(fields, query, n), brute_scores(fields, query), n)


@pytest.mark.usefixtures("tiny_sample")
@pytest.mark.parametrize("variant", ["plus", "l", "okapi"])
def test_top_with_a_few_rare_terms_and_many_common_ones(variant: str) -> None:
    """Seeded corpora where a few rare terms decide, and several common ones, repeated
    up to five times in some passages, may lift a passage past them together: the
    top n must stay exact for each variant (BM25L's weights grow with tf)."""
    rng = np.random.default_rng(11)
    for _ in range(40):
        size = int(rng.integers(20, 150))
        corpus = [["f"] * int(rng.integers(1, 6)) for _ in range(size)]
        rare, common = int(rng.integers(1, 4)), int(rng.integers(2, 7))
        for r in range(rare):
            for i in rng.choice(size, size=int(rng.integers(1, 4)), replace=False):
                corpus[i] += [f"r{r}"] * int(rng.integers(1, 3))
        for c in range(common):
            for i in np.flatnonzero(rng.random(size) < rng.uniform(0.2, 0.7)):
                corpus[i] += [f"c{c}"] * int(rng.integers(1, 6))
        query = [f"r{r}" for r in range(rare)] + [f"c{c}" for c in range(common)]
        fields = [(BM25Index(corpus, BM25Params(variant=variant)), 1.0)]
        for n in (1, 3):
            assert_exact_top(top(fields, query, n), brute_scores(fields, query), n)


@pytest.mark.parametrize("variant", ["plus", "l", "okapi"])
def test_an_index_of_no_passages_finds_nothing(variant: str) -> None:
    index = BM25Index([], BM25Params(variant=variant))
    found = index.score(["a"])
    assert index.size == 0 and index.terms == 0 and found.passages.size == 0 == found.scores.size
    assert index.frequencies(["a"]) == [0] and index.term_weights(["a"]) == {
        "a": pytest.approx(np.log(1 / 0.5))
    }
    assert top([(index, 1.0)], ["a"], 3)[0].size == 0


def test_okapi_over_two_passages_finds_the_one_holding_the_term() -> None:
    """Each term in half the passages: rank-bm25's idf of each is 0, and so is their mean;
    bm25.py floors them at epsilon (as documented) so that the passage is still found."""
    index = BM25Index([["a"], ["b"]], BM25Params(variant="okapi"))
    found = index.score(["a"])
    assert found.passages.tolist() == [0] and found.scores[0] > 0


@pytest.mark.parametrize("k1_b", K1_B)
@pytest.mark.parametrize("variant", ["plus", "l", "okapi"])
def test_a_terms_bound_covers_its_heaviest_posting_as_rank_bm25_weighs_it(
    variant: str, k1_b: tuple[float, float]
) -> None:
    """A term's bound (what orders the lists for the top n's floor; MaxScore pruned with
    it before) must be at least what rank-bm25 adds
    for the term to any passage. Here the term's most repeated posting sits in the
    shortest passage, where the bound is reached exactly, so a bound computed for
    passages of average length, or shaved by its rounding margin, falls below it."""
    k1, b = k1_b
    corpus = [["a", "a"], ["a", "b", "c", "d"], ["b", "c", "d", "e", "f"], ["c", "d", "e"]]
    corpus += [["e", "f", "g"], ["f", "g", "h", "c"], ["g", "h"], ["b", "h", "e"]]
    reference = REFERENCE[variant](corpus, k1=k1, b=b)
    if variant == "okapi":
        okapi_as_documented(reference, corpus)
    index = BM25Index(
        corpus, BM25Params(variant=variant, k1=k1, b=b, delta=reference.__dict__.get("delta", 1.0))
    )
    for term in "abcdefgh":
        scores = reference.get_scores([term])
        holding = np.array([term in passage for passage in corpus])
        added = scores[holding] - (scores[~holding].max() if variant == "plus" else 0.0)
        (listed,) = index.lists([term])
        assert listed.bound >= added.max() > 0, term
        if term == "a":  # reached: the bound is no looser than its margin
            assert listed.bound <= added.max() * (1 + 1e-6)


def test_passage_ids_of_a_term_spanning_more_than_127_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    """A term in every one of 300 passages (150 segments of 2) and one after it: each
    posting's passage, as written here, comes back (the segment steps once wrapped at 127)."""
    monkeypatch.setattr(postings, "SEGMENT", 2)
    corpus = [["a"] for _ in range(300)]
    corpus[7].append("b")
    corpus[299].append("b")
    built = Postings.build(TermCounts.count(corpus))
    rows = {"a": list(range(300)), "b": [7, 299]}
    assert built.passage_ids().tolist() == [p for t in sorted(rows, key=term_key) for p in rows[t]]

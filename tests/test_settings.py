"""Each answering setting changes what is answered, read from the environment as a
user sets it, and judged by something other than the code under test: shares
counted in the test, rank-bm25 itself, the README's documented defaults."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import rank_bm25

from bot.settings import load_settings
from retrieval.config import BM25Params, RetrievalConfig
from retrieval.library import Library

MakeDocs = Callable[[dict[str, str | bytes]], Path]

# Made-up words: jieba's dictionary knows none of them, so each weighs the same
# (the dictionary's median) and a question's share is a plain count.
NOTES = "The zorblat and the quixmo met at noon.\n\nA frandle was seen at dusk.\n"
TWO_OF_FIVE = "zorblat quixmo wibbel snarkle plonkit"  # the first passage holds 2 of 5 words: 0.4
ONE_OF_FOUR = "frandle wibbel snarkle plonkit"  # the second holds 1 of 4: 0.25


def library_from(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Library:
    """The library ``qabot`` would serve with these settings in the environment."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Library(load_settings().retrieval())


@pytest.mark.parametrize(
    ("min_match", "answered"),
    [(None, [TWO_OF_FIVE]), ("0.2", [TWO_OF_FIVE, ONE_OF_FOUR]), ("0.5", []), ("0.4", [TWO_OF_FIVE])],
)
def test_min_match_decides_which_questions_are_answered(
    make_docs: MakeDocs, monkeypatch: pytest.MonkeyPatch, min_match: str | None, answered: list[str]
) -> None:
    """Shares 0.4 and 0.25: the shipped 0.3 answers the first only, 0.2 both, 0.5 neither;
    a share equal to MIN_MATCH is enough."""
    env = {"DOCS_DIR": str(make_docs({"notes.txt": NOTES}))}
    if min_match is not None:
        env["MIN_MATCH"] = min_match
    library = library_from(env, monkeypatch)
    assert [q for q in (TWO_OF_FIVE, ONE_OF_FOUR) if library.ask(q, 3).found] == answered


# --- BM25 settings: scores as rank-bm25 computes them with the same parameters -----------------

PASSAGES = [
    "苹果树在春天开花，秋天结果。果农在九月采摘苹果，苹果很甜。",
    "香蕉生长在热带地区。",
    "香蕉富含钾元素，苹果富含维生素，橙子也富含维生素。",
    "赣南脐橙很有名，果农种植脐橙和苹果。",
    "沧州中院院长是闫杰。",
    "葡萄可以酿酒，也可以晒成葡萄干。",
    "太阳从东方升起。",
    "长城是中国古代的军事防御工程。",
    "北京是中国的首都。",
    "熊猫喜欢吃竹子。",
]
QUESTIONS = ["苹果富含什么", "果农种植什么水果", "香蕉生长在哪里", "葡萄酿酒"]
REFERENCE = {"plus": rank_bm25.BM25Plus, "okapi": rank_bm25.BM25Okapi}


@pytest.mark.parametrize(
    ("env", "variant", "k1", "b"),
    [
        ({}, "plus", 1.2, 0.75),  # the shipped defaults, as the README documents them
        ({"BM25_K1": "2.0", "BM25_B": "0.3"}, "plus", 2.0, 0.3),
        ({"BM25_K1": "0.5", "BM25_B": "1"}, "plus", 0.5, 1.0),
        ({"BM25_VARIANT": "okapi"}, "okapi", 1.2, 0.75),
        ({"BM25_VARIANT": "okapi", "BM25_K1": "1.8", "BM25_B": "0"}, "okapi", 1.8, 0.0),
    ],
)
def test_bm25_settings_score_as_rank_bm25_does(
    make_docs: MakeDocs,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    variant: str,
    k1: float,
    b: float,
) -> None:
    """The passages' text field scored with BM25_VARIANT, BM25_K1 and BM25_B from the
    environment equals rank-bm25's scores with those parameters, on the same tokens
    (BM25Plus: up to its constant per question term, which changes no ranking)."""
    folder = make_docs({"fruit.txt": "\n\n".join(PASSAGES) + "\n"})
    library = library_from({"DOCS_DIR": str(folder), **env}, monkeypatch)
    index = library.index
    tokens = [index.tokenizer.terms(p.text) for p in index.passages]
    reference = REFERENCE[variant](tokens, k1=k1, b=b)
    assert min(reference.idf.values()) > 0  # no term in half the passages: no Okapi floor here
    for question in QUESTIONS:
        terms = index.tokenizer.terms(question)
        expected = reference.get_scores(terms)
        found = index.body.score(terms)
        ours = np.zeros(len(tokens))
        ours[found.passages] = found.scores
        matching = np.array([bool(set(terms) & set(t)) for t in tokens])
        if variant == "plus":  # rank-bm25 adds delta x idf of each question term to every passage
            expected = expected - expected[~matching].max()
        assert np.allclose(ours[matching], expected[matching], rtol=1e-9), question
        assert not ours[~matching].any()


def test_char_ngrams_setting_indexes_characters_and_bigrams_or_not(
    make_docs: MakeDocs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``州中`` is no word of 沧州中院 (jieba: 沧州 / 中院), only a bigram of it."""
    folder = make_docs({"a.txt": "沧州中院院长是闫杰。\n"})
    with_ngrams = library_from({"DOCS_DIR": str(folder)}, monkeypatch)
    assert with_ngrams.ask("州中", 3).found
    assert {"沧", "州", "州中", "沧州", "中院"} <= set(with_ngrams.index.tokenizer.terms("沧州中院"))
    without = library_from({"CHAR_NGRAMS": "false"}, monkeypatch)
    assert not without.ask("州中", 3).found
    assert without.index.tokenizer.terms("沧州中院") == ["沧州", "中院"]


def test_the_library_defaults_are_the_shipped_settings(tmp_path: Path) -> None:
    """``RetrievalConfig``'s defaults (what code and tests that build a library
    directly get) are the settings' defaults, which are the README's."""
    shipped = load_settings(docs_dir=tmp_path).retrieval()
    assert shipped == RetrievalConfig(docs_dir=tmp_path, cache_dir=shipped.cache_dir)
    assert shipped.bm25 == BM25Params(variant="plus", k1=1.2, b=0.75)
    assert (shipped.min_coverage, shipped.passage_max_chars, shipped.char_ngrams) == (0.3, 400, True)
    assert shipped.cache_dir is not None


def test_the_seed_fixture_is_served_as_shipped_from_the_cache(seed_library: Library) -> None:
    """The library most tests ask has the shipped settings and the index cache on."""
    config = seed_library.config
    assert config.bm25 == BM25Params(variant="plus", k1=1.2, b=0.75) and config.min_coverage == 0.3
    assert config.cache_dir is not None and list(config.cache_dir.rglob("snapshots/*.qix"))
    assert seed_library.index.cuts is not None  # what a cached index keeps for highlighting


def test_passage_max_chars_stopwords_file_and_user_dict_settings(
    make_docs: MakeDocs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """PASSAGE_MAX_CHARS splits a 60-character paragraph; STOPWORDS_FILE's words are not
    terms; USER_DICT's words are jieba's words."""
    paragraph = "赣南脐橙很有名。" * 6 + "院长说很好吃。" * 2  # 62 characters, 8 sentences
    folder = make_docs({"a.txt": paragraph + "\n"})
    (tmp_path / "stop.txt").write_text("院长\n", encoding="utf-8")
    (tmp_path / "dict.txt").write_text("赣南脐橙 10 n\n", encoding="utf-8")
    shipped = library_from({"DOCS_DIR": str(folder)}, monkeypatch)
    assert [len(p.text) for p in shipped.index.passages] == [62]
    assert "院长" in shipped.index.tokenizer.words(paragraph)
    assert "赣南脐橙" not in shipped.index.tokenizer.words(paragraph)
    env = {"PASSAGE_MAX_CHARS": "40", "STOPWORDS_FILE": str(tmp_path / "stop.txt")}
    changed = library_from({**env, "USER_DICT": str(tmp_path / "dict.txt")}, monkeypatch)
    assert [len(p.text) for p in changed.index.passages] == [40, 22]  # cut at a sentence end
    assert "院长" not in changed.index.tokenizer.words(paragraph)
    assert "赣南脐橙" in changed.index.tokenizer.words(paragraph)


def test_data_dir_defaults_to_xdg_data_home_then_local_share(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert load_settings().data_folder() == tmp_path / "xdg" / "qabot"
    for unset in ("", "relative/path"):
        monkeypatch.setenv("XDG_DATA_HOME", unset)
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        assert load_settings().data_folder() == tmp_path / "home" / ".local" / "share" / "qabot"
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "mine"))
    assert load_settings().data_folder() == tmp_path / "mine"
    monkeypatch.setenv("DATA_DIR", "")
    assert load_settings().data_folder() == tmp_path / "home" / ".local" / "share" / "qabot"


def test_log_retention_days_must_be_a_day_or_more(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import SettingsError

    assert load_settings().log_retention_days == 180 and load_settings().query_log is True
    monkeypatch.setenv("LOG_RETENTION_DAYS", "0")
    with pytest.raises(
        SettingsError, match="setting LOG_RETENTION_DAYS: Input should be greater than or equal to 1"
    ):
        load_settings()

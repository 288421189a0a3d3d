"""The fast segmenter cuts exactly as jieba does (accurate mode, HMM on), with
jieba's dictionary or the compact one."""

from __future__ import annotations

from pathlib import Path

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval import library
from retrieval.config import RetrievalConfig
from retrieval.library import Library
from retrieval.text.tokenizer import DEFAULT_STOPWORDS, Tokenizer, load_stopwords
from tests.conftest import SEED

# Common and rare Chinese characters, letters, digits, jieba's block symbols, punctuation, spaces.
_ALPHABET = st.sampled_from(
    list(
        "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
        "滄州閆傑院長頭雁培育龍鳳體"
        "abcxyzBM25AI09+#&._%-"
        "，。！？、；：“”（）《》 \r\n\t·…—"
    )
)


def _jieba_of(tokenizer: Tokenizer) -> jieba.Tokenizer:
    assert isinstance(tokenizer._dictionary, jieba.Tokenizer)  # not compact
    return tokenizer._dictionary


def _jieba_and_fast(tokenizer: Tokenizer, text: str) -> tuple[list[str], list[str]]:
    return _jieba_of(tokenizer).lcut(text), tokenizer._cutter.cut(text)


@settings(max_examples=400, deadline=None)
@given(st.text(_ALPHABET, max_size=60))
def test_cuts_as_jieba_does(text: str) -> None:
    tokenizer = Tokenizer()
    jieba_words, fast_words = _jieba_and_fast(tokenizer, text)
    assert fast_words == jieba_words
    assert tokenizer._cutter.cut(text) == jieba_words  # again, from what it remembers


def test_cuts_the_seed_article_and_user_words_as_jieba_does(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    jieba_words, fast_words = _jieba_and_fast(Tokenizer(), text)
    assert fast_words == jieba_words
    user_dict = tmp_path / "terms.txt"
    user_dict.write_text("头雁培育 100 n\n沧州中院 5\n闫杰\n", encoding="utf-8")
    with_words = Tokenizer(user_dict=user_dict)
    for sample in (text, "实施头雁培育行动，沧州中院院长闫杰说"):
        jieba_words, fast_words = _jieba_and_fast(with_words, sample)
        assert fast_words == jieba_words
    assert "头雁培育" in with_words._cutter.cut("实施头雁培育行动")


@pytest.fixture(scope="module")
def full_and_compact() -> tuple[Tokenizer, Tokenizer]:
    full, compact = (
        Tokenizer(stopwords=load_stopwords(DEFAULT_STOPWORDS)),
        Tokenizer(stopwords=load_stopwords(DEFAULT_STOPWORDS)),
    )
    compact.compact()
    assert compact.compacted and not full.compacted
    return full, compact


@settings(max_examples=300, deadline=None)
@given(text=st.text(_ALPHABET, max_size=60))
def test_a_compact_dictionary_cuts_and_weighs_as_jiebas(
    full_and_compact: tuple[Tokenizer, Tokenizer], text: str
) -> None:
    full, compact = full_and_compact
    assert compact._cutter.cut(text) == _jieba_of(full).lcut(text)
    assert compact.terms_and_words(text) == full.terms_and_words(text)
    assert compact.spans(text) == full.spans(text)  # without cut points: cut again
    for word in [*full.words(text), "闫杰", "头雁培育", "沧州", "xyz"]:
        assert compact.word_weight(word) == full.word_weight(word)


def test_a_compact_dictionary_keeps_the_user_words(tmp_path: Path) -> None:
    user_dict = tmp_path / "terms.txt"
    user_dict.write_text("头雁培育 100 n\n沧州中院 5\n闫杰\n", encoding="utf-8")
    full, compact = Tokenizer(user_dict=user_dict), Tokenizer(user_dict=user_dict)
    compact.compact()
    text = SEED.read_text(encoding="utf-8")
    for sample in (text, "实施头雁培育行动，沧州中院院长闫杰说"):
        assert compact._cutter.cut(sample) == _jieba_of(full).lcut(sample)
    assert "头雁培育" in compact._cutter.cut("实施头雁培育行动")


def test_a_large_library_keeps_the_dictionary_small(monkeypatch: pytest.MonkeyPatch) -> None:
    questions = ["党支部合并后还剩多少个？", "沧州中院院长是谁", "法官联系人工作机制", "火星上有水吗"]
    usual = Library(RetrievalConfig(docs_dir=SEED.parent))
    monkeypatch.setattr(library, "COMPACT_FROM", 10)  # the seed's 17 passages are "large"
    small = Library(RetrievalConfig(docs_dir=SEED.parent))
    assert not small.index.tokenizer.compacted  # the first answer does not wait for it
    first = small.ask(questions[0], 3)
    small.settle()
    assert small.index.tokenizer.compacted and not usual.index.tokenizer.compacted
    assert [first, *(small.ask(q, 3) for q in questions[1:])] == [usual.ask(q, 3) for q in questions]

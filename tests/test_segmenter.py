"""Both cutters cut exactly as jieba does (accurate mode, HMM on), over jieba's
dictionary mapped from files, with and without a user dictionary: the segmenter
(``retrieval.text.segmenter``, answering questions) and jieba-rs with its
post-pass (``retrieval.text.bulkcutter``, indexing). jieba itself is the judge."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import jieba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jieba import finalseg

from retrieval.text import tokenizer as tokenizer_module
from retrieval.text.bulkcutter import BulkCutter
from retrieval.text.segmenter import Segmenter
from retrieval.text.tokenizer import DEFAULT_STOPWORDS, Tokenizer, load_stopwords
from tests.conftest import SEED

# Common and rare Chinese characters, letters, digits, jieba's block symbols, punctuation, spaces,
# characters outside jieba's blocks: CJK that jieba-rs takes into its blocks (Extension A and B,
# U+9FD6.., compatibility), private use, kana, Hangul, Latin, Cyrillic, emoji, full-width.
_ALPHABET = st.sampled_from(
    list(
        "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
        "滄州閆傑院長頭雁培育龍鳳體常在組織力"
        "abcxyzBM25AI09+#&._%-"
        "，。！？、；：“”（）《》 \r\n\t·…—"
        "㐀㐁鿖鿿豈𠀀𠀁\ue000あア한éЖ😀①ＡＢ１％\u3000"
    )
)
# What jieba-rs cuts differently without the post-pass: letters and digits joined by . _ -,
# characters outside jieba's blocks.
_PROBES = [
    "zh-tw 與 zh-hans 的 1999-2000年 2021-09-07 formula_1 content_29046.html",
    "www.hbfzb.com S.K OK.LIVE 3.2mm 75-80% v2.0.1 a-b-c- -x x- a--b a.b. .5 5.",
    "㐀㐁 𠀀𠀁 鿖鿗 豈更 \ue000\ue000 中\ue000文",
    "常在 他常在家 C++ C# AT&T 100% 50%多",
    "zh-tw\x00zh-tw a\x00-b 1999-\x002000 中\x00文",  # NUL: what bulkcutter joins words with
]
_USER_WORDS = (
    "头雁培育 100 n\n沧州中院 5\n闫杰\n法院 50000\n党建 100 n\n审判 3\n一站式诉讼服务\n组织力 0\n常在 0\n"
)


@pytest.fixture(scope="module")
def reference() -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


@pytest.fixture
def user_words(tmp_path: Path) -> Path:
    path = tmp_path / "terms.txt"
    path.write_text(_USER_WORDS, encoding="utf-8")
    return path


@pytest.fixture
def jieba_with(user_words: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[jieba.Tokenizer]:
    """jieba with the user words; their count-0 words split (jieba keeps those in a
    global set: a fresh one here, so other tests' jieba is untouched)."""
    monkeypatch.setattr(finalseg, "Force_Split_Words", set())
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    with user_words.open("rb") as lines:
        tokenizer.load_userdict(lines)
    yield tokenizer


def _bulk(tokenizer: Tokenizer) -> Tokenizer:
    tokenizer.cut_in_bulk()
    assert isinstance(tokenizer._cutter, BulkCutter)
    return tokenizer


@pytest.fixture(scope="module")
def both() -> tuple[Tokenizer, Tokenizer]:
    segmenter, bulk = Tokenizer(), _bulk(Tokenizer())
    assert isinstance(segmenter._cutter, Segmenter)
    return segmenter, bulk


@settings(max_examples=400, deadline=None)
@given(st.text(_ALPHABET, max_size=60))
def test_cuts_as_jieba_does(reference: jieba.Tokenizer, both: tuple[Tokenizer, Tokenizer], text: str) -> None:
    expected = reference.lcut(text)
    for tokenizer in both:
        assert tokenizer._cutter.cut(text) == expected
        assert tokenizer._cutter.cut(text) == expected  # again, from what it remembers


def test_cuts_the_seed_article_and_what_jieba_rs_cuts_otherwise_as_jieba_does(
    reference: jieba.Tokenizer, both: tuple[Tokenizer, Tokenizer]
) -> None:
    for text in [SEED.read_text(encoding="utf-8"), *_PROBES]:
        for tokenizer in both:
            assert tokenizer._cutter.cut(text) == reference.lcut(text), text


def test_user_words_are_cut_and_weighed_as_jieba_does(user_words: Path, jieba_with: jieba.Tokenizer) -> None:
    text = SEED.read_text(encoding="utf-8")
    samples = [text, "实施头雁培育行动，沧州中院院长闫杰说：组织力常在，一站式诉讼服务", *_PROBES]
    segmenter, bulk = Tokenizer(user_dict=user_words), _bulk(Tokenizer(user_dict=user_words))
    for tokenizer in (segmenter, bulk):
        for sample in samples:
            assert tokenizer._cutter.cut(sample) == jieba_with.lcut(sample), sample
    assert "头雁培育" in segmenter._cutter.cut("实施头雁培育行动")
    for word in ["头雁培育", "沧州中院", "闫杰", "法院", "党建", "审判", "一站式诉讼服务", "组织力", "沧州"]:
        assert segmenter.word_weight(word) == pytest.approx(_weight(jieba_with, word), rel=1e-12), word


def test_a_word_listed_again_counts_in_the_total_each_time(
    tmp_path: Path, reference: jieba.Tokenizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """jieba adds a re-listed word's count to its total each time (jieba-rs would
    not): a total ten times jieba's own makes longer words win more often."""
    listed = tmp_path / "listed.txt"
    listed.write_text("测试 600000000\n" * 10, encoding="utf-8")
    monkeypatch.setattr(finalseg, "Force_Split_Words", set())
    expected = jieba.Tokenizer()
    expected.initialize()
    with listed.open("rb") as lines:
        expected.load_userdict(lines)
    assert expected.total > 10 * reference.total
    text = SEED.read_text(encoding="utf-8")
    assert expected.lcut(text) != reference.lcut(text)  # the total decides some cuts
    for tokenizer in (Tokenizer(user_dict=listed), _bulk(Tokenizer(user_dict=listed))):
        assert tokenizer._cutter.cut(text) == expected.lcut(text)


def test_words_weigh_what_jiebas_counts_say(reference: jieba.Tokenizer) -> None:
    tokenizer = Tokenizer(stopwords=load_stopwords(DEFAULT_STOPWORDS))
    for word in ["沧州", "中院", "院长", "党支部", "法官", "合并", "闫杰", "头雁培育", "xyz"]:
        assert tokenizer.word_weight(word) == pytest.approx(_weight(reference, word), rel=1e-12), word


def test_remembered_weights_are_jiebas_and_bounded(
    reference: jieba.Tokenizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asked again (as a question's characters and bigrams are), a word weighs the same,
    and at most ``_KNOWN_WORDS`` weights are kept."""
    monkeypatch.setattr(tokenizer_module, "_KNOWN_WORDS", 4)
    tokenizer = Tokenizer(stopwords=load_stopwords(DEFAULT_STOPWORDS))
    words = ["沧州", "沧", "中院", "中", "院长", "党支部", "法官", "合并", "闫杰", "头雁培育", "xyz"]
    for word in [*words, *words, *reversed(words)]:
        assert tokenizer.word_weight(word) == pytest.approx(_weight(reference, word), rel=1e-12), word
        assert 0 < len(tokenizer._weights) <= 4


def _weight(jieba_tokenizer: jieba.Tokenizer, word: str) -> float:
    """log(total / count), or log(total / median positive count) for a word jieba does not know."""
    count = jieba_tokenizer.FREQ.get(word)
    if not count:
        counts = np.fromiter(jieba_tokenizer.FREQ.values(), dtype=np.float64)
        count = float(np.median(counts[counts > 0]))
    return math.log(jieba_tokenizer.total / count)

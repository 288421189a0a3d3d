"""render.py without a server: escaping, nesting, the 4096 limit, pages."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.telegram.phrases import EN, ZH
from bot.telegram.render import (
    MESSAGE_LIMIT,
    cut,
    escape,
    inline_message,
    mark_up,
    pack,
    render_hit,
    render_page,
    snippet,
    utf16_len,
    visible_length,
)
from retrieval.answer import Hit
from retrieval.library import Library
from retrieval.passage import Passage

from .telegram_html import parse_html


def make_hit(
    text: str,
    marks: tuple[tuple[int, int], ...] = (),
    sentence: tuple[int, int] | None = None,
    rank: int = 1,
    heading: str = "Install › Linux",
    title: str = "Guide",
) -> Hit:
    passage = Passage(text=text, title=title, heading=heading, source="docs/guide.md", paragraph=3)
    return Hit(rank, 1.0, passage, (), marks, sentence or (0, len(text)))


def plain(markup: str) -> str:
    return parse_html(markup)[0]


def entity_types(markup: str) -> list[str]:
    return [entity["type"] for entity in parse_html(markup)[1]]


def test_escapes_document_text_and_headings() -> None:
    hit = make_hit("a <script>alert(1)</script> & b", heading="<b>x</b> & y", title="T&C")
    [message] = render_hit(hit, EN)
    assert "<script>" not in message
    assert "&lt;script&gt;" in message and "&amp; b" in message
    text = plain(message)
    assert "a <script>alert(1)</script> & b" in text
    assert "《T&C》 › <b>x</b> & y" in text


def test_escapes_the_file_name_in_the_footer() -> None:
    """A file may be named ``Q&A <draft>.md``: its name is text, not markup."""
    text = "Some text."
    passage = Passage(text=text, title="T", heading="", source="notes/Q&A <draft>.md", paragraph=2)
    [message] = render_hit(Hit(1, 1.0, passage, (), (), (0, len(text))), EN)
    shown, entities = parse_html(message)
    footer = [e for e in entities if e["type"] == "italic"]
    assert shown.endswith("\nnotes/Q&A <draft>.md ¶2") and len(footer) == 1
    assert shown[footer[0]["offset"] :] == "notes/Q&A <draft>.md ¶2"


def test_heading_path() -> None:
    assert make_hit("x").passage.heading_path == "《Guide》 › Install › Linux"
    assert make_hit("x", heading="").passage.heading_path == "《Guide》"


def test_best_sentence_underlined_and_terms_bold_nested_inside() -> None:
    text = "First one. Second has apt here. Third."
    start = text.index("Second")
    end = text.index("Third") - 1
    apt = text.index("apt")
    html = mark_up(text, [(apt, apt + 3), (0, 5)], (start, end))
    assert html == "<b>First</b> one. <u>Second has <b>apt</b> here.</u> Third."
    assert plain(html) == text


def test_mark_crossing_the_sentence_edge_stays_well_nested() -> None:
    text = "abc def. ghi"
    html = mark_up(text, [(4, 11)], (0, 8))
    assert html == "<u>abc <b>def.</b></u><b> gh</b>i"
    assert plain(html) == text


def test_whole_passage_sentence_is_not_underlined() -> None:
    assert "<u>" not in mark_up("Only one sentence here.", [(0, 4)], (0, 23))


def test_hit_block_layout() -> None:
    [block] = render_hit(make_hit("Some text.", marks=((0, 4),)), ZH)
    assert block.startswith("<b>1. 《Guide》 › Install › Linux</b>\n<blockquote>")
    assert block.endswith("</blockquote>\n<i>docs/guide.md ¶3</i>")
    assert entity_types(block) == ["bold", "blockquote", "bold", "italic"]


def test_long_passage_is_expandable() -> None:
    short = render_hit(make_hit("x" * 300), EN)[0]
    long = render_hit(make_hit("x" * 301), EN)[0]
    assert "<blockquote>" in short and "<blockquote expandable>" in long
    assert "expandable_blockquote" in entity_types(long)


def test_passage_over_the_limit_is_cut_at_sentence_ends() -> None:
    sentence = "这是一个很长的句子，用来测试分割。"  # 17 characters
    text = sentence * 600  # 10200 characters
    blocks = render_hit(make_hit(text, marks=((2, 4),), sentence=(0, 17)), ZH)
    assert len(blocks) == 3
    texts = []
    for block in blocks:
        shown, _ = parse_html(block)
        assert utf16_len(shown) <= MESSAGE_LIMIT
        assert visible_length(block) == utf16_len(shown)
        quote = shown.split("\n")[1]
        assert quote.endswith("。")  # cut at a sentence end
        texts.append(quote)
    assert "".join(texts) == text
    assert "（续）" in plain(blocks[1]) and "（续）" not in plain(blocks[0])
    assert "¶3" in plain(blocks[-1]) and "¶3" not in plain(blocks[0])


def test_sentence_longer_than_the_limit_is_cut_anywhere() -> None:
    text = "😀" * 5000  # 10000 UTF-16 units, no sentence end
    blocks = render_hit(make_hit(text), EN)
    assert all(visible_length(block) <= MESSAGE_LIMIT for block in blocks)
    assert "".join(plain(b).split("\n")[1] for b in blocks) == text


def test_pack_keeps_blocks_whole_and_within_the_limit() -> None:
    blocks = [f"<b>{i}</b>" + "x" * 1500 for i in range(7)]
    messages = pack(blocks)
    assert len(messages) == 4
    assert all(visible_length(m) <= MESSAGE_LIMIT for m in messages)
    assert "".join(messages).replace("\n\n", "") == "".join(blocks)


def test_page_note_only_when_there_are_more() -> None:
    hits = [make_hit("Text one.", rank=1), make_hit("Text two.", rank=2)]
    assert "Passages 1–2 of 5" in plain(render_page(hits, EN, total=5)[-1])
    assert "Passages" not in plain(render_page(hits, EN, total=2)[-1])
    assert "Passage 2 of 5" in plain(render_page(hits[1:], EN, total=5)[-1])


def test_inline_message_fits_and_has_no_number() -> None:
    message = inline_message(make_hit("Long sentence. " * 600), EN)
    assert visible_length(message) <= MESSAGE_LIMIT
    assert plain(message).startswith("《Guide》")
    assert "…" in plain(message) and "¶3" in plain(message)


def test_a_short_hit_inline_is_the_whole_passage_without_an_ellipsis() -> None:
    message = inline_message(make_hit("Short passage."), EN)
    assert plain(message) == "《Guide》 › Install › Linux\nShort passage.\ndocs/guide.md ¶3"


def test_a_long_hit_inline_is_its_start_cut_short_and_fills_telegrams_limit() -> None:
    """With no "(continued)" to keep room for, only the limit bounds the message."""
    text = "".join(chr(0x4E00 + i % 1000) for i in range(10_000))  # no sentence end, no repeats nearby
    message = inline_message(make_hit(text), replace(EN, continued=""))
    lines = plain(message).split("\n")
    assert lines[0] == "《Guide》 › Install › Linux" and lines[2] == "docs/guide.md ¶3" and len(lines) == 3
    assert lines[1].endswith("…") and text.startswith(lines[1][:-1])
    assert utf16_len(plain(message)) == TELEGRAM_LIMIT


def test_snippet() -> None:
    assert snippet("a\n b  c") == "a b c"
    assert snippet("x" * 200, 10) == "x" * 9 + "…"
    assert snippet("x" * 10, 10) == "x" * 10  # fits exactly: not cut


def test_escape_leaves_quotes() -> None:
    assert escape('<a href="x">&\'') == '&lt;a href="x"&gt;&amp;\''


def test_real_answer_renders_valid_html(seed_library: Library) -> None:
    answer = seed_library.ask("党支部合并后还剩多少个？", 3)
    [message] = render_page(answer.hits, ZH, total=len(answer.hits))
    shown, entities = parse_html(message)
    assert "抓支部优化 · 提振党组织内动力" in shown
    assert "把25个小支部合并缩减至11个大支部" in shown
    assert {"bold", "blockquote", "underline", "italic"} <= {e["type"] for e in entities}


spans = st.tuples(st.integers(0, 60), st.integers(0, 60)).map(sorted).map(tuple)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="ab <>&;。.!汉😀\n", min_size=1, max_size=60),
    marks=st.lists(spans, max_size=5),
    sentence=spans,
    window=spans,
)
def test_mark_up_is_always_valid_and_verbatim(
    text: str, marks: list[tuple[int, int]], sentence: tuple[int, int], window: tuple[int, int]
) -> None:
    n = len(text)
    clip = [(min(a, n), min(b, n)) for a, b in marks]
    start, end = min(window[0], n), min(window[1], n)
    html = mark_up(text, clip, (min(sentence[0], n), min(sentence[1], n)), start, end)
    assert parse_html(html)[0] == text[start:end]
    assert visible_length(html) == utf16_len(text[start:end])


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet="ab 。.汉😀", min_size=1, max_size=300), budget=st.integers(1, 50))
def test_cut_covers_the_text_within_budget(text: str, budget: int) -> None:
    pieces = cut(text, budget)
    assert all(utf16_len(text[a:b]) <= max(budget, 2) for a, b in pieces)
    assert "".join(text[a:b] for a, b in pieces).replace(" ", "") == text.replace(" ", "")


TELEGRAM_LIMIT = 4096  # UTF-16 units of text after entity parsing, as Telegram documents it


def test_a_long_passage_fills_each_message_to_the_limit_exactly() -> None:
    """No sentence end to cut at: every message but the last is exactly full."""
    text = "字" * 10_000
    blocks = render_hit(make_hit(text), EN)
    lengths = [utf16_len(plain(block)) for block in blocks]
    assert all(length <= TELEGRAM_LIMIT for length in lengths) and len(blocks) == 3
    # room is kept for the footer (on the last message only) and the continued header's "(continued)"
    footer, continued = len("\ndocs/guide.md ¶3"), len(EN.continued)
    assert lengths[:2] == [TELEGRAM_LIMIT - footer - continued, TELEGRAM_LIMIT - footer]
    assert "".join(plain(b).split("\n")[1] for b in blocks) == text


def test_blocks_that_fit_exactly_share_a_message() -> None:
    half = (TELEGRAM_LIMIT - 2) // 2  # two blocks and the blank line between them
    assert pack(["x" * half, "y" * half]) == ["x" * half + "\n\n" + "y" * half]
    assert len(pack(["x" * half, "y" * (half + 1)])) == 2


def test_cut_spans_by_hand() -> None:
    text = "One two.  Three four five. Six."  # sentences of 8, 16 and 4 units
    assert cut(text, 100) == [(0, len(text))]
    assert cut(text, 21) == [(0, 8), (10, 31)]  # white space at a cut is left out
    assert cut(text, 16) == [(0, 8), (10, 26), (27, 31)]  # the white space before a sentence is free
    assert cut(text, 15) == [(0, 8), (10, 25), (25, 31)]  # a sentence too long: cut anywhere
    assert cut("abcdef", 4) == [(0, 4), (4, 6)]  # no sentence end: anywhere
    assert cut("   ", 5) == [(0, 3)]
    assert cut("   ", 1) == [(0, 1)]  # only white space, past the budget (found by hypothesis)
    assert cut("", 5) == [(0, 0)]


def units(text: str) -> int:
    """UTF-16 code units, as Telegram counts a message (counted here, not with render's helper)."""
    return sum(2 if ord(c) > 0xFFFF else 1 for c in text)


def test_a_heading_path_longer_than_a_message_is_shortened_and_the_passage_quoted_whole() -> None:
    """A Markdown ``#`` line, a Word heading or an HTML ``<h2>`` can be any length."""
    heading = "开头" + "😀𠀀节" * 1500 + "结尾"  # 1,500 x 5 + 4 = 7,504 UTF-16 units
    text = "这是正文的第一句。" * 500  # 4,500 characters: two messages or more
    hit = make_hit(text, heading=heading)
    blocks = render_hit(hit, ZH)
    quoted = []
    for block in blocks:
        shown, _ = parse_html(block)
        assert units(shown) <= TELEGRAM_LIMIT
        first, quote, *_ = shown.split("\n")
        assert first.startswith("1. 《Guide》 › 开头😀𠀀节") and "…" in first
        assert first.removesuffix("（续）").endswith("😀𠀀节结尾")
        assert units(first) <= TELEGRAM_LIMIT // 4  # a quarter of a message at most
        quoted.append(quote)
    assert "".join(quoted) == text and len(blocks) == 2
    inline = plain(inline_message(hit, ZH))
    assert units(inline) <= TELEGRAM_LIMIT and inline.startswith("《Guide》 › 开头") and "结尾\n" in inline


def test_a_heading_path_of_1000_units_is_shown_whole_and_one_more_is_shortened() -> None:
    whole = "节" * (1000 - len("《Guide》 › "))
    blocks = render_hit(make_hit("正文。" * 1500, heading=whole), ZH)
    assert all(plain(block).split("\n")[0].startswith(f"1. 《Guide》 › {whole}") for block in blocks)
    assert len(blocks) == 2
    [block] = render_hit(make_hit("正文。", heading=whole + "尾"), ZH)
    first = plain(block).split("\n")[0]
    assert units(first) == len("1. ") + 1000 and "…" in first and first.endswith("节尾")

"""The real bot in private chats, end to end over HTTP against the fake Bot API."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .bot_process import BotProcess, running_bot
from .fake_botapi import StoredMessage
from .telegram_html import parse_html, utf16_len

QUESTION = "党支部合并后还剩多少个？"
ANSWER = "把25个小支部合并缩减至11个大支部"
HEADING = "抓支部优化 · 提振党组织内动力"
WEB_DOC = """# Web safety

## Escaping

Never paste <script>alert("x")</script> into a page & always escape the ampersand.
"""
LONG_SENTENCE = "第{n}句记录了数据迁移的细节和回滚步骤。"
LONG_DOC = "长篇测试\n\n" + "".join(LONG_SENTENCE.format(n=n) for n in range(400)) + "\n"
# Emoji and CJK Extension B characters are two UTF-16 units each: 15 characters, 18
# units a sentence, so a message of 4,096 characters would be some 4,900 units.
STAR_SENTENCE = "第{n}颗彗星😀𠀋🌟在夜空出现。"
STAR_PASSAGE = "".join(STAR_SENTENCE.format(n=n) for n in range(100, 400))
STAR_DOC = f"星空记录\n\n{STAR_PASSAGE}\n"


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    env = {
        "TOP_K": "2",
        "RATE_LIMIT_QUESTIONS": "6",
        "RATE_LIMIT_SECONDS": "60",
        "MAX_QUESTION_CHARS": "100",
        "PASSAGE_MAX_CHARS": "20000",
    }
    files = {"web.md": WEB_DOC, "long.txt": LONG_DOC, "stars.txt": STAR_DOC}
    with running_bot(tmp_path_factory.mktemp("private"), env, files) as process:
        yield process


def entity_texts(message: StoredMessage, kind: str) -> list[str]:
    """The text under each entity of ``kind`` (offsets are UTF-16 code units)."""
    data = (message.text or "").encode("utf-16-le")
    return [
        data[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
        for e in message.entities
        if e["type"] == kind
    ]


def test_commands_are_registered_in_both_languages(bot: BotProcess) -> None:
    assert [c["command"] for c in bot.server.commands()] == ["start", "help", "ask"]
    assert bot.server.commands()[0]["description"] == "介绍与示例问题"
    assert bot.server.commands(language_code="en")[1]["description"] == "how to use this bot"


def test_start_speaks_the_users_language(bot: BotProcess) -> None:
    li = bot.server.make_user("Li", language_code="zh-hans")
    bob = bot.server.make_user("Bob", language_code="en")
    [chinese] = bot.ask(li, None, "/start")
    [english] = bot.ask(bob, None, "/start")
    assert chinese.text is not None and english.text is not None
    assert "你好，Li" in chinese.text and "可以试试" in chinese.text and str(li.id) in chinese.text
    assert "Hello, Bob" in english.text and "Try:" in english.text and str(bob.id) in english.text
    examples = entity_texts(english, "code")[:-1]  # the last code entity is the user id
    assert 2 <= len(examples) <= 3 and all(example in bot.server.describe() for example in examples)
    [help_reply] = bot.ask(bob, None, "/help")
    assert "/ask" in (help_reply.text or "") and "/reload" not in (help_reply.text or "")
    [unknown] = bot.ask(bob, None, "/nonsense")
    assert "Commands:" in (unknown.text or "")


def test_question_is_answered_with_the_passage_under_its_heading(bot: BotProcess) -> None:
    user = bot.server.make_user("Wang", language_code="zh-hans")
    [reply] = bot.ask(user, None, QUESTION)
    assert reply.text is not None
    header = entity_texts(reply, "bold")[0]
    assert header == f"1. 《党建引领激发奋进动力》 › {HEADING}"
    quote = entity_texts(reply, "blockquote")[0]
    assert ANSWER in quote and quote.startswith("沧州中院着力推进")
    assert any(ANSWER in sentence for sentence in entity_texts(reply, "underline"))
    assert "支部" in entity_texts(reply, "bold")
    assert entity_texts(reply, "italic")[0] == "000_fc6bf0a2fe9ff4f6.txt ¶6"


def test_more_button_shows_the_next_page_and_stale_buttons_are_answered(bot: BotProcess) -> None:
    server = bot.server
    user = server.make_user("Zhao", language_code="zh")
    [first] = bot.ask(user, None, "沧州中院")
    assert entity_texts(first, "bold")[0].startswith("1. ")
    found = re.search(r"第 1–2 段，共 (\d+) 段", first.text or "")
    assert found and int(found.group(1)) > 4
    total = found.group(1)
    [data] = [d for d in first.callback_data if d.startswith("more:")]
    assert len(data.encode()) <= 64
    press = server.press_button(user, first, data)
    [second] = server.wait_for_messages(user.id, 2, timeout=10)[1:]
    headers = [h for h in entity_texts(second, "bold") if h[:2] in ("3.", "4.")]
    assert len(headers) == 2 and f"第 3–4 段，共 {total} 段" in (second.text or "")
    assert server.message(user.id, first.message_id).reply_markup is None  # the used button is gone
    assert [d[:5] for d in second.callback_data] == ["vote:", "vote:", "more:"]
    assert second.callback_data[2] != data
    # the same (now removed) button pressed again, and a button the bot never made
    again = server.press_button(user, first, data, check=False)
    stale = server.press_button(user, second, "more:NoSuchKey123:2", check=False)
    answers = server.wait_until(
        lambda: (
            lambda a: (
                a
                if {press.callback_query_id, again.callback_query_id, stale.callback_query_id} <= set(a)
                else None
            )
        )(server.callback_answers()),
        timeout=10,
        what="every callback query answered",
    )
    assert answers[stale.callback_query_id]["text"] == "这个按钮已过期，请重新提问。"
    time.sleep(0.3)
    assert len(server.sent_messages(user.id)) == 2  # the second press sent nothing more
    assert server.message(user.id, second.message_id).reply_markup is None  # stale button removed


def test_last_page_has_no_button(bot: BotProcess) -> None:
    server = bot.server
    user = server.make_user("Qian", language_code="en")
    [message] = bot.ask(user, None, "沧州中院")
    found = re.search(r"Passages 1–2 of (\d+)", message.text or "")
    assert found
    total = int(found.group(1))
    pages = (total + 1) // 2
    for page in range(2, pages + 1):
        server.press_button(user, message, message.callback_data[-1])
        message = server.wait_for_messages(user.id, page, timeout=10)[-1]
    assert f"of {total}" in (message.text or "") and f"{total}. 《" in (message.text or "")
    assert [button["text"] for button in message.buttons] == ["👍", "👎"]  # no "more" button


def test_inline_query(bot: BotProcess) -> None:
    server = bot.server
    user = server.make_user("Sun", language_code="en")
    query = server.inline_query(user, "党支部合并")
    empty = server.inline_query(user, "   ")
    answers = server.wait_until(
        lambda: (lambda a: a if {query.inline_query_id, empty.inline_query_id} <= set(a) else None)(
            server.inline_answers()
        ),
        timeout=10,
        what="inline answers",
    )
    results = answers[query.inline_query_id]["results"]
    assert results and results[0]["type"] == "article"
    assert results[0]["title"] == f"《党建引领激发奋进动力》 › {HEADING}"
    assert results[0]["description"].startswith("沧州中院着力推进")
    content = results[0]["input_message_content"]
    assert content["parse_mode"] == "HTML"
    text, entities = parse_html(content["message_text"])
    assert ANSWER in text and HEADING in text and {"blockquote", "bold"} <= {e["type"] for e in entities}
    assert answers[empty.inline_query_id]["results"] == []


def test_no_answer_gets_a_hint(bot: BotProcess) -> None:
    user = bot.server.make_user("Li2", language_code="zh-CN")
    [reply] = bot.ask(user, None, "quantum chromodynamics")
    assert "文档中没有与这个问题相符的内容" in (reply.text or "")
    english = bot.server.make_user("Ann", language_code="en-US")
    [reply] = bot.ask(english, None, "quantum chromodynamics")
    assert "Nothing in the documents matches" in (reply.text or "") and "Try other words" in (
        reply.text or ""
    )


def test_document_markup_is_escaped(bot: BotProcess) -> None:
    user = bot.server.make_user("Eve", language_code="en")
    [reply] = bot.ask(user, None, "paste script ampersand")
    assert 'Never paste <script>alert("x")</script> into a page & always' in (reply.text or "")
    sent = bot.server.calls("sendMessage")[-1].params["text"]
    assert "&lt;" in sent and "&gt;alert" in sent and "&amp; always" in sent and "<script>" not in sent
    assert entity_texts(reply, "bold")[0] == "1. 《Web safety》 › Escaping"


def test_long_passage_is_split_into_valid_messages(bot: BotProcess) -> None:
    server = bot.server
    user = server.make_user("Long", language_code="zh")
    server.send_text(user, None, "数据迁移的回滚步骤")
    messages = server.wait_until(
        lambda: (lambda m: m if any("long.txt ¶" in (x.text or "") for x in m) else None)(
            server.sent_messages(user.id)
        ),
        timeout=10,
        what="the end of the long passage",
    )
    assert len(messages) >= 3
    assert all(utf16_len(m.text or "") <= 4096 for m in messages)
    quotes = [
        q for m in messages for kind in ("expandable_blockquote", "blockquote") for q in entity_texts(m, kind)
    ]
    assert "".join(quotes) == LONG_DOC.split("\n\n")[1].strip()
    assert "（续）" in (messages[1].text or "")
    assert all(quote.endswith("。") for quote in quotes)


def test_a_passage_of_emoji_and_extension_b_characters_is_split_by_utf16_units(bot: BotProcess) -> None:
    """Telegram counts 4,096 UTF-16 units, not characters: the fake server measures each
    message itself and refuses longer ones (400), so a count in characters loses the answer."""
    server = bot.server
    user = server.make_user("Star", language_code="zh")
    assert utf16_len(STAR_PASSAGE) == len(STAR_PASSAGE) + 3 * 300  # three astral characters a sentence
    server.send_text(user, None, "彗星在夜空出现")
    messages = server.wait_until(
        lambda: (lambda m: m if any("stars.txt ¶" in (x.text or "") for x in m) else None)(
            server.sent_messages(user.id)
        ),
        timeout=10,
        what="the end of the emoji passage",
    )
    units = [utf16_len(m.text or "") for m in messages]
    assert max(units) <= 4096 and max(units) > 3800, units  # full messages, near the limit
    assert any(utf16_len(m.text or "") > len(m.text or "") + 400 for m in messages)
    quotes = [
        q for m in messages for kind in ("expandable_blockquote", "blockquote") for q in entity_texts(m, kind)
    ]
    assert "".join(quotes) == STAR_PASSAGE
    assert not [call for call in server.bad_requests() if "too long" in str(call)]


def test_inline_questions_longer_than_max_question_chars_get_no_results(bot: BotProcess) -> None:
    """MAX_QUESTION_CHARS is 100 here; 吗 is a stopword, so both ask the same."""
    server = bot.server
    user = server.make_user("Inline", language_code="en")
    at_limit = server.inline_query(user, "党支部合并" + "吗" * 95)
    over = server.inline_query(user, "党支部合并" + "吗" * 96)
    answers = server.wait_until(
        lambda: (lambda a: a if {at_limit.inline_query_id, over.inline_query_id} <= set(a) else None)(
            server.inline_answers()
        ),
        timeout=10,
        what="inline answers",
    )
    [first, *_] = answers[at_limit.inline_query_id]["results"]
    assert ANSWER in parse_html(first["input_message_content"]["message_text"])[0]
    assert answers[over.inline_query_id]["results"] == []


def test_non_text_and_over_long_questions(bot: BotProcess) -> None:
    server = bot.server
    user = server.make_user("Pic", language_code="en")
    server.send_sticker(user)
    [sticker_reply] = server.wait_for_messages(user.id, 1, timeout=10)
    server.send_photo(user, caption="what is this?")
    photo_reply = server.wait_for_messages(user.id, 2, timeout=10)[1]
    for reply in (sticker_reply, photo_reply):
        assert "only answer questions written as text" in (reply.text or "")
    [too_long] = bot.ask(user, None, "x" * 101)
    assert "too long (101 characters)" in (too_long.text or "")


def test_flood_every_question_is_answered_or_politely_limited(bot: BotProcess) -> None:
    server = bot.server
    users = [server.make_user(f"Flood{i}", language_code="en") for i in range(5)]
    for _ in range(10):
        for user in users:
            server.send_text(user, None, QUESTION)
    for user in users:
        server.wait_for_messages(user.id, 10, timeout=20)
    time.sleep(0.5)
    for user in users:
        texts = [m.text or "" for m in server.sent_messages(user.id)]
        assert len(texts) == 10
        assert sum(ANSWER in t for t in texts) == 6
        assert sum("Too many questions at once" in t for t in texts) == 4


def test_stays_up_with_no_unexpected_errors(bot: BotProcess, tmp_path: Path) -> None:
    assert bot.process.poll() is None
    assert not bot.server.bad_requests()

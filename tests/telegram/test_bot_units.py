"""pages.py, buttons.py, guard.py, phrases.py, replies.py and logs.py without a server."""

from __future__ import annotations

import logging
from dataclasses import fields
from datetime import UTC, datetime, timedelta

import pytest

from bot.counting import Count, counted
from bot.telegram.buttons import MoreButton, VoteButton, answer_keyboard
from bot.telegram.docphrases import EN as DOC_EN
from bot.telegram.docphrases import DocPhrases, doc_phrases
from bot.telegram.guard import Access, RateLimiter, too_long
from bot.telegram.logs import Scrubber, ScrubFilter
from bot.telegram.pages import AnswerCache, page_of
from bot.telegram.phrases import EN, LANGUAGES, ZH, Phrases, phrases_for, say
from bot.telegram.render import MESSAGE_LIMIT, visible_length
from bot.telegram.replies import Reader, help_text, report_messages, stats_text
from retrieval.answer import Answer, Hit
from retrieval.documents.reader import Skipped
from retrieval.library import ReloadReport
from retrieval.passage import Passage

from .telegram_html import parse_html


def answer_with(count: int) -> Answer:
    hits = tuple(
        Hit(rank, 1.0, Passage(f"text {rank}", "T", "", "a.txt", rank), (), (), (0, 6))
        for rank in range(1, count + 1)
    )
    return Answer("q", hits)


# -- pages -------------------------------------------------------------------------------


def test_pages_of_an_answer() -> None:
    answer = answer_with(7)
    first = page_of(answer, 0, 3)
    assert [h.rank for h in first.hits] == [1, 2, 3] and first.next_offset == 3 and first.total == 7
    last = page_of(answer, 6, 3)
    assert [h.rank for h in last.hits] == [7] and last.next_offset is None
    assert page_of(answer, 3, 3).next_offset == 6
    assert page_of(answer_with(3), 0, 3).next_offset is None


def test_cache_is_bounded_and_evicts_least_recently_used() -> None:
    cache = AnswerCache(capacity=3)
    keys = [cache.put(answer_with(i + 1), 7) for i in range(3)]
    assert cache.get(keys[0], 7) is not None  # keys[0] is now the most recently used
    newest = cache.put(answer_with(9), 7)
    assert len(cache) == 3
    assert cache.get(keys[1], 7) is None  # evicted: stale
    assert cache.get(keys[0], 7) is not None and cache.get(newest, 7) is not None
    for _ in range(100):
        cache.put(answer_with(1), 7)
    assert len(cache) == 3


def test_unknown_keys_are_stale_and_pages_are_claimed_once() -> None:
    cache = AnswerCache()
    assert cache.get(12345, 7) is None
    assert not cache.claim(12345, 3)
    key = cache.put(answer_with(9), 7)
    assert cache.claim(key, 3)
    assert not cache.claim(key, 3)
    assert cache.claim(key, 6)
    with pytest.raises(ValueError):
        AnswerCache(capacity=0)


def test_a_kept_answer_is_only_for_its_chat_and_a_given_key_keeps_the_first() -> None:
    cache = AnswerCache()
    first, second = answer_with(4), answer_with(5)
    key = cache.put(first, 7)
    assert cache.get(key, 8) is None and cache.get(key, 7) is first
    assert cache.put(second, 7, key=99) == 99 and cache.claim(99, 3)
    assert cache.put(first, 7, key=99) == 99
    assert cache.get(99, 7) is second and not cache.claim(99, 3)  # the first kept, its claims too


def test_button_data_round_trip_and_size() -> None:
    key = AnswerCache().put(answer_with(5), 7)
    largest = 2**53 - 1
    for button in (MoreButton(key, 150), MoreButton(largest, 9999), VoteButton(largest, -1)):
        data = button.data()
        assert len(data.encode()) <= 64  # Telegram's limit for callback_data
        assert type(button).parse(data) == button
    assert VoteButton.parse("vote:12:+") == VoteButton(12, 1) and VoteButton.parse("vote:12:-") == VoteButton(
        12, -1
    )
    for bad in ("", "more", "more:1", "more:x:1", "more:1:y", "other:1:1", "more:1:2:3", "more:01:2",
                f"more:{2**53}:1", "more:-1:2", "vote:1:1", "vote:x:+", "vote:1:+:2"):  # fmt: skip
        assert MoreButton.parse(bad) is None and VoteButton.parse(bad) is None, bad


def test_answer_keyboard_is_votes_then_more_on_one_row() -> None:
    def row(key: int | None, following: int | None, votes: bool) -> list[tuple[str, str]]:
        markup = answer_keyboard(EN, key, following, votes)
        return [] if markup is None else [(b.text, str(b.callback_data)) for b in markup.inline_keyboard[0]]

    assert row(5, 3, votes=True) == [
        ("👍", "vote:5:+"), ("👎", "vote:5:-"), ("More passages ▸", "more:5:3"),
    ]  # fmt: skip
    assert row(5, None, votes=True) == [("👍", "vote:5:+"), ("👎", "vote:5:-")]
    assert row(5, 3, votes=False) == [("More passages ▸", "more:5:3")]
    assert row(None, None, votes=True) == [] and row(5, None, votes=False) == []


# -- guard -------------------------------------------------------------------------------


def test_rate_limit_is_a_sliding_window_per_user() -> None:
    limiter = RateLimiter(3, 10.0)
    assert [limiter.allow(1, t) for t in (0.0, 1.0, 2.0, 3.0)] == [True, True, True, False]
    assert limiter.allow(2, 3.0)  # another user has their own window
    assert limiter.retry_after(1, 3.0) == 7
    assert not limiter.allow(1, 9.9)
    assert limiter.allow(1, 10.0)  # the question at 0.0 left the window
    assert not limiter.allow(1, 10.5)
    assert limiter.allow(1, 11.0)


def test_rate_limiter_forgets_idle_users() -> None:
    limiter = RateLimiter(1, 1.0)
    for user in range(2000):
        limiter.allow(user, float(user))
    assert len(limiter) < 1100


def test_access_lists() -> None:
    anyone = Access.of([], [], [])
    assert anyone.permits(1, 2) and anyone.permits_inline(1)
    users = Access.of([1], [], [9])
    assert users.permits(1, 5) and not users.permits(2, 5) and users.permits(9, 5)
    assert users.permits_inline(1) and not users.permits_inline(2)
    chats = Access.of([], [-100], [9])
    assert chats.permits(2, -100) and not chats.permits(2, -200) and chats.permits(9, -200)
    assert not chats.permits(2, 2)  # a private chat is not a listed chat
    assert not chats.permits_inline(2) and chats.permits_inline(9)
    both = Access.of([1], [-100], [])
    assert both.permits(1, -200) and both.permits(2, -100) and not both.permits(2, -200)
    assert chats.is_admin(9) and not chats.is_admin(2) and not chats.is_admin(None)


def test_too_long() -> None:
    assert not too_long("x" * 5, 5) and too_long("x" * 6, 5)


# -- phrases and replies -------------------------------------------------------------------


def test_language_choice() -> None:
    assert phrases_for(None) is ZH
    assert phrases_for("zh-hans") is ZH and phrases_for("zh-TW") is ZH
    assert phrases_for("en") is EN and phrases_for("en-GB") is EN and phrases_for("EN_us") is EN
    assert phrases_for("de") is ZH


def test_every_table_is_complete_and_valid_html() -> None:
    tables: list[tuple[str, Phrases | DocPhrases]] = [
        *((code, table) for code, table in LANGUAGES.items()),
        *((code, doc_phrases(table)) for code, table in LANGUAGES.items()),
    ]
    for code, phrases in tables:
        for field in fields(phrases):
            value = getattr(phrases, field.name)
            assert isinstance(value, str) and value.strip(), (code, field.name)
            filled = value.format_map(_Anything())
            parse_html(filled)  # raises on invalid markup


class _Anything(dict[str, int]):
    def __missing__(self, key: str) -> int:
        return Count(1)


def test_counts_are_worded_in_english_singular_and_plural() -> None:
    assert [counted(n, "passage") for n in (0, 1, 2)] == ["0 passages", "1 passage", "2 passages"]
    assert counted(1, "query", "queries") == "1 query" and counted(3, "query", "queries") == "3 queries"
    assert f"{Count(7):>3}" == "  7" and f"{Count(1):day/days}" == "1 day"
    assert say(DOC_EN.docs_line, name="a.md", passages=1) == "• a.md — 1 passage"
    assert say(DOC_EN.docs_line, name="a.md", passages=12) == "• a.md — 12 passages"
    assert say(ZH.stats_week, questions=1, share="0%", up=0, down=0).startswith("最近 7 天：1 个问题")
    assert say(EN.stats_week, questions=1, share="0%", up=0, down=0).startswith("Last 7 days: 1 question,")


def test_say_escapes_values() -> None:
    assert say(EN.reload_failed, reason="<x> & y").endswith("&lt;x&gt; &amp; y")


def test_help_has_examples_commands_and_user_id() -> None:
    text = help_text(EN, Reader("Ann <3", 42, is_admin=True), "qa_bot", ["How <do> I?", "b"])
    shown, _ = parse_html(text)
    assert "Hello, Ann <3!" in shown and "How <do> I?" in shown and "@qa_bot" in shown
    assert "/reload" in shown and "/stats" in shown and "42" in shown
    assert "/reload" not in parse_html(help_text(EN, Reader("A", 1, False), "b", []))[0]


def test_reload_report() -> None:
    report = ReloadReport(
        3, 40, (Skipped("bad.bin", "not <text>"),), ("new.md",), ("old.txt",), ("a.md", "b.md"), 0.25
    )
    [message] = report_messages(EN, report)
    shown, _ = parse_html(message)
    assert "Reloaded 3 documents, 40 passages in 0.25 s." in shown
    one = ReloadReport(1, 1, (), (), (), (), 0.5)
    assert parse_html(report_messages(EN, one)[0])[0] == "Reloaded 1 document, 1 passage in 0.50 s."
    assert report_messages(ZH, one)[0] == "已重新读取：1 个文档，1 个段落，用时 0.50 秒。"
    assert "added: new.md" in shown and "removed: old.txt" in shown and "changed: a.md, b.md" in shown
    assert "skipped bad.bin: not <text>" in shown


def test_huge_reload_report_is_split() -> None:
    names = tuple(f"folder/{'x' * 200}{i}.md" for i in range(5000))
    skipped = tuple(Skipped(f"s{i}" * 50, "r" * 500) for i in range(100))
    messages = report_messages(ZH, ReloadReport(1, 1, skipped, names, names, names, 1.0))
    assert all(visible_length(m) <= MESSAGE_LIMIT for m in messages)
    for message in messages:
        parse_html(message)


def test_stats() -> None:
    loaded = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    text = stats_text(EN, 2, 30, loaded, timedelta(days=1, seconds=3723), 17)
    assert "2024-05-06 07:08:09 UTC" in text and "1d 01:02:03" in text and "17" in text


# -- logs ----------------------------------------------------------------------------------


def test_scrub_filter_hides_secrets_in_messages_and_tracebacks() -> None:
    token = "123456:SECRET-token"
    scrub = Scrubber([token, ""])
    try:
        raise RuntimeError(f"The token `{token}` was rejected")
    except RuntimeError as error:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "url %s", ("https://h/bot123456%3ASECRET-token/getMe",), None
        )
        record.exc_info = (type(error), error, error.__traceback__)
    assert ScrubFilter(scrub).filter(record)
    text = logging.Formatter().format(record)
    assert "SECRET" not in text and "***" in text and "Traceback" in text

"""/reload and /stats with the real bot: admins only, reloads off the loop, failures keep serving."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from .bot_process import BotProcess, running_bot
from .fake_botapi import FakeBotAPI, FakeUser

NEW_FACT = "紫藤花园年度报告于三月发布"
NEW_QUESTION = "紫藤花园年度报告什么时候发布"
CHANGED_FACT = "紫藤花园年度报告推迟到五月发布"
USERS: dict[str, FakeUser] = {}


def prepare(server: FakeBotAPI) -> Mapping[str, str]:
    USERS["admin"] = server.make_user("Admin", language_code="en")
    USERS["other"] = server.make_user("Other", language_code="zh-hans")
    USERS["late"] = server.make_user("Late", language_code="en")  # an admin who has not written yet
    server.private_chat(USERS["admin"])  # the admin has written to the bot before; 999 and late not
    return {"ADMIN_USER_IDS": f"[{USERS['admin'].id}, 999, {USERS['late'].id}]"}


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    with running_bot(tmp_path_factory.mktemp("admin"), {"TOP_K": "1"}, prepare=prepare) as process:
        process.expected_bad_requests.append("chat not found")  # the admin menus of 999 and late
        yield process


def text_of(bot: BotProcess, user: FakeUser, message: str) -> str:
    return "\n".join(m.text or "" for m in bot.ask(user, None, message))


def test_stats_for_admins_only(bot: BotProcess) -> None:
    text_of(bot, USERS["admin"], "沧州中院")
    stats = text_of(bot, USERS["admin"], "/stats")
    assert re.search(r"Documents: 1\nPassages: 17\nLast reload: \d{4}-\d\d-\d\d ", stats)  # the seed
    assert re.search(r"Uptime: (\d+d )?\d\d:\d\d:\d\d\n", stats) and "Questions answered: " in stats
    assert text_of(bot, USERS["other"], "/stats") == "抱歉，只有管理员可以使用这个命令。"


def test_admin_help_lists_admin_commands(bot: BotProcess) -> None:
    assert "/reload" in text_of(bot, USERS["admin"], "/start")
    assert "/reload" not in text_of(bot, USERS["other"], "/start")


def test_reload(bot: BotProcess) -> None:
    """The documents are as they were afterwards (the seed alone), whatever happens:
    other tests of the module share this bot."""
    news, kept = bot.docs / "news.md", bot.docs.parent / "kept"
    try:
        reload_news_and_fail(bot, news, kept)
    finally:
        if kept.exists():
            shutil.rmtree(bot.docs, ignore_errors=True)
            shutil.move(kept, bot.docs)
        news.unlink(missing_ok=True)
        report = text_of(bot, USERS["admin"], "/reload")
    assert report.startswith("Reloaded 1 document, 17 passages") and "removed: news.md" in report


def reload_news_and_fail(bot: BotProcess, news: Path, kept: Path) -> None:
    admin, other = USERS["admin"], USERS["other"]
    news.write_text(f"# 新闻\n\n{NEW_FACT}。\n", encoding="utf-8")

    # not an admin: refused, and nothing is reloaded
    assert text_of(bot, other, "/reload") == "抱歉，只有管理员可以使用这个命令。"
    assert NEW_FACT not in text_of(bot, other, NEW_QUESTION)

    # the admin reloads: the report, then the new text is answered
    report = text_of(bot, admin, "/reload")
    assert re.match(r"Reloaded 2 documents, \d+ passages in \d+\.\d\d s\.", report)
    assert "added: news.md" in report
    assert NEW_FACT in text_of(bot, other, NEW_QUESTION)

    news.write_text(f"# 新闻\n\n{CHANGED_FACT}。\n", encoding="utf-8")
    report = text_of(bot, admin, "/reload")
    assert "changed: news.md" in report and "added" not in report
    assert CHANGED_FACT in text_of(bot, other, NEW_QUESTION)

    # a failed reload: the admin is told why, the previous documents keep serving
    shutil.move(bot.docs, kept)
    bot.docs.mkdir()
    failed = text_of(bot, admin, "/reload")
    assert failed.startswith("Reload failed; still serving the previous documents. Reason: ")
    assert "no .txt, .md, .docx, .pdf or .html documents" in failed
    assert CHANGED_FACT in text_of(bot, other, NEW_QUESTION)
    assert "把25个小支部合并缩减至11个大支部" in text_of(bot, other, "党支部合并后还剩多少个？")
    bot.docs.rmdir()
    shutil.move(kept, bot.docs)
    assert "reload failed, still serving the previous documents" in bot.log()


def test_admin_menus_where_telegram_knows_the_chat(bot: BotProcess) -> None:
    """The admin's own menu has the admin commands; 999 never wrote to the bot, so Telegram
    refuses its menu: a warning, and the bot goes on."""
    scope = {"type": "chat", "chat_id": USERS["admin"].id}
    assert [c["command"] for c in bot.server.commands(scope)][-2:] == ["docs", "remove"]
    assert bot.server.commands({"type": "chat", "chat_id": 999}) == []
    assert "cannot set the admin command menu for 999 (send the bot /start)" in bot.log()


def test_an_admins_menu_is_set_when_they_first_write(bot: BotProcess) -> None:
    scope = {"type": "chat", "chat_id": USERS["late"].id}
    assert bot.server.commands(scope) == []
    assert "/remove" in text_of(bot, USERS["late"], "/start")
    assert [c["command"] for c in bot.server.commands(scope, "en")][-2:] == ["docs", "remove"]

"""/docs and /remove with the real bot: the issue's story (an admin sends 员工手册.docx, a
user's question is answered from it, /docs lists it, /remove + [Remove] stops serving it
and the file is in .trash/), pages of /docs, names that match nothing, and the admins'
command menu. The tests share one bot and run in any order."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests import wordfiles

from .bot_process import BotProcess, admin_and_other, running_bot
from .fake_botapi import FakeUser, StoredMessage

USERS: dict[str, FakeUser] = {}
# Names long enough that the list takes two messages of 4,096 characters.
MANY = {f"{n:02d}-{'很长的文件名' * 12}.md": f"# 文件{n}\n\n第{n}号文件的正文。\n" for n in range(50)}


prepare = admin_and_other(USERS)


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    files = {**MANY, "travel-rules.md": "# 差旅\n\n出差须提前报批。\n", "empty.txt": ""}
    with running_bot(tmp_path_factory.mktemp("docs"), {"TOP_K": "1"}, files, prepare) as process:
        yield process


def say(bot: BotProcess, text: str, user: str = "admin") -> StoredMessage:
    [reply] = bot.ask(USERS[user], None, text)
    return reply


def press(bot: BotProcess, message: StoredMessage, data: str) -> StoredMessage:
    """Press a button of ``message``; the message once the bot has edited it."""
    edits = len(message.history)
    bot.server.press_button(USERS["admin"], message, data)
    return bot.server.wait_until(
        lambda: (
            m
            if (m := bot.server.message(message.chat_id, message.message_id)) and len(m.history) > edits
            else None
        ),
        60,
        "the message edited",
    )


def docs_lines(bot: BotProcess) -> list[str]:
    """Every line of every page of /docs (turned with ▸)."""
    page = say(bot, "/docs")
    lines = (page.text or "").splitlines()
    while "▸" in [b["text"] for b in page.buttons]:
        page = press(bot, page, page.callback_data[-1])
        lines += (page.text or "").splitlines()
    return lines


def test_an_uploaded_handbook_is_listed_answered_and_removed(bot: BotProcess) -> None:
    made = wordfiles.handbook()
    admin = USERS["admin"]
    before = len(bot.server.sent_messages(admin.id))
    bot.server.send_document(admin, None, "员工手册.docx", made.data)
    added = bot.server.wait_for_messages(admin.id, before + 1, timeout=60)[before]
    assert (added.text or "").startswith("Added 员工手册.docx: ")
    question = "婚假有几天？"
    assert "《员工手册》 › 第二章 休假" in (say(bot, question, "other").text or "")
    assert f"• 员工手册.docx — {len(made.passages)} passages" in docs_lines(bot)

    asked = say(bot, "/remove 员工手册.docx")
    assert asked.text == f"Remove 员工手册.docx ({len(made.passages)} passages)? It goes to .trash/."
    assert [b["text"] for b in asked.buttons] == ["Remove", "Cancel"]
    kept = press(bot, asked, asked.callback_data[1])
    assert kept.text == "Cancelled: nothing was removed." and kept.buttons == []
    assert "《员工手册》" in (say(bot, question, "other").text or "")

    asked = say(bot, "/remove 员工手册.docx")
    removed = press(bot, asked, asked.callback_data[0])
    moved = re.fullmatch(
        r"Removed 员工手册\.docx \(moved to (\.trash/员工手册\.\d{8}-\d{6}(?:-\d+)?\.docx)\)\. "
        r"Now serving \d+ documents, \d+ passages\.",
        removed.text or "",
    )
    assert moved, removed.text
    assert (bot.docs / moved.group(1)).read_bytes() == made.data and not (bot.docs / "员工手册.docx").exists()
    assert "《员工手册》" not in (say(bot, question, "other").text or "")
    assert not [line for line in docs_lines(bot) if "员工手册" in line]
    assert re.search(
        rf"removal by admin {admin.id}: 员工手册.docx, {len(made.data)} bytes: moved to", bot.log()
    )


def test_docs_come_in_pages_with_buttons(bot: BotProcess) -> None:
    first = say(bot, "/docs")
    assert (first.text or "").startswith("Documents served: ") and "page 1 of 2" in (first.text or "")
    assert [b["text"] for b in first.buttons] == ["▸"]
    second = press(bot, first, first.callback_data[0])
    assert "page 2 of 2" in (second.text or "") and [b["text"] for b in second.buttons] == ["◂"]
    lines = [line for text in (first.text, second.text) for line in (text or "").splitlines()]
    for name in [*MANY, "travel-rules.md", "000_fc6bf0a2fe9ff4f6.txt"]:
        assert sum(line.startswith(f"• {name} — ") for line in lines) == 1, name
    assert "• 000_fc6bf0a2fe9ff4f6.txt — 17 passages" in lines
    assert any(line.startswith("• empty.txt — skipped: ") for line in lines)
    back = press(bot, second, second.callback_data[0])
    assert back.text == first.text


def test_an_unknown_name_gets_the_closest_names(bot: BotProcess) -> None:
    assert say(bot, "/remove travel-rule.md").text == (
        "There is no document named travel-rule.md.\nDid you mean: travel-rules.md"
    )
    outside = bot.docs.parent / "bot.log"
    assert say(bot, "/remove ../bot.log").text == "There is no document named ../bot.log."
    assert outside.exists() and not (bot.docs / ".trash" / "bot.log").exists()
    assert say(bot, "/remove").text == "Usage: /remove NAME (/docs lists the names)"


def test_only_admins_list_and_remove(bot: BotProcess) -> None:
    for command in ("/docs", "/remove travel-rules.md"):
        assert say(bot, command, "other").text == "抱歉，只有管理员可以使用这个命令。"
    assert (bot.docs / "travel-rules.md").exists()


def test_the_admin_menu_is_the_admins_own(bot: BotProcess) -> None:
    everyone = [c["command"] for c in bot.server.commands()]
    scope = {"type": "chat", "chat_id": USERS["admin"].id}
    admins = [c["command"] for c in bot.server.commands(scope)]
    assert everyone == ["start", "help", "ask"]
    assert admins == ["start", "help", "ask", "reload", "stats", "unanswered", "docs", "remove"]
    assert [c["command"] for c in bot.server.commands(scope, "en")] == admins
    assert bot.server.commands(scope, "en")[-1]["description"] == "remove a document: /remove NAME (admins)"
    [help_text] = bot.ask(USERS["admin"], None, "/help")
    assert "/docs" in (help_text.text or "") and "/remove" in (help_text.text or "")

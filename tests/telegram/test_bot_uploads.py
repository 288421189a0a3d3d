"""Admins add documents by sending them to the bot: end to end, the real bot against the
fake Bot API (getFile, then the file downloaded from TELEGRAM_API_BASE_URL's file URL).

Each test uploads files of its own names: the tests share one bot and run in any order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import wordfiles

from .bot_process import BotProcess, admin_and_other, running_bot
from .fake_botapi import FakeChat, FakeUser, StoredMessage

USERS: dict[str, FakeUser] = {}
MB = 1024 * 1024


prepare = admin_and_other(USERS)


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    with running_bot(tmp_path_factory.mktemp("uploads"), {"TOP_K": "1"}, prepare=prepare) as process:
        yield process


def send(
    bot: BotProcess, name: str | None, content: bytes, user: str = "admin", size: int | None = None
) -> StoredMessage:
    """Send a document in a private chat; the bot's reply to it."""
    sender = USERS[user]
    before = len(bot.server.sent_messages(sender.id))
    bot.server.send_document(sender, None, name, content, size=size)
    return bot.server.wait_for_messages(sender.id, before + 1, timeout=60)[before]


def answer(bot: BotProcess, question: str) -> str:
    return "\n".join(m.text or "" for m in bot.ask(USERS["other"], None, question))


def file_requests(bot: BotProcess) -> int:
    return len(bot.server.calls("getFile"))


def test_an_admins_word_file_is_answered_under_its_heading(bot: BotProcess) -> None:
    made = wordfiles.handbook()
    reply = send(bot, "员工手册.docx", made.data)
    headings = list(dict.fromkeys(heading for heading, _, _ in made.passages))
    first = f"Added 员工手册.docx: {len(made.passages)} passages, {len(headings)} headings, in "
    assert (reply.text or "").startswith(first), reply.text
    assert [line[2:] for line in (reply.text or "").splitlines()[2:]] == [
        f"《员工手册》 › {h}" for h in headings
    ]
    assert re.search(r"in \d+\.\d s\.", reply.text or "")
    assert (bot.docs / "员工手册.docx").read_bytes() == made.data
    assert bot.server.downloads()[-1].startswith("documents/file_")  # from the fake server's file URL
    text = answer(bot, "婚假有几天？")
    assert "《员工手册》 › 第二章 休假" in text and "婚假; 天数: 3天" in text
    assert re.search(
        rf"upload by admin {USERS['admin'].id}: 员工手册.docx, {len(made.data)} bytes: added", bot.log()
    )


def test_someone_else_is_refused_and_nothing_is_downloaded(bot: BotProcess) -> None:
    before = file_requests(bot)
    reply = send(bot, "note.txt", "外人的文件内容。\n".encode(), user="other")
    assert reply.text == "抱歉，只有管理员可以添加文档。"
    assert file_requests(bot) == before and not (bot.docs / "note.txt").exists()


def test_an_unsupported_type_names_the_types(bot: BotProcess) -> None:
    before = file_requests(bot)
    reply = send(bot, "picture.png", b"\x89PNG\r\n")
    assert (
        reply.text == "I can't read picture.png: send .txt, .md, .markdown, .docx, .pdf, .html, .htm files."
    )
    assert file_requests(bot) == before


def test_a_file_declared_over_the_limit_is_not_downloaded(bot: BotProcess) -> None:
    before = file_requests(bot)
    reply = send(bot, "big.pdf", b"%PDF-1.7\n", size=30 * MB)
    assert reply.text == "big.pdf is 30.0 MB; the limit is 20 MB (MAX_UPLOAD_MB)."
    assert file_requests(bot) == before
    # just under the shipped limit is fine
    fact = "银杏大道的路灯每晚七点亮起。"
    reply = send(bot, "lamps.md", f"# 路灯\n\n## 时间\n\n{fact}\n".encode(), size=19 * MB)
    assert (reply.text or "").startswith("Added lamps.md: 1 passage, 1 heading,")
    assert fact in answer(bot, "银杏大道路灯几点亮")


def test_names_cannot_leave_the_folder_nor_hide(bot: BotProcess) -> None:
    outside = bot.docs.parent
    reply = send(bot, "../../escape.txt", "越狱测试\n\n这个文件的名字想跳出文档文件夹。\n".encode())
    assert (reply.text or "").startswith("Added escape.txt: 1 passage,")
    reply = send(bot, "..\\.hidden-rules.md", "# 隐藏\n\n隐藏文件测试的正文。\n".encode())
    assert (reply.text or "").startswith("Added hidden-rules.md: 1 passage,")
    assert (bot.docs / "escape.txt").is_file() and (bot.docs / "hidden-rules.md").is_file()
    assert not (outside / "escape.txt").exists() and not list(outside.parent.glob("escape.txt"))
    assert "文档文件夹" in answer(bot, "名字想跳出文档文件夹")


def test_a_damaged_word_file_is_not_kept(bot: BotProcess) -> None:
    reply = send(bot, "损坏.docx", wordfiles.handbook().data[:3000])
    assert (reply.text or "").startswith("损坏.docx was not added: ") and "damaged" in (reply.text or "")
    assert (reply.text or "").endswith("The documents served are unchanged.")
    assert not (bot.docs / "损坏.docx").exists() and not any((bot.docs / ".uploads").iterdir())
    assert "把25个小支部合并缩减至11个大支部" in answer(bot, "党支部合并后还剩多少个？")


def press(bot: BotProcess, message: StoredMessage, data: str) -> StoredMessage:
    """Press a button of ``message``; the message once the bot has edited it."""
    bot.server.press_button(USERS["admin"], message, data)
    return bot.server.wait_until(
        lambda: m if (m := bot.server.message(message.chat_id, message.message_id)).edit_date else None,
        60,
        "the message edited",
    )


def test_replacing_asks_first_and_keeps_the_old_version(bot: BotProcess) -> None:
    old, new = "# 班车\n\n班车早上七点从东门出发。\n", "# 班车\n\n班车早上八点从西门出发。\n"
    assert (send(bot, "bus.md", old.encode()).text or "").startswith("Added bus.md")
    asked = send(bot, "bus.md", new.encode())
    assert asked.text == (
        "bus.md is already served (1 passage). Replace it with the file you sent (1 passage)? "
        "The old version goes to .trash/."
    )
    assert [b["text"] for b in asked.buttons] == ["Replace", "Cancel"]
    cancelled = press(bot, asked, asked.callback_data[1])
    assert cancelled.text == "Cancelled: the old bus.md stays, the file you sent was discarded."
    assert cancelled.buttons == [] and (bot.docs / "bus.md").read_text(encoding="utf-8") == old
    assert "七点从东门" in answer(bot, "班车几点出发")

    asked = send(bot, "bus.md", new.encode())
    replaced = press(bot, asked, asked.callback_data[0])
    trashed = re.search(r"the old version is in (\.trash/bus\.\d{8}-\d{6}(-\d+)?\.md)", replaced.text or "")
    assert trashed and (replaced.text or "").startswith("Replaced bus.md ")
    assert (bot.docs / trashed.group(1)).read_text(encoding="utf-8") == old
    assert (bot.docs / "bus.md").read_text(encoding="utf-8") == new
    text = answer(bot, "班车几点出发")
    assert "八点从西门" in text and "七点从东门" not in text  # the trash is not served
    again = bot.server.press_button(USERS["admin"], replaced, asked.callback_data[0], check=False)
    bot.server.wait_until(lambda: again.callback_query_id in bot.server.callback_answers(), 10)
    assert (
        bot.server.callback_answers()[again.callback_query_id]["text"]
        == "This has expired or was done already."
    )


def test_two_uploads_at_once_are_both_kept(bot: BotProcess) -> None:
    admin = USERS["admin"]
    before = len(bot.server.sent_messages(admin.id))
    for name, fact in (("north.md", "北门停车场有两百个车位。"), ("south.md", "南门食堂周末也开放。")):
        bot.server.send_document(admin, None, name, f"# {name}\n\n{fact}\n".encode())
    replies = bot.server.wait_for_messages(admin.id, before + 2, timeout=90)[before:]
    assert sorted((r.text or "").split(":")[0] for r in replies) == ["Added north.md", "Added south.md"]
    assert "两百个车位" in answer(bot, "北门停车场车位")
    assert "周末也开放" in answer(bot, "南门食堂周末开放吗")


def test_documents_in_groups_are_ignored(bot: BotProcess) -> None:
    group: FakeChat = bot.server.group_chat("Staff")
    before = file_requests(bot)
    bot.server.send_document(USERS["admin"], group, "group.md", "# 群\n\n群里的文件。\n".encode())
    _, answered = bot.quiet_then(USERS["admin"], group, "", "/ask 党支部合并后还剩多少个？")
    assert file_requests(bot) == before and not (bot.docs / "group.md").exists()
    assert answered and not [m for m in bot.server.sent_messages(group.id) if "group.md" in (m.text or "")]


def test_an_unwritable_documents_folder_gets_a_clear_reply(bot: BotProcess) -> None:
    staging = bot.docs / ".uploads"
    staging.mkdir(exist_ok=True)
    blocked = Path(f"{staging}.moved")
    staging.rename(blocked)
    staging.write_text("", encoding="utf-8")  # a file where the staging folder must go
    try:
        reply = send(bot, "blocked.md", "# 不行\n\n写不进去。\n".encode())
    finally:
        staging.unlink()
        blocked.rename(staging)
    assert (
        reply.text
        == "Could not save blocked.md: the documents folder cannot be written to (Not a directory)."
    )
    assert "Traceback" not in bot.log()


def test_admins_are_told_how_to_upload(bot: BotProcess) -> None:
    [admin_help] = bot.ask(USERS["admin"], None, "/help")
    [other_help] = bot.ask(USERS["other"], None, "/help")
    assert "To add a document, send me the file (.txt, .md" in (admin_help.text or "")
    assert "up to 20 MB" in (admin_help.text or "") and "添加文档" not in (other_help.text or "")

"""MAX_UPLOAD_MB changes what an admin may send: checked on the size Telegram declares
(before any download) and again on the bytes downloaded (a declared size can be wrong).
The shipped 20 MB is in test_bot_uploads.py."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pytest

from .bot_process import BotProcess, running_bot
from .fake_botapi import FakeBotAPI, FakeUser

USERS: dict[str, FakeUser] = {}
MB = 1024 * 1024


def prepare(server: FakeBotAPI) -> Mapping[str, str]:
    USERS["admin"] = server.make_user("Admin", language_code="en")
    server.private_chat(USERS["admin"])  # the admin has written to the bot before
    return {"ADMIN_USER_IDS": str(USERS["admin"].id), "MAX_UPLOAD_MB": "1"}


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    with running_bot(tmp_path_factory.mktemp("upload-limit"), prepare=prepare) as process:
        yield process


def send(bot: BotProcess, name: str, content: bytes, size: int | None = None) -> str:
    admin = USERS["admin"]
    before = len(bot.server.sent_messages(admin.id))
    bot.server.send_document(admin, None, name, content, size=size)
    return bot.server.wait_for_messages(admin.id, before + 1, timeout=60)[before].text or ""


def test_a_lower_limit_refuses_before_downloading(bot: BotProcess) -> None:
    files = len(bot.server.calls("getFile"))
    assert send(bot, "notes.md", b"# a\n\nb\n", size=MB + MB // 2) == (
        "notes.md is 1.5 MB; the limit is 1 MB (MAX_UPLOAD_MB)."
    )
    assert len(bot.server.calls("getFile")) == files


def test_a_file_larger_than_declared_is_not_kept(bot: BotProcess) -> None:
    content = ("很长的一段话。" * 60_000).encode()  # 1.2 MB
    downloads = len(bot.server.downloads())
    assert (
        send(bot, "long.txt", content, size=100) == "long.txt is 1.2 MB; the limit is 1 MB (MAX_UPLOAD_MB)."
    )
    assert len(bot.server.downloads()) == downloads + 1 and not (bot.docs / "long.txt").exists()
    assert not any((bot.docs / ".uploads").iterdir())


def test_removing_the_last_document_keeps_serving_it_until_a_reload_succeeds(bot: BotProcess) -> None:
    """The folder holds the seed alone: once it is in the trash a reload has nothing to index,
    fails, and the seed is still served (as the reply says); put back, /reload serves it."""
    admin, seed = USERS["admin"], "000_fc6bf0a2fe9ff4f6.txt"
    [asked] = bot.ask(admin, None, f"/remove {seed}")
    bot.server.press_button(admin, asked, asked.callback_data[0])
    removed = bot.server.wait_until(
        lambda: m if (m := bot.server.message(admin.id, asked.message_id)).history else None, 60, "the edit"
    )
    trashed = next((bot.docs / ".trash").glob("000_fc6bf0a2fe9ff4f6.*.txt"))
    try:
        assert (removed.text or "").startswith(
            f"Moved {seed} to .trash/{trashed.name}, but reloading failed: "
        )
        assert (removed.text or "").endswith("It is still served until a reload succeeds.")
        assert "把25个小支部合并缩减至11个大支部" in "".join(
            m.text or "" for m in bot.ask(admin, None, "党支部合并后还剩多少个？")
        )
    finally:
        trashed.rename(bot.docs / seed)
    [reloaded] = bot.ask(admin, None, "/reload")
    assert (reloaded.text or "").startswith("Reloaded 1 document, 17 passages")

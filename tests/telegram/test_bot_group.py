"""Groups and allow-lists with the real bot: quiet unless addressed, and only for those allowed.

ALLOWED_USER_IDS lets Alice in anywhere; ALLOWED_CHAT_IDS lets anyone in the team group.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pytest

from .bot_process import BotProcess, running_bot
from .fake_botapi import FakeBotAPI, FakeChat, FakeUser

QUESTION = "党支部合并后还剩多少个？"
ANSWER = "把25个小支部合并缩减至11个大支部"
USERS: dict[str, FakeUser] = {}
CHATS: dict[str, FakeChat] = {}


def prepare(server: FakeBotAPI) -> Mapping[str, str]:
    for name in ("alice", "bob", "carol"):
        USERS[name] = server.make_user(name.title(), language_code="en")
    CHATS["team"] = server.group_chat("Team", supergroup=True)
    CHATS["other"] = server.group_chat("Elsewhere")
    return {"ALLOWED_USER_IDS": str(USERS["alice"].id), "ALLOWED_CHAT_IDS": str(CHATS["team"].id)}


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    with running_bot(tmp_path_factory.mktemp("group"), {"TOP_K": "1"}, prepare=prepare) as process:
        yield process


def test_quiet_unless_asked_with_ask(bot: BotProcess) -> None:
    quiet, answered = bot.quiet_then(USERS["bob"], CHATS["team"], QUESTION, f"/ask {QUESTION}")
    assert quiet == []
    assert len(answered) == 1 and ANSWER in (answered[0].text or "")


def test_ask_with_the_bots_name_and_without_a_question(bot: BotProcess) -> None:
    name = bot.server.bot_user.username
    _, answered = bot.quiet_then(
        USERS["bob"], CHATS["team"], "/ask@some_other_bot x", f"/ask@{name} {QUESTION}"
    )
    assert ANSWER in (answered[0].text or "")
    [usage] = bot.ask(USERS["bob"], CHATS["team"], "/ask")
    assert usage.text == "Usage: /ask your question"


def test_reply_to_the_bot_is_a_question(bot: BotProcess) -> None:
    server, team = bot.server, CHATS["team"]
    [mine] = bot.ask(USERS["bob"], team, f"/ask {QUESTION}")
    server.send_text(USERS["carol"], team, "沧州中院", reply_to=mine)
    reply = server.wait_until(
        lambda: [m for m in server.sent_messages(team.id) if m.reply_to and m.reply_to.text == "沧州中院"],
        timeout=10,
        what="the answer to the reply",
    )[0]
    assert "《党建引领激发奋进动力》" in (reply.text or "")


def test_mention_is_a_question_without_the_mention(bot: BotProcess) -> None:
    name = bot.server.bot_user.username
    assert name
    quiet, answered = bot.quiet_then(
        USERS["bob"], CHATS["team"], f"@someone_else {QUESTION}", f"@{name.upper()} {QUESTION}"
    )
    assert quiet == [] and ANSWER in (answered[0].text or "")
    [usage] = bot.ask(USERS["bob"], CHATS["team"], f"@{name}")
    assert usage.text == "Usage: /ask your question"


def test_non_text_in_a_group_is_ignored(bot: BotProcess) -> None:
    server, team = bot.server, CHATS["team"]
    before = len(server.sent_messages(team.id))
    server.send_sticker(USERS["bob"], team)
    bot.ask(USERS["bob"], team, f"/ask {QUESTION}")
    assert len(server.sent_messages(team.id)) == before + 1


def test_group_not_allowed_is_silent_but_an_allowed_user_is_answered(bot: BotProcess) -> None:
    quiet, answered = bot.quiet_then(
        USERS["bob"], CHATS["other"], f"/ask {QUESTION}", f"/ask {QUESTION}", by=USERS["alice"]
    )
    assert quiet == [] and ANSWER in (answered[0].text or "")


def test_private_chats_follow_the_user_list(bot: BotProcess) -> None:
    [refusal] = bot.ask(USERS["carol"], None, QUESTION)
    assert refusal.text == "Sorry, this bot only answers the people it was set up for."
    [start] = bot.ask(USERS["carol"], None, "/start")
    assert str(USERS["carol"].id) in (start.text or "")  # so she can ask to be let in
    [answer] = bot.ask(USERS["alice"], None, QUESTION)
    assert ANSWER in (answer.text or "")


def test_inline_mode_follows_the_user_list(bot: BotProcess) -> None:
    server = bot.server
    carol = server.inline_query(USERS["carol"], QUESTION)
    alice = server.inline_query(USERS["alice"], QUESTION)
    answers = server.wait_until(
        lambda: (lambda a: a if {carol.inline_query_id, alice.inline_query_id} <= set(a) else None)(
            server.inline_answers()
        ),
        timeout=10,
        what="inline answers",
    )
    assert answers[carol.inline_query_id]["results"] == []
    assert answers[alice.inline_query_id]["results"]

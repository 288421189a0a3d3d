"""The error handler, in process: a failing search is logged with its traceback and the
user gets an apology; a failing "more" button still gets its callback answered."""

from __future__ import annotations

import logging

import pytest

from bot.settings import load_settings
from bot.telegram.app import build_application
from bot.telegram.service import Service
from retrieval.answer import Answer
from retrieval.library import Library

from .fake_botapi import FakeBotAPI


async def test_failures_are_logged_and_apologised_for(
    botapi: FakeBotAPI,
    seed_library: Library,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load_settings(telegram_api_base_url=botapi.base_url, top_k=1)
    service = Service.create(seed_library, settings)
    application = build_application(settings, botapi.token, service)

    async def broken(question: str) -> Answer:
        raise RuntimeError("the index caught fire")

    def lost(key: int, chat_id: int) -> Answer | None:
        raise KeyError(key)

    monkeypatch.setattr(service, "ask", broken)
    monkeypatch.setattr(service.cache, "get", lost)
    user = botapi.make_user("Ann", language_code="en")
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(allowed_updates=["message", "callback_query"])
        await application.start()
        try:
            botapi.send_text(user, None, "any question")
            [apology] = await botapi.async_wait_for_messages(user.id, 1, timeout=10)
            [message] = await botapi.async_wait_for_messages(user.id, 1, timeout=10)
            press = botapi.press_button(user, message, "more:12345:1", check=False)
            await botapi.async_wait_until(
                lambda: press.callback_query_id in botapi.callback_answers(),
                timeout=10,
                what="callback answer",
            )
        finally:
            await application.updater.stop()
            await application.stop()
    assert apology.text == "Sorry, something went wrong with that message. Please try again later."
    assert botapi.callback_answers()[press.callback_query_id]["text"] == apology.text
    errors = [r.exc_info[1] for r in caplog.records if r.levelno == logging.ERROR and r.exc_info]
    assert [type(e) for e in errors] == [RuntimeError, KeyError]
    assert not botapi.bad_requests()

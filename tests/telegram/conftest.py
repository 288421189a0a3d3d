"""Fixtures for Telegram end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .fake_botapi import FakeBotAPI


@pytest.fixture
def botapi() -> Iterator[FakeBotAPI]:
    """A running fake Telegram Bot API server on 127.0.0.1 (a free port), stopped afterwards."""
    server = FakeBotAPI()
    server.start()
    try:
        yield server
    finally:
        server.stop()

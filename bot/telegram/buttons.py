"""Inline buttons: what their ``callback_data`` says, and the keyboard under an answer.

``callback_data`` is ``<prefix>:<fields>``, at most 64 bytes (Telegram's limit).
Each kind of button owns a prefix, and its handler is registered for
``pattern(prefix)``; data no handler claims (a forged button, or one from an older
version of the bot) gets the polite "expired" reply. The answer's keyboard is one
row: 👍 👎 (when questions are logged) and "More passages ▸" (when more follow).

- ``more:<key>:<offset>`` sends the page at ``offset`` of the answer ``key``;
- ``vote:<key>:<+|->`` records 👍 or 👎 for the answer ``key``.

``key`` is the logged question's id (or, with the log off, the answer's key in the
in-memory cache): a positive integer under 2**53.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.pages import KEY_LIMIT
from bot.telegram.phrases import Phrases

MORE, VOTE = "more", "vote"
MAX_DATA_BYTES = 64

THUMBS = {1: "👍", -1: "👎"}
_MORE = re.compile(r"more:([1-9][0-9]{0,15}):([0-9]{1,4})")
_VOTE = re.compile(r"vote:([1-9][0-9]{0,15}):([+-])")


def pattern(prefix: str) -> str:
    """The ``CallbackQueryHandler`` pattern for the buttons of ``prefix``."""
    return f"^{re.escape(prefix)}:"


@dataclass(frozen=True)
class MoreButton:
    key: int
    offset: int

    def data(self) -> str:
        return f"{MORE}:{self.key}:{self.offset}"

    @classmethod
    def parse(cls, data: str) -> MoreButton | None:
        found = _MORE.fullmatch(data)
        if found is None or int(found.group(1)) >= KEY_LIMIT:
            return None
        return cls(int(found.group(1)), int(found.group(2)))


@dataclass(frozen=True)
class VoteButton:
    key: int
    value: int  # 1 (👍) or -1 (👎)

    def data(self) -> str:
        return f"{VOTE}:{self.key}:{'+' if self.value > 0 else '-'}"

    @classmethod
    def parse(cls, data: str) -> VoteButton | None:
        found = _VOTE.fullmatch(data)
        if found is None or int(found.group(1)) >= KEY_LIMIT:
            return None
        return cls(int(found.group(1)), 1 if found.group(2) == "+" else -1)


def answer_keyboard(
    phrases: Phrases, key: int | None, next_offset: int | None, votes: bool
) -> InlineKeyboardMarkup | None:
    """👍 👎 (if ``votes``) and "More passages ▸" (if ``next_offset``) in one row; None if neither."""
    row = []
    if votes and key is not None:
        row += [InlineKeyboardButton(THUMBS[v], callback_data=VoteButton(key, v).data()) for v in (1, -1)]
    if next_offset is not None and key is not None:
        row.append(
            InlineKeyboardButton(phrases.more_button, callback_data=MoreButton(key, next_offset).data())
        )
    return InlineKeyboardMarkup([row]) if row else None

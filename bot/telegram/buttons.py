"""Inline buttons: what their ``callback_data`` says, and the keyboard under an answer.

``callback_data`` is ``<prefix>:<fields>``, at most 64 bytes (Telegram's limit).
Each kind of button owns a prefix, and its handler is registered for
``pattern(prefix)``; data no handler claims (a forged button, or one from an older
version of the bot) gets the polite "expired" reply. The answer's keyboard is one
row: 👍 👎 (when questions are logged) and "More passages ▸" (when more follow).

- ``more:<key>:<offset>`` sends the page at ``offset`` of the answer ``key``;
- ``vote:<key>:<+|->`` records 👍 or 👎 for the answer ``key``;
- ``upl:<key>:<y|n>`` replaces a document with the upload ``key`` (or cancels it),
  ``rmv:<key>:<y|n>`` removes the document of the request ``key`` (or cancels it);
- ``docs:<page>`` shows that page of ``/docs``.

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
REPLACE, REMOVE, DOCS = "upl", "rmv", "docs"
MAX_DATA_BYTES = 64

THUMBS = {1: "👍", -1: "👎"}
_MORE = re.compile(r"more:([1-9][0-9]{0,15}):([0-9]{1,4})")
_VOTE = re.compile(r"vote:([1-9][0-9]{0,15}):([+-])")
_CHOICE = re.compile(r"(upl|rmv):([1-9][0-9]{0,15}):([yn])")
_DOCS = re.compile(r"docs:([0-9]{1,4})")


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


@dataclass(frozen=True)
class ChoiceButton:
    """Yes or no to what waits under ``key``: a replacement (``REPLACE``) or a removal (``REMOVE``)."""

    kind: str
    key: int
    yes: bool

    def data(self) -> str:
        return f"{self.kind}:{self.key}:{'y' if self.yes else 'n'}"

    @classmethod
    def parse(cls, data: str) -> ChoiceButton | None:
        found = _CHOICE.fullmatch(data)
        if found is None or int(found.group(2)) >= KEY_LIMIT:
            return None
        return cls(found.group(1), int(found.group(2)), found.group(3) == "y")


def choice_keyboard(kind: str, key: int, yes: str, no: str) -> InlineKeyboardMarkup:
    """[yes] [no], in that order: [Replace] [Cancel], [Remove] [Cancel]."""
    buttons = [ChoiceButton(kind, key, True), ChoiceButton(kind, key, False)]
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(text, callback_data=b.data())
                for text, b in zip((yes, no), buttons, strict=True)
            ]
        ]
    )


def docs_page(data: str) -> int | None:
    """The page a ``docs:<page>`` button shows."""
    found = _DOCS.fullmatch(data)
    return None if found is None else int(found.group(1))


def docs_keyboard(page: int, pages: int) -> InlineKeyboardMarkup | None:
    """◂ and ▸ to the pages before and after ``page`` (0-based), when there are more."""
    row = [InlineKeyboardButton("◂", callback_data=f"{DOCS}:{page - 1}")] if page > 0 else []
    if page + 1 < pages:
        row.append(InlineKeyboardButton("▸", callback_data=f"{DOCS}:{page + 1}"))
    return InlineKeyboardMarkup([row]) if row else None


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

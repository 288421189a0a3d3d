"""``qabot log``: the question log's rows, newest first, or one person forgotten.

The log is read from DATA_DIR (the Telegram bot writes it); a folder with no log
yet has no rows. Formats are ``export.py``'s.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from typing import Literal, TextIO

from bot.counting import counted
from bot.questionlog.export import write_csv, write_json, write_text
from bot.questionlog.pseudonyms import Pseudonyms
from bot.questionlog.recorder import utc_now
from bot.questionlog.sqlite import FILE_NAME, SqliteLog
from bot.settings import Settings

Form = Literal["text", "json", "csv"]
WRITERS = {"text": write_text, "json": write_json, "csv": write_csv}


def list_questions(
    settings: Settings, since_days: int | None, unanswered: bool, form: Form, out: TextIO
) -> None:
    folder = settings.data_folder()
    if not (folder / FILE_NAME).exists():
        if form != "json":
            print(f"qabot: no questions logged in {folder} (DATA_DIR)", file=sys.stderr)
        if form == "csv":
            write_csv([], out)
        return
    since = utc_now() - timedelta(days=since_days) if since_days is not None else None
    store = SqliteLog.open(folder)
    try:
        rows = store.rows(since, unanswered)
    finally:
        store.close()
    WRITERS[form](rows, out)


def forget_user(settings: Settings, user_id: int) -> str:
    """Delete the questions and votes of Telegram user ``user_id``; what was done, in words."""
    folder = settings.data_folder()
    pseudonyms = Pseudonyms.existing(folder)
    if pseudonyms is None or not (folder / FILE_NAME).exists():
        return f"nothing is logged in {folder} (DATA_DIR): no questions of user {user_id} to delete"
    store = SqliteLog.open(folder)
    try:
        deleted = store.forget(pseudonyms.user(user_id))
    finally:
        store.close()
    return f"deleted {counted(deleted, 'question')} of user {user_id} (and their votes) from {folder / FILE_NAME}"

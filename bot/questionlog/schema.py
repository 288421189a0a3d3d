"""The question log's tables, as migration steps (plain SQL, no driver).

``MIGRATIONS[n]`` takes a file from schema version ``n`` to ``n + 1``
(``PRAGMA user_version``); a new file runs them all. Never edit a released step:
add one.
"""

from __future__ import annotations

# 1: questions (time as fixed-width UTC text, hits as JSON) and one vote per voter and question.
V1 = (
    """CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        time TEXT NOT NULL,
        question TEXT NOT NULL,
        normalised TEXT NOT NULL,
        user TEXT NOT NULL,
        chat TEXT NOT NULL,
        language TEXT,
        answered INTEGER NOT NULL,
        hits TEXT NOT NULL,
        ms REAL NOT NULL
    )""",
    "CREATE INDEX questions_by_time ON questions (time)",
    "CREATE INDEX questions_by_user ON questions (user)",
    """CREATE TABLE votes (
        question INTEGER NOT NULL,
        voter TEXT NOT NULL,
        vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
        time TEXT NOT NULL,
        PRIMARY KEY (question, voter)
    )""",
    "CREATE INDEX votes_by_voter ON votes (voter)",
)

# 2: the chat a question was asked in (a pseudonym), so its buttons work only there;
# questions logged before have none, and no buttons that point at them.
V2 = ("ALTER TABLE questions ADD COLUMN chat_key TEXT NOT NULL DEFAULT ''",)

MIGRATIONS: tuple[tuple[str, ...], ...] = (V1, V2)
LATEST = len(MIGRATIONS)

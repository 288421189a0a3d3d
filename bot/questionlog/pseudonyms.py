"""People and chats as pseudonyms: HMAC-SHA256 keyed with a secret kept in DATA_DIR.

The secret (``DATA_DIR/secret``: 64 hex characters, readable by its owner only)
is made once. It is written to a temporary file and linked into place, so two
processes starting together both end up with the one that won, never a half-written
one. A pseudonym is ``HMAC-SHA256(key=the secret's text, message=the decimal id)``
in hex; without the secret it cannot be traced back to the id, and with it
``qabot log --forget-user ID`` finds a person's rows.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from contextlib import suppress
from pathlib import Path

from bot.questionlog.records import LogError

SECRET_FILE = "secret"


class Pseudonyms:
    def __init__(self, secret: bytes, remember: int = 4096) -> None:
        self._secret = secret
        self._known: dict[str, str] = {}  # recent ones: two hashes a question add up
        self._remember = remember

    @classmethod
    def create(cls, folder: Path) -> Pseudonyms:
        """The secret in ``folder``, made now if there is none yet."""
        path = folder / SECRET_FILE
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not path.exists():
                _write_once(path, secrets.token_hex(32).encode())
        except OSError as error:
            raise LogError(f"cannot create the secret {path}: {error.strerror or error}") from None
        found = cls.existing(folder)
        assert found is not None
        return found

    @classmethod
    def existing(cls, folder: Path) -> Pseudonyms | None:
        """The secret in ``folder``; None if there is none (nothing was ever logged there)."""
        path = folder / SECRET_FILE
        try:
            secret = path.read_bytes().strip()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise LogError(f"cannot read the secret {path}: {error.strerror or error}") from None
        if len(secret) < 32:
            raise LogError(f"the secret {path} is damaged (too short): restore it from a backup")
        return cls(secret)

    def user(self, user_id: int) -> str:
        return self._hash(str(user_id))

    def chat(self, chat_id: int) -> str:
        return self._hash(f"chat:{chat_id}")

    def _hash(self, message: str) -> str:
        found = self._known.get(message)
        if found is None:
            if len(self._known) >= self._remember:
                self._known.clear()
            found = hmac.digest(self._secret, message.encode(), hashlib.sha256).hex()
            self._known[message] = found
        return found


def _write_once(path: Path, content: bytes) -> None:
    """``content`` at ``path`` unless a file is there already (then that one stays)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content + b"\n")
            file.flush()
            os.fsync(file.fileno())
        with suppress(FileExistsError):  # another process got there first: its secret stays
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)

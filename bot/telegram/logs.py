"""Logging for the bot: timestamps, our INFO lines, and never a secret.

The token is part of every Bot API URL (``/bot<token>/getUpdates``) and of
some library errors, so httpx and httpcore stay at WARNING and every record is
scrubbed of the secrets, tracebacks included, before it is written.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import quote

MASK = "***"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class Scrubber:
    """Replaces each secret (and its URL-encoded form) with ``***``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        forms = {form for secret in secrets if secret for form in (secret, quote(secret, safe=""))}
        self._forms = sorted(forms, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for form in self._forms:
            text = text.replace(form, MASK)
        return text


class ScrubFilter(logging.Filter):
    """A handler filter: formats the message and the traceback, then scrubs both."""

    def __init__(self, scrub: Scrubber) -> None:
        super().__init__()
        self._scrub = scrub
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self._scrub(record.getMessage()), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._scrub(record.exc_text)
        return True


def configure_logging(scrub: Scrubber, level: int = logging.INFO) -> None:
    """Root at WARNING (libraries stay quiet), the bot's own loggers at ``level``."""
    logging.basicConfig(level=logging.WARNING, format=FORMAT, force=True)
    for handler in logging.getLogger().handlers:
        handler.addFilter(ScrubFilter(scrub))
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("bot").setLevel(level)

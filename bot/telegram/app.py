"""Running the Telegram bot (not built yet)."""

from __future__ import annotations

import sys

from bot.settings import Settings


def run(settings: Settings) -> int:
    print("qabot: error: the Telegram bot is not built yet; try qabot repl", file=sys.stderr)
    return 2

"""Traditional to Simplified Chinese for matching: the home of OpenCC.

Only tokens are converted; passages are always shown as written.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import opencc

# The characters t2s may change (see the file's header): text with none of them, no
# character past U+FFFF and no lone surrogate is Simplified already, and OpenCC (~15 µs a
# passage) need not run. About one passage in twenty of the benchmarks' pools has one.
CHANGES = Path(__file__).with_name("t2s_changes.txt")


@lru_cache(maxsize=4)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@lru_cache(maxsize=1)
def _may_change() -> re.Pattern[str]:
    lines = CHANGES.read_text(encoding="utf-8").splitlines()
    characters = "".join(line for line in lines if not line.startswith("#"))
    return re.compile(f"[{characters}\ud800-\udfff\U00010000-\U0010ffff]")


def to_simplified(text: str) -> str:
    if not _may_change().search(text):
        return text
    return str(_converter("t2s").convert(text))


def to_traditional(text: str) -> str:
    """Simplified to Traditional (Taiwan usage and phrases), for measuring."""
    return str(_converter("s2twp").convert(text))


def to_mainland(text: str) -> str:
    """Traditional (Taiwan usage and phrases) to Simplified with mainland phrases
    (軟體 → 软件), for measuring."""
    return str(_converter("tw2sp").convert(text))

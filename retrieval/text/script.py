"""Traditional to Simplified Chinese for matching: the home of OpenCC.

Only tokens are converted; passages are always shown as written.
"""

from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=4)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return str(_converter("t2s").convert(text))


def to_traditional(text: str) -> str:
    """Simplified to Traditional (Taiwan usage and phrases), for measuring."""
    return str(_converter("s2twp").convert(text))


def to_mainland(text: str) -> str:
    """Traditional (Taiwan usage and phrases) to Simplified with mainland phrases
    (軟體 → 软件), for measuring."""
    return str(_converter("tw2sp").convert(text))

"""Traditional to Simplified Chinese for matching: the home of OpenCC.

Only tokens are converted; passages are always shown as written.
"""

from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return str(_converter().convert(text))

"""English words to their stems, so "opens" finds "open": the home of snowballstemmer
(imported at the first English word: it loads every language's stemmer, ~20 ms a start)."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

_ENGLISH = re.compile(r"[a-z]+")
_local = threading.local()


def stem(word: str) -> str:
    """The stem of a lower-case English word; anything else unchanged."""
    return _stem(word) if _ENGLISH.fullmatch(word) else word


@lru_cache(maxsize=1 << 14)
def _stem(word: str) -> str:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return str(stemmer.stemWord(word))

"""Stage 4, store: a documents folder in, an ``Index`` out, kept on disk between runs.

Takes the documents folder and the index in service (on a reload); finds which
files changed (``scanning``), reads and tokenises only those, on every core
(``counting``, ``workers``, with a ``progress`` bar), and builds the index
around what it keeps (``indexing``). What was tokenised is kept in the index
cache (``cache``: what goes in it; ``cachefolder``: its files, written whole or
not at all; ``cachefile``: one file's format; ``cachekey``: what decides it);
freed memory goes back to the system after a reload (``allocator``).
"""

from retrieval.store.allocator import release_free_memory
from retrieval.store.cache import IndexCache, default_cache_dir
from retrieval.store.cachekey import cache_key
from retrieval.store.indexing import build_index, wait_for_saves

__all__ = [
    "IndexCache",
    "build_index",
    "cache_key",
    "default_cache_dir",
    "release_free_memory",
    "wait_for_saves",
]

"""Giving freed memory back to the system after a reload: the home of ctypes.

A reload builds the new index beside the old one, then drops the old. glibc
keeps much of what was freed for reuse, so a process serving 100k passages
would stay 100-150 MiB above what it needs. ``malloc_trim`` hands it back.
Elsewhere than glibc (macOS, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _libc() -> Any:
    try:
        # The C library the interpreter runs on, already loaded (``dlopen(NULL)``); not
        # ``ctypes.util.find_library``, which runs ``ldconfig -p`` in a new process
        # (~10-40 ms of every start here, and ``subprocess`` imported for it).
        libc = ctypes.CDLL(None)
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return libc


def release_free_memory() -> bool:
    """Return the allocator's free memory to the system; False where it cannot."""
    libc = _libc()
    return libc is not None and bool(libc.malloc_trim(0))

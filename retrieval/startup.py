"""What a process does once, first thing, so that it and the next ones start sooner.

- **The project's own bytecode, kept.** ``uv sync`` installs the project editable (its
  modules are read from ``bot/`` and ``retrieval/`` of the clone) and compiles only the
  dependencies (``[tool.uv] compile-bytecode``). Under ``PYTHONDONTWRITEBYTECODE=1``
  (this machine, most container images) Python then compiles every module of the
  project at every start and never keeps the result: ~60 ms of a warm start's CPU. So a
  process that did not write bytecode writes it at its exit for the modules of the
  packages named to ``prepare`` that it had to compile (no ``__pycache__`` file, or a
  stale one), exactly as Python would have without the variable (same files, same
  check: the source's modification time and size), and for nothing else. An edited
  module is compiled afresh at its next start, which keeps the new bytecode at its
  exit. A folder that cannot be written is left as it is.
- **OpenBLAS on one thread.** NumPy's OpenBLAS (linear algebra, which qabot does not
  use) starts a thread per core when NumPy is imported, and those threads spin: ~70 ms
  of CPU at every start on this 2-core machine, taken from the other core. Unless
  ``OPENBLAS_NUM_THREADS`` (or ``GOTO_NUM_THREADS``, ``OMP_NUM_THREADS``) is set or
  NumPy is imported already, it is set to 1 (``os.putenv``: this process and the ones
  it starts, not ``os.environ``).
"""

from __future__ import annotations

import atexit
import os
import sys

_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")
_kept: set[str] = set()  # the packages whose bytecode is written at exit


def prepare(package: str) -> None:
    """Call first thing in ``package``'s ``__init__``."""
    if "numpy" not in sys.modules and not any(name in os.environ for name in _BLAS_THREADS):
        os.putenv("OPENBLAS_NUM_THREADS", "1")
    if sys.dont_write_bytecode and package not in _kept:
        if not _kept:
            atexit.register(write_bytecode)
        _kept.add(package)


def write_bytecode() -> None:
    """Write the bytecode of the loaded modules of the ``prepare``d packages that Python
    compiled from their source in this process."""
    import contextlib
    import py_compile

    for name, module in list(sys.modules.items()):
        spec = getattr(module, "__spec__", None)
        if name.partition(".")[0] not in _kept or spec is None or not spec.has_location:
            continue
        source, cached = spec.origin, spec.cached
        if source is None or cached is None or not source.endswith(".py") or _fresh(source, cached):
            continue
        with contextlib.suppress(OSError, py_compile.PyCompileError):
            py_compile.compile(source, cached, doraise=True)


def _fresh(source: str, cached: str) -> bool:
    """Whether Python would load ``cached`` for ``source`` rather than compile it."""
    import importlib.util

    try:
        with open(cached, "rb") as file:
            head = file.read(16)
        status = os.stat(source)
        if len(head) < 16 or head[:4] != importlib.util.MAGIC_NUMBER:
            return False
        flags = int.from_bytes(head[4:8], "little")
        if flags == 0:  # checked by the source's modification time and size
            mtime, size = int.from_bytes(head[8:12], "little"), int.from_bytes(head[12:16], "little")
            return mtime == int(status.st_mtime) & 0xFFFFFFFF and size == status.st_size & 0xFFFFFFFF
        if flags & 0b10:  # checked by the source's hash
            with open(source, "rb") as file:
                return head[8:16] == importlib.util.source_hash(file.read())
        return True  # a hash that is not checked: used as it is
    except OSError:
        return False

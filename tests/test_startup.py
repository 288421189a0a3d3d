"""What a process does first (``retrieval.startup``): under ``PYTHONDONTWRITEBYTECODE=1``
the project's own modules are compiled once and kept, not at every start, and an edit
still takes effect; nothing else is written; OpenBLAS starts no threads. Judged by
Python itself (``python -v`` says where each module's code came from) and by the
threads the process has (``/proc/self/task``)."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT


def python(
    code: str, cwd: Path, env: dict[str, str], verbose: bool = False
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "OPENBLAS", "GOTO", "OMP"))}
    return subprocess.run(
        [sys.executable, *(["-v"] if verbose else []), "-c", code],
        capture_output=True,
        text=True,
        env={**clean, **env},
        cwd=cwd,
        timeout=120,
        check=True,
    )


def from_bytecode(run: subprocess.CompletedProcess[str], folder: Path) -> set[str]:
    """The modules under ``folder`` whose code ``python -v`` read from a ``.pyc`` file."""
    found = re.findall(r"^# code object from '?([^'\n]+\.pyc)'?$", run.stderr, re.MULTILINE)
    return {Path(p).name.split(".")[0] for p in found if Path(p).is_relative_to(folder)}


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A copy of ``retrieval/`` without bytecode (imported in place of the project's own:
    the current folder comes first on ``sys.path``), and a module of no package of ours."""
    shutil.copytree(
        PROJECT / "retrieval", tmp_path / "retrieval", ignore=shutil.ignore_patterns("__pycache__")
    )
    (tmp_path / "other.py").write_text("VALUE = 1\n", encoding="utf-8")
    return tmp_path


def test_the_projects_bytecode_is_written_once_under_pythondontwritebytecode(clone: Path) -> None:
    env = {"PYTHONDONTWRITEBYTECODE": "1"}
    first = python("import retrieval.passage, other", clone, env, verbose=True)
    assert from_bytecode(first, clone) == set()  # none to read: compiled from source
    assert not list(clone.glob("__pycache__/other.*"))  # not ours: left alone
    assert not list(clone.glob("retrieval/*/__pycache__"))  # not imported: not compiled
    second = python("import retrieval.passage", clone, env, verbose=True)
    assert from_bytecode(second, clone) == {"__init__", "startup", "passage"}


def test_an_edited_module_takes_effect_and_is_kept_again(clone: Path) -> None:
    env = {"PYTHONDONTWRITEBYTECODE": "1"}
    python("import retrieval.passage", clone, env)
    source = clone / "retrieval" / "passage.py"
    source.write_text(source.read_text(encoding="utf-8") + "EDITED = 'yes'\n", encoding="utf-8")
    edited = python("import retrieval.passage as p; print(p.EDITED)", clone, env, verbose=True)
    assert edited.stdout.strip() == "yes"
    assert "passage" not in from_bytecode(edited, clone)  # stale: compiled again
    again = python("import retrieval.passage as p; print(p.EDITED)", clone, env, verbose=True)
    assert again.stdout.strip() == "yes"
    assert "passage" in from_bytecode(again, clone)


def test_bytecode_is_left_to_python_when_it_may_write_it(clone: Path) -> None:
    """Without the variable Python writes (and reads) bytecode itself: nothing to add."""
    python("import retrieval.passage", clone, {})
    assert from_bytecode(python("import retrieval.passage", clone, {}, verbose=True), clone) == {
        "__init__",
        "startup",
        "passage",
    }


@pytest.mark.skipif(
    not Path("/proc/self/task").is_dir() or (os.cpu_count() or 1) < 2, reason="Linux, 2 cores or more"
)
def test_numpy_starts_no_openblas_threads_unless_told_to(tmp_path: Path) -> None:
    code = "import retrieval.config, numpy, os; print(len(os.listdir('/proc/self/task')))"
    assert python(code, PROJECT, {}).stdout.strip() == "1"
    assert python(code, PROJECT, {"OPENBLAS_NUM_THREADS": "2"}).stdout.strip() == "2"
    # The oracle: NumPy alone does start them.
    assert (
        python("import numpy, os; print(len(os.listdir('/proc/self/task')))", tmp_path, {}).stdout.strip()
        != "1"
    )


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_malloc_trim_is_found_in_the_running_c_library() -> None:
    """``release_free_memory`` finds glibc's ``malloc_trim`` in the C library already loaded
    (not through ``ctypes.util.find_library``, which runs ``ldconfig`` in a new process)."""
    from retrieval.store.allocator import _libc, release_free_memory

    assert _libc() is not None
    assert release_free_memory() in (True, False)

"""Processes building into one cache at once (once: the segment size of
``test_cache.py`` does not reach other processes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from retrieval.config import RetrievalConfig
from retrieval.library import Library
from tests.conftest import PROJECT
from tests.test_cache import FILES, MakeDocs, open_library, same_index
from tests.test_cache import tokenised as tokenised  # the fixture

BUILD = """
import sys
from pathlib import Path
from retrieval.config import RetrievalConfig
from retrieval.text.cuts import Cuts
from retrieval.store.indexing import wait_for_saves
from retrieval.library import Library
library = Library(RetrievalConfig(docs_dir=Path(sys.argv[1]), cache_dir=Path(sys.argv[2])))
wait_for_saves()
print(len(library.index.passages))
"""


def test_processes_building_into_one_cache_at_once_leave_it_sound(
    make_docs: MakeDocs, tmp_path: Path, tokenised: list[str]
) -> None:
    files = dict(FILES)
    for i in range(40):
        files[f"more/{i:02d}.txt"] = f"第{i}份文件说：编号{i}的苹果树在春天开花。\n\n它在秋天结果。\n"
    folder = make_docs(files)
    cache = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", BUILD, str(folder), str(cache)], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert all(p.returncode == 0 for p in processes) and len(set(outputs)) == 1
    tokenised.clear()
    library = open_library(folder, cache)
    assert tokenised == []
    same_index(library.index, Library(RetrievalConfig(docs_dir=folder)).index)


EXITING = """
import sys
import threading
from pathlib import Path
from retrieval.config import RetrievalConfig
from retrieval.library import Library
from retrieval.store import indexing
indexing._saving.acquire()  # the background save waits until this process is exiting
def release():
    threading.main_thread().join()
    indexing._saving.release()
threading.Thread(target=release).start()
Library(RetrievalConfig(docs_dir=Path(sys.argv[1]), cache_dir=Path(sys.argv[2])))
"""


def test_a_process_exiting_while_its_snapshot_is_saved_keeps_it(
    make_docs: MakeDocs, tmp_path: Path, tokenised: list[str]
) -> None:
    """A one-shot ``qabot ask`` ends while its snapshot is written: the save finishes
    as the interpreter shuts down (no new threads then), and the snapshot stays."""
    folder = make_docs(dict(FILES))
    cache = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    run = subprocess.run(
        [sys.executable, "-c", EXITING, str(folder), str(cache)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0 and "unusable" not in run.stderr and "could not" not in run.stderr, run.stderr
    tokenised.clear()
    open_library(folder, cache)
    assert tokenised == []  # served from the snapshot the exiting process saved

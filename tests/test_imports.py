"""Imports by need: answering in a console (``qabot ask``, ``qabot repl``) loads
neither the Telegram bot's stack (python-telegram-bot, httpx, tornado) nor jieba
or jieba-rs (their dictionaries take seconds to load; jieba's is mapped from
files instead: ``retrieval.text.dictionary``), nor what only some documents
need. Read from what a real run imports (``python -X importtime``)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from retrieval.store.scanning import SETTLED_NS
from tests.commandline import _environment, qabot

# charset_normalizer too: only a document that is not UTF-8 needs it; and the readers
# of Word, PDF and web pages (only indexing such files needs them, in a worker).
UNWANTED = ("telegram", "httpx", "tornado", "jieba", "rjieba", "charset_normalizer", "docx", "pypdf", "lxml")


def imported(*args: str, stdin: str = "", status: int = 0) -> set[str]:
    """The top-level packages a ``qabot`` run imported (it ends with ``status``)."""
    return {name.split(".")[0] for name in modules(*args, stdin=stdin, status=status)}


def modules(*args: str, stdin: str = "", status: int = 0) -> set[str]:
    """The modules a ``qabot`` run imported (it ends with ``status``)."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=_environment(None),
        cwd=Path.cwd(),  # the test's own folder (not tests/, whose telegram/ would be imported)
        timeout=120,
        check=False,
    )
    assert run.returncode == status, run.stderr[-2000:]
    lines = [line for line in run.stderr.splitlines() if line.startswith("import time:")]
    assert len(lines) > 100, run.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in lines}


@pytest.fixture
def dictionary_built() -> None:
    """jieba's dictionary files are there, as after the first run (which reads
    jieba's own files to build them)."""
    assert qabot("ask", "沧州中院院长是谁").returncode == 0


@pytest.mark.usefixtures("dictionary_built")
@pytest.mark.parametrize(
    ("args", "stdin"),
    [(("ask", "沧州中院院长是谁？"), ""), (("ask", "--json"), "法官联系人\n"), (("repl",), ":quit\n")],
)
def test_answering_in_a_console_imports_neither_telegram_nor_jieba(args: tuple[str, ...], stdin: str) -> None:
    found = imported(*args, stdin=stdin)
    assert {"bot", "retrieval", "numpy", "pydantic_settings"} <= found  # it did answer
    assert found.isdisjoint(UNWANTED), sorted(found & set(UNWANTED))


@pytest.mark.usefixtures("dictionary_built")
def test_the_telegram_command_does_import_its_stack() -> None:
    """The check above can see these packages: ``qabot telegram`` (failing at once
    for want of a token) has imported the bot's stack by then."""
    assert {"telegram", "httpx"} <= imported("telegram", status=2)


def test_a_warm_start_on_a_chinese_question_imports_only_what_it_needs(
    tmp_path: Path,
) -> None:
    """What answering from a ready index cache does not need: the English stemmer (all its
    languages, ~20 ms), ``importlib.metadata`` and the ``email`` parser it brings (~70 ms; the
    cache key reads the versions from the installed folders' names). The library alone: the
    CLI's settings (pydantic) import ``importlib.metadata`` for their own plugins."""
    docs, cache = tmp_path / "docs", tmp_path / "cache"
    docs.mkdir()
    (docs / "a.txt").write_text("沧州中院院长是闫杰。Judges open the documents.\n", encoding="utf-8")
    # A file hashed within SETTLED_NS of its last change is hashed again, and its stamp
    # written, at the next start (the "racy" rule): let it settle, so the second start
    # is a plain warm start whatever the machine's speed (on an idle one it was not).
    time.sleep(SETTLED_NS / 1e9 + 0.2)
    code = (
        "import sys; from pathlib import Path; from retrieval.config import RetrievalConfig; "
        "from retrieval.library import Library; from retrieval.store.indexing import wait_for_saves; "
        "Library(RetrievalConfig(docs_dir=Path(sys.argv[1]), cache_dir=Path(sys.argv[2]))).ask('院长是谁？', 3); "
        "wait_for_saves()"
    )

    def run() -> set[str]:
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code, str(docs), str(cache)],
            capture_output=True,
            text=True,
            env=_environment(None),
            timeout=120,
            check=True,
        )
        return {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if "|" in line}

    # Nor the documents' readers (nothing to read), ``tempfile`` (nothing to write), or
    # ``ctypes.util`` and ``subprocess`` (its ``find_library`` runs ``ldconfig`` in a new process).
    readers = {"retrieval.documents.markdown", "retrieval.documents.plaintext", "retrieval.documents.outline"}
    unwanted = {
        "snowballstemmer",
        "importlib.metadata",
        "email",
        "tempfile",
        "ctypes.util",
        "subprocess",
        *readers,
    }
    first = run()
    assert {"snowballstemmer", *readers} <= first  # the first start reads and indexes English words
    found = run()
    assert "retrieval.store.cachekey" in found and found.isdisjoint(unwanted), found & unwanted

"""A console for trying the bot: ask, ``:reload``, ``:help``, ``:quit``."""

from __future__ import annotations

import atexit
import contextlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.counting import counted
from bot.terminal import render_answer, render_report
from retrieval.errors import DocumentsError
from retrieval.library import Library

PROMPT = "qabot> "
HELP = """Type a question and press Enter to get the passages that answer it.
  :reload   re-read the documents (the old ones stay if that fails)
  :help     show this help
  :quit     leave (Ctrl-D too); Ctrl-C cancels the line
"""
HISTORY = Path.home() / ".qabot_history"


def enable_line_editing() -> None:
    """Line editing and a history file, when the console is a terminal."""
    try:
        import readline
    except ImportError:  # pragma: no cover - not on every platform
        return
    with contextlib.suppress(OSError):
        readline.read_history_file(HISTORY)

    atexit.register(_save_history, readline)


def _save_history(readline: object) -> None:
    with contextlib.suppress(OSError):
        readline.write_history_file(HISTORY)  # type: ignore[attr-defined]


def run_repl(
    library: Library,
    top_k: int,
    read: Callable[[str], str] = input,
    out: TextIO = sys.stdout,
    color: bool = False,
) -> int:
    """Answer questions until ``:quit`` or end of input; returns the exit status."""
    index = library.index
    documents, passages = counted(len(index.documents), "document"), counted(len(index.passages), "passage")
    out.write(f"{documents}, {passages}. :help for help.\n")
    while True:
        try:
            line = read(PROMPT).strip()
        except EOFError:
            out.write("\n")
            return 0
        except KeyboardInterrupt:
            out.write("\n")
            continue
        if not line:
            continue
        if line in (":quit", ":q", ":exit"):
            return 0
        if line in (":help", ":h", "?"):
            out.write(HELP)
        elif line == ":reload":
            try:
                out.write(render_report(library.reload()))
            except DocumentsError as error:
                out.write(f"Reload failed, still serving the previous documents: {error}\n")
        elif line.startswith(":"):
            out.write(f"Unknown command {line}; :help lists the commands.\n")
        else:
            out.write(render_answer(library.ask(line, top_k), color))
        out.flush()

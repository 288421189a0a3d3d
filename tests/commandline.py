"""Running ``qabot`` as a user does: a subprocess through ``python -m bot``; or its
``main`` in this process, for what the commands print (a subprocess costs seconds of
imports and of loading jieba's dictionary)."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


def _environment(env: dict[str, str] | None) -> dict[str, str]:
    kept = ("PATH", "HOME", "LANG", "XDG_CACHE_HOME", "XDG_DATA_HOME")
    clean = {k: v for k, v in os.environ.items() if not k.isupper() or k in kept}
    clean.update(env or {})
    return clean


def qabot(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``qabot`` with a clean environment (no .env, no settings but ``env``)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=_environment(env),
        cwd=cwd or PROJECT / "tests",
        timeout=120,
        check=False,
    )


def qabot_here(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``qabot`` run by its ``main`` in this process, as :func:`qabot` runs it in a
    subprocess: no settings in the environment but ``env``, ``stdin`` as its input,
    stdout and stderr kept (its log lines too, set up by ``main`` as in a process).
    What only a process shows (its exit status, start-up) is tested with :func:`qabot`."""
    from bot.cli import main
    from bot.settings import Settings

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        for name in [*(name.upper() for name in Settings.model_fields), "FORCE_COLOR", "NO_COLOR"]:
            patch.delenv(name, raising=False)
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        patch.setattr(sys, "stdin", io.StringIO(stdin))
        root.handlers = []  # pytest's own, put back below: ``main`` sets up logging as in a process
        try:
            with redirect_stdout(out), redirect_stderr(err):
                status = main(list(args))
        finally:
            for handler in root.handlers:
                handler.close()
            root.handlers, root.level = handlers, level
    return subprocess.CompletedProcess(["qabot", *args], status, out.getvalue(), err.getvalue())


class Console:
    """A running ``qabot repl``: type a line, read up to the next prompt."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def read_until(self, marker: str) -> str:
        assert self.process.stdout is not None
        text = ""
        while not text.endswith(marker):
            char = self.process.stdout.read(1)
            assert char, f"the console ended before {marker!r}; got {text!r}"
            text += char
        return text

    def close_input(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()

    def read_rest(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.read()

    def wait(self) -> int:
        return self.process.wait(timeout=30)


@contextmanager
def repl_process(*args: str) -> Iterator[Console]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "repl", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_environment(None),
        cwd=PROJECT / "tests",
    )
    try:
        yield Console(process)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        for stream in (process.stdin, process.stdout):
            if stream is not None and not stream.closed:
                stream.close()

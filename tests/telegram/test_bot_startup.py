"""Start-up problems the user can fix: one clear line on stderr, exit status 2, no token shown.

The five bad starts run at once (each costs a second or two of imports).
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator

import pytest

from .bot_process import bot_command, clean_environment
from .fake_botapi import FakeBotAPI

WRONG_TOKEN = "654321:WRONG-secret-token"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as api:
        yield api


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    """A port bound but never listened on (connections are refused), held until the
    module is done so that nothing else can take it meanwhile."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield int(bound.getsockname()[1])


@pytest.fixture(scope="module")
def runs(
    tmp_path_factory: pytest.TempPathFactory, server: FakeBotAPI, port: int
) -> dict[str, tuple[int, str]]:
    """Exit status and stderr+stdout of each bad start."""
    folder = tmp_path_factory.mktemp("startup")
    docs = folder / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# Hello\n\nA small English document.\n", encoding="utf-8")
    (docs / "blank.txt").write_text("  \n", encoding="utf-8")  # read, it is skipped with a warning
    good = {**server.env(), "DOCS_DIR": str(docs)}
    starts = {
        "no token": {**good, "TELEGRAM_BOT_TOKEN": ""},
        "bad docs": {**good, "DOCS_DIR": str(folder / "missing")},
        "wrong token": {**good, "TELEGRAM_BOT_TOKEN": WRONG_TOKEN},
        "unreachable": {**good, "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{port}"},
        "bad data dir": {**good, "DATA_DIR": str(docs / "a.md")},  # a file, not a folder
    }
    processes = {
        name: subprocess.Popen(
            bot_command(),
            env={**clean_environment(), **env},
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, env in starts.items()
    }
    results = {}
    for name, process in processes.items():
        out, err = process.communicate(timeout=60)
        results[name] = (process.returncode, err + out)
    return results


def one_error_line(result: tuple[int, str]) -> str:
    status, output = result
    assert status == 2, output
    lines = [line for line in output.splitlines() if line.startswith("qabot: error:")]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


def test_missing_token_points_to_env_example_and_repl(runs: dict[str, tuple[int, str]]) -> None:
    line = one_error_line(runs["no token"])
    assert "TELEGRAM_BOT_TOKEN" in line and ".env.example" in line and "qabot repl" in line


def test_bad_docs_dir(runs: dict[str, tuple[int, str]]) -> None:
    line = one_error_line(runs["bad docs"])
    assert "missing" in line and "does not exist" in line


def test_rejected_token_is_not_shown(runs: dict[str, tuple[int, str]]) -> None:
    line = one_error_line(runs["wrong token"])
    assert "rejected TELEGRAM_BOT_TOKEN" in line
    assert "WRONG-secret" not in runs["wrong token"][1]


@pytest.mark.parametrize("start", ["wrong token", "unreachable"])
def test_the_token_is_checked_before_the_documents_are_read(
    runs: dict[str, tuple[int, str]], start: str
) -> None:
    """Reading a big folder takes minutes: a wrong token must not wait for it."""
    assert "blank.txt" not in runs[start][1]


def test_unreachable_api_server(runs: dict[str, tuple[int, str]], port: int, server: FakeBotAPI) -> None:
    line = one_error_line(runs["unreachable"])
    assert f"cannot reach the Bot API server at http://127.0.0.1:{port}" in line
    assert server.token not in runs["unreachable"][1]


def test_unusable_data_dir(runs: dict[str, tuple[int, str]]) -> None:
    line = one_error_line(runs["bad data dir"])
    assert (
        line.startswith("qabot: error: setting DATA_DIR: cannot create the secret ") and "a.md/secret" in line
    )
    assert "QUERY_LOG=false" in line

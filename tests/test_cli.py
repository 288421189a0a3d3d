"""``qabot ask`` and ``qabot repl``, tested by whole transcripts."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.commandline import qabot, qabot_here, repl_process
from tests.conftest import PROJECT, SEED

PARTY = "党支部合并后还剩多少个？"
MERGED = "沧州中院着力推进党支部标准化规范化建设"


def test_ask_quotes_the_passage_under_title_and_heading() -> None:
    result = qabot("ask", "--top-k", "1", PARTY)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == f"Q: {PARTY}"
    assert lines[1] == "[1] 《党建引领激发奋进动力》 › 抓支部优化 · 提振党组织内动力"
    assert lines[2].startswith("  " + MERGED)
    assert lines[3].startswith(f"  — {SEED.name} ¶6 · score ")
    assert len(lines) == 4


def test_ask_emphasises_matched_terms_on_a_terminal() -> None:
    result = qabot_here("ask", "--top-k", "1", PARTY, env={"FORCE_COLOR": "1"})
    assert re.search("\033\\[1m(\033\\[4m)?合并", result.stdout)
    assert "\033[4m" in result.stdout  # the best sentence


def test_ask_json_is_one_object_per_question_with_the_stable_keys() -> None:
    questions = f"{PARTY}\n\n苹果公司的CEO是谁？\n法官联系人工作机制\n"
    result = qabot("ask", "--json", stdin=questions)
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["question"] for o in objects] == [PARTY, "苹果公司的CEO是谁？", "法官联系人工作机制"]
    first = objects[0]["hits"][0]
    assert {"rank", "score", "title", "heading", "source", "paragraph", "text"} <= set(first)
    assert (first["rank"], first["source"], first["paragraph"]) == (1, SEED.name, 6)
    assert first["text"] in SEED.read_text(encoding="utf-8")
    assert isinstance(first["score"], float)
    assert "把25个小支部合并缩减至11个大支部" in first["sentence"]
    assert objects[1]["hits"] == []
    assert objects[2]["hits"][0]["text"].startswith("2020年9月24日")
    assert len(objects[0]["hits"]) <= 3


def test_ask_says_plainly_when_there_is_no_answer() -> None:
    result = qabot_here("ask", "今天北京天气怎么样？")
    assert result.returncode == 0
    assert result.stdout.splitlines()[1].startswith("No answer: nothing in the documents matches")


def test_ask_reads_docs_from_the_option_and_the_setting(tmp_path: Path) -> None:
    (tmp_path / "faq.md").write_text("# FAQ\n\n## Hours\n\nThe office opens at nine.\n", encoding="utf-8")
    by_option = qabot_here("ask", "--docs", str(tmp_path), "--json", "when does the office open")
    by_setting = qabot_here("ask", "--json", "when does the office open", env={"DOCS_DIR": str(tmp_path)})
    for result in (by_option, by_setting):
        hit = json.loads(result.stdout)["hits"][0]
        assert (hit["title"], hit["heading"], hit["source"]) == ("FAQ", "Hours", "faq.md")


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["ask", "--top-k", "zero", "x"], {}, "argument --top-k: 'zero' is not a whole number"),
        (["ask", "--frobnicate", "x"], {}, "unrecognized arguments: --frobnicate"),
        (["ask", "--docs", "/no/such/folder", "x"], {}, "documents folder /no/such/folder does not exist"),
        (["ask", "  "], {}, "the question is empty"),
        (["ask", "x"], {"TOP_K": "many"}, "setting TOP_K: Input should be a valid integer"),
        (["ask", "x"], {"USER_DICT": "/no/dict.txt"}, "setting USER_DICT: file /no/dict.txt does not exist"),
        (["frob"], {}, "invalid choice: 'frob'"),
        ([], {}, "the following arguments are required: COMMAND"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_status_2(
    args: list[str],
    env: dict[str, str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In this process (the command's ``main``); the exit status of the process itself
    is checked below, and by every other command test."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith("qabot: error: ") and message in err
    assert "Traceback" not in err


def test_bad_input_exits_the_process_with_status_2() -> None:
    result = qabot("ask", "--top-k", "0", "x")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "qabot: error: argument --top-k: 0 is not at least 1 (see qabot ask --help)\n"


def test_skipped_files_are_named_in_one_warning_each(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("院长是闫杰。\n", encoding="utf-8")
    (tmp_path / "bin.txt").write_bytes(b"\x00\xff\x00")
    result = qabot_here("ask", "--docs", str(tmp_path), "院长")
    assert result.returncode == 0
    assert result.stderr == "qabot: WARNING: skipped bin.txt: it looks binary (it contains NUL bytes)\n"


def test_repl_transcript(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("沧州中院院长是闫杰。\n", encoding="utf-8")
    script = "\n".join([":help", "院长是谁", "", ":frob", ":reload", ":quit", "never asked"]) + "\n"
    result = qabot_here("repl", "--docs", str(docs), stdin=script)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == (
        "1 document, 1 passage. :help for help.\n"
        "qabot> Type a question and press Enter to get the passages that answer it.\n"
        "  :reload   re-read the documents (the old ones stay if that fails)\n"
        "  :help     show this help\n"
        "  :quit     leave (Ctrl-D too); Ctrl-C cancels the line\n"
        "qabot> [1] 《a》\n"
        "  沧州中院院长是闫杰。\n"
        "  — a.txt ¶1 · score " + result.stdout.split("score ")[1].split("\n")[0] + "\n"
        "qabot> qabot> Unknown command :frob; :help lists the commands.\n"
        "qabot> " + result.stdout.split("qabot> ")[5].split("\n")[0] + "\n"
        "qabot> "
    )
    assert "Reloaded 1 document, 1 passage in" in result.stdout


def test_repl_keeps_the_old_documents_when_a_reload_fails_and_exits_on_end_of_input(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("沧州中院院长是闫杰。\n", encoding="utf-8")
    with repl_process("--docs", str(docs)) as console:
        assert console.read_until("qabot> ").startswith("1 document, 1 passage.")
        (docs / "a.txt").unlink()
        console.send(":reload")
        assert console.read_until("qabot> ") == (
            f"Reload failed, still serving the previous documents: no .txt, .md, .docx, .pdf or .html documents with text in {docs}\n"
            "qabot> "
        )
        console.send("院长")
        assert "沧州中院院长是闫杰。" in console.read_until("qabot> ")
        console.close_input()
        assert console.read_rest() == "\n"
        assert console.wait() == 0


def test_python_m_bot_outside_the_projects_environment_says_to_use_uv_run() -> None:
    """``python -m bot`` with a Python that lacks the project's packages (the
    interpreter the environment was made from): one line saying what to do."""
    base = getattr(sys, "_base_executable", sys.executable)
    probe = subprocess.run([base, "-s", "-c", "import jieba, telegram"], capture_output=True, check=False)
    if probe.returncode == 0:
        pytest.skip(f"{base} has the project's packages installed: nothing is missing to test with")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    result = subprocess.run(
        [base, "-s", "-m", "bot", "ask", "院长是谁"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("qabot: error: ") and "`uv run qabot ...`" in result.stderr


@pytest.mark.parametrize(
    ("env", "colored"),
    [
        ({"FORCE_COLOR": "1"}, True),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR wins (no-color.org)
        ({"FORCE_COLOR": "1", "NO_COLOR": ""}, True),  # ... when it is not empty
        ({}, False),  # not a terminal
    ],
)
def test_no_color_turns_emphasis_off(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, env: dict[str, str], colored: bool
) -> None:
    for name in ("FORCE_COLOR", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["ask", "--top-k", "1", PARTY]) == 0
    out = capsys.readouterr().out
    assert ("\033[" in out) is colored
    assert "把25个小支部合并缩减至11个大支部" in re.sub("\033\\[[0-9;]*m", "", out)

"""Documentation that must stay true: every setting and every command is documented."""

from __future__ import annotations

import re
import shlex

import pytest

from bot.cli import build_parser, main
from bot.settings import Settings, load_settings
from tests.conftest import PROJECT

README = (PROJECT / "README.md").read_text(encoding="utf-8")
EXAMPLE = (PROJECT / ".env.example").read_text(encoding="utf-8")


def example_settings() -> list[str]:
    return re.findall(r"^#?\s?([A-Z][A-Z0-9_]+)=", EXAMPLE, re.M)


def test_env_example_lists_every_setting_with_a_comment() -> None:
    fields = sorted(name.upper() for name in Settings.model_fields)
    assert sorted(set(example_settings())) == fields
    lines = EXAMPLE.splitlines()
    for name in fields:
        index = next(i for i, line in enumerate(lines) if re.match(rf"#?\s?{name}=", line))
        assert lines[index - 1].startswith("#"), f"{name} has no comment above it"


def test_readme_documents_every_setting() -> None:
    for name in Settings.model_fields:
        assert f"`{name.upper()}`" in README, f"README does not document {name.upper()}"


def test_readme_documents_every_command() -> None:
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert commands is not None
    for command in commands:
        assert f"uv run qabot {command}" in README, f"README does not show qabot {command}"


def test_readme_shows_the_two_commands() -> None:
    assert 'uv run qabot ask "沧州中院院长是谁？"' in README
    assert "uv run pytest" in README


def test_env_example_values_are_valid_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for line in EXAMPLE.splitlines():
        match = re.match(r"^([A-Z][A-Z0-9_]+)=(.*)$", line)
        if match and match.group(1) != "DOCS_DIR":
            monkeypatch.setenv(match.group(1), match.group(2))
    settings = load_settings()
    assert settings.top_k == 3 and settings.admin_user_ids == []


@pytest.mark.parametrize(("value", "ids"), [("1,2", [1, 2]), ("[1, 2]", [1, 2]), ("7", [7]), ("", [])])
def test_id_lists_accept_commas_and_json(monkeypatch: pytest.MonkeyPatch, value: str, ids: list[int]) -> None:
    monkeypatch.setenv("ADMIN_USER_IDS", value)
    assert load_settings().admin_user_ids == ids


SCORE = re.compile(r"score (\d+\.\d\d)$", re.M)


def quick_start() -> tuple[list[str], str]:
    """The README's Quick start command (its arguments after ``uv run qabot``) and the output shown."""
    section = README.split("## Quick start", 1)[1]
    block = section.split("```console\n", 1)[1].split("```", 1)[0]
    command, output = block.split("\n", 1)
    assert command.startswith("$ uv run qabot "), command
    return shlex.split(command.removeprefix("$ uv run qabot ")), output


def test_readme_quick_start_shows_what_the_command_prints(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run as the README says (shipped defaults, the seed article); the text must be
    the same, the scores within 10% (they move when ranking is tuned; the passages may not)."""
    args, shown = quick_start()
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert SCORE.sub("score _", printed) == SCORE.sub("score _", shown)
    got, want = (list(map(float, SCORE.findall(text))) for text in (printed, shown))
    assert len(got) == len(want) and all(abs(g - w) <= 0.1 * w for g, w in zip(got, want, strict=True))


def test_ci_runs_every_check_the_readme_development_section_lists() -> None:
    """Each ``uv run ...`` of the Development section (but the mutation testing, too
    slow for CI) is a line of ``.ci/run``."""
    section = README.split("## Development", 1)[1].split("\n## ", 1)[0]
    listed = {
        command.strip()
        for line in re.findall(r"^\$ (.*?)(?:\s+#.*)?$", section, re.M)
        for command in line.split("&&")
        if command.strip().startswith("uv run") and "mutmut" not in command
    }
    assert {"uv run pytest", "uv run ruff check .", "uv run ruff format --check .", "uv run mypy"} <= listed
    ci = {line.strip() for line in (PROJECT / ".ci" / "run").read_text(encoding="utf-8").splitlines()}
    assert listed <= ci, listed - ci

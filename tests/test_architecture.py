"""The layout as the README describes it: stages that import only earlier ones, no
import cycles, small modules. Read from the source (every ``import`` statement,
those inside functions and ``TYPE_CHECKING`` blocks too), not from what a run loads."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import PROJECT

PACKAGES = ("bot", "retrieval")
STAGES = ("documents", "text", "index", "store")  # each may import only the ones before it
SHARED = {"retrieval.passage", "retrieval.answer", "retrieval.errors", "retrieval.config"}


def module_names(root: Path = PROJECT) -> dict[str, Path]:
    names = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            names[".".join(parts)] = path
    return names


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """The project's modules that importing ``name`` (at ``path``) runs: each one
    named, and the packages above it (their ``__init__`` runs first), except the
    importer's own packages, which are being imported already."""
    is_package = path.name == "__init__.py"
    own = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1 + is_package)}
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            targets = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        for target in targets:
            parts = target.split(".")
            for i in range(1, len(parts) + 1):
                module = ".".join(parts[:i])
                if module in known and module not in own and module != name:
                    found.add(module)
    return found


def import_graph(root: Path = PROJECT) -> dict[str, set[str]]:
    names = module_names(root)
    known = set(names)
    return {name: imports_of(path, name, known) for name, path in names.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (its modules, the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "retrieval" and len(parts) > 2 and parts[1] in STAGES else None


def layering_breaches(graph: dict[str, set[str]]) -> list[str]:
    """Imports against the layout: retrieval importing bot, the Telegram frontend
    importing the command line, a stage importing a later stage or the library's
    entry points (only the shared data modules and earlier stages are below it)."""
    breaches = []
    for module, targets in sorted(graph.items()):
        stage = stage_of(module)
        for target in sorted(targets):
            if module.startswith("retrieval") and target.startswith("bot"):
                breaches.append(f"{module} imports {target}")
            if module.startswith("bot.telegram") and target == "bot.cli":
                breaches.append(f"{module} imports {target}")
            if stage is None or not target.startswith("retrieval"):
                continue
            other = stage_of(target)
            allowed = target in SHARED or target in STAGES or target == f"retrieval.{stage}"
            if other is not None:
                allowed = STAGES.index(other) <= STAGES.index(stage)
            elif target.removeprefix("retrieval.") in STAGES:
                allowed = STAGES.index(target.removeprefix("retrieval.")) <= STAGES.index(stage)
            if not allowed:
                breaches.append(f"{module} imports {target}")
    return breaches


def test_there_are_no_import_cycles() -> None:
    assert find_cycle(import_graph()) is None


def test_stages_import_only_earlier_stages_and_retrieval_never_imports_bot() -> None:
    assert layering_breaches(import_graph()) == []


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_checks_see_cycles_and_breaches_wherever_the_import_is(tmp_path: Path) -> None:
    """The checks themselves, on a tiny tree: imports inside functions count, and so
    does a package's ``__init__`` that a ``from package.module import`` runs."""
    write(tmp_path, "bot/__init__.py", "")
    write(tmp_path, "bot/cli.py", "def main():\n    from bot.telegram.app import run\n")
    write(tmp_path, "bot/telegram/__init__.py", "")
    write(tmp_path, "bot/telegram/app.py", "from bot.cli import main\n")
    write(tmp_path, "retrieval/__init__.py", "")
    write(tmp_path, "retrieval/config.py", "from retrieval.index.bm25 import X\n")
    write(tmp_path, "retrieval/index/__init__.py", "from retrieval.index.index import Index\n")
    write(tmp_path, "retrieval/index/bm25.py", "X = 1\n")
    write(tmp_path, "retrieval/index/index.py", "from retrieval.config import Y\nimport bot.cli\n")
    write(tmp_path, "retrieval/text/__init__.py", "")
    write(tmp_path, "retrieval/text/tokenizer.py", "from retrieval.store import cache\n")
    write(tmp_path, "retrieval/store/__init__.py", "")
    write(tmp_path, "retrieval/store/cache.py", "from retrieval.library import Library\n")
    write(tmp_path, "retrieval/library.py", "")
    graph = import_graph(tmp_path)
    cycle = find_cycle(graph)
    assert cycle == ["bot.cli", "bot.telegram.app", "bot.cli"]
    del graph["bot.cli"], graph["bot.telegram.app"]
    graph = {m: t - {"bot.cli"} for m, t in graph.items()}
    assert find_cycle(graph) == [
        "retrieval.config",
        "retrieval.index",
        "retrieval.index.index",
        "retrieval.config",
    ]
    assert layering_breaches(import_graph(tmp_path)) == [
        "bot.telegram.app imports bot.cli",
        "retrieval.index.index imports bot",
        "retrieval.index.index imports bot.cli",
        "retrieval.store.cache imports retrieval.library",
        "retrieval.text.tokenizer imports retrieval.store",
        "retrieval.text.tokenizer imports retrieval.store.cache",
    ]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_is_over_250_lines(package: str) -> None:
    long = {
        path.relative_to(PROJECT).as_posix(): lines
        for path in (PROJECT / package).rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 250
    }
    assert long == {}


def test_retrieval_is_its_stages_and_a_few_modules_a_caller_needs() -> None:
    root = PROJECT / "retrieval"
    top = sorted(p.name for p in root.glob("*.py") if p.name != "__init__.py")
    assert len(top) <= 8, top
    folders = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    assert folders == sorted(STAGES)
    for stage in STAGES:
        modules = [p for p in (root / stage).glob("*.py") if p.name != "__init__.py"]
        assert len(modules) <= 14, (stage, len(modules))
        # A stage may group modules that belong together in a package of its own, one level
        # deep, with the same limit and a docstring saying what it holds (documents/formats/:
        # the readers of Word, PDF and web pages, one per library, and what only they share).
        for folder in (
            p for p in (root / stage).iterdir() if p.is_dir() and not p.name.startswith(("_", "."))
        ):
            inner = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
            assert len(inner) <= 14 and not any(
                p.is_dir() for p in folder.iterdir() if p.name != "__pycache__"
            ), folder
            init = ast.parse((folder / "__init__.py").read_text(encoding="utf-8"))
            assert ast.get_docstring(init), folder
        init = ast.parse((root / stage / "__init__.py").read_text(encoding="utf-8"))
        docstring = ast.get_docstring(init) or ""
        assert docstring.startswith(f"Stage {STAGES.index(stage) + 1}, {stage}:"), stage
        exported = next(
            node.value
            for node in init.body
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets)
        )
        assert isinstance(exported, ast.List) and exported.elts, stage

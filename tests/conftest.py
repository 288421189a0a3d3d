"""Fixtures: the seed article is the main fixture; small folders are made per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import Phase, settings

from retrieval.library import Library
from retrieval.store.indexing import wait_for_saves

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"
SEED = SEEDS / "000_fc6bf0a2fe9ff4f6.txt"

# No test is timed (the guide: speed goals live in benchmarks/): Hypothesis's default 200 ms
# limit an example failed test_to_simplified_is_opencc on a loaded machine (session 8).
settings.register_profile("untimed", deadline=None)
settings.load_profile("untimed")
# Mutation testing (``--hypothesis-profile=mutation`` in pyproject's [tool.mutmut]) only needs
# to know that some example fails, not the simplest one: shrinking is most of a kill's time.
settings.register_profile(
    "mutation", parent=settings.get_profile("untimed"), phases=[Phase.explicit, Phase.reuse, Phase.generate]
)


@pytest.fixture(scope="session")
def seed_library(private_index_cache: None, tmp_path_factory: pytest.TempPathFactory) -> Library:
    """The seed article as ``qabot`` serves it: the shipped settings (none set in the
    environment, no ``.env``), the index cache in its default place (a temporary one).
    Shared by the tests that only ask it questions."""
    from bot.settings import Settings, load_settings

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path_factory.mktemp("seed-library"))
        for name in Settings.model_fields:
            patch.delenv(name.upper(), raising=False)
        library = Library(load_settings().retrieval())
    wait_for_saves()
    return library


@pytest.fixture
def make_docs(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """A documents folder holding the given files (text is written as UTF-8)."""

    def make(files: dict[str, str | bytes]) -> Path:
        folder = tmp_path / "docs"
        for name, content in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        folder.mkdir(exist_ok=True)
        return folder

    return make


@pytest.fixture(scope="session", autouse=True)
def private_index_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The default index cache (``$XDG_CACHE_HOME/qabot``) and question log
    (``$XDG_DATA_HOME/qabot``) are temporary folders, here and in the ``qabot``
    processes tests start."""
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def shared_dictionary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for jieba's dictionary files (``retrieval.text.dictionary``) for the
    whole session: built by the first process that needs them, then mapped by the
    others, as they would be in one user's cache (building them takes seconds)."""
    return tmp_path_factory.mktemp("dictionary")


@pytest.fixture(autouse=True)
def clean_settings(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    shared_dictionary: Path,
) -> None:
    """Tests see no developer's ``.env``, no settings from the environment, no user cache."""
    from bot.settings import Settings

    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    # The index cache (and anything else cached) goes to a folder of the test's own, not
    # ~/.cache, beside its tmp_path (which tests may expect to find empty), with the
    # session's jieba dictionary files in it; the question log to the test's folder, not
    # ~/.local/share.
    cache = tmp_path_factory.mktemp("xdg-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    (cache / "qabot").mkdir()
    (cache / "qabot" / "dictionary").symlink_to(shared_dictionary, target_is_directory=True)

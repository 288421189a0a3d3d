"""jieba's dictionary files: built once into a folder, then mapped; every key and
count is jieba's; a missing, truncated, foreign or corrupt file is rebuilt
(with a warning), never trusted and never a crash; a folder that cannot be
written gets them in memory."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from pathlib import Path

import jieba
import numpy as np
import pytest

from retrieval.text import dictionary, dictionaryfiles
from retrieval.text.dictionary import JiebaDictionary
from retrieval.text.tokenizer import Tokenizer

mapped = dictionary.jieba_dictionary.__wrapped__  # each call maps or builds anew


def _files(folder: Path) -> dict[str, Path]:
    return {path.suffix: path for path in folder.iterdir()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder where the files were built from jieba's (not copied from what this
    process loaded before)."""
    folder = tmp_path_factory.mktemp("dictionary")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dictionary, "_loaded", {})
        mapped(folder)
    yield folder


@pytest.fixture
def quick_builds(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Building anew gives the bytes of the first build (checked against jieba) without
    the seconds it takes; nothing is taken from what was loaded before."""
    files = _files(built)
    made = (files[".marisa"].read_bytes(), files[".tables"].read_bytes())
    monkeypatch.setattr(dictionary, "_build", lambda sources: made)
    monkeypatch.setattr(dictionary, "_loaded", {})


def test_every_key_count_and_total_are_jiebas(built: Path) -> None:
    reference = jieba.Tokenizer()
    reference.initialize()
    found = mapped(built)
    assert all(found.FREQ.get(word) == count for word, count in reference.FREQ.items())
    assert sum(1 for _ in reference.FREQ) == len(found.counts)  # no key of its own
    assert found.FREQ.get("沧州中院") is None and "沧州中院" not in found.FREQ
    assert found.FREQ.get("沧州中", 7) == 7 and "沧州中" not in reference.FREQ  # not even a prefix
    assert found.FREQ.get("中华人") == 0 == reference.FREQ["中华人"]  # a prefix of a word
    assert found.total == reference.total
    counts = np.fromiter(reference.FREQ.values(), dtype=np.float64)
    assert found.median_weight == math.log(reference.total / float(np.median(counts[counts > 0])))


def test_the_files_are_built_once_then_mapped(built: Path) -> None:
    files = _files(built)
    assert set(files) == {".marisa", ".tables"}
    times = {suffix: path.stat().st_mtime_ns for suffix, path in files.items()}
    again = mapped(built)
    assert {suffix: path.stat().st_mtime_ns for suffix, path in _files(built).items()} == times
    assert isinstance(again.counts.obj, __import__("mmap").mmap)  # mapped, not read


def _damaged(tmp_path: Path, built: Path, damage: str) -> Path:
    folder = tmp_path / "dictionary"
    folder.mkdir()
    for path in built.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    files = _files(folder)
    if damage == "truncated tables":
        data = files[".tables"].read_bytes()
        files[".tables"].write_bytes(data[: len(data) // 2])
    elif damage == "truncated trie":
        data = files[".marisa"].read_bytes()
        files[".marisa"].write_bytes(data[: len(data) - 100])
    elif damage == "a count changed":
        changed = bytearray(files[".tables"].read_bytes())
        changed[len(changed) // 4] ^= 0x10  # inside the counts, where only the CRC can tell
        files[".tables"].write_bytes(bytes(changed))
    elif damage == "a foreign trie":
        import marisa_trie

        marisa_trie.Trie(["沧州", "中院"]).save(str(files[".marisa"]))
    elif damage == "a foreign tables file":
        files[".tables"].write_text("沧州中院院长是谁？\n" * 1000, encoding="utf-8")
    elif damage == "empty files":
        for path in files.values():
            path.write_bytes(b"")
    elif damage == "the trie missing":
        files[".marisa"].unlink()
    return folder


@pytest.mark.parametrize(
    "damage",
    [
        "truncated tables",
        "truncated trie",
        "a count changed",
        "a foreign trie",
        "a foreign tables file",
        "empty files",
        "the trie missing",
    ],
)
@pytest.mark.usefixtures("quick_builds")
def test_an_unsound_file_is_rebuilt_with_a_warning(
    tmp_path: Path, built: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    folder = _damaged(tmp_path, built, damage)
    with caplog.at_level(logging.WARNING):
        found = mapped(folder)
    assert "unusable" in caplog.text and "rebuilding" in caplog.text
    _same_words(found)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {
        p.name: p.read_bytes() for p in built.iterdir()
    }
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        mapped(folder)
    assert caplog.text == ""  # sound now


def test_a_process_that_has_the_dictionary_writes_it_to_a_new_folder_without_building(
    tmp_path: Path, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def build(sources: object) -> None:
        raise AssertionError("built again")

    first = mapped(built)
    monkeypatch.setattr(dictionary, "_build", build)
    assert mapped(tmp_path / "other") is first
    assert {p.name: p.read_bytes() for p in (tmp_path / "other").iterdir()} == {
        p.name: p.read_bytes() for p in built.iterdir()
    }


def test_files_written_while_mapped_leave_the_mapping_whole(tmp_path: Path, built: Path) -> None:
    """Another process writing the files anew (here: other bytes) renames new files over
    them: what this one mapped stays as it was."""
    folder = _damaged(tmp_path, built, "none")
    found = mapped(folder)
    stem = _files(folder)[".tables"].stem
    assert dictionaryfiles.saved(folder, stem, b"\1" * 64, b"\0" * 64)
    assert _files(folder)[".tables"].stat().st_size == 64
    _same_words(found)
    assert sum(np.frombuffer(found.counts, dtype=np.uint32)) == found.distinct_total


@pytest.mark.usefixtures("quick_builds")
def test_a_folder_that_cannot_be_written_gets_the_dictionary_in_memory(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        found = mapped(blocked / "dictionary")
    assert "jieba's dictionary cannot be saved" in caplog.text
    _same_words(found)


@pytest.mark.usefixtures("quick_builds")
def test_a_tokenizer_keeps_its_dictionary_where_it_is_told(tmp_path: Path) -> None:
    folder = tmp_path / "dictionary"
    tokenizer = Tokenizer(dictionary_dir=folder)
    assert set(_files(folder)) == {".marisa", ".tables"}
    assert tokenizer.words("沧州中院院长是谁") == Tokenizer().words("沧州中院院长是谁")


def _same_words(found: JiebaDictionary) -> None:
    assert found.FREQ.get("沧州") == 285 and found.FREQ.get("中华人") == 0 and found.total == 60101967
    assert found.hmm.words("闫杰说") == ["闫杰", "说"]


def test_the_index_cache_key_covers_jiebas_files_and_jieba_rs_but_not_where_they_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from retrieval.store.cachekey import cache_key

    tokenizer = Tokenizer()
    key = cache_key(tokenizer, 400)
    assert cache_key(Tokenizer(dictionary_dir=tmp_path / "elsewhere"), 400) == key
    other = Tokenizer()
    lexicon = other._lexicon
    other._lexicon = dataclasses.replace(lexicon, base=dataclasses.replace(lexicon.base, digest="0" * 64))
    assert cache_key(other, 400) != key
    newer = tmp_path / "site"  # another rjieba first on the path, as an upgrade leaves it
    (newer / "rjieba-0.2.3.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(newer))
    assert cache_key(tokenizer, 400) != key


def test_the_versions_in_the_cache_key_are_importlib_metadatas() -> None:
    import importlib.metadata

    from retrieval.store.cachekey import _PACKAGES, installed_versions

    assert installed_versions(_PACKAGES) == {name: importlib.metadata.version(name) for name in _PACKAGES}


@pytest.mark.usefixtures("quick_builds")
def test_the_files_of_other_dictionaries_are_deleted_once_these_are_built(tmp_path: Path) -> None:
    """An earlier jieba's (or format's) files go after a build; a process still mapping
    them keeps reading them; files that are not a dictionary's stay; a start that only
    maps the files deletes nothing."""
    import mmap

    folder = tmp_path / "dictionary"
    folder.mkdir()
    old = {
        f"jieba-00000000000000{n}{suffix}": bytes([n]) * 5000
        for n in (1, 2)
        for suffix in (".marisa", ".tables")
    }
    for name, data in old.items():
        (folder / name).write_bytes(data)
    (folder / "notes.txt").write_text("kept", encoding="utf-8")
    with open(folder / "jieba-000000000000001.tables", "rb") as file:
        running = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)  # another process's
    _same_words(mapped(folder))
    left = sorted(p.name for p in folder.iterdir())
    assert len(left) == 3 and "notes.txt" in left and not set(old) & set(left)
    assert running[:] == bytes([1]) * 5000
    running.close()
    (folder / "jieba-000000000000003.tables").write_bytes(b"\3" * 64)  # after the build
    dictionary._loaded.clear()
    _same_words(mapped(folder))  # mapped, not built
    assert (folder / "jieba-000000000000003.tables").exists()

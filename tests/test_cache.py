"""The index cache: what is unchanged is loaded, what changed is tokenised, what is bad is rebuilt."""

from __future__ import annotations

import json
import logging
import os
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

import pytest

from bot.settings import load_settings
from retrieval.config import RetrievalConfig
from retrieval.index import postings
from retrieval.index.index import Index
from retrieval.library import Library, make_tokenizer
from retrieval.passage import Document
from retrieval.store import cachefolder, cachekey, workers
from retrieval.store import counting as counting_module
from retrieval.store.cache import IndexCache, default_cache_dir
from retrieval.store.cachefile import array_places
from retrieval.store.cachekey import cache_key
from retrieval.store.indexing import build_index, wait_for_saves
from retrieval.store.progress import Progress
from retrieval.text.cuts import Cuts
from retrieval.text.tokenizer import DEFAULT_STOPWORDS, Tokenizer
from tests.conftest import PROJECT

MakeDocs = Callable[[dict[str, str | bytes]], Path]

FILES: dict[str, str | bytes] = {
    "a.txt": "苹果树在春天开花，秋天结果。\n\n果农在九月采摘苹果。\n",
    "b.txt": "香蕉生长在热带地区。\n\n香蕉富含钾元素。\n",
    "sub/c.md": "# 橙子\n\n橙子富含维生素C。\n\n## 产地\n\n赣南脐橙很有名。\n",
    "d.txt": "沧州中院院长是闫杰。\n",
    "bin.txt": b"\x00\x01\x02",
}
QUESTIONS = ("苹果什么时候采摘", "香蕉含有什么元素", "哪里的脐橙有名", "沧州中院院长是谁", "火龙果")


@pytest.fixture(autouse=True, params=[1 << 16, 2], ids=["one-segment", "segments-of-2"])
def segment(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """16-bit passage ids in one segment, and in many tiny ones (as past 65,536 passages)."""
    monkeypatch.setattr(postings, "SEGMENT", request.param)


@pytest.fixture
def tokenised(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The sources of the documents tokenised, in the order they were."""
    seen: list[str] = []
    count = counting_module.count_document

    def counting(document: Document, tokenizer: Tokenizer) -> counting_module.Indexed:
        seen.append(document.source)
        return count(document, tokenizer)

    monkeypatch.setattr(counting_module, "count_document", counting)
    yield seen


def answers(library: Library) -> list[list[tuple[object, ...]]]:
    return [
        [
            (h.passage.source, h.passage.paragraph, h.passage.part, h.score, h.matched, h.marks, h.sentence)
            for h in library.ask(q, 3).hits
        ]
        for q in QUESTIONS
    ]


def open_library(folder: Path, cache: Path, **options: object) -> Library:
    library = Library(RetrievalConfig(docs_dir=folder, cache_dir=cache, **options))  # type: ignore[arg-type]
    wait_for_saves()
    return library


def same_index(a: Index, b: Index) -> None:
    assert list(a.passages) == list(b.passages) and len(a.passages) == len(b.passages)
    assert [(d.source, d.digest, d.title) for d in a.documents] == [
        (d.source, d.digest, d.title) for d in b.documents
    ]
    for x, y in zip(a.fields, b.fields, strict=True):
        for name in ("keys", "indptr", "ids", "splits", "tf", "lengths"):
            assert getattr(x.postings, name).tolist() == getattr(y.postings, name).tolist(), name


def test_warm_start_tokenises_nothing_and_answers_alike(
    make_docs: MakeDocs, tmp_path: Path, tokenised: list[str]
) -> None:
    folder = make_docs(FILES)
    uncached = Library(RetrievalConfig(docs_dir=folder))
    tokenised.clear()
    cold = open_library(folder, tmp_path / "cache")
    assert sorted(tokenised) == ["a.txt", "b.txt", "d.txt", "sub/c.md"]
    tokenised.clear()
    warm = open_library(folder, tmp_path / "cache")
    assert tokenised == []
    assert answers(warm) == answers(cold) == answers(uncached)
    assert warm.skipped == cold.skipped == uncached.skipped
    same_index(warm.index, uncached.index)


def test_only_changed_files_are_tokenised_at_start_up_and_on_reload(
    make_docs: MakeDocs, tmp_path: Path, tokenised: list[str]
) -> None:
    folder = make_docs(FILES)
    cache = tmp_path / "cache"
    open_library(folder, cache)
    (folder / "b.txt").write_text("香蕉生长在热带地区。\n\n火龙果是仙人掌科植物。\n", encoding="utf-8")
    (folder / "a.txt").unlink()
    (folder / "e.txt").write_text("葡萄可以酿酒。\n", encoding="utf-8")
    tokenised.clear()
    library = open_library(folder, cache)
    assert sorted(tokenised) == ["b.txt", "e.txt"]
    assert library.ask("火龙果", 3).hits[0].passage.source == "b.txt"
    same_index(library.index, Library(RetrievalConfig(docs_dir=folder)).index)

    (folder / "sub" / "c.md").write_text(
        "# 橙子\n\n橙子富含维生素C。\n\n橙子树四季常青。\n", encoding="utf-8"
    )
    (folder / "a.txt").write_text(str(FILES["a.txt"]), encoding="utf-8")  # back: no longer known
    tokenised.clear()
    report = library.reload()
    wait_for_saves()
    assert sorted(tokenised) == ["a.txt", "sub/c.md"]
    assert (report.added, report.changed) == (("a.txt",), ("sub/c.md",))
    fresh = Library(RetrievalConfig(docs_dir=folder))
    same_index(library.index, fresh.index)
    assert answers(library) == answers(fresh)
    tokenised.clear()
    assert answers(open_library(folder, cache)) == answers(fresh)
    assert tokenised == []


def test_an_edited_file_tokenises_only_its_new_passages(
    make_docs: MakeDocs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_docs(FILES)
    library = open_library(folder, tmp_path / "cache")
    counted: list[list[str]] = []
    count = counting_module.count_document

    def counting(document: Document, tokenizer: Tokenizer) -> counting_module.Indexed:
        counted.append([p.text for p in document.passages])
        return count(document, tokenizer)

    monkeypatch.setattr(counting_module, "count_document", counting)
    text = (
        "# 橙子\n\n橙子树四季常青。\n\n橙子富含维生素C。\n\n## 产地\n\n赣南脐橙很有名。\n\n柑橘也很有名。\n"
    )
    (folder / "sub" / "c.md").write_text(text, encoding="utf-8")
    assert library.reload().changed == ("sub/c.md",)
    wait_for_saves()
    assert counted == [["橙子树四季常青。"], ["柑橘也很有名。"]]
    fresh = Library(RetrievalConfig(docs_dir=folder))
    same_index(library.index, fresh.index)
    assert library.index.cuts is not None and fresh.index.cuts is not None
    assert library.index.cuts.bits.tolist() == fresh.index.cuts.bits.tolist()
    assert library.index.cuts.ends.tolist() == fresh.index.cuts.ends.tolist()
    assert answers(library) == answers(fresh)
    counted.clear()
    assert answers(open_library(folder, tmp_path / "cache")) == answers(fresh)
    assert counted == []
    # Edited while nothing runs: start-up reads the unchanged passages' terms from the snapshot.
    (folder / "sub" / "c.md").write_text(text.replace("柑橘也很有名。", "柚子也很有名。"), encoding="utf-8")
    started = open_library(folder, tmp_path / "cache")
    assert counted == [["柚子也很有名。"]]
    fresh = Library(RetrievalConfig(docs_dir=folder))
    same_index(started.index, fresh.index)
    assert answers(started) == answers(fresh)


def test_reload_without_changes_keeps_the_postings(make_docs: MakeDocs, tmp_path: Path) -> None:
    library = open_library(make_docs(FILES), tmp_path / "cache")
    before = library.index
    library.reload()
    assert all(a.postings is b.postings for a, b in zip(before.fields, library.index.fields, strict=True))


def test_the_cache_stores_each_passage_once(
    make_docs: MakeDocs, tmp_path: Path, tokenised: list[str]
) -> None:
    """One snapshot (and the files' stamps): no per-document files keeping passages again."""
    folder = make_docs(FILES)
    cold = open_library(folder, tmp_path / "cache")
    names = sorted(p.relative_to(tmp_path / "cache").parts[-2] for p in (tmp_path / "cache").rglob("*.qix"))
    assert names == ["snapshots", "stamps"]
    stored = b"".join(p.read_bytes() for p in (tmp_path / "cache").rglob("*.qix"))
    assert stored.count("果农在九月采摘苹果。".encode()) == 1
    for snapshot in cache_files(tmp_path / "cache", "snapshots"):
        snapshot.unlink()
    tokenised.clear()
    warm = open_library(folder, tmp_path / "cache")
    assert sorted(tokenised) == ["a.txt", "b.txt", "d.txt", "sub/c.md"]  # nothing else to start from
    same_index(warm.index, cold.index)


def cache_files(cache: Path, kind: str) -> list[Path]:
    return sorted(cache.rglob(f"{kind}/*{cachefolder.SUFFIX}"))


DAMAGES = ["truncate", "longer", "text", "postings", "cuts", "header", "trailer", "garbage", "empty"]


def damaged(data: bytes, damage: str, places: dict[str, tuple[int, int]]) -> bytes:
    """``data`` (a snapshot) cut short, lengthened, or with one byte changed in a part of it."""
    changed = bytearray(data)
    if damage == "truncate":
        return data[: len(data) // 2]
    if damage == "longer":
        return data + b"\0" * 64
    if damage == "garbage":
        return b"QABOTIX4\xff\xff not really an index"
    if damage == "empty":
        return b""
    if damage == "text":  # found by its bytes, not by the file's own layout
        spot = data.find("果农在九月采摘苹果。".encode()) + 4
    elif damage == "header":
        spot = data.rfind(b'"docs_dir"') + 3
    elif damage == "trailer":
        spot = len(data) - 1
    else:
        start, length = places["0.ids" if damage == "postings" else "cuts.bits"]
        spot = start + length // 2
    changed[spot] ^= 0x21
    return bytes(changed)


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_cache_file_is_found_once_and_rebuilt_with_a_warning(
    make_docs: MakeDocs,
    tmp_path: Path,
    tokenised: list[str],
    caplog: pytest.LogCaptureFixture,
    damage: str,
) -> None:
    folder = make_docs(FILES)
    cache = tmp_path / "cache"
    expected = answers(open_library(folder, cache))
    snapshot = cache_files(cache, "snapshots")[0]
    data = snapshot.read_bytes()
    snapshot.write_bytes(damaged(data, damage, array_places(snapshot)))
    tokenised.clear()
    with caplog.at_level(logging.WARNING, logger="retrieval.store.cache"):
        library = open_library(folder, cache)
    assert sorted(tokenised) == ["a.txt", "b.txt", "d.txt", "sub/c.md"]
    assert f"index cache file {snapshot} is unusable" in caplog.text and "rebuilding it" in caplog.text
    assert answers(library) == expected
    assert snapshot.read_bytes() == data  # rebuilt as it was
    caplog.clear()
    tokenised.clear()
    assert answers(open_library(folder, cache)) == expected
    assert tokenised == [] and not [r for r in caplog.records if r.name == "retrieval.store.cache"]


@pytest.mark.parametrize("damage", ["a passage's text", "a postings array"])
def test_damaged_bytes_in_the_arrays_are_caught_by_their_crc(
    make_docs: MakeDocs,
    tmp_path: Path,
    tokenised: list[str],
    caplog: pytest.LogCaptureFixture,
    damage: str,
) -> None:
    """Bytes changed inside the arrays, where only the CRC can tell: a passage's text
    still valid UTF-8 (苹 → 苸, one bit), or a term's count. The snapshot is rebuilt
    with a warning and the answers quote the document as it is."""
    folder = make_docs(FILES)
    cache = tmp_path / "cache"
    expected = answers(open_library(folder, cache))
    [snapshot] = cache_files(cache, "snapshots")
    name = "passages.text" if damage.endswith("text") else "0.tf"
    data = bytearray(snapshot.read_bytes())
    start, length = array_places(snapshot)[name]
    if name == "passages.text":
        at = data.index("苹".encode(), start, start + length)
        data[at : at + 3] = "苸".encode()
    else:
        data[start] += 1  # a term counted once more
    snapshot.write_bytes(bytes(data))
    tokenised.clear()
    with caplog.at_level(logging.WARNING, logger="retrieval.store.cache"):
        library = open_library(folder, cache)
    assert f"index cache file {snapshot} is unusable (its array {name} is damaged (CRC" in caplog.text
    assert sorted(tokenised) == ["a.txt", "b.txt", "d.txt", "sub/c.md"]  # nothing else to start from
    assert answers(library) == expected
    assert all("苸" not in p.text for p in library.index.passages)


def test_a_snapshot_is_checked_when_mapped_not_when_asked(make_docs: MakeDocs, tmp_path: Path) -> None:
    """Its CRCs are read once: a question reads none of them again, so a byte changed in
    the mapped file later (which the cache never does: it renames new files over old
    ones) is not looked for per question."""
    folder = make_docs(FILES)
    cache = tmp_path / "cache"
    open_library(folder, cache)
    calls: list[int] = []

    def counting(data: object, value: int = 0) -> int:
        calls.append(1)
        return zlib.crc32(data, value)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("retrieval.store.cachefile.crc32", counting)
        library = open_library(folder, cache)
        mapped = len(calls)
        answers(library)
    assert mapped >= 2 and len(calls) == mapped  # the header's and the arrays': at mapping only


def test_a_snapshot_replaced_while_mapped_does_not_disturb_the_library(
    make_docs: MakeDocs, tmp_path: Path
) -> None:
    folder = make_docs(FILES)
    cache = tmp_path / "cache"
    expected = answers(open_library(folder, cache))
    library = open_library(folder, cache)
    assert not library.index.body.postings.ids.flags.writeable  # a view of the mapped file
    snapshot = cache_files(cache, "snapshots")[0]
    other = snapshot.with_suffix(".new")
    other.write_bytes(b"\0" * snapshot.stat().st_size)  # zeros, renamed over it as writers do
    os.replace(other, snapshot)
    assert answers(library) == expected
    snapshot.unlink()  # and removed (as the garbage collector may)
    assert answers(library) == expected
    (folder / "d.txt").write_text("沧州中院副院长是张三。\n", encoding="utf-8")
    assert library.reload().changed == ("d.txt",)
    wait_for_saves()
    same_index(library.index, Library(RetrievalConfig(docs_dir=folder)).index)


def test_a_cache_file_of_another_folder_or_settings_is_not_trusted(
    tmp_path: Path, make_docs: MakeDocs, caplog: pytest.LogCaptureFixture
) -> None:
    folder = make_docs(FILES)
    tokenizer = make_tokenizer(RetrievalConfig(docs_dir=folder))
    cache = IndexCache(tmp_path / "cache", cache_key(tokenizer, 400))
    build_index(RetrievalConfig(docs_dir=folder, cache_dir=tmp_path / "cache"), tokenizer, None)
    wait_for_saves()
    assert cache.load_snapshot(folder) is not None
    elsewhere = tmp_path / "elsewhere"
    cache.snapshot_path(elsewhere).write_bytes(cache.snapshot_path(folder).read_bytes())
    with caplog.at_level(logging.WARNING, logger="retrieval.store.cache"):
        assert cache.load_snapshot(elsewhere) is None  # its metadata names the other folder
    assert "for another folder or settings" in caplog.text
    assert not cache.snapshot_path(elsewhere).exists() and cache.snapshot_path(folder).exists()
    other = IndexCache(tmp_path / "cache", cache_key(tokenizer, 300))
    assert other.load_snapshot(folder) is None and other.folder != cache.folder


@pytest.mark.parametrize(
    "option",
    [
        {"passage_max_chars": 200},
        {"char_ngrams": False},
        {"stopwords_file": "stopwords"},
        {"user_dict": "userdict"},
    ],
)
def test_a_change_of_tokenizer_settings_starts_afresh(
    make_docs: MakeDocs, tmp_path: Path, tokenised: list[str], option: dict[str, object]
) -> None:
    folder = make_docs(FILES)
    cache = tmp_path / "cache"
    stopwords = tmp_path / "stopwords.txt"
    stopwords.write_text(DEFAULT_STOPWORDS.read_text(encoding="utf-8") + "\n苹果\n", encoding="utf-8")
    userdict = tmp_path / "userdict.txt"
    userdict.write_text("赣南脐橙 10 n\n", encoding="utf-8")
    paths = {"stopwords": stopwords, "userdict": userdict}
    options = {k: paths.get(v, v) if isinstance(v, str) else v for k, v in option.items()}
    open_library(folder, cache)
    tokenised.clear()
    library = open_library(folder, cache, **options)
    assert len(tokenised) == 4
    assert answers(library) == answers(Library(RetrievalConfig(docs_dir=folder, **options)))  # type: ignore[arg-type]
    if "user_dict" in options:  # its content counts, not its name
        userdict.write_text("赣南 10 n\n", encoding="utf-8")
        tokenised.clear()
        open_library(folder, cache, **options)
        assert len(tokenised) == 4


def test_writes_are_atomic(make_docs: MakeDocs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = make_docs(FILES)
    cache = tmp_path / "cache"
    expected = answers(open_library(folder, cache))
    snapshot = cache_files(cache, "snapshots")[0]
    before = snapshot.read_bytes()

    def crash(file: BinaryIO, meta: object, arrays: object) -> None:
        file.write(b"QABOTIDX half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cachefolder, "write_file", crash)
    (folder / "d.txt").write_text("沧州中院副院长是张三。\n", encoding="utf-8")
    open_library(folder, cache)
    assert snapshot.read_bytes() == before  # the old file, whole
    assert not list(cache.rglob("*.tmp"))
    monkeypatch.undo()
    (folder / "d.txt").write_text("沧州中院院长是闫杰。\n", encoding="utf-8")
    assert answers(open_library(folder, cache)) == expected


def test_an_unwritable_cache_warns_and_still_answers(
    make_docs: MakeDocs, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="retrieval.store.cache"):
        library = open_library(make_docs(FILES), blocker / "cache")
    assert library.ask("沧州中院院长是谁", 1).found
    assert "cannot write the index cache" in caplog.text
    assert len([r for r in caplog.records if "cannot write" in r.message]) == 1


def test_parallel_indexing_gives_the_serial_index(
    make_docs: MakeDocs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = dict(FILES)
    for i in range(12):
        files[f"more/{i:02d}.md"] = (
            f"# 第{i}章\n\n编号{i}的苹果树在春天开花。\n\n## 秋天\n\n它在秋天结果{i}次。\n"
        )
    folder = make_docs(files)
    config = RetrievalConfig(docs_dir=folder)
    tokenizer = make_tokenizer(config)
    serial, skipped = build_index(config, tokenizer, None, workers=1)
    monkeypatch.setattr(workers, "PARALLEL_BYTES", 0)
    parallel, parallel_skipped = build_index(config, tokenizer, None, workers=2)
    same_index(parallel, serial)
    assert parallel_skipped == skipped


def test_progress_is_drawn_on_a_terminal_only() -> None:
    class Terminal:
        def __init__(self, tty: bool) -> None:
            self.text = ""
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

        def write(self, text: str) -> None:
            self.text += text

        def flush(self) -> None:
            pass

    now = [0.0]  # a clock the test moves: 1/128 s a file (exact in binary)

    def clock() -> float:
        return now[0]

    for tty in (True, False):
        stream = Terminal(tty)
        progress = Progress(256, "indexing", "files", stream, clock=clock)  # type: ignore[arg-type]
        for _ in range(256):
            now[0] += 1 / 128
            progress.advance()
        progress.close()
        if tty:
            assert "indexing  50%" in stream.text and "128/256 files · 0:01 left" in stream.text
            assert "indexing 100%" in stream.text and "256/256 files · 0:02" in stream.text
            # from the first second on (file 128), then every 0.1 s (13 files), and at the end
            assert stream.text.count("\r") == len(range(128, 257, 13)) + 1 == 11
            assert stream.text.endswith("\n")
        else:
            assert stream.text == ""
    quiet = Terminal(True)
    progress = Progress(10, "indexing", "files", quiet, clock=clock)  # type: ignore[arg-type]
    now[0] += 0.999
    progress.advance(10)
    progress.close()
    assert quiet.text == ""  # done within the first second: nothing drawn


def test_old_cache_files_are_collected(make_docs: MakeDocs, tmp_path: Path) -> None:
    folder = make_docs(FILES)
    cache_dir = tmp_path / "cache"
    open_library(folder, cache_dir)
    cache = IndexCache(cache_dir, cache_key(make_tokenizer(RetrievalConfig(docs_dir=folder)), 400))
    stale = cache.folder.parent / "0123456789abcdef0123456789abcdef"
    (stale / "documents").mkdir(parents=True)
    (stale / ".collected").touch()
    month = time.time() - 40 * 86400
    os.utime(stale / ".collected", (month, month))
    leftover = cache.folder / "snapshots" / "x.12345.tmp"
    leftover.touch()
    os.utime(leftover, (month, month))
    snapshots = [cache.folder / "snapshots" / f"{i:040d}{cachefolder.SUFFIX}" for i in range(12)]
    for i, path in enumerate(snapshots):
        path.write_bytes(b"")
        os.utime(path, (time.time() - 1000 + i, time.time() - 1000 + i))
    old_format = cache_dir / "v1"
    (old_format / "abc").mkdir(parents=True)
    os.utime(old_format, (month, month))
    (cache.folder / ".collected").unlink()
    cache.files.collect_garbage()
    assert not stale.exists() and not leftover.exists() and not old_format.exists()
    assert len(cache_files(cache.folder, "snapshots")) == cachefolder.SNAPSHOTS
    assert cache.snapshot_path(folder) in cache_files(cache_dir, "snapshots")


def test_the_cache_folder_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "qabot"
    assert load_settings().retrieval().cache_dir == tmp_path / "xdg" / "qabot"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")
    assert default_cache_dir() == Path.home() / ".cache" / "qabot"
    monkeypatch.setenv("INDEX_CACHE_DIR", str(tmp_path / "mine"))
    assert load_settings().retrieval().cache_dir == tmp_path / "mine"


TEXTS = [
    "沧州中院党组书记、院长闫杰说：我院注重发挥党建政治引领作用。",
    "滄州中院院長是誰？政治學習作為「首要內容」。",
    "ＢＭ２５ Ranking: running quickly, ﬁle ㎏ 2021年09月07日 第02版",
    "Mixed 中文 and English words; 黄华麒是谁？",
    "",
    "   ",
    "𠀋字和罕见字𠀋测试",
]


@pytest.mark.parametrize("text", TEXTS)
def test_spans_from_kept_cuts_are_those_jieba_gives(text: str) -> None:
    tokenizer = make_tokenizer(RetrievalConfig(docs_dir=PROJECT))
    terms, cuts = tokenizer.terms_and_cuts(text)
    assert terms == tokenizer.terms(text)
    assert Cuts.pack([cuts]).of(0) == cuts
    full = tokenizer.spans(text)
    assert tokenizer.spans(text, cuts) == full
    wanted = set(tokenizer.terms("院长 中院 ranking 中文 罕见 滄州 ｂｍ２５ 2021"))
    assert tokenizer.spans(text, cuts, wanted) == [t for t in full if t.text in wanted]
    assert tokenizer.spans(text, [0, 1], wanted) == [t for t in full if t.text in wanted]  # not its cuts


def test_cuts_slice_and_concat() -> None:
    lists = [[0, 2, 5], [0], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [0, 3]]
    cuts = Cuts.pack(lists)
    cuts.check(4)
    assert [cuts.of(i) for i in range(4)] == lists
    joined = Cuts.concat([cuts.slice(2, 4), cuts.slice(0, 2)])
    assert [joined.of(i) for i in range(4)] == lists[2:] + lists[:2]
    with pytest.raises(ValueError):
        Cuts(cuts.bits, cuts.ends + 1).check(4)


def test_highlights_from_cuts_are_those_from_jieba(make_docs: MakeDocs, tmp_path: Path) -> None:
    lines = (PROJECT / "benchmarks" / "seed_questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [*QUESTIONS, *(json.loads(line)["question"] for line in lines)]
    for folder in (make_docs(FILES), PROJECT / "seeds"):
        index = open_library(folder, tmp_path / "cache").index
        assert index.cuts is not None
        without = replace(index, cuts=None)
        for question in questions:
            assert index.search(question, 5) == without.search(question, 5)


def test_the_cache_key_follows_the_code_that_makes_passages_and_terms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = tmp_path / "retrieval"
    code.mkdir()
    for module in [*(PROJECT / "retrieval").rglob("*.py"), *(PROJECT / "retrieval").rglob("*.txt")]:
        copy = code / module.relative_to(PROJECT / "retrieval")
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(module.read_bytes())
    monkeypatch.setattr(cachekey, "_CODE", code)
    tokenizer = make_tokenizer(RetrievalConfig(docs_dir=PROJECT))
    key = cache_key(tokenizer, 400)
    with (code / "index" / "relevance.py").open("a", encoding="utf-8") as file:
        file.write("\n# the no-answer rule changed\n")
    assert cache_key(tokenizer, 400) == key
    with (code / "text" / "tokenizer.py").open("a", encoding="utf-8") as file:
        file.write("\n# tokens changed\n")
    changed = cache_key(tokenizer, 400)
    assert changed != key
    (code / "documents" / "newmodule.py").write_text("# new\n", encoding="utf-8")
    added = cache_key(tokenizer, 400)
    assert added not in (key, changed)
    # A data file decides terms too: which characters normalising sends to OpenCC.
    with (code / "text" / "t2s_changes.txt").open("a", encoding="utf-8") as file:
        file.write("丂\n")
    assert cache_key(tokenizer, 400) not in (key, changed, added)


def test_a_built_index_is_served_from_its_snapshot_once_saved(make_docs: MakeDocs, tmp_path: Path) -> None:
    """A cold build's and a reload's index are in this process's memory; once their
    snapshot is written, the library answers from its mapping instead (the same answers)."""
    folder = make_docs(FILES)
    cache = tmp_path / "cache"
    library = Library(RetrievalConfig(docs_dir=folder, cache_dir=cache))
    assert library.index.body.postings.ids.flags.writeable  # built here
    built = answers(library)
    wait_for_saves()
    assert answers(library) == built
    assert not library.index.body.postings.ids.flags.writeable  # a view of the mapped file
    assert not library.index.passages.text.flags.writeable
    (folder / "d.txt").write_text("沧州中院副院长是张三。\n", encoding="utf-8")
    library.reload()
    assert library.index.body.postings.ids.flags.writeable
    reloaded = answers(library)
    wait_for_saves()
    assert answers(library) == reloaded
    assert not library.index.body.postings.ids.flags.writeable
    same_index(library.index, Library(RetrievalConfig(docs_dir=folder)).index)

"""The documents folder as admins change it: names from outside cleaned, old versions
kept in the trash, uploads put in place in one rename. Plain functions, no bot."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.folder.listing import closest_names, document_names, find_document
from bot.folder.names import clean_name
from bot.folder.trash import keep_in_trash, move_to_trash
from bot.folder.uploads import STAGING, check, discard, place, stage, sweep
from retrieval.documents.reader import Skipped, document_files
from tests import wordfiles

WHEN = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("员工手册.docx", "员工手册.docx"),
        ("../evil.txt", "evil.txt"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\evil.md", "evil.md"),
        ("/abs/path/notes.md", "notes.md"),
        (".hidden.txt", "hidden.txt"),
        ("...txt", "txt"),
        ("..", ""),
        ("  . ", ""),
        ("a\x00b\nc\x1b.txt", "abc.txt"),
        ("report\u202etxt.exe.md", "reporttxt.exe.md"),  # a right-to-left override
        ("line\u2028break.md", "linebreak.md"),
        ('a<b>:c"d|e?f*.txt', "a_b__c_d_e_f_.txt"),
        ("trailing dots... ", "trailing dots"),
        ("規則 Rules 2025.html", "規則 Rules 2025.html"),
    ],
)
def test_clean_name(sent: str, kept: str) -> None:
    assert clean_name(sent) == kept


def test_an_over_long_name_is_cut_keeping_its_suffix_and_whole_characters() -> None:
    name = clean_name("很" * 300 + ".docx")
    assert name == "很" * 65 + ".docx"  # 65 × 3 bytes + 5 = 200 bytes
    assert clean_name("a" * 400) == "a" * 200


@given(st.one_of(st.text(max_size=300), st.text(alphabet="./\\ a中\x00\u202e\n:", max_size=40)))
def test_no_name_points_outside_the_folder_or_at_a_hidden_file(sent: str) -> None:
    folder = Path("/srv/docs")
    name = clean_name(sent)
    assert len(name.encode("utf-8")) <= 200
    if name:
        assert not name.startswith(".") and "/" not in name and "\\" not in name and "\x00" not in name
        assert (folder / name).parent == folder and name == name.strip()
        assert all(ord(char) >= 32 and char != "\x7f" for char in name)


def test_a_removed_document_goes_to_the_trash_with_the_time_in_its_name(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("one", encoding="utf-8")
    first = move_to_trash(tmp_path, "sub/a.md", WHEN)
    (tmp_path / "sub" / "a.md").write_text("two", encoding="utf-8")
    second = move_to_trash(tmp_path, "sub/a.md", WHEN)
    assert first == tmp_path / ".trash" / "sub" / "a.20250102-030405.md"
    assert second == tmp_path / ".trash" / "sub" / "a.20250102-030405-2.md"
    assert [first.read_text(encoding="utf-8"), second.read_text(encoding="utf-8")] == ["one", "two"]
    assert not (tmp_path / "sub" / "a.md").exists()


def test_the_trash_is_never_read_as_documents(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n\ntext\n", encoding="utf-8")
    keep_in_trash(tmp_path, "a.md", WHEN)
    assert (tmp_path / ".trash" / "a.20250102-030405.md").read_text(encoding="utf-8") == "# A\n\ntext\n"
    assert [p.name for p in document_files(tmp_path)] == ["a.md"]


def test_an_upload_replaces_a_document_in_one_rename_and_the_old_one_is_kept(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("old", encoding="utf-8")
    staged = stage(tmp_path, "a.md")
    staged.path.write_text("new", encoding="utf-8")
    assert staged.replaces() and [p.name for p in document_files(tmp_path)] == ["a.md"]  # staging is hidden
    inode = staged.path.stat().st_ino
    old = place(staged, WHEN)
    assert old is not None and old.read_text(encoding="utf-8") == "old"
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "new"
    assert (tmp_path / "a.md").stat().st_ino == inode  # renamed, not copied
    assert list((tmp_path / STAGING).iterdir()) == []


def test_a_new_upload_has_no_old_version(tmp_path: Path) -> None:
    staged = stage(tmp_path, "b.txt")
    staged.path.write_text("new", encoding="utf-8")
    assert not staged.replaces() and place(staged, WHEN) is None
    assert not (tmp_path / ".trash").exists()


def test_an_upload_is_read_as_indexing_reads_it(tmp_path: Path) -> None:
    made = wordfiles.handbook()
    good, bad = stage(tmp_path, "员工手册.docx"), stage(tmp_path, "cut.docx")
    good.path.write_bytes(made.data)
    bad.path.write_bytes(made.data[:3000])
    document = check(good, 400)
    assert not isinstance(document, Skipped)
    assert document.source == "员工手册.docx" and document.title == made.title
    assert [(p.heading_path.split(" › ", 1)[-1], p.text) for p in document.passages][:2] == [
        (heading, text) for heading, text, _ in made.passages[:2]
    ]
    skipped = check(bad, 400)
    assert isinstance(skipped, Skipped) and "damaged" in skipped.reason
    discard(bad)
    assert not bad.path.parent.exists()


def test_staging_fails_with_an_os_error_where_the_folder_cannot_be_written(tmp_path: Path) -> None:
    (tmp_path / STAGING).write_text("", encoding="utf-8")  # a file where the staging folder goes
    with pytest.raises(OSError):
        stage(tmp_path, "a.md")
    assert os.listdir(tmp_path) == [STAGING]


NAMES = ["员工手册.docx", "rules/travel-rules.md", "rules/Leave.md", "a/notes.md", "b/notes.md"]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("员工手册.docx", "员工手册.docx"),
        (" rules/travel-rules.md ", "rules/travel-rules.md"),
        ("travel-rules.md", "rules/travel-rules.md"),  # its own name, unique
        ("leave.md", "rules/Leave.md"),  # case aside
        ("notes.md", None),  # two files of that name
        ("员工手册.doc", None),
        ("../员工手册.docx", None),
    ],
)
def test_find_document(typed: str, found: str | None) -> None:
    assert find_document(typed, NAMES) == found


def test_closest_names() -> None:
    assert closest_names("员工手册.doc", NAMES) == ["员工手册.docx"]
    assert closest_names("notes", NAMES) == ["a/notes.md", "b/notes.md"]
    assert closest_names("zzzz", NAMES) == []


def test_document_names_are_the_files_indexing_reads(tmp_path: Path) -> None:
    for name in ("a.md", "sub/b.txt", ".trash/c.md", ".uploads/x/d.md", "e.png", "f.doc"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert document_names(tmp_path) == ["a.md", "f.doc", "sub/b.txt"]


def test_unfinished_uploads_of_earlier_runs_are_swept(tmp_path: Path) -> None:
    old, new = stage(tmp_path, "a.md"), stage(tmp_path, "b.md")
    old.path.write_text("a", encoding="utf-8")
    hour_ago = time.time() - 3700
    os.utime(old.path.parent, (hour_ago, hour_ago))
    assert sweep(tmp_path) == 1
    assert not old.path.parent.exists() and new.path.parent.is_dir()
    assert sweep(tmp_path / "missing") == 0

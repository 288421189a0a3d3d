"""The index's passages: one UTF-8 blob and a table, a ``Passage`` made when one is asked for."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.config import RetrievalConfig
from retrieval.documents.reader import read_folder
from retrieval.index.passagetable import PassageTable
from retrieval.index.ranking import rerank
from retrieval.library import Library
from retrieval.passage import Passage
from retrieval.store.indexing import wait_for_saves
from tests.conftest import SEEDS

PASSAGES = [
    Passage("沧州中院院长是闫杰。", "党建引领", "抓提质增效", "a.txt", 1),
    Passage("𠀋字和罕见字𠀋测试 😀 emoji", "党建引领", "", "a.txt", 2, 1),
    Passage("", "Title", "Heading", "b/c.md", 0),
    Passage("plain ASCII, and ｆｕｌｌ－ｗｉｄｔｈ", "Title", "抓提质增效", "b/c.md", 7, 3),
]


def test_a_table_gives_back_the_passages_it_was_made_of() -> None:
    table = PassageTable.pack(PASSAGES)
    assert len(table) == 4 and list(table) == PASSAGES
    assert [table[i] for i in (-1, -4)] == [PASSAGES[3], PASSAGES[0]]
    assert (
        list(table[1:3]) == PASSAGES[1:3] and len(table[1:3]) == 2 and list(table[1:3][1:]) == [PASSAGES[2]]
    )
    assert table.text.size == sum(len(p.text.encode()) for p in PASSAGES)  # each text once, as UTF-8
    assert len(table.strings) == 7  # 党建引领 抓提质增效 a.txt "" Title Heading b/c.md: each once
    with pytest.raises(IndexError):
        table[4]


def test_tables_and_passages_concatenate_in_order() -> None:
    table = PassageTable.pack(PASSAGES)
    joined = PassageTable.concat([table[2:], (PASSAGES[1],), table[:1], table[3:4]])
    assert list(joined) == [PASSAGES[2], PASSAGES[3], PASSAGES[1], PASSAGES[0], PASSAGES[3]]
    joined.check()
    whole = PassageTable.concat([table[:1], table[1:3], table[3:]])  # the table itself: nothing copied
    assert whole.text is table.text and list(whole) == PASSAGES
    for parts in (
        [table[:1], table[1:3]],
        [table[1:2], table[:1]],
        [table[:2], table[1:]],
        [table[1:]],
        [table[2:], table[:2]],  # all of it, out of order
        [table[:0], table[1:2], table[3:3]],  # empty slices, at the start and elsewhere
    ):
        joined = PassageTable.concat(parts)  # not the whole table in order: copied
        assert list(joined) == [p for part in parts for p in part] and joined.text is not table.text
        joined.check()
    assert list(PassageTable.concat([])) == []


def test_a_table_that_does_not_add_up_is_refused() -> None:
    table = PassageTable.pack(PASSAGES)
    with pytest.raises(ValueError, match="texts do not add up"):
        PassageTable(table.text[:-1], table.ends, table.info, table.strings).check()
    with pytest.raises(ValueError, match="past its strings"):
        PassageTable(table.text, table.ends, table.info, table.strings[:-1]).check()


def inconsistent(table: PassageTable, part: str) -> PassageTable:
    """``table`` with one of its arrays (as read from a damaged cache) not fitting the rest."""
    text, ends, info, strings = table.text, table.ends, table.info, table.strings
    if part == "text as int16":
        text = text.astype(np.int16)
    elif part == "ends as int32":
        ends = ends.astype(np.int32)
    elif part == "info as int64":
        info = info.astype(np.int64)
    elif part == "a column short":
        info = info[:, :5].copy()
    elif part == "a row short":
        info = info[:3].copy()
    elif part == "text 2-D":
        text = text.reshape(1, -1)
    elif part == "a byte more":
        text = np.concatenate([text, np.zeros(1, np.uint8)])
    elif part == "ends going back":
        ends = ends.copy()
        ends[1] = ends[0] - 1
    elif part == "an end past the next":
        ends = ends.copy()
        ends[1] = ends[2] + 1  # the third text goes back, but not before the first's end
    elif part == "two passages, going back":
        text, ends, info = text[: ends[1]], ends[:2].copy(), info[:2]
        ends[0] = ends[1] + 1
    elif part == "first end negative":
        ends = ends.copy()
        ends[0] = -1
    elif part == "a negative string":
        info = info.copy()
        info[2, 1] = -1
    return PassageTable(text, ends, info, strings)


WRONG = {
    "text as int16": "its passages have the wrong types",
    "ends as int32": "its passages have the wrong types",
    "info as int64": "its passages have the wrong types",
    "a column short": "its passages do not add up",
    "a row short": "its passages do not add up",
    "text 2-D": "its passages do not add up",
    "a byte more": "its passages' texts do not add up",
    "ends going back": "its passages' texts do not add up",
    "an end past the next": "its passages' texts do not add up",
    "two passages, going back": "its passages' texts do not add up",
    "first end negative": "its passages' texts do not add up",
    "a negative string": "its passages refer past its strings",
}


@pytest.mark.parametrize("part", WRONG)
def test_each_inconsistency_is_refused_by_name(part: str) -> None:
    table = PassageTable.pack(PASSAGES)
    table.check()
    with pytest.raises(ValueError) as raised:
        inconsistent(table, part).check()
    assert str(raised.value) == WRONG[part]


def test_tables_of_one_and_no_passages_are_sound() -> None:
    PassageTable.pack(PASSAGES[:1]).check()
    empty = PassageTable.pack([])
    empty.check()
    assert len(empty) == 0 and list(empty) == [] and empty.info.shape == (0, 6)


def test_slices_indices_and_repr() -> None:
    table = PassageTable.pack(PASSAGES)
    assert repr(table) == "PassageTable(4 passages)" and repr(table[1:3]) == "PassageTable(2 passages)"
    assert len(table[3:1]) == 0 and list(table[3:1]) == [] and len(table[-2:]) == 2
    assert list(table[1:][1:]) == PASSAGES[2:] and table[1:][-1] == PASSAGES[3]
    with pytest.raises(ValueError, match=r"^passage tables are sliced in steps of 1$"):
        table[::2]
    for outside in (4, -5):
        with pytest.raises(IndexError, match=r"^passage number out of range$"):
            table[outside]
    with pytest.raises(IndexError):
        table[1:3][2]


def test_an_index_holds_the_passages_read_from_its_documents(tmp_path: Path) -> None:
    for cache in (None, tmp_path / "cache", tmp_path / "cache"):  # no cache, built, mapped
        library = Library(RetrievalConfig(docs_dir=SEEDS, cache_dir=cache))
        wait_for_saves()
        read = [p for d in read_folder(SEEDS, 400).documents for p in d.passages]
        assert list(library.index.passages) == read
        assert [p for d in library.index.documents for p in d.passages] == read


def test_an_answer_decodes_only_the_passages_it_looks_at(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = Library(RetrievalConfig(docs_dir=SEEDS, cache_dir=tmp_path / "cache"))
    wait_for_saves()
    library = Library(RetrievalConfig(docs_dir=SEEDS, cache_dir=tmp_path / "cache"))
    decoded: list[int] = []
    getitem = PassageTable.__getitem__

    def counting(self: PassageTable, index: int | slice) -> object:
        if isinstance(index, int):
            decoded.append(index)
        return getitem(self, index)

    monkeypatch.setattr(PassageTable, "__getitem__", counting)
    answer = library.ask("沧州中院院长是谁？", 3)
    assert len(answer.hits) == 3
    # The second stage's pool (the best 10 by BM25), each decoded once; the hits are among them.
    assert 3 <= len(decoded) <= rerank.POOL and len(set(decoded)) == len(decoded)
    assert len(library.index.passages) > rerank.POOL

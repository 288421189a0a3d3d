"""The example questions of /start and /help: the last part of the documents' section
headings (then, if too few, the start of passages), spread over the documents, each one
the documents answer; found from the passage table's headings, not by decoding every
passage (a mapped index at 150k passages would pull its whole text blob into memory)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.telegram.service import _first_words, _last_part, _spread, example_questions
from retrieval.config import RetrievalConfig
from retrieval.index.passagetable import PassageTable
from retrieval.library import Library
from retrieval.store.indexing import wait_for_saves
from tests.conftest import SEED

MANUAL = """# 员工手册

## 请假制度

员工请假需提前三天提交申请，由部门经理审批。

## 报销流程

差旅费用报销需在出差结束后十天内提交发票。

## 工作时间 › 弹性工作

公司实行弹性工作制，核心工作时间为上午十点至下午四点。
"""


def every_passage_way(library: Library, count: int = 3, tries: int = 30) -> tuple[str, ...]:
    """The rule as it was first written: every passage decoded (the oracle)."""
    passages = list(library.index.passages)
    headings = [_last_part(p.heading) for p in passages if p.heading.strip()]
    starts = [_first_words(p.text) for p in passages]
    candidates = list(dict.fromkeys(c for c in headings + starts if c))
    candidates = _spread(candidates[: max(len(set(headings)), count)], tries)
    return tuple(_spread([c for c in candidates if library.ask(c, 1).found], count))


@pytest.mark.parametrize(("files", "decoded_at_most"), [({"manual.md": MANUAL}, 0), ({}, 3)])
def test_example_questions_decode_no_passage_beyond_the_questions_they_ask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], decoded_at_most: int
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(20):
        (docs / f"seed{n:02}.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    for name, text in files.items():
        (docs / name).write_text(text, encoding="utf-8")
    config = RetrievalConfig(docs_dir=docs, cache_dir=tmp_path / "cache")
    Library(config)
    wait_for_saves()
    library = Library(config)
    expected = every_passage_way(library)
    decoded: list[int] = []
    asking = [False]
    getitem, ask = PassageTable.__getitem__, library.ask

    def counting(self: PassageTable, index: int | slice) -> object:
        if isinstance(index, int) and not asking[0]:
            decoded.append(index)
        return getitem(self, index)

    def asked(question: str, top_k: int) -> object:
        asking[0] = True
        try:
            return ask(question, top_k)
        finally:
            asking[0] = False

    monkeypatch.setattr(PassageTable, "__getitem__", counting)
    monkeypatch.setattr(library, "ask", asked)
    assert example_questions(library) == expected and len(expected) == 3
    assert len(decoded) <= decoded_at_most < len(library.index.passages)

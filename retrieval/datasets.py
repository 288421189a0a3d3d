"""Question sets to measure retrieval with: SQuAD-format files and JSONL.

SQuAD format (CMRC 2018, DRCD, ...): every distinct context becomes a passage
of a document named by its title, and each question's right passage is its
own context. JSONL: one ``{"question": ..., "expect": ...}`` per line, where
``expect`` is text the right passage contains, or null when the documents
cannot answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import DocumentsError
from retrieval.passage import Document, Passage


@dataclass(frozen=True)
class Case:
    """A question and what a right answer's passage contains (None: unanswerable)."""

    question: str
    expect: str | None


@dataclass(frozen=True)
class Dataset:
    cases: tuple[Case, ...]
    documents: tuple[Document, ...] = ()


def _read(path: Path, what: str) -> str:
    """The text of ``path``; ``DocumentsError`` naming it when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DocumentsError(f"{what} {path} does not exist") from None
    except IsADirectoryError:
        raise DocumentsError(f"{what} {path} is a folder, not a file") from None
    except UnicodeDecodeError as error:
        raise DocumentsError(f"{what} {path} is not UTF-8 text: {error}") from None
    except OSError as error:
        raise DocumentsError(f"{what} {path} cannot be read: {error.strerror}") from None


def _load_json(path: Path) -> object:
    text = _read(path, "dataset")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise DocumentsError(f"dataset {path} is not valid JSON: {error}") from None


def load_squad(path: Path) -> Dataset:
    """Passages and cases of a SQuAD-format file; each case expects its own context."""
    data = _load_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise DocumentsError(f"dataset {path} is not in SQuAD format (no top-level 'data' list)")
    documents: list[Document] = []
    cases: list[Case] = []
    seen: set[str] = set()
    if not all(isinstance(a, dict) and isinstance(a.get("paragraphs", []), list) for a in data["data"]):
        raise DocumentsError(f"dataset {path} is not in SQuAD format (an article is not an object)")
    for number, article in enumerate(data["data"], start=1):
        title = str(article.get("title") or f"article {number}")
        passages: list[Passage] = []
        for paragraph in article.get("paragraphs", []):
            context = str(paragraph.get("context", "")).strip()
            if not context:
                continue
            if context not in seen:
                seen.add(context)
                passages.append(Passage(context, title, "", title, len(passages) + 1))
            cases.extend(
                Case(str(qa["question"]).strip(), context)
                for qa in paragraph.get("qas", [])
                if str(qa.get("question", "")).strip()
            )
        if passages:
            documents.append(Document(title, title, tuple(passages)))
    if not cases:
        raise DocumentsError(f"dataset {path} has no questions")
    return Dataset(tuple(cases), tuple(documents))


def load_jsonl(path: Path) -> Dataset:
    """Cases of a JSONL file; the documents come from elsewhere."""
    lines = _read(path, "question file").splitlines()
    cases = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            question, expect = item["question"], item.get("expect")
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
            raise DocumentsError(
                f'{path}:{number}: expected {{"question": ..., "expect": ...}} ({error})'
            ) from None
        if not isinstance(question, str):
            raise DocumentsError(f'{path}:{number}: "question" must be text, not {question!r}')
        if expect is not None and not isinstance(expect, str):
            raise DocumentsError(f'{path}:{number}: "expect" must be text or null, not {expect!r}')
        cases.append(Case(question, expect))
    if not cases:
        raise DocumentsError(f"question file {path} has no questions")
    return Dataset(tuple(cases))

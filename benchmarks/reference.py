"""The reference rows of the README's quality table: rank-bm25 itself on a SQuAD-format set.

    uv run python benchmarks/reference.py [PATH]    # default: ../shared/benchmarks/cmrc2018_trial.json

Every distinct context is a passage and each question's right passage is its own
context, as in ``qabot eval``. Two pipelines, both ``rank_bm25.BM25Okapi`` with its
defaults over one bag of tokens per passage:

- plain: ``jieba.lcut`` of the context and of the question, as rank-bm25's users do;
- best reference: jieba's words less white space, punctuation and the project's
  stopwords, plus every bigram of each run of Chinese characters, over the title
  and the context (the question: over itself).

It prints R@1 and MRR@10 for each, as Markdown rows.
"""

from __future__ import annotations

import json
import re
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import rank_bm25

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from retrieval.text.tokenizer import DEFAULT_STOPWORDS, load_stopwords  # noqa: E402

with warnings.catch_warnings():
    # jieba 0.42 has invalid escape sequences in its regular expressions (as retrieval/text/jiebadata.py).
    warnings.filterwarnings("ignore", "invalid escape sequence", DeprecationWarning)
    warnings.filterwarnings("ignore", "invalid escape sequence", SyntaxWarning)
    import jieba

DATASET = PROJECT.parent / "shared" / "benchmarks" / "cmrc2018_trial.json"
_CHINESE_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_WORD = re.compile(r"\w")


def load(path: Path) -> tuple[list[tuple[str, str]], list[tuple[str, int]]]:
    """The distinct (title, context) passages, and each question with its passage's number."""
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    passages: dict[str, int] = {}
    titles: list[tuple[str, str]] = []
    questions: list[tuple[str, int]] = []
    for article in data["data"]:
        for paragraph in article.get("paragraphs", []):
            context = str(paragraph.get("context", "")).strip()
            if not context:
                continue
            if context not in passages:
                passages[context] = len(titles)
                titles.append((str(article.get("title") or ""), context))
            for qa in paragraph.get("qas", []):
                if str(qa.get("question", "")).strip():
                    questions.append((str(qa["question"]).strip(), passages[context]))
    return titles, questions


def plain(text: str) -> list[str]:
    return list(jieba.lcut(text))


def best(stopwords: frozenset[str]) -> Callable[[str], list[str]]:
    def tokens(text: str) -> list[str]:
        words = [w.lower() for w in jieba.lcut(text) if _WORD.search(w) and w.lower() not in stopwords]
        pairs = [run[i : i + 2] for run in _CHINESE_RUN.findall(text) for i in range(len(run) - 1)]
        return words + pairs

    return tokens


def measure(
    passages: list[tuple[str, str]],
    questions: list[tuple[str, int]],
    tokens: Callable[[str], list[str]],
    title: bool,
) -> tuple[float, float]:
    """R@1 and MRR@10 of BM25Okapi over ``tokens`` (of the title and context when ``title``)."""
    bm25 = rank_bm25.BM25Okapi([tokens(f"{t}\n{c}" if title else c) for t, c in passages])
    first = reciprocal = 0.0
    for question, right in questions:
        scores = bm25.get_scores(tokens(question))
        rank = int((scores > scores[right]).sum()) + 1  # ties go to the right passage
        first += rank == 1
        reciprocal += 1 / rank if rank <= 10 else 0.0
    return first / len(questions), reciprocal / len(questions)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DATASET
    passages, questions = load(path)
    print(f"{path.name}: {len(passages)} passages, {len(questions)} questions")
    stopwords = frozenset(load_stopwords(DEFAULT_STOPWORDS))
    rows = [
        ("rank-bm25 BM25Okapi + plain `jieba.lcut` (reference)", plain, False),
        ("+ stopwords, title, character bigrams (best reference)", best(stopwords), True),
    ]
    for name, tokens, title in rows:
        r1, mrr = measure(passages, questions, tokens, title)
        print(f"| {name} | {r1:.1%} | {mrr:.1%} | — | — | — |")


if __name__ == "__main__":
    main()

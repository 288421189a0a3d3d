"""Retrieval quality on every question set in one run: the experiment harness.

    uv run python benchmarks/experiment.py [--sets trial,drcd,...] [--k1 0.9,1.2] [--b 0.5,0.75]
                                           [--set MODULE.NAME=V1,V2] [--ranks OUT.json] [--misses SET]

Settings come from the environment and ``.env`` as for ``qabot`` (``BM25_K1``,
``CHAR_NGRAMS``, ...); ``--k1`` and ``--b`` sweep BM25's parameters over the
same tokens (each set is tokenised once), ``--set`` a constant of the code
(``--set retrieval.index.rerank.SENTENCE=0,0.5,1``). The sets:

- ``trial``: CMRC 2018 trial (Simplified), its 1,000 questions against its 256 passages;
- ``trial-tw``: the same questions converted to Traditional with Taiwan phrases;
- ``drcd``: DRCD test (Traditional, Taiwan), 3,493 questions against 1,000 passages;
- ``drcd-cn``: DRCD's questions converted to mainland wording (OpenCC ``tw2sp``:
  軟體 → 软件) against its Taiwanese passages;
- ``pooled``: both sets' 1,256 passages in one index and both sets' questions
  (``benchmarks/pooled.py`` writes it as a file for ``qabot eval``);
- ``seed``: ``benchmarks/seed_questions.jsonl`` against ``seeds/``;
- ``unanswerable``: the trial's questions against ``seeds/``: how many get an answer.

A question's ranks are ``Index.answering``'s: the hits ``qabot eval`` counts
(the no-answer rule applied), without highlighting them, so the figures are
``qabot eval``'s in a fraction of the time. ``--ranks`` saves every question's
rank to compare two runs; ``--misses`` prints the questions of a set not
answered first.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import itertools
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bot.settings import load_settings  # noqa: E402
from retrieval.config import RetrievalConfig  # noqa: E402
from retrieval.datasets import Case, load_jsonl, load_squad  # noqa: E402
from retrieval.documents import read_folder  # noqa: E402
from retrieval.index.index import Index, PassageTerms, passage_terms  # noqa: E402
from retrieval.library import make_tokenizer  # noqa: E402
from retrieval.passage import Document  # noqa: E402
from retrieval.text.script import to_mainland, to_traditional  # noqa: E402
from retrieval.text.tokenizer import Tokenizer  # noqa: E402

SHARED = PROJECT.parent / "shared" / "benchmarks"
SEEDS = PROJECT / "seeds"
SEED_QUESTIONS = PROJECT / "benchmarks" / "seed_questions.jsonl"
SETS = ("trial", "trial-tw", "drcd", "drcd-cn", "pooled", "seed", "unanswerable")
DEPTH = 10  # ranks counted: MRR@10


@dataclasses.dataclass(frozen=True)
class QuestionSet:
    corpus: str  # which passages: "trial", "drcd", "pooled" or "seeds"
    cases: tuple[Case, ...]
    prepare: Callable[[str], str] = str


@dataclasses.dataclass
class Corpora:
    """Each corpus's documents and their passages' terms, tokenised once."""

    tokenizer: Tokenizer
    config: RetrievalConfig
    documents: dict[str, tuple[Document, ...]] = dataclasses.field(default_factory=dict)
    terms: dict[str, list[PassageTerms]] = dataclasses.field(default_factory=dict)

    def add(self, name: str, documents: Sequence[Document]) -> None:
        self.documents[name] = tuple(documents)
        passages = [p for d in documents for p in d.passages]
        self.terms[name] = [passage_terms(self.tokenizer, p) for p in passages]

    def pool(self, name: str, parts: Sequence[str]) -> None:
        self.documents[name] = tuple(d for part in parts for d in self.documents[part])
        self.terms[name] = [t for part in parts for t in self.terms[part]]

    def index(self, name: str, config: RetrievalConfig) -> Index:
        return Index.build(self.documents[name], self.tokenizer, config, self.terms[name])


def question_sets(names: Sequence[str], corpora: Corpora, shared: Path) -> dict[str, QuestionSet]:
    trial = load_squad(shared / "cmrc2018_trial.json")
    drcd = load_squad(shared / "drcd_test.json")
    wanted = set(names)
    if wanted & {"trial", "trial-tw", "pooled"}:
        corpora.add("trial", trial.documents)
    if wanted & {"drcd", "drcd-cn", "pooled"}:
        corpora.add("drcd", drcd.documents)
    if "pooled" in wanted:
        corpora.pool("pooled", ("trial", "drcd"))
    if wanted & {"seed", "unanswerable"}:
        corpora.add("seeds", read_folder(SEEDS, corpora.config.passage_max_chars).documents)
    unanswerable = tuple(Case(c.question, None) for c in trial.cases)
    sets = {
        "trial": QuestionSet("trial", trial.cases),
        "trial-tw": QuestionSet("trial", trial.cases, to_traditional),
        "drcd": QuestionSet("drcd", drcd.cases),
        "drcd-cn": QuestionSet("drcd", drcd.cases, to_mainland),
        "pooled": QuestionSet("pooled", trial.cases + drcd.cases),
        "seed": QuestionSet("seeds", load_jsonl(SEED_QUESTIONS).cases),
        "unanswerable": QuestionSet("seeds", unanswerable),
    }
    return {name: sets[name] for name in names}


def ranks(index: Index, questions: QuestionSet) -> list[int | None]:
    """Each case's rank of its right passage (0: no answer, None: not in the top
    ``DEPTH``); for an unanswerable case, 1 if it got an answer, else 0."""
    found: list[int | None] = []
    for case in questions.cases:
        hits = index.answering(questions.prepare(case.question), DEPTH)
        if case.expect is None:
            found.append(1 if hits else 0)
            continue
        texts = [index.passages[number].text for number, _ in hits]
        rank = next((r for r, text in enumerate(texts, start=1) if case.expect in text), None)
        found.append(rank if rank is not None else (0 if not hits else None))
    return found


def summary(questions: QuestionSet, found: list[int | None]) -> str:
    """Recall@1 and @3, MRR@10 and refusals over the answerable cases; how many
    unanswerable ones got an answer."""
    answerable = [r for c, r in zip(questions.cases, found, strict=True) if c.expect is not None]
    answered = sum(r == 1 for c, r in zip(questions.cases, found, strict=True) if c.expect is None)
    parts = []
    if answerable:
        count = len(answerable)
        at = [sum(1 for r in answerable if r and r <= k) / count for k in (1, 3)]
        mrr = sum(1 / r for r in answerable if r) / count
        refused = sum(r == 0 for r in answerable)
        parts.append(f"R@1 {at[0]:.2%}  R@3 {at[1]:.2%}  MRR {mrr:.2%}  refused {refused}")
    if len(answerable) < len(found):
        parts.append(f"unanswerable answered {answered} of {len(found) - len(answerable)}")
    return "  ".join(parts)


def constant(text: str) -> tuple[ModuleType, str, list[float]]:
    """``package.module.NAME=1,2``: the module, the name and the values."""
    path, _, values = text.partition("=")
    module_name, _, name = path.rpartition(".")
    module = importlib.import_module(module_name)
    if not hasattr(module, name):
        raise SystemExit(f"{module_name} has no {name}")
    numbers = _floats(values)
    if isinstance(getattr(module, name), int):  # a count, such as rerank.POOL: it slices arrays
        if not all(number.is_integer() for number in numbers):
            raise SystemExit(f"{path} takes whole numbers")
        counts: list[float] = [int(number) for number in numbers]
        return module, name, counts
    return module, name, numbers


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",")] if text else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, of {', '.join(SETS)}")
    parser.add_argument("--k1", default="", help="BM25 k1 values to sweep (default: the setting)")
    parser.add_argument("--b", default="", help="BM25 b values to sweep (default: the setting)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="MODULE.NAME=V1,V2",
        help="sweep a constant of the code too, e.g. retrieval.index.rerank.SENTENCE=0,1 (repeatable)",
    )
    parser.add_argument("--shared", type=Path, default=SHARED, help="folder of the shared datasets")
    parser.add_argument("--ranks", type=Path, help="save every question's rank here (JSON)")
    parser.add_argument("--misses", default="", help="print the questions of this set not answered first")
    args = parser.parse_args()
    names = [name for name in args.sets.split(",") if name]
    unknown = set(names) - set(SETS)
    if unknown:
        parser.error(f"unknown sets: {', '.join(sorted(unknown))}")
    config = load_settings(docs_dir=SEEDS).retrieval()
    config = dataclasses.replace(config, cache_dir=None)
    started = time.perf_counter()
    corpora = Corpora(make_tokenizer(config), config)
    sets = question_sets(names, corpora, args.shared)
    print(f"tokenised in {time.perf_counter() - started:.1f} s; {config.bm25}", flush=True)
    saved: dict[str, dict[str, list[int | None]]] = {}
    constants = [constant(text) for text in args.set]
    choices = [[(module, name, value) for value in values] for module, name, values in constants]
    grid = itertools.product(
        itertools.product(*choices), _floats(args.k1) or [config.bm25.k1], _floats(args.b) or [config.bm25.b]
    )
    for chosen, k1, b in grid:
        for module, name, value in chosen:
            setattr(module, name, value)
        bm25 = dataclasses.replace(config.bm25, k1=k1, b=b)
        swept = dataclasses.replace(config, bm25=bm25)
        label = " ".join([f"k1={k1:g} b={b:g}", *(f"{name}={value:g}" for _, name, value in chosen)])
        indexes: dict[str, Index] = {}
        for name, questions in sets.items():
            if questions.corpus not in indexes:
                indexes[questions.corpus] = corpora.index(questions.corpus, swept)
            index = indexes[questions.corpus]
            found = ranks(index, questions)
            saved.setdefault(label, {})[name] = found
            print(f"{label}  {name:<12} {summary(questions, found)}", flush=True)
            if name == args.misses:
                for case, rank in zip(questions.cases, found, strict=True):
                    if rank != 1:
                        print(f"    {rank}\t{questions.prepare(case.question)}")
    if args.ranks:
        args.ranks.write_text(json.dumps(saved), encoding="utf-8")
    print(f"done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

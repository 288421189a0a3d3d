"""What leaving out a question's common characters costs on large corpora of long passages.

    uv run python benchmarks/longpassages.py --sizes 10000,50000 [--workdir DIR]

The corpus: every passage of CMRC 2018 trial and DRCD test (1,256, as they are,
one file per article under its title), and as many more as it takes to reach the
size: re-edited copies of the same articles, as a wiki's history or its mirrors
have them. Each is a run of 150-450 characters (300 on average) of consecutive
sentences of one of the article's passages, 2-5 characters of nine sentences in
ten swapped for characters drawn from the sets' own frequencies, digits redrawn,
and three sentences in ten taken from another passage of the article instead;
100 a file, under the article's title. Near-duplicates by design: a question's own passage
competes with re-edited pieces of itself and of its article.

The questions are both sets' 4,493; a question is right at rank 1 when its own
passage (exactly) comes first. For each size it prints Recall@1 and MRR@10, Recall@1
counting a first passage right when it holds one of the question's answers as written
("answer in it": how the issue counted, where a re-edited copy that kept the answer
answers too), and
the time per question, of BM25's ranking (``Index.rank``) and of the answer
(``Index.answering``: the second stage and the no-answer rule too), each with
all of a question's terms searched and with its common characters left out
(``COMMON_CHARACTER_SHARE``, what ``qabot`` does). ``--set`` changes a constant
of the code first, as in ``benchmarks/experiment.py``.
Long passages are not split (``PASSAGE_MAX_CHARS`` 2000 here). Corpora and their
index caches stay in ``--workdir`` (default: a temporary folder), so a second run
on the same sizes only loads them.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "benchmarks"))

from corpus import perturb  # noqa: E402
from experiment import constant  # noqa: E402

from bot.settings import load_settings  # noqa: E402
from retrieval.index.ranking import query  # noqa: E402
from retrieval.library import Library  # noqa: E402

SHARED = PROJECT.parent / "shared" / "benchmarks"
DATASETS = ("cmrc2018_trial.json", "drcd_test.json")
_SENTENCE = re.compile(r"[^。！？]*[。！？]+[”’」』）)]*")
_CJK = re.compile(r"[\u4e00-\u9fff]")
PER_FILE = 100
DEPTH = 10
SHARE = query.COMMON_CHARACTER_SHARE


@dataclass(frozen=True)
class Article:
    title: str
    contexts: tuple[str, ...]


@dataclass(frozen=True)
class Seed:
    articles: tuple[Article, ...]
    questions: tuple[tuple[str, str, tuple[str, ...]], ...]  # (question, its passage, its answers)
    characters: tuple[str, ...]
    cumulative: tuple[int, ...]


def load_seed(shared: Path) -> Seed:
    articles: list[Article] = []
    questions: list[tuple[str, str, tuple[str, ...]]] = []
    counts: dict[str, int] = {}
    for name in DATASETS:
        data = json.loads((shared / name).read_text(encoding="utf-8-sig"))
        for number, article in enumerate(data["data"], start=1):
            contexts = []
            for paragraph in article["paragraphs"]:
                context = " ".join(str(paragraph["context"]).split())
                if not context:
                    continue
                if context not in contexts:
                    contexts.append(context)
                questions.extend(
                    (str(qa["question"]).strip(), context, _answers(qa))
                    for qa in paragraph["qas"]
                    if str(qa["question"]).strip()
                )
                for char in _CJK.findall(context):
                    counts[char] = counts.get(char, 0) + 1
            if contexts:
                articles.append(Article(str(article.get("title") or f"{name} {number}"), tuple(contexts)))
    characters = tuple(sorted(counts))
    cumulative = tuple(int(c) for c in np.cumsum([counts[c] for c in characters]))
    return Seed(tuple(articles), tuple(questions), characters, cumulative)


def _answers(qa: dict[str, object]) -> tuple[str, ...]:
    """A question's distinct answer texts, as written (whitespace runs made one space)."""
    given = qa.get("answers")
    texts = (
        [" ".join(str(a.get("text", "")).split()) for a in given if isinstance(a, dict)]
        if isinstance(given, list)
        else []
    )
    return tuple(dict.fromkeys(t for t in texts if t))


def _perturb(sentence: str, seed: Seed, rng: random.Random) -> str:
    return perturb(sentence, seed.characters, seed.cumulative, rng, share=0.9, changes=(2, 5))


def _re_edited(article: Article, seed: Seed, rng: random.Random) -> str:
    """150-450 characters of consecutive sentences of one of the article's passages, re-edited."""
    sentences = _SENTENCE.findall(rng.choice(article.contexts)) or [rng.choice(article.contexts)]
    others = [s for c in article.contexts for s in _SENTENCE.findall(c)] or sentences
    target = rng.randint(150, 450)
    at = rng.randrange(len(sentences))
    text = ""
    while len(text) < target:
        sentence = sentences[at % len(sentences)] if rng.random() > 0.3 else rng.choice(others)
        text += _perturb(sentence.strip(), seed, rng)
        at += 1
    return text


def write_corpus(seed: Seed, passages: int, folder: Path, rng_seed: int = 2018) -> None:
    """The sets' own passages (one file per article), then re-edited ones up to ``passages``."""
    rng = random.Random(rng_seed)
    folder.mkdir(parents=True)
    for number, article in enumerate(seed.articles):
        text = "\n\n".join([article.title, *article.contexts])
        (folder / f"own-{number:04d}.txt").write_text(text + "\n", encoding="utf-8")
    weights = [len(a.contexts) for a in seed.articles]
    more = passages - sum(weights)
    for file in range((more + PER_FILE - 1) // PER_FILE):
        article = rng.choices(seed.articles, weights=weights)[0]
        count = min(PER_FILE, more - file * PER_FILE)
        paragraphs = [_re_edited(article, seed, rng) for _ in range(count)]
        path = folder / f"{file // 100:03d}" / f"{file:05d}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text("\n\n".join([f"{article.title}（{file + 1}）", *paragraphs]) + "\n", encoding="utf-8")


Ranker = Callable[[str], list[int]]


def measure(library: Library, seed: Seed) -> dict[str, dict[str, float]]:
    """Recall@1 (own passage first; a first passage holding an answer), MRR@10 and time
    per question of ranking by BM25 and of answering, with the question's common
    characters left out of the search and with all its terms."""
    index = library.index
    texts = {p.text: n for n, p in enumerate(index.passages)}
    rankers: dict[str, Ranker] = {
        "BM25": lambda q: index.rank(index.question_terms(q)[0], DEPTH)[0].tolist(),
        "answer": lambda q: [n for n, _ in index.answering(q, DEPTH)],
    }
    results = {}
    for everything in (True, False):
        query.COMMON_CHARACTER_SHARE = math.inf if everything else SHARE
        for name, ranker in rankers.items():
            ranks, times, holds = [], [], []
            for question, context, answers in seed.questions:
                right = texts.get(context, -1)
                started = time.perf_counter()
                found = ranker(question)
                times.append((time.perf_counter() - started) * 1000)
                ranks.append(found.index(right) + 1 if right in found else 0)
                first = index.passages[found[0]].text if found else ""
                holds.append(any(answer in first for answer in answers))
            results[f"{name}, {'all terms' if everything else 'common characters left out'}"] = {
                "R@1": sum(r == 1 for r in ranks) / len(ranks),
                "R@1 answer": sum(holds) / len(holds),
                "MRR@10": sum(1 / r for r in ranks if r) / len(ranks),
                "p50_ms": float(np.percentile(times, 50)),
                "p95_ms": float(np.percentile(times, 95)),
            }
    query.COMMON_CHARACTER_SHARE = SHARE
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000", help="passages per corpus, comma-separated")
    parser.add_argument("--shared", type=Path, default=SHARED, help="folder of the two datasets")
    parser.add_argument(
        "--workdir", type=Path, help="where corpora and caches go (default: a temporary folder)"
    )
    parser.add_argument("--set", action="append", default=[], metavar="MODULE.NAME=VALUE")
    args = parser.parse_args()
    for text in args.set:
        module, name, values = constant(text)
        setattr(module, name, values[0])
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="qabot-long-"))
    seed = load_seed(args.shared)
    print(f"{len(seed.questions)} questions; workdir {workdir}", flush=True)
    print(
        "| passages | ranking | R@1 | R@1 (answer in it) | MRR@10 | p50 | p95 |\n|---:|---|---:|---:|---:|---:|---:|",
        flush=True,
    )
    for size in (int(s) for s in args.sizes.split(",")):
        docs = workdir / f"long-{size}"
        if not docs.exists():
            write_corpus(seed, size, docs)
        started = time.perf_counter()
        settings = load_settings(
            docs_dir=docs, passage_max_chars=2000, index_cache_dir=workdir / f"cache-{size}"
        )
        config = settings.retrieval()
        library = Library(config)
        loaded = time.perf_counter() - started
        for name, row in measure(library, seed).items():
            print(
                f"| {len(library.index.passages):,} | {name} | {row['R@1']:.2%} | {row['R@1 answer']:.2%} "
                f"| {row['MRR@10']:.2%} "
                f"| {row['p50_ms']:.2f} ms | {row['p95_ms']:.2f} ms |",
                flush=True,
            )
        print(f"(loaded in {loaded:.0f} s)", flush=True)


if __name__ == "__main__":
    main()

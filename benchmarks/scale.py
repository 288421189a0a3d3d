"""Scale benchmark: qabot against rank-bm25 and tantivy-py, on two corpora.

    uv run --group bench python benchmarks/scale.py [--sizes 1000,10000,100000]
        [--long-sizes 150000] [--dataset PATH] [--workdir DIR] [--no-reference] [--no-tantivy]

Corpora are generated deterministically from a SQuAD-format dataset (CMRC
2018 trial by default, see ``benchmarks/corpus.py``) in a temporary folder
(``--workdir`` keeps them): the short corpus (paragraphs of ~225 characters,
files of 100) at ``--sizes`` passages, and the long one (~280 characters,
articles of 150 paragraphs in four revisions each: many near-duplicates) at
``--long-sizes``. The questions are the dataset's. Every measurement runs in
a fresh process:

- cold build: indexing with an empty cache (qabot: every core, its main
  process's peak RSS and the CPU time of all its processes beside the wall
  time; rank-bm25: tokenising in one process, as its users do, then
  ``BM25Plus(corpus)``; tantivy: tokenising in one process, its writer's threads);
- warm start: from starting Python to the first answer, the cache full (the
  second start after the build: the first one records the files' stamps);
- reload: ``Library.reload()`` after one file changed;
- query: tokenising the question (``Index.question_terms``) and ranking the top 3
  (``Index.rank``); rank-bm25: ``get_scores`` and the top 3 over the same
  tokens; tantivy: its search for the top 3, given jieba's words;
- whole answer: ``Library.ask``: the query, the no-answer rule and highlighting;
- RSS: resident memory when answering (``VmRSS``) and its peak while loading;
  "as a bot, long run": with the Telegram bot's code loaded and after
  ``LONG_RUN`` more distinct questions, every other thousand of them written to
  a question log as the bot writes it (a writer thread, SQLite in a temporary
  folder; the CPU time a question takes with and without the log is printed
  too: ``benchmarks/longrun.py``); "second process": the unique memory (USS)
  of a second process serving the same cache while the first one runs;
- cache: the index cache's size on disk, and the documents' size.

It prints a table per corpus, the machine and its load, and the targets at
the largest size of each corpus, met or MISSED. At 100k + 150k passages it
takes 30-40 minutes on 2 idle cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from longrun import print_memory, print_question_log
from targets import print_table, print_targets

PROJECT = Path(__file__).resolve().parent.parent
CHILD = Path(__file__).resolve().parent / "child.py"  # each measurement's process: only what it measures
DATASET = PROJECT.parent / "shared" / "benchmarks" / "cmrc2018_trial.json"
REFERENCE_QUESTIONS = {1000: 1000, 10000: 300, 100000: 60}


def _run(*args: str) -> dict[str, Any]:
    started = time.time_ns()
    result = subprocess.run(
        [sys.executable, str(CHILD), *args, str(started)],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT,
    )
    if result.returncode != 0:
        raise SystemExit(f"benchmark step {args[0]} failed:\n{result.stderr}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def _second_process(docs: Path, cache: Path, dataset: Path) -> dict[str, Any]:
    """Two processes serving one cache: the unique memory (USS) of each once both answered."""
    command = [sys.executable, str(CHILD), "_serve", str(docs), str(cache), str(dataset), "0"]
    first = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=PROJECT)
    try:
        assert first.stdout is not None and first.stdin is not None
        one = json.loads(first.stdout.readline())
        second = subprocess.run(command, input="", capture_output=True, text=True, check=True, cwd=PROJECT)
        two = json.loads(second.stdout.strip().splitlines()[0])
    finally:
        if first.stdin is not None:
            first.stdin.close()
        first.wait(timeout=120)
    return {
        "uss_first_mib": one["uss_mib"],
        "uss_second_mib": two["uss_mib"],
        "rss_second_mib": two["rss_mib"],
    }


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    memory = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    import numpy

    return (
        f"{model}, {cores} cores, {memory} RAM, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, NumPy {numpy.__version__}"
    )


def _tantivy_available() -> bool:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


def measure(
    args: argparse.Namespace, kind: str, size: int, docs: Path, workdir: Path, first: str
) -> list[tuple[str, dict[str, Any]]]:
    """The rows of one corpus at one size: qabot's, then its peers'. ``first``: the question
    a warm start answers first (given, so that the timing has no reading of the dataset)."""
    cache = workdir / f"cache-{kind}-{size}"
    shutil.rmtree(cache, ignore_errors=True)
    label = f"{kind} {size:,}"
    print(f"{label}: cold build ...", flush=True)
    cold = _run("_cold", str(docs), str(cache))
    print(f"{label}: first start (records the files' stamps) ...", flush=True)
    quick = _run("_warm", str(docs), str(cache), str(args.dataset), "quick", first)
    print(f"{label}: warm start, queries, reload, long run ...", flush=True)
    warm = _run("_warm", str(docs), str(cache), str(args.dataset), "full", first)
    warm["first_warm_s"] = quick["warm_s"]
    print(f"{label}: two processes on one cache ...", flush=True)
    warm.update(_second_process(docs, cache, args.dataset))
    rows = [("qabot", {**cold, **warm})]
    print(json.dumps({"corpus": kind, "size": size, "qabot": rows[0][1]}), flush=True)
    if not args.no_reference and kind == "short":
        print(f"{label}: rank-bm25 ...", flush=True)
        wanted = REFERENCE_QUESTIONS.get(size, 60)
        rows.append(("rank-bm25", _run("_reference", str(docs), str(args.dataset), str(wanted))))
        print(json.dumps({"corpus": kind, "size": size, "rank-bm25": rows[-1][1]}), flush=True)
    if not args.no_tantivy and _tantivy_available():
        print(f"{label}: tantivy ...", flush=True)
        folder = workdir / f"tantivy-{kind}-{size}"
        shutil.rmtree(folder, ignore_errors=True)
        built = _run("_tantivy", "build", str(docs), str(folder), str(args.dataset), first)
        rows.append(
            (
                "tantivy",
                {**built, **_run("_tantivy", "warm", str(docs), str(folder), str(args.dataset), first)},
            )
        )
        print(json.dumps({"corpus": kind, "size": size, "tantivy": rows[-1][1]}), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="short corpus: passages, comma-separated"
    )
    parser.add_argument(
        "--long-sizes", default="150000", help="long corpus: passages, comma-separated ('' for none)"
    )
    parser.add_argument("--dataset", type=Path, default=DATASET, help="SQuAD-format seed dataset")
    parser.add_argument(
        "--workdir", type=Path, help="where corpora and caches go (default: a temporary folder)"
    )
    parser.add_argument("--no-reference", action="store_true", help="skip rank-bm25")
    parser.add_argument("--no-tantivy", action="store_true", help="skip tantivy-py")
    args = parser.parse_args()
    from corpus import load_seed, write_corpus, write_long_corpus

    writers: dict[str, Callable[..., int]] = {"short": write_corpus, "long": write_long_corpus}
    with tempfile.TemporaryDirectory(prefix="qabot-scale-") as temporary:  # deleted at the end
        run(args, args.workdir or Path(temporary), load_seed(args.dataset), writers)


def run(args: argparse.Namespace, workdir: Path, seed: Any, writers: dict[str, Callable[..., int]]) -> None:
    """Measure each corpus at each size in ``workdir`` (its corpora are kept there for another run)."""
    print(f"machine: {machine()}", flush=True)
    print(f"load average before: {os.getloadavg()}", flush=True)
    if not args.no_tantivy and not _tantivy_available():
        print("tantivy is not installed: run with `uv run --group bench` to compare with it", flush=True)
    results: dict[str, list[tuple[int, str, dict[str, Any]]]] = {}
    for kind, sizes in (("short", args.sizes), ("long", args.long_sizes)):
        for size in (int(s) for s in sizes.split(",") if s.strip()):
            docs = workdir / f"corpus-{kind}-{size}"
            if not docs.exists():
                writers[kind](seed, size, docs)
            for system, row in measure(args, kind, size, docs, workdir, seed.questions[0]):
                results.setdefault(kind, []).append((size, system, row))
    print(f"load average after: {os.getloadavg()}", flush=True)
    for kind, rows in results.items():
        print_table(kind, rows)
        print_question_log(rows)
        print_memory(rows)
    for kind, rows in results.items():
        print_targets(kind, rows)
    print(f"\nquestions: the dataset's {len(seed.questions)}; top 3; workdir {workdir}")


if __name__ == "__main__":
    main()

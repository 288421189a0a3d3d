"""The scale benchmark's measurements (``benchmarks/scale.py``), each run in a fresh
process that prints one JSON object."""

from __future__ import annotations

import importlib
import resource
import sys
import time
from pathlib import Path
from typing import Any

TOP_K = 3


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def uss_mib() -> float:
    """This process's unique memory: pages no other process maps, less the index
    snapshot's (clean pages of the page cache, which a library at rest unmaps: they are
    another process's as much as this one's, ``retrieval.library.Rest``)."""
    total = 0
    snapshot = False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        fields = line.split()
        if not fields[0].endswith(":"):  # a mapping's first line: its range, ..., its file if any
            snapshot = len(fields) > 5 and fields[5].endswith(".qix")
        elif fields[0] == "Private_Dirty:" or (fields[0] == "Private_Clean:" and not snapshot):
            total += int(fields[1])
    return total / 1024


def memory_parts() -> dict[str, float]:
    """This process's resident memory by kind (MiB, from ``/proc/self/smaps``): the index
    cache's mapped snapshot, jieba's mapped dictionary files, other files (the interpreter,
    libraries), anonymous memory (Python's objects, NumPy's own arrays); and its unique part."""
    parts = {"snapshot": 0.0, "dictionary": 0.0, "files": 0.0, "anonymous": 0.0, "unique": 0.0}
    kind = "anonymous"
    for line in Path("/proc/self/smaps").read_text().splitlines():
        fields = line.split()
        if not fields[0].endswith(":"):  # a mapping's first line: its range, ..., its file if any
            name = fields[5] if len(fields) > 5 else ""
            kind = (
                "snapshot"
                if name.endswith(".qix")
                else "dictionary"
                if "/dictionary/jieba-" in name
                else "files"
                if name.startswith("/")
                else "anonymous"
            )
        elif fields[0] == "Rss:":
            parts[kind] += int(fields[1]) / 1024
        elif fields[0] in ("Private_Clean:", "Private_Dirty:"):
            parts["unique"] += int(fields[1]) / 1024
    return parts


def at_rest() -> float:
    """RSS once the library has been idle long enough to hand its mapped pages back
    (``retrieval.library.IDLE_S``, looked at twice)."""
    from retrieval.library import IDLE_S

    time.sleep(2 * IDLE_S + 0.5)
    return rss_mib()


def peak_mib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def cpu_s(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def percentiles(milliseconds: list[float]) -> dict[str, float]:
    import numpy as np

    values = np.asarray(milliseconds)
    return {f"p{p}": float(np.percentile(values, p)) for p in (50, 95, 99)}


def questions(dataset: Path) -> list[str]:
    from corpus import load_seed

    return list(load_seed(dataset).questions)


def size_on_disk(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def child_cold(docs: Path, cache: Path) -> dict[str, Any]:
    from retrieval.config import RetrievalConfig
    from retrieval.library import Library
    from retrieval.store.indexing import wait_for_saves

    started = time.perf_counter()
    library = Library(RetrievalConfig(docs_dir=docs, cache_dir=cache))
    built = time.perf_counter() - started
    wait_for_saves()
    return {
        "cold_s": built,
        "saved_s": time.perf_counter() - started,
        "cold_cpu_s": cpu_s() + cpu_s(resource.RUSAGE_CHILDREN),
        "cold_peak_mib": peak_mib(),
        "workers_peak_mib": peak_mib(resource.RUSAGE_CHILDREN),
        "passages": len(library.index.passages),
        "docs_bytes": size_on_disk(docs),
    }


def child_warm(
    docs: Path, cache: Path, dataset: Path, full: bool, first: str, started_ns: int
) -> dict[str, Any]:
    from retrieval.config import RetrievalConfig
    from retrieval.library import Library
    from retrieval.store.indexing import wait_for_saves

    library = Library(RetrievalConfig(docs_dir=docs, cache_dir=cache))
    library.ask(first, TOP_K)
    first_answer = (time.time_ns() - started_ns) / 1e9
    start_cpu = cpu_s()
    if not full:
        wait_for_saves()
        return {"warm_s": first_answer, "warm_cpu_s": start_cpu}
    asked = questions(dataset)
    loading_peak = peak_mib()
    rss_ready = rss_mib()
    for question in asked[:20]:  # warm-up
        library.ask(question, TOP_K)
    latencies, ranking = [], []
    for question in asked:
        begin = time.perf_counter()
        library.ask(question, TOP_K)
        latencies.append((time.perf_counter() - begin) * 1000)
    for question in asked:
        begin = time.perf_counter()
        library.index.rank(library.index.question_terms(question)[0], TOP_K)
        ranking.append((time.perf_counter() - begin) * 1000)
    rss = rss_mib()
    rss_rest = at_rest()
    # Reload after one file of the middle of the folder changed.
    files = sorted(docs.rglob("*.txt"))
    changed = files[len(files) // 2]
    original = changed.read_bytes()
    try:
        changed.write_bytes(original + "\n\n这一段是为了测量重新加载而添加的新段落。\n".encode())
        begin = time.perf_counter()
        report = library.reload()
        reload_s = time.perf_counter() - begin
        assert report.changed == (changed.relative_to(docs).as_posix(),), report
        wait_for_saves()
        rss_after_reload = rss_mib()
    finally:
        changed.write_bytes(original)
    library.reload()
    wait_for_saves()
    # A long-running Telegram bot: its code loaded (as ``qabot telegram`` has it; a
    # running bot holds a little more), and many more distinct questions answered,
    # half of them written to a question log as the bot writes them.
    rss_before_bot = rss_mib()
    for module in ("bot.cli", "bot.telegram.app"):
        importlib.import_module(module)
    rss_bot = rss_mib()
    from longrun import long_run

    run = long_run(library, dataset, TOP_K, rss_mib)
    memory_long = memory_parts()
    rss_long_rest = at_rest()
    return {
        "warm_s": first_answer,
        "warm_cpu_s": start_cpu,
        "query_ms": percentiles(ranking),
        "answer_ms": percentiles(latencies),
        "questions": len(latencies),
        "rss_ready_mib": rss_ready,
        "rss_mib": rss,
        "peak_mib": loading_peak,
        "reload_s": reload_s,
        "rss_after_reload_mib": rss_after_reload,
        "rss_before_bot_mib": rss_before_bot,
        "rss_bot_mib": rss_bot,
        "rss_rest_mib": rss_rest,
        "memory_long": memory_long,
        "rss_long_rest_mib": rss_long_rest,
        "memory_long_rest": memory_parts(),
        "cache_bytes": size_on_disk(cache),
        **run,
    }


def child_serve(docs: Path, cache: Path, dataset: Path) -> dict[str, Any]:
    """Serve the cache, answer the questions, print the memory, then wait for stdin to close."""
    from retrieval.config import RetrievalConfig
    from retrieval.library import Library

    library = Library(RetrievalConfig(docs_dir=docs, cache_dir=cache))
    for question in questions(dataset):
        library.ask(question, TOP_K)
    memory = {"uss_mib": uss_mib(), "rss_mib": rss_mib()}
    print(json_line(memory), flush=True)
    sys.stdin.read()
    return memory


def json_line(value: dict[str, Any]) -> str:
    import json

    return json.dumps(value)


def child_reference(docs: Path, dataset: Path, questions_wanted: int) -> dict[str, Any]:
    import numpy as np
    import rank_bm25

    from retrieval.config import RetrievalConfig
    from retrieval.documents.reader import read_folder
    from retrieval.index.index import passage_terms
    from retrieval.library import make_tokenizer

    started = time.perf_counter()
    config = RetrievalConfig(docs_dir=docs)
    tokenizer = make_tokenizer(config)
    corpus = []
    for document in read_folder(docs, config.passage_max_chars).documents:
        for passage in document.passages:
            body, context = passage_terms(tokenizer, passage)
            corpus.append([*body, *context])
    index = rank_bm25.BM25Plus(corpus)
    built = time.perf_counter() - started
    del corpus
    latencies = []
    for question in questions(dataset)[:questions_wanted]:
        begin = time.perf_counter()
        scores = index.get_scores(tokenizer.terms(question))
        best = np.argpartition(-scores, TOP_K)[:TOP_K]
        best[np.argsort(-scores[best])]
        latencies.append((time.perf_counter() - begin) * 1000)
    return {
        "cold_s": built,
        "query_ms": percentiles(latencies),
        "questions": len(latencies),
        "rss_mib": rss_mib(),
        "cold_peak_mib": peak_mib(),
    }


def child_tantivy(
    step: str, docs: Path, folder: Path, dataset: Path, first: str, started_ns: int
) -> dict[str, Any]:
    import tantivypeer

    if step == "build":
        started = time.perf_counter()
        passages = tantivypeer.build(docs, folder)
        return {
            "cold_s": time.perf_counter() - started,
            "cold_cpu_s": cpu_s(),
            "cold_peak_mib": peak_mib(),
            "passages": passages,
            "cache_bytes": size_on_disk(folder),
        }
    searcher = tantivypeer.Searcher(folder)
    searcher.search(first, TOP_K)
    first_answer = (time.time_ns() - started_ns) / 1e9
    start_cpu = cpu_s()
    asked = questions(dataset)
    tantivypeer.timed_search(searcher, asked[:20], TOP_K)  # warm-up
    latencies = tantivypeer.timed_search(searcher, asked, TOP_K)
    return {
        "warm_s": first_answer,
        "warm_cpu_s": start_cpu,
        "query_ms": percentiles(latencies),
        "questions": len(latencies),
        "rss_mib": rss_mib(),
        "peak_mib": peak_mib(),
    }

"""The scale benchmark's long run (``benchmarks/measures.py``): a bot answering many
more distinct questions, half of them written to a question log as the bot writes them."""

from __future__ import annotations

import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

LONG_RUN = 20_000  # more distinct questions, for the memory of a long-running bot


def long_run(library: Any, dataset: Path, top_k: int, rss_mib: Any, block: int = 1000) -> dict[str, float]:
    """``LONG_RUN`` more questions, in blocks; every other block's questions are written
    to a question log, as the bot does. CPU time a question (it holds on a busy machine,
    wall time does not) with and without the log: this thread's, and the writer thread's
    (the process's less this thread's; the index's workers are idle by now)."""
    from corpus import load_seed, more_questions

    from bot.telegram.journal import Asker

    journal, data = _question_log()
    cpu = {False: [0.0, 0.0], True: [0.0, 0.0]}  # this thread, the whole process
    recording = 0.0
    questions = more_questions(load_seed(dataset), LONG_RUN)
    for start in range(0, LONG_RUN, block):
        logged = (start // block) % 2 == 1
        thread, process = time.thread_time(), time.process_time()
        for number, question in enumerate(questions[start : start + block]):
            begin = time.perf_counter()
            answer = library.ask(question, top_k)
            if logged:
                ms, logging = (time.perf_counter() - begin) * 1000, time.thread_time()
                journal.record(answer, Asker(number % 500, number % 500, "private", "zh"), ms)
                recording += time.thread_time() - logging
        if logged:
            journal.recorder.flush()  # the block's writing is counted in the block
        cpu[logged][0] += time.thread_time() - thread
        cpu[logged][1] += time.process_time() - process
    rss = float(rss_mib())
    begin = time.perf_counter()
    journal.close()
    half = LONG_RUN / 2 / 1e6
    figures = {
        "rss_long_mib": rss,
        "cpu_plain_us": cpu[False][0] / half,
        "cpu_logged_us": cpu[True][0] / half,
        "cpu_record_us": recording / half,
        "cpu_writer_us": (cpu[True][1] - cpu[True][0]) / half,
        "log_close_s": time.perf_counter() - begin,
    }
    figures["log_rows"] = _rows(data)
    figures["log_mib"] = sum(f.stat().st_size for f in data.iterdir()) / 2**20
    shutil.rmtree(data)
    return figures


def _question_log() -> tuple[Any, Path]:
    """A question log in a temporary DATA_DIR, written as the bot writes it."""
    from bot.questionlog.pseudonyms import Pseudonyms
    from bot.questionlog.recorder import Recorder
    from bot.questionlog.sqlite import SqliteLog
    from bot.telegram.journal import Journal

    data = Path(tempfile.mkdtemp(prefix="qabot-log-"))
    recorder = Recorder(SqliteLog.open(data), timedelta(days=180)).start()
    return Journal(recorder, Pseudonyms.create(data)), data


def _rows(data: Path) -> int:
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(data / "questions.sqlite")) as db:
        return int(db.execute("SELECT COUNT(*) FROM questions").fetchone()[0])


def print_question_log(rows: list[tuple[int, str, dict[str, Any]]]) -> None:
    """The question log's cost, for the runs that measured it."""
    for size, system, warm in rows:
        if system == "qabot" and "cpu_logged_us" in warm:
            figures = {k: float(v) for k, v in warm.items() if isinstance(v, int | float)}
            print(
                f"question log, {size:,} passages, long run: CPU a question {figures['cpu_plain_us']:.0f} µs "
                f"without the log, {figures['cpu_logged_us']:.0f} µs with it (record() "
                f"{figures['cpu_record_us']:.0f} µs) + {figures['cpu_writer_us']:.0f} µs in the writer thread; "
                f"{figures['log_rows']:,.0f} questions, {figures['log_mib']:.1f} MiB, "
                f"closing (writing the rest) {figures['log_close_s']:.2f} s"
            )


def print_memory(rows: list[tuple[int, str, dict[str, Any]]]) -> None:
    """What the bot's resident memory after the long run is made of, for the runs that measured it."""
    for size, system, warm in rows:
        parts = warm.get("memory_long")
        if system == "qabot" and isinstance(parts, dict):
            print(
                f"as a bot, {size:,} passages, after the long run: RSS {warm['rss_long_mib']:.0f} MiB = "
                f"mapped snapshot {parts['snapshot']:.0f} + jieba's dictionary files {parts['dictionary']:.0f} "
                f"+ other files (interpreter, libraries) {parts['files']:.0f} + anonymous {parts['anonymous']:.0f}; "
                f"unique (USS) {parts['unique']:.0f} MiB; importing the bot's code took "
                f"{warm['rss_bot_mib'] - warm['rss_before_bot_mib']:.0f} MiB"
            )
        rest = warm.get("memory_long_rest")
        if system == "qabot" and isinstance(rest, dict):
            print(
                f"the same at rest (its mapped pages handed back): RSS {warm['rss_long_rest_mib']:.0f} MiB = "
                f"mapped snapshot {rest['snapshot']:.0f} + dictionary {rest['dictionary']:.0f} + other files "
                f"{rest['files']:.0f} + anonymous {rest['anonymous']:.0f}; unique {rest['unique']:.0f} MiB"
            )

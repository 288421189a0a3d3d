"""Start-up benchmark: a one-shot ``qabot ask`` on the seed against loading jieba.

    uv run python benchmarks/startup.py [--runs 7] [--question Q]

The issue's target: ``qabot ask "沧州中院院长是谁？"`` on the bundled seed takes at
most 0.8 times ``python -c "import jieba; jieba.initialize()"`` in the same
environment, both with and without ``PYTHONDONTWRITEBYTECODE=1``.

Each program runs ``--runs`` times, the four (program, environment) pairs
interleaved so that load from elsewhere on the machine falls on all of them
alike; the table gives medians of the wall time and of the CPU time (user +
system, the child's own ``rusage``), which a busy machine inflates far less than
wall time, and of the peak RSS. The index cache is a temporary folder, filled
by one ``ask`` before the runs (its time is printed too: a new user's first
run, which also builds jieba's dictionary files). Environments:

- ``PYTHONDONTWRITEBYTECODE=1``: what this machine (and most container images)
  sets: Python writes no bytecode; the dependencies' was left by installing
  (``uv sync`` compiles them, ``[tool.uv] compile-bytecode``), the project's own is
  written by qabot itself at the exit of a start that had to compile it
  (``retrieval/startup.py``). Any ``__pycache__`` in ``bot/`` and ``retrieval/`` is
  deleted first: the first ``ask`` (with an empty cache) compiles and keeps it.
- bytecode kept: Python writes and reads bytecode as usual, here under a
  temporary ``PYTHONPYCACHEPREFIX`` filled by one run of each program first.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
QUESTION = "沧州中院院长是谁？"
TARGET = 0.8


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mib: float


def run(command: list[str], env: dict[str, str]) -> Run:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=PROJECT, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        printed, complaint = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {complaint[-2000:]}")
    if command[1:2] == ["ask"] and "[1]" not in printed:
        raise SystemExit(f"{' '.join(command)} answered nothing: {printed[:500]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each program in each environment")
    parser.add_argument("--question", default=QUESTION)
    args = parser.parse_args()

    python = Path(sys.executable)
    qabot = python.with_name("qabot")
    programs = {
        "python -c 'import jieba; jieba.initialize()'": [
            str(python),
            "-c",
            "import jieba; jieba.initialize()",
        ],
        f"qabot ask {args.question}": [str(qabot), "ask", args.question],
    }
    for package in ("bot", "retrieval"):
        for cache in (PROJECT / package).rglob("__pycache__"):
            shutil.rmtree(cache, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="qabot-startup-") as work:
        base = {
            k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
        }
        base.update(INDEX_CACHE_DIR=str(Path(work) / "cache"), DOCS_DIR=str(PROJECT / "seeds"), NO_COLOR="1")
        base.pop("USER_DICT", None)
        environments = {
            "PYTHONDONTWRITEBYTECODE=1": {**base, "PYTHONDONTWRITEBYTECODE": "1"},
            "bytecode kept": {**base, "PYTHONPYCACHEPREFIX": str(Path(work) / "pycache")},
        }
        first = run(programs[f"qabot ask {args.question}"], environments["PYTHONDONTWRITEBYTECODE=1"])
        for command in programs.values():  # fill the bytecode cache
            run(command, environments["bytecode kept"])
        results: dict[tuple[str, str], list[Run]] = {(e, p): [] for e in environments for p in programs}
        for _ in range(args.runs):
            for environment, env in environments.items():
                for program, command in programs.items():
                    results[environment, program].append(run(command, env))

    def median(runs: list[Run], what: str) -> float:
        return float(statistics.median(getattr(r, what) for r in runs))

    print(
        f"Start-up, median of {args.runs} interleaved runs ({sys.version.split()[0]}, load average "
        f"{os.getloadavg()[0]:.1f} at the end, {os.cpu_count()} cores)\n"
    )
    print("| environment | program | wall | CPU (user+sys) | peak RSS |")
    print("|---|---|---:|---:|---:|")
    for (environment, program), runs in results.items():
        print(
            f"| {environment} | `{program}` | {median(runs, 'wall'):.2f} s | {median(runs, 'cpu'):.2f} s "
            f"| {median(runs, 'peak_mib'):.0f} MiB |"
        )
    print(
        f"\nFirst run of `qabot ask` with an empty cache (builds jieba's dictionary files and the "
        f"index): {first.wall:.2f} s wall, {first.cpu:.2f} s CPU, {first.peak_mib:.0f} MiB peak\n"
    )
    print(f"Target: `qabot ask` <= {TARGET} x `jieba.initialize()` in the same environment\n")
    print("| environment | measure | ask / jieba | result |")
    print("|---|---|---:|---|")
    jieba, ask = programs
    for environment in environments:
        for what, label in (("cpu", "CPU"), ("wall", "wall")):
            ratio = median(results[environment, ask], what) / median(results[environment, jieba], what)
            print(f"| {environment} | {label} | {ratio:.2f} | {'met' if ratio <= TARGET else 'MISSED'} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

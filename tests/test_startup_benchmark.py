"""``benchmarks/startup.py`` (the README's start-up command) runs and prints its tables:
every program in both environments, and a verdict for each. What the figures are is
not judged here (no timed tests)."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import PROJECT


def test_the_startup_benchmark_prints_both_tables() -> None:
    run = subprocess.run(
        [sys.executable, str(PROJECT / "benchmarks" / "startup.py"), "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    rows = re.findall(r"^\| (PYTHONDONTWRITEBYTECODE=1|bytecode kept) \| (.+?) \|", run.stdout, re.MULTILINE)
    programs = {"`python -c 'import jieba; jieba.initialize()'`", "`qabot ask 沧州中院院长是谁？`"}
    for environment in ("PYTHONDONTWRITEBYTECODE=1", "bytecode kept"):
        assert {program for env, program in rows if env == environment} == programs | {"CPU", "wall"}
    verdicts = re.findall(r"^\| .+ \| (CPU|wall) \| [0-9.]+ \| (met|MISSED) \|$", run.stdout, re.MULTILINE)
    assert len(verdicts) == 4
    assert "First run of `qabot ask` with an empty cache" in run.stdout

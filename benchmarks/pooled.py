"""The pooled question set: CMRC 2018 trial and DRCD test in one SQuAD-format file.

    uv run python benchmarks/pooled.py [--cmrc PATH] [--drcd PATH] OUT.json
    uv run qabot eval OUT.json

Every article of both sets, in that order (CMRC's 256 passages, then DRCD's
1,000: 1,256 passages in one index), with all their questions (1,000 + 3,493).
Nothing is changed: Simplified and Traditional passages side by side, so a
question must find its passage among the other set's too. The file is derived
from the shared sets (CC BY-SA): write it outside the project, never commit it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks"
CMRC = SHARED / "cmrc2018_trial.json"
DRCD = SHARED / "drcd_test.json"


def pooled(*datasets: Path) -> dict[str, object]:
    """The articles of ``datasets``, in order, as one SQuAD-format object."""
    articles: list[object] = []
    for path in datasets:
        articles.extend(json.loads(path.read_text(encoding="utf-8-sig"))["data"])
    return {"version": "pooled", "data": articles}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="where to write the pooled file (outside the project)")
    parser.add_argument("--cmrc", type=Path, default=CMRC)
    parser.add_argument("--drcd", type=Path, default=DRCD)
    args = parser.parse_args(argv)
    args.out.write_text(json.dumps(pooled(args.cmrc, args.drcd), ensure_ascii=False), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

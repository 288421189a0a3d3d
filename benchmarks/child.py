"""One measurement of the scale benchmark (``benchmarks/scale.py``), run as a process of
its own: ``python child.py MODE ARGS... STARTED_NS``; prints one JSON object. It imports
only what the measurement needs, so a warm start's time is qabot's, not the harness's."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(mode: str, rest: list[str]) -> None:
    writes, sys.dont_write_bytecode = sys.dont_write_bytecode, False
    import measures  # the harness's own module: its bytecode kept, not compiled in each timing

    sys.dont_write_bytecode = writes  # qabot's start as the environment has it

    out: dict[str, object]
    if mode == "_cold":
        out = measures.child_cold(Path(rest[0]), Path(rest[1]))
    elif mode == "_warm":
        out = measures.child_warm(
            Path(rest[0]), Path(rest[1]), Path(rest[2]), rest[3] == "full", rest[4], int(rest[5])
        )
    elif mode == "_serve":
        out = measures.child_serve(Path(rest[0]), Path(rest[1]), Path(rest[2]))
    elif mode == "_tantivy":
        out = measures.child_tantivy(
            rest[0], Path(rest[1]), Path(rest[2]), Path(rest[3]), rest[4], int(rest[5])
        )
    else:
        out = measures.child_reference(Path(rest[0]), Path(rest[1]), int(rest[2]))
    print(measures.json_line(out), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])

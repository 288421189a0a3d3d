"""What an admin's upload costs, step by step: reading it to check it (Word, PDF and web
pages in a worker process, as indexing does; text in this process), putting it in place,
and the reload that serves it. Wall and CPU seconds (this process and its children), in a
copy of the seed folder with a fresh index cache; each format uploaded as a new file, then
again as a replacement.

    uv run python benchmarks/uploads.py            # ~1 minute

The figures depend on the machine's load: print ``uptime`` next to them.
"""

from __future__ import annotations

import resource
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bot.folder.uploads import check, place, stage  # noqa: E402
from retrieval.config import RetrievalConfig  # noqa: E402
from retrieval.library import Library  # noqa: E402
from retrieval.store.indexing import wait_for_saves  # noqa: E402
from tests import pdfs, webpages, wordfiles  # noqa: E402

SEED = PROJECT / "seeds" / "000_fc6bf0a2fe9ff4f6.txt"


def cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measured(step: object, *args: object) -> tuple[object, float, float]:
    wall, used = time.perf_counter(), cpu()
    result = step(*args)  # type: ignore[operator]
    return result, time.perf_counter() - wall, cpu() - used


def samples() -> dict[str, bytes]:
    return {
        "seed-copy.txt": SEED.read_bytes(),
        "handbook.md": b"# Handbook\n\n## Leave\n\nFive days a year.\n\n## Hours\n\nNine to six.\n",
        "员工手册.docx": wordfiles.handbook().data,
        "办法.pdf": pdfs.chinese_pdf().data,
        "通知.html": webpages.notice().data,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        docs, cache = root / "docs", root / "cache"
        docs.mkdir()
        shutil.copy(SEED, docs / SEED.name)
        library = Library(RetrievalConfig(docs_dir=docs, cache_dir=cache))
        print("| file | bytes | as | passages | check wall / CPU s | place + reload wall / CPU s |")
        print("|---|---:|---|---:|---:|---:|")
        for name, data in samples().items():
            for kind in ("new", "replacing"):
                staged = stage(docs, name)
                staged.path.write_bytes(data if kind == "new" else data + b"\n")
                document, check_wall, check_cpu = measured(check, staged, 400)
                passages = len(getattr(document, "passages", ()))

                def put(staged: object = staged) -> None:
                    place(staged, datetime.now(UTC))  # type: ignore[arg-type]
                    library.reload()

                _, put_wall, put_cpu = measured(put)
                print(
                    f"| {name} | {len(data):,} | {kind} | {passages} | {check_wall:.2f} / {check_cpu:.2f} "
                    f"| {put_wall:.2f} / {put_cpu:.2f} |"
                )
        wait_for_saves()


if __name__ == "__main__":
    main()

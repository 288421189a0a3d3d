"""Which documents a folder holds, by the names people type: exact, by the file's own
name when it sits in a subfolder, and the closest names when nothing matches."""

from __future__ import annotations

import difflib
from pathlib import Path, PurePosixPath

from retrieval.documents.reader import document_files

SUGGESTIONS = 5


def document_names(folder: Path) -> list[str]:
    """Every document file under ``folder`` (hidden ones aside), as paths relative to it."""
    return [path.relative_to(folder).as_posix() for path in document_files(folder)]


def find_document(name: str, names: list[str]) -> str | None:
    """The document ``name`` means: itself, else the one file of that name in any
    subfolder, else the one that matches ignoring case. None when none or several do."""
    name = name.strip()
    if name in names:
        return name
    folded = name.casefold()
    for found in (
        [n for n in names if PurePosixPath(n).name == name],
        [n for n in names if folded in (n.casefold(), PurePosixPath(n).name.casefold())],
    ):
        if len(found) == 1:
            return found[0]
    return None


def closest_names(name: str, names: list[str], count: int = SUGGESTIONS) -> list[str]:
    """Up to ``count`` names like ``name``: those containing it, then the most similar."""
    wanted = name.strip().casefold()
    containing = [n for n in names if wanted and wanted in n.casefold()]
    by_name = {n.casefold(): n for n in names}
    similar = [by_name[n] for n in difflib.get_close_matches(wanted, list(by_name), n=count, cutoff=0.4)]
    return list(dict.fromkeys(containing + similar))[:count]

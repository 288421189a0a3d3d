"""Stage 1, documents: files in, ``Document``s and their ``Passage``s out.

Takes a folder of files; decodes each (``encoding``), recognises its structure
(title, headings, lead, boilerplate: ``plaintext``, ``markdown``,
``boilerplate``) as an ``Outline`` of paragraphs under their heading paths
(``outline``), and cuts long paragraphs at sentence ends (``splitter``). Hands
out plain data (``retrieval.passage``): the text is always the document's own.
Knows nothing of terms or indexes.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from retrieval.documents.encoding import UndecodableFile, decode
    from retrieval.documents.outline import Block, Outline
    from retrieval.documents.reader import (
        SUFFIXES,
        Reading,
        Skipped,
        document_files,
        parse_document,
        read_document,
        read_folder,
    )
    from retrieval.documents.splitter import sentences, split_paragraph

# Each name's module, imported when the name is first asked for: a process that reads no
# document (a start from the index cache) does not load the readers (~5 ms).
_HOMES = {
    "UndecodableFile": "encoding",
    "decode": "encoding",
    "Block": "outline",
    "Outline": "outline",
    "SUFFIXES": "reader",
    "Reading": "reader",
    "Skipped": "reader",
    "document_files": "reader",
    "parse_document": "reader",
    "read_document": "reader",
    "read_folder": "reader",
    "sentences": "splitter",
    "split_paragraph": "splitter",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)


__all__ = [
    "SUFFIXES",
    "Block",
    "Outline",
    "Reading",
    "Skipped",
    "UndecodableFile",
    "decode",
    "document_files",
    "parse_document",
    "read_document",
    "read_folder",
    "sentences",
    "split_paragraph",
]

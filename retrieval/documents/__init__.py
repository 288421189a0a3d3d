"""Stage 1, documents: files in, ``Document``s and their ``Passage``s out.

Takes a folder of files; decodes each (``encoding``), recognises its structure
(title, headings, lead, boilerplate: ``plaintext``, ``markdown``,
``boilerplate``) as an ``Outline`` of paragraphs under their heading paths
(``outline``), and cuts long paragraphs at sentence ends (``splitter``). Hands
out plain data (``retrieval.passage``): the text is always the document's own.
Knows nothing of terms or indexes.
"""

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

"""Formats a library parses: Word (``word``, python-docx), PDF (``pdf``, pypdf) and web pages
(``webpage``, lxml), one module per library, each turning a file's bytes into an ``Outline``
and raising ``UnreadableFile`` with the reason when it cannot. With them, what they share:
``linebreaks`` (joining the line breaks a format adds), ``tables`` (rows as passages),
``wordpackage`` (is this zip a .docx to open), ``pdflayout`` (lines into paragraphs and
headings). ``retrieval.documents.reader`` imports each reader only when it reads such a file.
"""

__all__ = ["linebreaks", "pdf", "pdflayout", "tables", "webpage", "word", "wordpackage"]

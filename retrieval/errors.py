"""Errors written for the people who read them: each names what is wrong."""

from __future__ import annotations


class DocumentsError(Exception):
    """The documents cannot be indexed: a missing folder, nothing to index, a bad setting."""


class QuestionError(ValueError):
    """The question cannot be asked: empty, or nothing searchable in it."""


class UnreadableFile(ValueError):
    """One document file cannot be read: ``str(error)`` says why, for the person who owns it
    (empty, binary, damaged, password-protected, a scan, a legacy ``.doc``...). The file is
    skipped with a warning; the others are still served."""

"""Errors written for the people who read them: each names what is wrong."""

from __future__ import annotations


class DocumentsError(Exception):
    """The documents cannot be indexed: a missing folder, nothing to index, a bad setting."""


class QuestionError(ValueError):
    """The question cannot be asked: empty, or nothing searchable in it."""

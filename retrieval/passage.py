"""The data that flows from files to answers: documents and their passages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)  # slots: 100k passages take 10 MB less
class Passage:
    """One answerable unit: a paragraph, or a readable part of a long one.

    ``text`` is exactly the original text of the document.
    """

    text: str
    title: str
    heading: str
    source: str
    paragraph: int
    part: int = 0
    page: int = 0  # PDFs: the page the paragraph starts on (1-based); 0 for formats without pages

    @property
    def heading_path(self) -> str:
        """``《title》 › heading``, or just ``《title》`` for a document's lead."""
        where = f"《{self.title}》"
        return f"{where} › {self.heading}" if self.heading else where

    @property
    def location(self) -> str:
        """``source`` with the page (PDFs) and the paragraph (and part) number, for people."""
        where = (
            f"{self.source} p.{self.page} ¶{self.paragraph}"
            if self.page
            else f"{self.source} ¶{self.paragraph}"
        )
        return f"{where}.{self.part}" if self.part else where


@dataclass(frozen=True)
class Document:
    """A file read and understood: its title and the passages it holds (a tuple
    when read, a slice of the index's ``PassageTable`` once indexed)."""

    source: str
    title: str
    passages: Sequence[Passage]
    digest: str = ""

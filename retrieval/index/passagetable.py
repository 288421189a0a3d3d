"""The passages of an index as a few arrays: a ``Passage`` is made when one is asked for.

A hundred thousand ``Passage`` objects take ~60 MiB and a second to unpack;
an index needs only the few it shows. Their texts are one UTF-8 blob (each
passage's end in it, in bytes), their titles, headings and sources numbers
into a table of distinct strings, with their paragraph, part and page numbers: the
arrays the index cache maps from its file (``retrieval.store.cache``), so
processes serving the same cache share them, and a passage is decoded only
when it is shown (read from the file then, ``read``: the blob's pages do not
join the process's memory as passages are shown).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import overload

import numpy as np

from retrieval.passage import Passage

# info's columns: the string numbers of the title, heading and source; paragraph; part;
# page (PDFs: the page the paragraph starts on, 1-based; 0 for formats without pages).
TITLE, HEADING, SOURCE, PARAGRAPH, PART, PAGE = range(6)
COLUMNS = 6


class PassageTable(Sequence[Passage]):
    """Passages ``first`` to ``first + count - 1`` of the arrays: passage ``i``'s
    text is ``text[ends[i - 1]:ends[i]]`` (UTF-8), its other fields ``info[i]``."""

    __slots__ = ("_count", "_first", "_read", "ends", "info", "strings", "text")

    def __init__(
        self,
        text: np.ndarray,
        ends: np.ndarray,
        info: np.ndarray,
        strings: Sequence[str],
        first: int = 0,
        count: int | None = None,
        read: Callable[[int, int], bytes] | None = None,
    ) -> None:
        self.text = text  # uint8
        self.ends = ends  # int64 (passages)
        self.info = info  # int32 (passages, COLUMNS)
        self.strings = strings
        self._first = first
        self._count = len(ends) - first if count is None else count
        self._read = read  # bytes start to end of ``text`` (from its file: not its mapped pages)

    @classmethod
    def pack(cls, passages: Iterable[Passage]) -> PassageTable:
        """The table of ``passages``."""
        items = list(passages)
        strings: dict[str, int] = {}
        number = strings.setdefault
        rows = [
            (number(p.title, len(strings)), number(p.heading, len(strings)), number(p.source, len(strings)))
            for p in items
        ]
        info = np.zeros((len(items), COLUMNS), dtype=np.int32)
        if items:
            info[:, :3] = rows
            info[:, PARAGRAPH] = [p.paragraph for p in items]
            info[:, PART] = [p.part for p in items]
            info[:, PAGE] = [p.page for p in items]
        encoded = [p.text.encode() for p in items]
        text = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        ends = np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), dtype=np.int64)
        return cls(text, ends, info, list(strings))

    @classmethod
    def concat(cls, parts: Sequence[Sequence[Passage]]) -> PassageTable:
        """The passages of ``parts``, one after the other: tables' arrays are copied
        as they are, other passages packed."""
        tables = [p if isinstance(p, PassageTable) else cls.pack(p) for p in parts]
        whole = _whole_of(tables)
        if whole is not None:
            return whole
        strings: dict[str, int] = {}
        texts, ends, infos = [], [], []
        offset = 0
        for table in tables:
            renumber = np.array([strings.setdefault(s, len(strings)) for s in table.strings], dtype=np.int32)
            start, stop = table._span
            lo = int(table.ends[start - 1]) if start else 0
            hi = int(table.ends[stop - 1]) if stop > start else lo
            texts.append(table.text[lo:hi])
            ends.append(table.ends[start:stop] - lo + offset)
            info = np.array(table.info[start:stop], dtype=np.int32)
            if info.size:
                info[:, :3] = renumber[info[:, :3]]
            infos.append(info)
            offset += hi - lo
        return cls(
            np.concatenate([np.zeros(0, np.uint8), *texts]),
            np.concatenate([np.zeros(0, np.int64), *ends]),
            np.concatenate([np.zeros((0, COLUMNS), np.int32), *infos]),
            list(strings),
        )

    @property
    def _span(self) -> tuple[int, int]:
        return self._first, self._first + self._count

    def __len__(self) -> int:
        return self._count

    def __repr__(self) -> str:
        return f"PassageTable({self._count} passages)"

    @overload
    def __getitem__(self, index: int) -> Passage: ...

    @overload
    def __getitem__(self, index: slice) -> PassageTable: ...

    def __getitem__(self, index: int | slice) -> Passage | PassageTable:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            if step != 1:
                raise ValueError("passage tables are sliced in steps of 1")
            first, count = self._first + start, max(stop - start, 0)
            return PassageTable(self.text, self.ends, self.info, self.strings, first, count, self._read)
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("passage number out of range")
        i = self._first + index
        start = int(self.ends[i - 1]) if i else 0
        title, heading, source, paragraph, part, page = self.info[i].tolist()
        end = int(self.ends[i])
        text = (self._read(start, end) if self._read else self.text[start:end].tobytes()).decode()
        strings = self.strings
        return Passage(text, strings[title], strings[heading], strings[source], paragraph, part, page)

    def __iter__(self) -> Iterator[Passage]:
        for i in range(self._count):
            yield self[i]

    def headings(self) -> list[str]:
        """The distinct headings of these passages (blank ones aside), in the order they
        first come; from the table of strings, no passage decoded."""
        numbers = self.info[self._first : self._first + self._count, HEADING]
        distinct, first = np.unique(numbers, return_index=True)
        ordered = distinct[np.argsort(first, kind="stable")].tolist()
        return [self.strings[n] for n in ordered if self.strings[n].strip()]

    def check(self) -> None:
        """Raise ``ValueError`` unless the arrays fit together (for arrays read from disk)."""
        if self.text.dtype != np.uint8 or self.ends.dtype != np.int64 or self.info.dtype != np.int32:
            raise ValueError("its passages have the wrong types")
        count = len(self.ends)
        if self.info.shape != (count, COLUMNS) or self.text.ndim != 1:
            raise ValueError("its passages do not add up")
        if count and (int(self.ends[-1]) != self.text.size or int(self.ends[0]) < 0):
            raise ValueError("its passages' texts do not add up")
        if count > 1 and bool((self.ends[1:] < self.ends[:-1]).any()):
            raise ValueError("its passages' texts do not add up")
        if count and (int(self.info[:, :3].min()) < 0 or int(self.info[:, :3].max()) >= len(self.strings)):
            raise ValueError("its passages refer past its strings")


def _whole_of(tables: Sequence[PassageTable]) -> PassageTable | None:
    """The one table whose consecutive slices ``tables`` are, from first to last, if so."""
    if not tables:
        return None
    base = tables[0]
    position = 0
    for table in tables:
        if table.text is not base.text or table.ends is not base.ends or table._first != position:
            return None
        position += table._count
    if position != len(base.ends):
        return None
    return PassageTable(base.text, base.ends, base.info, base.strings, read=base._read)

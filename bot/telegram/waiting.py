"""What waits for an admin's button: an upload that would replace a document, a removal
asked for. Kept in memory under a random key (the button's), bound to the chat it was
asked in, and handed out once; after a restart the buttons have expired."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from bot.telegram.pages import new_key

T = TypeVar("T")


class Waiting(Generic[T]):
    """The last ``capacity`` items waiting; ``dropped`` is called on each one pushed out."""

    def __init__(self, capacity: int = 64, dropped: Callable[[T], None] | None = None) -> None:
        self.capacity = capacity
        self._dropped = dropped
        self._items: OrderedDict[int, tuple[T, int]] = OrderedDict()

    def put(self, item: T, chat_id: int) -> int:
        """Keep ``item`` (asked about in ``chat_id``); its key."""
        key = new_key()
        self._items[key] = (item, chat_id)
        while len(self._items) > self.capacity:
            old, _ = self._items.popitem(last=False)[1]
            if self._dropped is not None:
                self._dropped(old)
        return key

    def take(self, key: int, chat_id: int) -> T | None:
        """The item under ``key`` if it waits for ``chat_id`` (it waits no more); else None."""
        entry = self._items.get(key)
        if entry is None or entry[1] != chat_id:
            return None
        del self._items[key]
        return entry[0]

"""Who is answered, and how often: allow-lists, a per-user sliding-window rate
limit, and the longest question. Pure logic; the clock is passed in."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Collection
from dataclasses import dataclass


@dataclass(frozen=True)
class Access:
    """Who is answered: allow-lists of users and chats (both empty: anyone), and the admins."""

    users: frozenset[int] = frozenset()
    chats: frozenset[int] = frozenset()
    admins: frozenset[int] = frozenset()

    @classmethod
    def of(cls, users: Collection[int], chats: Collection[int], admins: Collection[int]) -> Access:
        return cls(frozenset(users), frozenset(chats), frozenset(admins))

    def permits(self, user_id: int | None, chat_id: int | None) -> bool:
        """Anyone when both lists are empty; otherwise a listed user (anywhere) or
        anyone in a listed chat. Admins always pass."""
        if user_id is not None and user_id in self.admins:
            return True
        if not self.users and not self.chats:
            return True
        return (user_id is not None and user_id in self.users) or (
            chat_id is not None and chat_id in self.chats
        )

    def permits_inline(self, user_id: int) -> bool:
        """Inline queries come from no chat: only the user list (and admins) can let them in."""
        return self.permits(user_id, None)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admins


class RateLimiter:
    """At most ``limit`` questions per user in any ``period`` seconds (sliding window)."""

    def __init__(self, limit: int, period: float) -> None:
        if limit < 1 or period <= 0:
            raise ValueError("the rate limit needs limit >= 1 and period > 0")
        self.limit = limit
        self.period = period
        self._times: dict[int, deque[float]] = {}
        self._checks = 0

    def allow(self, user: int, now: float) -> bool:
        """Count a question from ``user`` at ``now`` if the window has room; else refuse it."""
        self._checks += 1
        if self._checks % 1024 == 0:
            self._forget(now)
        times = self._times.setdefault(user, deque())
        while times and times[0] <= now - self.period:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        return True

    def retry_after(self, user: int, now: float) -> int:
        """Whole seconds until ``user`` may ask again (at least 1)."""
        times = self._times.get(user)
        if not times or len(times) < self.limit:
            return 1
        return max(1, math.ceil(times[0] + self.period - now))

    def _forget(self, now: float) -> None:
        """Drop users whose window is empty, so memory stays bounded by active users."""
        for user in [u for u, t in self._times.items() if not t or t[-1] <= now - self.period]:
            del self._times[user]

    def __len__(self) -> int:
        return len(self._times)


def too_long(question: str, limit: int) -> bool:
    return len(question) > limit

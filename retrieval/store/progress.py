"""A progress bar for long index builds, on a terminal only.

Drawn on stderr when it is a terminal and the work has taken a second
already (short builds stay silent), at most ten times a second; elsewhere
(pipes, logs, services, tests) nothing is written.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

_WIDTH = 28


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds + 0.5), 60)
    return f"{minutes}:{seconds:02d}"


class Progress:
    def __init__(
        self,
        total: int,
        label: str,
        unit: str,
        stream: TextIO | None = None,
        delay: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = max(total, 1)
        self.label = label
        self.unit = unit
        self.done = 0
        self._stream = sys.stderr if stream is None else stream
        isatty = getattr(self._stream, "isatty", None)
        self.enabled = bool(isatty and isatty())
        self._clock = clock
        self._started = clock()
        self._delay = delay
        self._drawn_at = 0.0
        self._drawn = False

    def advance(self, amount: int = 1) -> None:
        self.done = min(self.done + amount, self.total)
        now = self._clock()
        if self.enabled and now - self._started >= self._delay and now - self._drawn_at >= 0.1:
            self._draw(now)

    def line(self, now: float) -> str:
        share = self.done / self.total
        filled = int(share * _WIDTH)
        bar = "█" * filled + "░" * (_WIDTH - filled)
        elapsed = now - self._started
        if self.done and self.done < self.total:
            timing = f"{_clock(elapsed * (self.total - self.done) / self.done)} left"
        else:
            timing = _clock(elapsed)
        return f"{self.label} {share:4.0%} {bar} {self.done:,}/{self.total:,} {self.unit} · {timing}"

    def _draw(self, now: float) -> None:
        self._stream.write("\r" + self.line(now) + "\x1b[K")
        self._stream.flush()
        self._drawn_at = now
        self._drawn = True

    def close(self) -> None:
        """Finish the bar's line (if one was drawn)."""
        if self._drawn:
            self._draw(self._clock())
            self._stream.write("\n")
            self._stream.flush()

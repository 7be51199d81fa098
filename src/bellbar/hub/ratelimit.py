"""A fixed-window request counter per key (a bot, an API key).

In memory: limits protect a running hub and reset with it, as with the
providers' own per-minute limits.
"""

from __future__ import annotations

import math
import time


class RateLimiter:
    """At most `limit` hits per `window` seconds for each key."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str, now: float | None = None) -> float:
        """Count one hit; 0 when allowed, else the seconds until the next is."""
        now = time.monotonic() if now is None else now
        start, count = self._windows.get(key, (now, 0))
        if now - start >= self.window:
            start, count = now, 0
        if count >= self.limit:
            return max(1.0, math.ceil(start + self.window - now))
        self._windows[key] = (start, count + 1)
        return 0.0

    def remaining(self, key: str, now: float | None = None) -> int:
        """Hits left in the key's current window."""
        now = time.monotonic() if now is None else now
        start, count = self._windows.get(key, (now, 0))
        return self.limit if now - start >= self.window else max(0, self.limit - count)

"""Exponential backoff with jitter and a cap, for reconnects and retries.

Jitter spreads the reconnects of many clients after a hub restart, so they
do not all arrive in the same instant.
"""

from __future__ import annotations

import random


class Backoff:
    """Delays of base·2ⁿ seconds, capped, each drawn from [½·d, d]."""

    def __init__(self, base: float = 0.5, cap: float = 60.0, rng: random.Random | None = None):
        self._base = base
        self._cap = cap
        self._rng = rng or random.Random()
        self._failures = 0

    def next_delay(self) -> float:
        """The delay before the next attempt; each call doubles the ceiling."""
        ceiling = min(self._cap, self._base * 2 ** min(self._failures, 30))
        self._failures += 1
        return self._rng.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        """A success: the next failure starts from the base delay again."""
        self._failures = 0

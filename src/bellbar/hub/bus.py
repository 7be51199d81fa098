"""In-process fan-out: "something changed for user U" to that user's streams.

Subscribers get a wake-up, not the data: each stream then reads the changes
feed after its own cursor. Bursts coalesce into one read, and a slow
subscriber can never lose an event to a full queue.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager


class Bus:
    """Per-user wake-up events for the realtime streams."""

    def __init__(self) -> None:
        self._subscribers: defaultdict[str, set[asyncio.Event]] = defaultdict(set)

    @contextmanager
    def subscribe(self, user_id: str) -> Iterator[asyncio.Event]:
        event = asyncio.Event()
        self._subscribers[user_id].add(event)
        try:
            yield event
        finally:
            self._subscribers[user_id].discard(event)
            if not self._subscribers[user_id]:
                del self._subscribers[user_id]

    def publish(self, user_id: str) -> None:
        for event in self._subscribers.get(user_id, ()):
            event.set()

    def has_subscribers(self, user_id: str) -> bool:
        """True when a tray is connected for `user_id` (BotBell's `delivered`)."""
        return bool(self._subscribers.get(user_id))

    def subscriber_count(self) -> int:
        return sum(len(s) for s in self._subscribers.values())

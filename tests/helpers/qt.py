"""Running async scenarios on a qasync loop inside pytest-qt tests.

pytest-qt does not drive qasync, so a scenario is a coroutine run with
`loop.run_until_complete`; Qt events (clicks from qtbot, paints, timers) are
processed while it awaits.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


async def until(predicate: Callable[[], T], timeout: float = 10.0, what: str = "") -> T:
    """Await until `predicate()` is truthy; return its value or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await asyncio.sleep(0.02)

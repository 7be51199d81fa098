"""The tray's asyncio loop: timers run on time, and a cancelled one stops its Qt timer."""

from __future__ import annotations

import asyncio
import time


def test_timers_run_and_cancelled_ones_leave_no_qt_timer(qtbot, qloop) -> None:
    ran: list[str] = []

    async def scenario() -> None:
        began = time.monotonic()
        loop = asyncio.get_running_loop()
        keep = loop.call_later(0.05, ran.append, "kept")
        drop = loop.call_later(0.05, ran.append, "dropped")
        timers = loop._timer  # type: ignore[attr-defined]
        assert {keep, drop} <= set(timers._ids)
        drop.cancel()
        assert drop not in timers._ids, "its Qt timer is killed at once, not left to wake us"
        await asyncio.sleep(0.15)
        assert ran == ["kept"] and keep not in timers._ids
        pending = len(timers._ids)
        # A read with a 90 s timeout that finishes early, as every stream read does:
        await asyncio.wait_for(asyncio.sleep(0.01), timeout=90)
        assert len(timers._ids) == pending, "no 90 s Qt timer is left behind"
        assert time.monotonic() - began < 5

    qloop.run_until_complete(scenario())

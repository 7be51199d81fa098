"""The Qt-free sync engine against a real hub that dies and comes back."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bellbar.core.model import SyncState
from tests.helpers.core_on_hub import CoreOnHub
from tests.helpers.qt import until


def test_restart_catch_up_and_outbox_delivery_exactly_once(tmp_path: Path) -> None:
    core = CoreOnHub(tmp_path)
    hub, bot, cache, inbox, arrived, account, state = (
        core.hub, core.bot, core.cache, core.inbox, core.arrived, core.account, core.state
    )  # fmt: skip

    async def scenario() -> float:
        inbox.start([account])
        await until(lambda: state() is SyncState.LIVE, what="live")
        question = await hub.push_async(bot, message="q?", actions=[{"key": "y", "label": "Yes"}])
        for i in range(2):
            await hub.push_async(bot, message=f"before {i}")
        await until(lambda: cache.count() == 3, what="first three")

        hub.kill()
        await until(lambda: state() is SyncState.RETRYING, what="retrying")
        item = cache.get("acc", question)
        assert item is not None
        inbox.reply(item, "y")  # queued while the hub is down
        await asyncio.sleep(0.5)
        assert len(cache.pending("acc")) == 1

        hub.start()  # same port, same database
        back = time.monotonic()
        for i in range(2):
            await hub.push_async(bot, message=f"after {i}")
        await until(lambda: state() is SyncState.LIVE, timeout=15, what="live again")
        reconnect = time.monotonic() - back
        await until(lambda: cache.count() == 5, what="caught up")
        await until(lambda: not cache.pending("acc"), what="outbox flushed")
        polled = hub.poll(bot)
        assert [(p["reply_to"], p["content"]) for p in polled] == [(question, "Yes")]
        assert hub.poll(bot) == []
        await inbox.stop()
        return reconnect

    try:
        reconnect = asyncio.run(scenario())
    finally:
        hub.stop()
    bodies = sorted(n.body for n in cache.newest(0, 100))
    assert bodies == ["after 0", "after 1", "before 0", "before 1", "q?"]
    assert sorted(n.body for n in arrived) == bodies  # each popped up exactly once
    assert reconnect < 5.0

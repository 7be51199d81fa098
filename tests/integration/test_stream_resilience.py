"""After a long outage the stream is back within 5 s of the hub, nothing lost or doubled."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bellbar.core.model import SyncState
from tests.helpers.core_on_hub import CoreOnHub
from tests.helpers.qt import until


def test_reconnects_within_five_seconds_after_a_long_outage(tmp_path: Path) -> None:
    core = CoreOnHub(tmp_path)
    hub, bot, cache, inbox, arrived, state = (
        core.hub, core.bot, core.cache, core.inbox, core.arrived, core.state
    )  # fmt: skip

    async def scenario() -> float:
        inbox.start([core.account])
        await until(lambda: state() is SyncState.LIVE)
        await hub.push_async(bot, message="before")
        hub.kill()
        await asyncio.sleep(20)  # long enough for the backoff to have grown
        hub.start()
        back = time.monotonic()
        await hub.push_async(bot, message="while reconnecting")
        await until(lambda: state() is SyncState.LIVE, timeout=15, what="live again")
        took = time.monotonic() - back
        await hub.push_async(bot, message="after")
        await until(lambda: cache.count() == 3)
        await inbox.stop()
        return took

    try:
        took = asyncio.run(scenario())
    finally:
        hub.stop()
    print(f"\nlive again {took:.2f} s after the hub came back")
    assert took < 5.0
    assert sorted(n.body for n in arrived) == ["after", "before", "while reconnecting"]

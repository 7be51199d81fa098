"""The Qt-free core replying to every question of a hub user, as a tray would.

Run as a separate process so a test can SIGKILL it mid-way and start it again:

    python -m tests.helpers.reply_driver CACHE_PATH HUB_URL USER_TOKEN COUNT

It answers each question with its first action as soon as it is cached, and
exits 0 once COUNT questions are answered and the outbox is empty.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bellbar.core.cache import Cache
from bellbar.core.inbox import Inbox
from bellbar.core.model import Account
from bellbar.core.secrets import MemorySecrets


async def drive(cache_path: Path, url: str, token: str, count: int) -> None:
    cache = Cache(cache_path)
    secrets = MemorySecrets()
    secrets.set("acc", token)
    inbox = Inbox(cache, secrets, poll_seconds=1)
    inbox.start([Account(id="acc", name="Hub", provider="botbell", url=url)])
    while True:
        items = cache.newest(0, count + 10)
        for item in items:
            if item.awaits_answer:
                inbox.reply(item, item.actions[0].key)
        answered = sum(1 for item in items if item.reply is not None and not item.reply.pending)
        if answered >= count and not cache.pending("acc"):
            break
        await asyncio.sleep(0.05)
    await inbox.stop()
    cache.close()


if __name__ == "__main__":
    asyncio.run(drive(Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])))

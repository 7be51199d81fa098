"""The durable outbox: replies survive a hub killed at random and a tray killed mid-way.

500 replies; the hub is SIGKILLed and restarted at random moments, the tray
process once; the bot then finds each reply in its poll queue exactly once.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

from tests.helpers.hub import HubProcess

REPLIES = 500
MAX_HUB_KILLS = 25  # a run usually finishes after about 11


def start_driver(cache: Path, hub: HubProcess, token: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.helpers.reply_driver",
            str(cache),
            hub.url,
            token,
            str(REPLIES),
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=os.environ.copy(),
    )


def test_each_reply_reaches_the_bot_exactly_once_through_crashes(tmp_path: Path) -> None:
    rng = random.Random(20261124)
    hub = HubProcess(tmp_path / "hub.sqlite3", ("--push-rate", "100000")).start()
    user = hub.create_user()
    bot = hub.create_bot(user)

    async def push_all() -> list[str]:
        async with httpx.AsyncClient(limits=httpx.Limits(max_connections=20), timeout=30) as client:

            async def one(i: int) -> str:
                answer = await client.post(
                    f"{hub.api}/push/{bot.token}",
                    json={"message": f"q{i}", "actions": [{"key": "ok", "label": "OK"}]},
                )
                return str(answer.json()["data"]["message_id"])

            return list(await asyncio.gather(*(one(i) for i in range(REPLIES))))

    questions = asyncio.run(push_all())
    cache = tmp_path / "tray.sqlite3"
    driver = start_driver(cache, hub, user.user_token)
    hub_kills = tray_kills = 0
    started = time.monotonic()
    try:
        # Crash the hub again and again while the replies go out; after MAX_HUB_KILLS
        # the hub stays up, so a slow machine cannot turn the chaos into a livelock.
        while driver.poll() is None and hub_kills < MAX_HUB_KILLS:
            time.sleep(rng.uniform(0.2, 0.8))
            hub.kill()
            hub_kills += 1
            time.sleep(rng.uniform(0.0, 0.5))
            hub.start()
            if tray_kills == 0 and hub_kills == 2 and driver.poll() is None:
                driver.send_signal(signal.SIGKILL)
                driver.wait()
                tray_kills += 1
                driver = start_driver(cache, hub, user.user_token)
        assert driver.wait(240) == 0
        received: list[dict[str, object]] = []
        while True:
            page = httpx.get(
                f"{hub.api}/messages/poll",
                params={"limit": 100},
                headers={"X-Bot-Token": bot.token},
            ).json()["data"]
            received += page["messages"]
            if not page["has_more"]:
                break
    finally:
        if driver.poll() is None:
            driver.kill()
        hub.stop()
    per_question = Counter(str(r["reply_to"]) for r in received)
    print(
        f"\nreplies: {len(received)} for {len(per_question)} questions; "
        f"hub killed {hub_kills} times, tray {tray_kills} time; "
        f"{time.monotonic() - started:.1f} s"
    )
    assert tray_kills == 1 and hub_kills >= 2
    assert set(per_question) == set(questions)
    assert max(per_question.values()) == 1 and len(received) == REPLIES

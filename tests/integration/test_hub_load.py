"""Load: 200 concurrent pushers and 500 stream subscribers on loopback.

Every subscriber must get every event for its user, no request may fail
with a 5xx, and the hub's memory must stay bounded. The duration is 60 s
(BELLBAR_LOAD_SECONDS changes it); figures are printed.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import time
from collections import defaultdict
from pathlib import Path

import httpx
import pytest

from bellbar.hub.store import Store
from tests.helpers.hub import HubProcess
from tests.helpers.loadgen import RawConnection

pytestmark = pytest.mark.load

PUSHERS = 200
SUBSCRIBERS = 500
SECONDS = float(os.environ.get("BELLBAR_LOAD_SECONDS", "60"))


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_pushers_and_subscribers_under_load(tmp_path: Path) -> None:
    db = tmp_path / "hub.sqlite3"
    store = Store(db)
    users, bots = [], []
    for i in range(SUBSCRIBERS):
        user = store.create_user(f"u{i}")
        _, token = store.create_bot(user["user_id"], f"b{i}")
        users.append(user["user_token"])
        bots.append(token)
    store.close()
    hub = HubProcess(db, ("--push-rate", "100000000")).start()
    assert hub.process is not None
    sent: dict[int, set[str]] = defaultdict(set)
    got: dict[int, set[str]] = defaultdict(set)
    latencies: list[float] = []
    failures: list[int] = []
    rss_start = 0

    async def subscribe(index: int, client: httpx.AsyncClient, ready: asyncio.Event) -> None:
        headers = {"Authorization": f"Bearer {users[index]}"}
        async with client.stream("GET", f"{hub.api}/app/events", headers=headers) as stream:
            ready.set()
            async for line in stream.aiter_lines():
                if line.startswith("data: ") and line != "data: {}":
                    got[index].add(json.loads(line[6:])["data"]["message_id"])

    async def push(stop_at: float, rng: random.Random) -> None:
        connection = RawConnection("127.0.0.1", hub.port)
        try:
            while time.monotonic() < stop_at:
                index = rng.randrange(SUBSCRIBERS)
                began = time.perf_counter()
                status, answer = await connection.post_json(
                    f"/botbell/v1/push/{bots[index]}", {"message": "load"}
                )
                latencies.append((time.perf_counter() - began) * 1000)
                if status != 200:
                    failures.append(status)
                else:
                    sent[index].add(answer["data"]["message_id"])
        finally:
            connection.close()

    async def main() -> float:
        nonlocal rss_start
        limits = httpx.Limits(
            max_connections=SUBSCRIBERS + PUSHERS + 10, max_keepalive_connections=None
        )
        timeout = httpx.Timeout(30.0, read=None)
        async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
            readies = [asyncio.Event() for _ in range(SUBSCRIBERS)]
            streams = [
                asyncio.create_task(subscribe(i, client, readies[i])) for i in range(SUBSCRIBERS)
            ]
            await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 60)
            rss_start = rss_kib(hub.process.pid)
            began = time.monotonic()
            rng = random.Random(7)
            await asyncio.gather(*(push(began + SECONDS, rng) for _ in range(PUSHERS)))
            elapsed = time.monotonic() - began
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and any(not sent[i] <= got[i] for i in sent):
                await asyncio.sleep(0.2)
            for task in streams:
                task.cancel()
            await asyncio.gather(*streams, return_exceptions=True)
            return elapsed

    try:
        elapsed = asyncio.run(main())
        rss_end = rss_kib(hub.process.pid)
    finally:
        hub.stop()
    total = sum(len(ids) for ids in sent.values())
    missing = sum(len(sent[i] - got[i]) for i in sent)
    latencies.sort()
    print(
        f"\n{total} pushes in {elapsed:.1f} s = {total / elapsed:.0f}/s by {PUSHERS} pushers; "
        f"p50 {statistics.median(latencies):.1f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99)]:.1f} ms; "
        f"{SUBSCRIBERS} subscribers missed {missing}; "
        f"hub RSS {rss_start // 1024} → {rss_end // 1024} MiB"
    )
    assert failures == []
    assert missing == 0
    assert rss_end - rss_start < 200 * 1024

"""MagicBell figures on a real hub over loopback.

* create → core arrival: from the admin `POST /notifications` to the Qt-free
  core announcing the new notification (hub SSE stream).
* snapshot: `GET /notifications?per_page=50` for a user with 1,000 notifications.
* mark read → server: from `Inbox.mark_read` to the hub's list showing it read.

Usage: python bench/magicbell.py [--count 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers.hub import HubProcess  # noqa: E402

from bellbar.core.cache import Cache  # noqa: E402
from bellbar.core.inbox import Inbox  # noqa: E402
from bellbar.core.model import Account, Notification, SyncState  # noqa: E402
from bellbar.core.secrets import MemorySecrets  # noqa: E402
from bellbar.providers.magicbell import user_hmac  # noqa: E402
from bench.roundtrip import figure, print_table  # noqa: E402


async def measure(hub: HubProcess, count: int, tmp: Path) -> list[dict[str, object]]:
    project = hub.create_magicbell_project(hmac_required=True)
    base = f"{hub.url}/magicbell"
    admin = {
        "X-MAGICBELL-API-KEY": project["api_key"],
        "X-MAGICBELL-API-SECRET": project["api_secret"],
    }
    user = {
        "X-MAGICBELL-API-KEY": project["api_key"],
        "X-MAGICBELL-USER-EXTERNAL-ID": "bench",
        "X-MAGICBELL-USER-HMAC": user_hmac(project["api_secret"], "bench"),
    }
    secrets = MemorySecrets()
    secrets.set("mb", project["api_secret"])
    cache = Cache(tmp / "cache.sqlite3")
    inbox = Inbox(cache, secrets)
    arrivals: dict[str, float] = {}

    def on_arrived(items: list[Notification]) -> None:
        for item in items:
            arrivals.setdefault(item.title, time.perf_counter())

    inbox.arrived.connect(on_arrived)
    inbox.start(
        [
            Account(
                id="mb",
                name="Bench",
                provider="magicbell",
                url=base,
                options={
                    "api_key": project["api_key"],
                    "external_id": "bench",
                    "secret_kind": "api_secret",
                },
            )
        ]
    )
    while inbox.statuses()["mb"].state is not SyncState.LIVE:
        await asyncio.sleep(0.01)
    create, snapshot, mark = [], [], []
    async with httpx.AsyncClient() as client:
        for i in range(count):
            title = f"bench {i}"
            body = {"notification": {"title": title, "recipients": [{"external_id": "bench"}]}}
            sent = time.perf_counter()
            await client.post(f"{base}/notifications", json=body, headers=admin)
            while title not in arrivals:
                await asyncio.sleep(0.0005)
            create.append((arrivals[title] - sent) * 1000)
            await asyncio.sleep(0.02)
        for item in cache.newest(0, min(count, 50)):
            clicked = time.perf_counter()
            inbox.mark_read(item)
            while True:
                answer = await client.get(f"{base}/notifications/{item.id}", headers=user)
                if answer.json()["notification"]["read_at"] is not None:
                    break
            mark.append((time.perf_counter() - clicked) * 1000)
        await inbox.stop()
        for i in range(1000 - count):
            body = {
                "notification": {"title": f"fill {i}", "recipients": [{"external_id": "bench"}]}
            }
            await client.post(f"{base}/notifications", json=body, headers=admin)
        for _ in range(100):
            started = time.perf_counter()
            await client.get(f"{base}/notifications", params={"per_page": 50}, headers=user)
            snapshot.append((time.perf_counter() - started) * 1000)
    cache.close()
    return [
        figure("MagicBell create -> core arrival (SSE)", create),
        figure("MagicBell mark read -> server shows it", mark),
        figure("MagicBell GET 50 of 1,000", snapshot),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        hub = HubProcess(
            tmp / "hub.sqlite3", ("--magicbell-reads", "100000", "--magicbell-writes", "100000")
        ).start()
        try:
            results = asyncio.run(measure(hub, args.count, tmp))
        finally:
            hub.stop()
    for result in results:
        print(json.dumps(result))
    print_table(results)


if __name__ == "__main__":
    main()

"""Round-trip figures of the foundation, on a real hub over loopback.

* push → arrival: from sending a push to the Qt-free core announcing it
  (stream, SSE) — the part of push → pop-up latency that is not painting.
* reply → webhook: from the user's click (Inbox.reply) to the bot's webhook
  receiving the signed reply.
* hub push throughput: sequential pushes over one keep-alive connection.

Prints one JSON line per figure, then a table. Usage:
    python bench/roundtrip.py [--pushes 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers.hub import HubProcess  # noqa: E402
from tests.helpers.webhook import WebhookReceiver  # noqa: E402

from bellbar.core.cache import Cache  # noqa: E402
from bellbar.core.inbox import Inbox  # noqa: E402
from bellbar.core.model import Account, Notification, SyncState  # noqa: E402
from bellbar.core.secrets import MemorySecrets  # noqa: E402


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def figure(name: str, values_ms: list[float]) -> dict[str, object]:
    return {
        "figure": name,
        "n": len(values_ms),
        "p50_ms": round(statistics.median(values_ms), 2),
        "p99_ms": round(percentile(values_ms, 99), 2),
        "max_ms": round(max(values_ms), 2),
    }


async def measure(
    hub: HubProcess, receiver: WebhookReceiver, pushes: int, tmp: Path
) -> list[dict[str, object]]:
    user = hub.create_user("bench")
    bot = hub.create_bot(user, "Bench bot", reply_url=receiver.url)
    secrets = MemorySecrets()
    secrets.set("bench", user.user_token)
    cache = Cache(tmp / "cache.sqlite3")
    inbox = Inbox(cache, secrets)
    arrivals: dict[str, float] = {}

    def on_arrived(items: list[Notification]) -> None:
        now = time.perf_counter()
        for item in items:
            arrivals.setdefault(item.body, now)

    inbox.arrived.connect(on_arrived)
    inbox.start([Account(id="bench", name="Bench", provider="botbell", url=hub.url)])
    while inbox.statuses()["bench"].state is not SyncState.LIVE:
        await asyncio.sleep(0.01)

    push_latency: list[float] = []
    reply_latency: list[float] = []
    async with httpx.AsyncClient(base_url=hub.api) as client:
        for i in range(pushes):
            body = f"bench {i}"
            sent = time.perf_counter()
            await client.post(
                f"/push/{bot.token}",
                json={"message": body, "actions": [{"key": "ok", "label": "OK"}]},
            )
            while body not in arrivals:
                await asyncio.sleep(0.0005)
            push_latency.append((arrivals[body] - sent) * 1000)
            await asyncio.sleep(0.02)

        for item in cache.newest(0, min(pushes, 100)):
            before = len(receiver.received)
            clicked = time.perf_counter()
            inbox.reply(item, "ok")
            while len(receiver.received) == before:
                await asyncio.sleep(0.0005)
            reply_latency.append((time.perf_counter() - clicked) * 1000)

        ingest: list[float] = []
        start = time.perf_counter()
        for i in range(pushes):
            t0 = time.perf_counter()
            await client.post(f"/push/{bot.token}", json={"message": f"ingest {i}"})
            ingest.append((time.perf_counter() - t0) * 1000)
        elapsed = time.perf_counter() - start
    await inbox.stop()
    cache.close()
    throughput = figure("hub push, sequential, one connection", ingest)
    throughput["per_second"] = round(pushes / elapsed, 1)
    return [
        figure("push -> core arrival (SSE)", push_latency),
        figure("reply click -> bot webhook", reply_latency),
        throughput,
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pushes", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        hub = HubProcess(
            tmp / "hub.sqlite3", ("--allow-private-webhooks", "--push-rate", "100000")
        ).start()
        receiver = WebhookReceiver().start()
        try:
            results = asyncio.run(measure(hub, receiver, args.pushes, tmp))
        finally:
            receiver.stop()
            hub.stop()
    report(results)


def report(results: list[dict[str, object]]) -> None:
    """Each figure as a JSON line (for scripts), then the readable table."""
    for result in results:
        print(json.dumps(result))
    print_table(results)


def print_table(results: list[dict[str, object]]) -> None:
    print(f"\nmachine: {platform.platform()}, Python {platform.python_version()}")
    print(f"{'figure':42} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for r in results:
        rate = f"   {r['per_second']}/s" if "per_second" in r else ""
        print(
            f"{r['figure']!s:42} {r['n']!s:>5} {r['p50_ms']!s:>8} {r['p99_ms']!s:>8} "
            f"{r['max_ms']!s:>8}{rate}"
        )


if __name__ == "__main__":
    main()

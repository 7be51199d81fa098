"""Hub ingest and fan-out.

* ingest: 50 keep-alive connections pushing for 10 s to the hub, and in the same
  run to a bare Starlette endpoint (uvicorn, one worker) that parses the same
  JSON and does one SQLite insert: the floor the hub is compared with.
* fan-out: 1,000 stream subscribers, one push to each user; the time until the
  last one has its event.

Usage: python bench/hub_ingest.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers.hub import HubProcess  # noqa: E402
from tests.helpers.loadgen import RawConnection  # noqa: E402

from bellbar.hub.store import Store  # noqa: E402
from bench.roundtrip import figure, report  # noqa: E402

CONNECTIONS = 50
BARE_APP = textwrap.dedent(
    """
    import json, sqlite3, sys, os
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    path = os.path.join(os.path.dirname(__file__), "bare.sqlite3")
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE IF NOT EXISTS m (id INTEGER PRIMARY KEY, body TEXT)")
    async def push(request):
        body = json.loads(await request.body())
        cursor = db.execute("INSERT INTO m (body) VALUES (?)", (json.dumps(body),))
        return JSONResponse({"code": 0, "data": {"message_id": cursor.lastrowid}})
    app = Starlette(routes=[Route("/push/{token}", push, methods=["POST"])])
    """
)


async def hammer(port: int, path: str, seconds: float) -> list[float]:
    latencies: list[float] = []

    async def one() -> None:
        connection = RawConnection("127.0.0.1", port)
        stop = time.monotonic() + seconds
        try:
            while time.monotonic() < stop:
                began = time.perf_counter()
                status, _ = await connection.post_json(
                    path, {"message": "Build #42 passed", "title": "CI"}
                )
                assert status == 200, status
                latencies.append((time.perf_counter() - began) * 1000)
        finally:
            connection.close()

    await asyncio.gather(*(one() for _ in range(CONNECTIONS)))
    return latencies


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ingest(tmp: Path, seconds: float) -> list[dict[str, object]]:
    port = free_port()
    app = tmp / "bare_app.py"
    app.write_text(BARE_APP)
    bare = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--app-dir", str(tmp), "bare_app:app",
         "--port", str(port), "--log-level", "warning", "--no-access-log",
         "--loop", "uvloop", "--http", "httptools"],
        cwd=tmp,
    )  # fmt: skip
    time.sleep(1.5)
    try:
        floor = asyncio.run(hammer(port, "/push/x", seconds))
    finally:
        bare.terminate()
        bare.wait()
    hub = HubProcess(tmp / "hub.sqlite3", ("--push-rate", "100000000")).start()
    store = Store(hub.db_path)
    user = store.create_user("bench")
    _, token = store.create_bot(user["user_id"], "bench")
    store.close()
    try:
        pushes = asyncio.run(hammer(hub.port, f"/botbell/v1/push/{token}", seconds))
    finally:
        hub.stop()
    floor_fig = figure("bare Starlette + one SQLite insert", floor)
    floor_fig["per_second"] = round(len(floor) / seconds)
    hub_fig = figure("hub push (BotBell), 50 connections", pushes)
    hub_fig["per_second"] = round(len(pushes) / seconds)
    hub_fig["share_of_floor"] = round(len(pushes) / max(1, len(floor)), 2)
    return [floor_fig, hub_fig]


async def fan_out(hub: HubProcess, subscribers: int) -> dict[str, object]:
    store = Store(hub.db_path)
    users, bots = [], []
    for i in range(subscribers):
        user = store.create_user(f"f{i}")
        _, token = store.create_bot(user["user_id"], f"f{i}")
        users.append(user["user_token"])
        bots.append(token)
    store.close()
    arrived: dict[int, float] = {}
    ready = [asyncio.Event() for _ in range(subscribers)]

    async def listen(i: int, client: httpx.AsyncClient) -> None:
        headers = {"Authorization": f"Bearer {users[i]}"}
        async with client.stream("GET", f"{hub.api}/app/events", headers=headers) as stream:
            ready[i].set()
            async for line in stream.aiter_lines():
                if line.startswith("data: ") and line != "data: {}":
                    arrived[i] = time.perf_counter()
                    return

    limits = httpx.Limits(max_connections=subscribers + 10)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(60, read=None)) as client:
        tasks = [asyncio.create_task(listen(i, client)) for i in range(subscribers)]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in ready)), 120)
        await asyncio.sleep(1)
        connections = [RawConnection("127.0.0.1", hub.port) for _ in range(20)]
        began = time.perf_counter()

        sent_at: dict[int, float] = {}

        async def push_range(k: int) -> None:
            for i in range(k, subscribers, 20):
                sent_at[i] = time.perf_counter()
                await connections[k].post_json(f"/botbell/v1/push/{bots[i]}", {"message": "fan"})

        await asyncio.gather(*(push_range(k) for k in range(20)))
        pushed = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*tasks), 60)
        for connection in connections:
            connection.close()
    delays = sorted((arrived[i] - sent_at[i]) * 1000 for i in arrived)
    return {
        "figure": f"fan-out: {subscribers} users, push -> event",
        "n": len(delays),
        "p50_ms": round(statistics.median(delays), 1),
        "p99_ms": round(delays[int(len(delays) * 0.99)], 1),
        "max_ms": round(delays[-1], 1),
        "pushing_ms": round((pushed - began) * 1000, 1),
        "all_delivered_after_first_push_ms": round((max(arrived.values()) - began) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--subscribers", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        results = ingest(tmp, args.seconds)
        hub = HubProcess(tmp / "fan.sqlite3", ("--push-rate", "100000000")).start()
        try:
            results.append(asyncio.run(fan_out(hub, args.subscribers)))
        finally:
            hub.stop()
    report(results)


if __name__ == "__main__":
    main()

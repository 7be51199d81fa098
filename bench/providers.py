"""MagicBell, Belltastic and GOV.UK Notify figures on a real hub over loopback.

* create → core arrival: from the provider's create request to the Qt-free
  core announcing the new notification (hub SSE stream).
* MagicBell mark read → server: from `Inbox.mark_read` to the hub showing it read.
* MagicBell `GET /notifications?per_page=50` for a user with 1,000 notifications.
* Belltastic: following `links.next` through 1,000 notifications, 25 a page.
* Notify: `POST /v2/notifications/sms` (JWT, validation, template) and a list call.

Usage: python bench/providers.py [--count 200]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
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
from bellbar.providers.notify import jwt_token, split_api_key  # noqa: E402
from bench.roundtrip import figure, report  # noqa: E402


async def started(cache: Cache, account: Account, secret: str) -> tuple[Inbox, dict[str, float]]:
    """An inbox streaming `account`, and a map of arrival times by title."""
    secrets = MemorySecrets()
    secrets.set(account.id, secret)
    inbox = Inbox(cache, secrets)
    arrivals: dict[str, float] = {}

    def on_arrived(items: list[Notification]) -> None:
        for item in items:
            arrivals.setdefault(item.title, time.perf_counter())

    inbox.arrived.connect(on_arrived)
    inbox.start([account])
    while inbox.statuses()[account.id].state is not SyncState.LIVE:
        await asyncio.sleep(0.01)
    return inbox, arrivals


async def arrival(
    create: Callable[[str], Awaitable[object]], arrivals: dict[str, float], title: str
) -> float:
    sent = time.perf_counter()
    await create(title)
    while title not in arrivals:
        await asyncio.sleep(0.0005)
    await asyncio.sleep(0.02)
    return (arrivals[title] - sent) * 1000


async def belltastic(hub: HubProcess, count: int, tmp: Path) -> list[dict[str, object]]:
    made = hub.create_belltastic_project()
    api = f"{hub.url}/belltastic/api/v1"
    base = f"{api}/project/{made['project_id']}/user/bench"
    headers = {"Authorization": f"Bearer {made['project_token']}"}
    account = Account(
        id="bt",
        name="Bench",
        provider="belltastic",
        url=api,
        options={"project_id": str(made["project_id"]), "user_id": "bench"},
    )
    cache = Cache(tmp / "bt.sqlite3")
    inbox, arrivals = await started(cache, account, made["project_token"])
    async with httpx.AsyncClient(headers=headers) as client:

        async def create(title: str) -> object:
            return await client.post(f"{base}/notifications", json={"title": title})

        create_ms = [await arrival(create, arrivals, f"bench {i}") for i in range(count)]
        await inbox.stop()
        for i in range(1000 - count):
            await create(f"fill {i}")
        walks = []
        for _ in range(5):
            started_at = time.perf_counter()
            url: str | None = f"{base}/notifications?per_page=25"
            while url:
                url = (await client.get(url)).json()["links"]["next"]
            walks.append((time.perf_counter() - started_at) * 1000)
    cache.close()
    return [
        figure("Belltastic create -> core arrival (SSE)", create_ms),
        figure("Belltastic follow links.next, 1,000 by 25", walks),
    ]


async def notify(hub: HubProcess, count: int) -> list[dict[str, object]]:
    made = hub.create_notify_service()
    template = hub.create_notify_template(made["service_id"], "sms", "Code ((code))")
    service_id, secret = split_api_key(made["api_key"])
    sends, lists = [], []
    async with httpx.AsyncClient(base_url=hub.url) as client:

        def auth() -> dict[str, str]:
            return {"Authorization": f"Bearer {jwt_token(service_id, secret)}"}

        for i in range(count):
            body = {
                "phone_number": "07700900000",
                "template_id": template,
                "personalisation": {"code": str(i)},
            }
            began = time.perf_counter()
            await client.post("/v2/notifications/sms", json=body, headers=auth())
            sends.append((time.perf_counter() - began) * 1000)
        for _ in range(50):
            began = time.perf_counter()
            await client.get("/v2/notifications", headers=auth())
            lists.append((time.perf_counter() - began) * 1000)
    return [
        figure("Notify POST sms (JWT checked, validated)", sends),
        figure(f"Notify GET /v2/notifications ({min(count, 250)} listed)", lists),
    ]


async def magicbell(hub: HubProcess, count: int, tmp: Path) -> list[dict[str, object]]:
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
    account = Account(
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
    cache = Cache(tmp / "mb.sqlite3")
    inbox, arrivals = await started(cache, account, project["api_secret"])
    snapshot, mark = [], []
    async with httpx.AsyncClient() as client:

        async def create(title: str) -> object:
            body = {"notification": {"title": title, "recipients": [{"external_id": "bench"}]}}
            return await client.post(f"{base}/notifications", json=body, headers=admin)

        create_ms = [await arrival(create, arrivals, f"bench {i}") for i in range(count)]
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
            await create(f"fill {i}")
        for _ in range(100):
            began = time.perf_counter()
            await client.get(f"{base}/notifications", params={"per_page": 50}, headers=user)
            snapshot.append((time.perf_counter() - began) * 1000)
    cache.close()
    return [
        figure("MagicBell create -> core arrival (SSE)", create_ms),
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
            tmp / "hub.sqlite3",
            (
                "--magicbell-reads",
                "100000",
                "--magicbell-writes",
                "100000",
                "--belltastic-rate",
                "100000",
                "--notify-rate",
                "100000",
            ),
        ).start()
        try:
            results = asyncio.run(magicbell(hub, args.count, tmp))
            results += asyncio.run(belltastic(hub, args.count, tmp))
            results += asyncio.run(notify(hub, args.count))
        finally:
            hub.stop()
    report(results)


if __name__ == "__main__":
    main()

"""Acknowledged pushes survive a SIGKILL of the hub."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from tests.helpers.hub import HubProcess


def test_a_thousand_acknowledged_pushes_survive_sigkill(tmp_path: Path) -> None:
    hub = HubProcess(tmp_path / "hub.sqlite3", ("--push-rate", "100000")).start()
    user = hub.create_user()
    bot = hub.create_bot(user)

    async def push_all() -> list[str]:
        limits = httpx.Limits(max_connections=20)
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:

            async def one(i: int) -> str:
                answer = await client.post(f"{hub.api}/push/{bot.token}", json={"message": f"m{i}"})
                assert answer.status_code == 200
                return str(answer.json()["data"]["message_id"])

            return list(await asyncio.gather(*(one(i) for i in range(1000))))

    acknowledged = asyncio.run(push_all())
    hub.kill()
    hub.start()
    try:
        found: list[str] = []
        cursor = ""
        while True:
            params = {"limit": "100", **({"since": cursor} if cursor else {})}
            page = httpx.get(
                f"{hub.api}/app/messages",
                params=params,
                headers={"Authorization": f"Bearer {user.user_token}"},
            ).json()["data"]
            found += [m["message_id"] for m in page["messages"]]
            cursor = page["cursor"]
            if not page["has_more"]:
                break
        assert sorted(found) == sorted(acknowledged)
        assert len(set(found)) == 1000
    finally:
        hub.stop()

"""A Belltastic account in the Qt-free core, against the hub's Belltastic mount."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx

from bellbar.core.account_check import check_account
from bellbar.core.cache import Cache
from bellbar.core.inbox import Inbox
from bellbar.core.model import Account, Capabilities, SyncState
from bellbar.core.secrets import MemorySecrets
from bellbar.core.sync import AccountSync
from bellbar.providers.belltastic import BelltasticUser
from tests.helpers.hub import HubProcess
from tests.helpers.qt import until


class Project:
    def __init__(self, hub: HubProcess) -> None:
        made = hub.create_belltastic_project()
        self.id = str(made["project_id"])
        self.token = made["project_token"]
        self.account_token = made["account_token"]
        self.api = f"{hub.url}/belltastic/api/v1"
        self.base = f"{self.api}/project/{self.id}"
        self.headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}

    def create(self, user: str, **fields: Any) -> str:
        answer = httpx.post(
            f"{self.base}/user/{user}/notifications",
            json={"title": "t", **fields},
            headers=self.headers,
        )
        assert answer.status_code == 201
        return str(answer.json()["data"]["id"])

    def server(self, user: str, nid: str) -> dict[str, Any]:
        return dict(
            httpx.get(f"{self.base}/user/{user}/notification/{nid}", headers=self.headers).json()
        )

    def account(self, user: str) -> Account:
        return Account(
            id=f"bt-{user}",
            name="Shop",
            provider="belltastic",
            url=self.api,
            options={"project_id": self.id, "user_id": user},
        )


def test_live_account_and_actions(tmp_path: Path, hub: HubProcess) -> None:
    project = Project(hub)
    account = project.account("ann")
    cache = Cache(tmp_path / "c.sqlite3")
    secrets = MemorySecrets()
    secrets.set(account.id, project.token)
    inbox = Inbox(cache, secrets)

    async def scenario() -> None:
        inbox.start([account])
        await until(lambda: inbox.statuses()[account.id].state is SyncState.LIVE)
        ids = [
            project.create(
                "ann",
                title=f"n{i}",
                icon="https://cdn.example/a.png",
                action_url="https://shop.example/o/1",
                category="orders",
            )
            for i in range(3)
        ]
        await until(lambda: cache.count() == 3)
        newest = cache.newest(0, 10)
        assert [n.id for n in newest] == list(reversed(ids))
        assert newest[0].icon_url == "https://cdn.example/a.png" and newest[0].category == "orders"
        assert inbox.badge_count() == 3
        inbox.mark_all_seen()
        await until(lambda: all(project.server("ann", i)["seen_at"] for i in ids), what="seen")
        inbox.mark_read(newest[0])
        await until(lambda: project.server("ann", ids[2])["read_at"] is not None)
        inbox.mark_unread(cache.get(account.id, ids[2]))  # type: ignore[arg-type]
        await until(lambda: project.server("ann", ids[2])["read_at"] is None)
        inbox.archive(newest[1])
        await until(lambda: project.server("ann", ids[1])["deleted_at"] is not None)
        inbox.delete(newest[2])
        await until(lambda: "message" in project.server("ann", ids[0]))
        inbox.mark_all_read()
        await until(lambda: project.server("ann", ids[2])["read_at"] is not None)
        httpx.post(f"{project.base}/user/ann/notification/{ids[2]}/read", headers=project.headers)
        httpx.delete(f"{project.base}/user/ann/notification/{ids[2]}/read", headers=project.headers)
        await until(
            lambda: not (cache.get(account.id, ids[2]) or newest[0]).is_read,
            what="unread elsewhere",
        )
        await inbox.stop()

    asyncio.run(scenario())


class PolledBelltastic(BelltasticUser):
    capabilities = Capabilities(stream=False, unread=True, archive=True, delete=True)


def test_polling_follows_links_and_counts_unread_beyond(tmp_path: Path, hub: HubProcess) -> None:
    project = Project(hub)
    for i in range(60):
        project.create("cy", title=f"n{i}")
    cache = Cache(tmp_path / "c.sqlite3")
    provider = PolledBelltastic(
        project.api,
        project_id=project.id,
        user_id="cy",
        token=project.account_token,
        account_id="cy",
    )
    sync = AccountSync("cy", provider, cache, poll_seconds=0.3)

    async def scenario() -> None:
        sync.start()
        await until(lambda: sync.status.state is SyncState.POLLING)
        assert cache.count() == 50  # two pages of 25, by links.next
        assert cache.count_unread() == 60
        newest = cache.newest(0, 1)[0]
        httpx.put(f"{project.base}/notification/{newest.id}/archive", headers=project.headers)
        await until(lambda: cache.get("cy", newest.id) is None, what="poll sees the archive")
        await sync.stop()

    asyncio.run(scenario())


def test_check_account(hub: HubProcess) -> None:
    project = Project(hub)
    project.create("di")
    assert asyncio.run(check_account(project.account("di"), project.token)).message == (
        "Connected: 1 notification."
    )
    other = Project(hub)
    refused = asyncio.run(check_account(project.account("di"), other.token))
    assert not refused.ok and "unauthorized" in refused.message

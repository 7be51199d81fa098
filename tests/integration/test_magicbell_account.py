"""A MagicBell account in the Qt-free core, against the hub's MagicBell mount."""

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
from bellbar.providers.magicbell import MagicBellUser, user_hmac
from tests.helpers.hub import HubProcess
from tests.helpers.qt import until


class MagicBellProject:
    def __init__(self, hub: HubProcess) -> None:
        made = hub.create_magicbell_project(hmac_required=True)
        self.base = f"{hub.url}/magicbell"
        self.key, self.secret = made["api_key"], made["api_secret"]

    def notify(self, external_id: str, **fields: Any) -> None:
        body = {
            "notification": {"title": "t", **fields, "recipients": [{"external_id": external_id}]}
        }
        admin = {"X-MAGICBELL-API-KEY": self.key, "X-MAGICBELL-API-SECRET": self.secret}
        assert httpx.post(f"{self.base}/notifications", json=body, headers=admin).status_code == 201

    def headers(self, external_id: str) -> dict[str, str]:
        return {
            "X-MAGICBELL-API-KEY": self.key,
            "X-MAGICBELL-USER-EXTERNAL-ID": external_id,
            "X-MAGICBELL-USER-HMAC": user_hmac(self.secret, external_id),
        }

    def server_inbox(self, external_id: str, **params: Any) -> dict[str, Any]:
        answer = httpx.get(
            f"{self.base}/notifications", headers=self.headers(external_id), params=params
        )
        return dict(answer.json())

    def account(self, external_id: str, secret_kind: str = "api_secret") -> Account:
        return Account(
            id=f"mb-{external_id}",
            name="Acme",
            provider="magicbell",
            url=self.base,
            options={"api_key": self.key, "external_id": external_id, "secret_kind": secret_kind},
        )


def started_inbox(tmp_path: Path, account: Account, secret: str) -> tuple[Inbox, Cache]:
    cache = Cache(tmp_path / "cache.sqlite3")
    secrets = MemorySecrets()
    secrets.set(account.id, secret)
    inbox = Inbox(cache, secrets)
    inbox.start([account])
    return inbox, cache


def test_live_inbox_and_every_action_reaches_the_server(tmp_path: Path, hub: HubProcess) -> None:
    project = MagicBellProject(hub)
    account = project.account("ann")

    async def scenario() -> None:
        inbox, cache = started_inbox(tmp_path, account, project.secret)
        await until(lambda: inbox.statuses()[account.id].state is SyncState.LIVE)
        for title in ("first", "second", "third"):
            project.notify(
                "ann",
                title=title,
                content="<p>Hi <b>Ann</b></p>",
                category="billing",
                action_url="https://acme.example/t/1",
            )
        await until(lambda: cache.count() == 3)
        assert inbox.badge_count() == 3
        newest = cache.newest(0, 10)
        assert [n.title for n in newest] == ["third", "second", "first"]
        assert (
            newest[0].body_is_html
            and newest[0].category == "billing"
            and newest[0].sender == "Acme"
        )
        inbox.mark_all_seen()
        await until(lambda: project.server_inbox("ann")["unseen_count"] == 0)
        third, second, first = newest
        inbox.mark_read(third)
        await until(lambda: project.server_inbox("ann")["unread_count"] == 2)
        inbox.mark_unread(cache.get(account.id, third.id))  # type: ignore[arg-type]
        await until(lambda: project.server_inbox("ann")["unread_count"] == 3)
        inbox.archive(second)
        assert cache.count() == 2
        await until(lambda: project.server_inbox("ann", archived="true")["total"] == 1)
        inbox.delete(first)
        await until(lambda: project.server_inbox("ann")["total"] == 1)
        await asyncio.sleep(0.3)
        assert [n.title for n in cache.newest(0, 10)] == ["third"]
        assert cache.pending(account.id) == []
        await inbox.stop()

    asyncio.run(scenario())


def test_changes_made_elsewhere_show_up(tmp_path: Path, hub: HubProcess) -> None:
    project = MagicBellProject(hub)
    account = project.account("bo", secret_kind="hmac")
    for i in range(3):
        project.notify("bo", title=f"n{i}")

    async def scenario() -> None:
        inbox, cache = started_inbox(tmp_path, account, user_hmac(project.secret, "bo"))
        await until(lambda: inbox.statuses()[account.id].state is SyncState.LIVE)
        await until(lambda: cache.count() == 3)
        other_device = project.headers("bo")
        some = cache.newest(0, 10)[0]
        httpx.post(f"{project.base}/notifications/{some.id}/read", headers=other_device)
        await until(lambda: (cache.get(account.id, some.id) or some).is_read, what="read elsewhere")
        httpx.post(f"{project.base}/notifications/read", headers=other_device)
        await until(lambda: cache.count_unread() == 0, what="all read elsewhere")
        httpx.delete(f"{project.base}/notifications/{some.id}", headers=other_device)
        await until(lambda: cache.get(account.id, some.id) is None, what="deleted elsewhere")
        await inbox.stop()

    asyncio.run(scenario())


class PolledMagicBell(MagicBellUser):
    """The adapter as it runs against MagicBell's cloud: no stream."""

    capabilities = Capabilities(stream=False, unread=True, archive=True, delete=True)


def test_polling_follows_a_snapshot_and_counts_beyond_it(tmp_path: Path, hub: HubProcess) -> None:
    project = MagicBellProject(hub)
    for i in range(60):
        project.notify("cy", title=f"n{i}")
    cache = Cache(tmp_path / "cache.sqlite3")
    provider = PolledMagicBell(
        project.base,
        api_key=project.key,
        external_id="cy",
        user_hmac=user_hmac(project.secret, "cy"),
        account_id="cy",
    )
    sync = AccountSync("cy", provider, cache, poll_seconds=0.3)

    async def scenario() -> None:
        sync.start()
        await until(lambda: sync.status.state is SyncState.POLLING)
        assert cache.count() == 50
        assert cache.count_unseen() == 60 and cache.count_unread() == 60
        newest = cache.newest(0, 1)[0]
        httpx.delete(f"{project.base}/notifications/{newest.id}", headers=project.headers("cy"))
        await until(lambda: cache.get("cy", newest.id) is None, what="poll sees the delete")
        assert cache.count() == 50 and cache.count_unseen() == 59
        await sync.stop()

    asyncio.run(scenario())


def test_check_account_answers_in_plain_words(hub: HubProcess) -> None:
    project = MagicBellProject(hub)
    project.notify("di", title="x")
    good = asyncio.run(check_account(project.account("di"), project.secret))
    assert good == good.__class__(True, "Connected: 1 notification.")
    wrong_hmac = asyncio.run(check_account(project.account("di", "hmac"), "bm90IGl0"))
    assert not wrong_hmac.ok and "user HMAC is incorrect" in wrong_hmac.message
    options = {**project.account("di").options, "api_key": "pk_wrong"}
    wrong_key = Account(id="k", name="k", provider="magicbell", url=project.base, options=options)
    refused = asyncio.run(check_account(wrong_key, project.secret))
    assert not refused.ok and "API key is incorrect" in refused.message
    down = Account(
        id="x",
        name="x",
        provider="magicbell",
        url="http://127.0.0.1:9/magicbell",
        options={"api_key": "k", "external_id": "di"},
    )
    unreachable = asyncio.run(check_account(down, "s"))
    assert not unreachable.ok and "unreachable" in unreachable.message

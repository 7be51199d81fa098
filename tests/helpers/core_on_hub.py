"""The Qt-free core syncing one account from a hub process of its own: what the
resilience tests kill and restart."""

from __future__ import annotations

from pathlib import Path

from bellbar.core.cache import Cache
from bellbar.core.inbox import Inbox
from bellbar.core.model import Account, Notification, SyncState
from bellbar.core.secrets import MemorySecrets
from tests.helpers.hub import HubProcess


class CoreOnHub:
    """A hub (its own, so a test may kill it), a user and a bot on it, and an
    `Inbox` over a fresh cache with that user's account, "acc"."""

    def __init__(self, tmp_path: Path) -> None:
        self.hub = HubProcess(tmp_path / "hub.sqlite3", ("--push-rate", "1000")).start()
        user = self.hub.create_user()
        self.bot = self.hub.create_bot(user)
        self.cache = Cache(tmp_path / "cache.sqlite3")
        secrets = MemorySecrets()
        secrets.set("acc", user.user_token)
        self.inbox = Inbox(self.cache, secrets)
        self.arrived: list[Notification] = []
        self.inbox.arrived.connect(self.arrived.extend)
        self.account = Account(id="acc", name="Hub", provider="botbell", url=self.hub.url)

    def state(self) -> SyncState:
        return self.inbox.statuses()["acc"].state

"""Fixtures for widget tests: a qasync loop on pytest-qt's QApplication, and a
tray app wired to a real hub account."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from bellbar.core.cache import Cache
from bellbar.core.config import Preferences
from bellbar.core.inbox import Inbox
from bellbar.core.model import Account, SyncState
from bellbar.core.secrets import MemorySecrets
from bellbar.ui.app import TrayApp
from bellbar.ui.event_loop import BellbarEventLoop
from bellbar.ui.icon_loader import IconLoader
from tests.helpers.hub import HubProcess, HubUser
from tests.helpers.qt import until

pytestmark = pytest.mark.gui


@pytest.fixture(scope="session")
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """One qasync loop for the session: like the app, which has exactly one."""
    loop = BellbarEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()
    asyncio.set_event_loop(None)


class TrayHarness:
    """A TrayApp over a fresh cache, with one account on the test hub."""

    def __init__(
        self,
        tmp_path: Path,
        url: str,
        token: str,
        account: Account | None = None,
        icons: IconLoader | None = None,
    ) -> None:
        self.cache = Cache(tmp_path / "cache.sqlite3")
        self.secrets = MemorySecrets()
        self.account = account or Account(id="acc", name="Test hub", provider="botbell", url=url)
        self.secrets.set(self.account.id, token)
        self.inbox = Inbox(self.cache, self.secrets, poll_seconds=1)
        self.icons = icons
        self.app = TrayApp(self.inbox, Preferences(popup_seconds=30), icons=icons)

    def start(self) -> None:
        self.app.start()
        self.inbox.start([self.account])

    async def start_live(self, *, hide_window: bool = False) -> None:
        """Start, then wait until the account's stream is live.

        Offscreen Qt has no tray, so `start()` shows the inbox window;
        `hide_window` hides it again, as it would be with a tray.
        """
        self.start()
        if hide_window:
            self.app.window.hide()
        await until(
            lambda: self.inbox.statuses()[self.account.id].state is SyncState.LIVE, what="live"
        )

    async def stop(self) -> None:
        self.app.stop()
        self.app.window.hide()
        await self.inbox.stop()
        if self.icons is not None:
            await self.icons.aclose()
        self.cache.close()


@pytest.fixture
def harness_for(tmp_path: Path):  # type: ignore[no-untyped-def]
    made: list[TrayHarness] = []

    def make(
        url: str, token: str, account: Account | None = None, icons: IconLoader | None = None
    ) -> TrayHarness:
        harness = TrayHarness(tmp_path, url, token, account, icons)
        made.append(harness)
        return harness

    return make


@pytest.fixture
def harness(harness_for, hub: HubProcess, user: HubUser) -> TrayHarness:  # type: ignore[no-untyped-def]
    return harness_for(hub.url, user.user_token)  # type: ignore[no-any-return]

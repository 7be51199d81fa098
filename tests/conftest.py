"""Shared fixtures: a real hub process, a webhook receiver, isolated app dirs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.hub import HubBot, HubProcess, HubUser
from tests.helpers.webhook import WebhookReceiver


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    """One hub for the session; tests isolate themselves with their own users."""
    process = HubProcess(
        tmp_path_factory.mktemp("hub") / "hub.sqlite3",
        (
            "--allow-private-webhooks",
            "--push-rate",
            "1000",
            "--magicbell-reads",
            "10000",
            "--magicbell-writes",
            "10000",
            "--belltastic-rate",
            "10000",
        ),
    ).start()
    yield process
    process.stop()


@pytest.fixture
def user(hub: HubProcess) -> HubUser:
    return hub.create_user()


@pytest.fixture
def bot(hub: HubProcess, user: HubUser) -> HubBot:
    return hub.create_bot(user)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def app_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every platformdirs directory into tmp_path."""
    for name in ("CONFIG", "DATA", "CACHE", "STATE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    return tmp_path

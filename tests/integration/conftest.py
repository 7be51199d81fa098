"""Fixtures for tests that run Bellbar as a process against a real keyring."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.helpers import secret_service


@pytest.fixture(scope="module")
def keyring_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    if not secret_service.available():
        if os.environ.get("CI"):
            pytest.fail("CI must provide dbus-daemon and gnome-keyring-daemon")
        pytest.skip("gnome-keyring-daemon or dbus-daemon is not installed")
    with secret_service.secret_service(tmp_path_factory.mktemp("keyring")) as env:
        yield env

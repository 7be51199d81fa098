"""`bellbar doctor` and `bellbar --self-test`, run as a user would, on a real keyring and bus."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.app_process import app_env, bellbar
from tests.helpers.hub import HubProcess, HubUser
from tests.helpers.notification_server import FakeNotificationServer

pytestmark = pytest.mark.keyring


def add(env: dict[str, str], name: str, url: str, token: str) -> None:
    added = bellbar(
        env, "accounts", "add", "botbell", "--name", name, "--url", url, stdin=token + "\n"
    )
    assert added.returncode == 0, added.stderr


def test_doctor_says_what_works_and_what_to_fix(
    keyring_env: dict[str, str], tmp_path: Path, hub: HubProcess, user: HubUser
) -> None:
    env = app_env(keyring_env, tmp_path)
    env.pop("DISPLAY", None)
    add(env, "Work", hub.url, user.user_token)
    with FakeNotificationServer(
        keyring_env["DBUS_SESSION_BUS_ADDRESS"], capabilities=("actions", "inline-reply"),
        inhibited=True,
    ):  # fmt: skip
        healthy = bellbar(env, "doctor")
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    lines = healthy.stdout.splitlines()
    assert "[ok  ] Keyring: SecretService keyring stores and returns secrets." in lines
    assert "[ok  ] Display: Qt platform offscreen." in lines
    assert "[WARN] System tray: No system tray (StatusNotifier or XEmbed) was found." in lines
    assert (
        "[ok  ] Notification server: fake 1.0 by Bellbar tests (buttons, inline reply); "
        "the desktop is in do not disturb." in lines
    )
    assert "[ok  ] Account 'Work': Connected: 0 notifications." in lines
    assert lines[-1] == "All good."

    add(env, "Stale", hub.url, "not-a-token")
    broken = bellbar(env, "doctor")  # and now no notification server at all
    assert broken.returncode == 1
    assert "[FIX ] Account 'Stale': The server refused these credentials" in broken.stdout
    assert "[WARN] Notification server: None: no notification server is running" in broken.stdout
    assert broken.stdout.rstrip().endswith("1 problem found.")
    assert "not-a-token" not in broken.stdout + broken.stderr


def test_doctor_without_a_usable_keyring(tmp_path: Path) -> None:
    env = app_env({"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"}, tmp_path)
    result = bellbar(env, "doctor")
    assert result.returncode == 1
    assert "[FIX ] Keyring: No usable keyring backend" in result.stdout
    assert "Start or unlock your desktop's keyring" in result.stdout


def test_self_test_creates_tray_and_inbox_and_reads_the_keyring(
    keyring_env: dict[str, str], tmp_path: Path
) -> None:
    result = bellbar(app_env(keyring_env, tmp_path), "--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "tray icon: ok",
        "inbox window: ok",
        "keyring: ok",
        "event loop: ok",
        "self-test: ok",
    ]


def test_self_test_fails_without_a_keyring(tmp_path: Path) -> None:
    env = app_env({"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"}, tmp_path)
    result = bellbar(env, "--self-test")
    assert result.returncode == 1
    assert "self-test: 1 failed" in result.stdout

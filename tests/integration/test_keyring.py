"""Tokens live in the real Secret Service (gnome-keyring), and in no file."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.app_process import app_env, bellbar
from tests.helpers.hub import HubProcess, HubUser

pytestmark = pytest.mark.keyring


def add_account(env: dict[str, str], url: str, token: str) -> subprocess.CompletedProcess[str]:
    return bellbar(
        env, "accounts", "add", "botbell", "--name", "Work", "--url", url, stdin=token + "\n"
    )


def keyring_get(env: dict[str, str], account_id: str) -> str:
    code = f"import keyring; print(keyring.get_password('bellbar', {account_id!r}) or '')"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def files_containing(root: Path, secret: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_token_in_keyring_and_nowhere_on_disk(
    keyring_env: dict[str, str], tmp_path: Path, hub: HubProcess, user: HubUser
) -> None:
    env = app_env(keyring_env, tmp_path)
    added = add_account(env, hub.url, user.user_token)
    assert added.returncode == 0, added.stderr
    assert "Work\tbotbell" in bellbar(env, "accounts", "list").stdout
    account_id = json.loads((tmp_path / "config/bellbar/config.json").read_text())["accounts"][0][
        "id"
    ]
    assert keyring_get(env, account_id) == user.user_token

    # A debug-level session that syncs with the hub, then a scan of every app file.
    tray = subprocess.Popen(
        [sys.executable, "-m", "bellbar", "--debug"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    log = tmp_path / "state/bellbar/log/bellbar.log"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (log.exists() and ": live" in log.read_text()):
        time.sleep(0.2)
    tray.terminate()
    tray.wait(10)
    assert "started" in log.read_text() and ": live" in log.read_text()
    assert (tmp_path / "data/bellbar/inbox.sqlite3").exists()
    assert files_containing(tmp_path, user.user_token) == []

    removed = bellbar(env, "accounts", "remove", "Work")
    assert removed.returncode == 0
    assert keyring_get(env, account_id) == ""


def test_without_a_keyring_nothing_is_stored_and_the_fix_is_named(tmp_path: Path) -> None:
    env = app_env({}, tmp_path)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    result = add_account(env, "http://h", "ut_secret_token_value")
    assert result.returncode == 1
    assert "keyring" in result.stderr.lower() and "gnome-keyring-daemon --unlock" in result.stderr
    assert files_containing(tmp_path, "ut_secret_token_value") == []
    assert not (tmp_path / "config/bellbar/config.json").exists()


def test_magicbell_account_from_the_command_line(
    keyring_env: dict[str, str], tmp_path: Path, hub: HubProcess
) -> None:
    env = app_env(keyring_env, tmp_path)
    project = hub.create_magicbell_project(hmac_required=True)
    added = bellbar(env, "accounts", "add", "magicbell", "--name", "Acme",
                    "--url", f"{hub.url}/magicbell", "--api-key", project["api_key"],
                    "--external-id", "u-7", "--secret-kind", "api-secret",
                    stdin=project["api_secret"] + "\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    tested = bellbar(env, "accounts", "test", "Acme")
    assert (tested.returncode, tested.stdout.strip()) == (0, "Acme: Connected: 0 notifications.")
    assert files_containing(tmp_path, project["api_secret"]) == []
    incomplete = bellbar(env, "accounts", "add", "magicbell", "--name", "Bad", "--api-key", "k",
                         stdin="s\n")  # fmt: skip
    assert incomplete.returncode == 1 and "external id or email" in incomplete.stderr
    assert bellbar(env, "accounts", "remove", "Acme").returncode == 0
    assert bellbar(env, "accounts", "test", "Acme").returncode == 1


def test_no_secret_of_any_provider_reaches_a_file(
    keyring_env: dict[str, str], tmp_path: Path, hub: HubProcess, user: HubUser
) -> None:
    """Accounts of every provider plus a broken one, a debug-level session with
    errors, then every file under the app's directories is searched."""
    env = app_env(keyring_env, tmp_path)
    mb = hub.create_magicbell_project()
    bt = hub.create_belltastic_project()
    nt = hub.create_notify_service()
    accounts = [
        (("botbell", "--name", "Hub", "--url", hub.url), user.user_token),
        (("botbell", "--name", "Broken", "--url", "http://127.0.0.1:9"), "ut_broken_secret_value"),
        (("magicbell", "--name", "MB", "--url", f"{hub.url}/magicbell", "--api-key", mb["api_key"],
          "--external-id", "u", "--secret-kind", "api-secret"), mb["api_secret"]),
        (("belltastic", "--name", "BT", "--url", f"{hub.url}/belltastic/api/v1", "--project-id",
          str(bt["project_id"]), "--user-id", "u"), bt["project_token"]),
        (("notify", "--name", "NT", "--url", hub.url), nt["api_key"]),
    ]  # fmt: skip
    for arguments, secret in accounts:
        assert bellbar(env, "accounts", "add", *arguments, stdin=secret + "\n").returncode == 0
    tray = subprocess.Popen([sys.executable, "-m", "bellbar", "--debug"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    log = tmp_path / "state/bellbar/log/bellbar.log"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        text = log.read_text() if log.exists() else ""
        if text.count(": live") >= 3 and ": polling" in text and "retrying in" in text:
            break
        time.sleep(0.2)
    tray.terminate()
    output = tray.communicate(timeout=15)[0].decode()
    assert text.count(": live") >= 3 and "retrying in" in text
    secrets = [secret for _, secret in accounts] + [nt["api_key"][-36:]]
    for secret in secrets:
        assert files_containing(tmp_path, secret) == [], secret
        assert secret not in output

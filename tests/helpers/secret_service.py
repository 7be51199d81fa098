"""A private D-Bus session with an unlocked gnome-keyring: a real Secret Service."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def available() -> bool:
    return all(shutil.which(tool) for tool in ("dbus-daemon", "gnome-keyring-daemon", "dbus-send"))


def _has_owner(env: dict[str, str]) -> bool:
    answer = subprocess.run(
        [
            "dbus-send",
            "--session",
            "--dest=org.freedesktop.DBus",
            "--type=method_call",
            "--print-reply",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            "string:org.freedesktop.secrets",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return "boolean true" in answer.stdout


@contextmanager
def session_bus() -> Iterator[str]:
    """A private D-Bus session bus; yields its address."""
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert bus.stdout is not None
    try:
        yield bus.stdout.readline().strip()
    finally:
        bus.terminate()
        bus.wait(10)
        bus.stdout.close()


@contextmanager
def secret_service(root: Path) -> Iterator[dict[str, str]]:
    """Yield the environment variables that point a process at the keyring."""
    with session_bus() as address:
        yield from _keyring_on(address, root)


def _keyring_on(address: str, root: Path) -> Iterator[dict[str, str]]:
    run_dir, data_dir = root / "run", root / "keyring-data"
    run_dir.mkdir(mode=0o700, parents=True)
    data_dir.mkdir(parents=True)
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address, "XDG_RUNTIME_DIR": str(run_dir)}
    env.pop("PYTHON_KEYRING_BACKEND", None)
    daemon = subprocess.Popen(
        ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**env, "XDG_DATA_HOME": str(data_dir)},
    )
    assert daemon.stdin is not None
    daemon.stdin.write(b"test-keyring-password")
    daemon.stdin.close()
    try:
        deadline = time.monotonic() + 15
        while not _has_owner(env):
            if time.monotonic() > deadline:
                raise RuntimeError("gnome-keyring-daemon did not claim org.freedesktop.secrets")
            time.sleep(0.1)
        yield {k: env[k] for k in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR")}
    finally:
        daemon.terminate()
        daemon.wait(10)

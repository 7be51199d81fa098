"""`bellbar demo`: a throwaway hub with demo data, and the tray connected to it.

Runs in its own profile ("demo"), so it never touches the user's accounts
or cache; the hub is a real `bellbar hub serve` child process on loopback.
"""

from __future__ import annotations

import ctypes
import json
import logging
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

from bellbar.core.autostart import launch_command
from bellbar.core.config import Config
from bellbar.core.errors import BellbarError, KeyringUnavailable
from bellbar.core.logs import register_secret, setup_logging
from bellbar.core.model import Account
from bellbar.core.paths import AppPaths
from bellbar.core.secrets import KeyringSecrets, MemorySecrets, SecretStore
from bellbar.hub.demo import BELLTASTIC_USER, MAGICBELL_USER, run_demo_bot, seed

log = logging.getLogger(__name__)
HUB_START_TIMEOUT = 20.0
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: the hub gets SIGTERM if the demo dies without cleaning up (SIGKILL)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start_hub(db_path: Path, port: int) -> tuple[subprocess.Popen[str], str]:
    """Start `bellbar hub serve` and wait for its "listening" line."""
    process = subprocess.Popen(  # noqa: S603 (this very program: interpreter or bundle)
        [
            *launch_command(),
            "hub",
            "serve",
            "--db",
            str(db_path),
            "--port",
            str(port),
            # Demo bots may well listen on this machine: let reply URLs point here.
            "--allow-private-webhooks",
        ],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=_die_with_parent,  # safe here: no threads exist yet
    )
    found: list[str] = []

    def read_first_line() -> None:
        assert process.stdout is not None
        found.append(process.stdout.readline())

    reader = threading.Thread(target=read_first_line, daemon=True)
    reader.start()
    reader.join(HUB_START_TIMEOUT)
    try:
        return process, str(json.loads(found[0])["url"])
    except (IndexError, ValueError, KeyError) as exc:
        process.kill()
        raise BellbarError(f"the demo hub did not start (port {port} busy?)") from exc


def _demo_secrets() -> tuple[SecretStore, str]:
    secrets = KeyringSecrets()
    try:
        secrets.check()
    except KeyringUnavailable:
        return MemorySecrets(), "No usable keyring: the demo's tokens are kept in memory only."
    return secrets, ""


def run_demo(port: int = 0, debug: bool = False) -> int:
    from bellbar.ui.launch import run_tray

    paths = AppPaths.for_profile("demo")
    shutil.rmtree(paths.data_dir, ignore_errors=True)
    paths.ensure()
    setup_logging(paths, debug=debug)
    db_path = paths.data_dir / "hub.sqlite3"
    credentials = seed(db_path)
    register_secret(credentials.user_token)
    register_secret(credentials.deploy_bot_token)
    register_secret(credentials.magicbell_api_secret)
    register_secret(credentials.belltastic_project_token)
    register_secret(credentials.notify_api_key)
    hub, url = start_hub(db_path, port)
    log.info("demo hub at %s", url)
    try:
        secrets, notice = _demo_secrets()
        accounts = (
            Account(id="demo", name="Demo hub", provider="botbell", url=url),
            Account(
                id="demo-magicbell",
                name="Acme (MagicBell)",
                provider="magicbell",
                url=f"{url}/magicbell",
                options={
                    "api_key": credentials.magicbell_api_key,
                    "email": MAGICBELL_USER,
                    "secret_kind": "api_secret",
                },
            ),
            Account(
                id="demo-belltastic",
                name="Shop (Belltastic)",
                provider="belltastic",
                url=f"{url}/belltastic/api/v1",
                options={
                    "project_id": str(credentials.belltastic_project_id),
                    "user_id": BELLTASTIC_USER,
                },
            ),
            Account(
                id="demo-notify",
                name="Council (Notify)",
                provider="notify",
                url=url,
                # A local hub answers at once; poll it every few seconds, not 30.
                options={
                    "reply_template_id": credentials.notify_reply_template,
                    "poll_seconds": "3",
                },
            ),
        )
        secrets.set("demo", credentials.user_token)
        secrets.set("demo-notify", credentials.notify_api_key)
        secrets.set("demo-belltastic", credentials.belltastic_project_token)
        secrets.set("demo-magicbell", credentials.magicbell_api_secret)
        return run_tray(
            paths,
            Config(accounts=accounts),
            secrets,
            notice=notice,
            background=lambda: run_demo_bot(url, credentials),
            throwaway=True,
        )
    finally:
        hub.terminate()
        try:
            hub.wait(5)
        except subprocess.TimeoutExpired:
            hub.kill()

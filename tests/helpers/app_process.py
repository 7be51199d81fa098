"""Running `bellbar` as a process with its own directories and a given keyring."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def app_env(base: dict[str, str], root: Path) -> dict[str, str]:
    env = {**os.environ, **base, "QT_QPA_PLATFORM": "offscreen"}
    for name in ("CONFIG", "DATA", "CACHE", "STATE"):
        env[f"XDG_{name}_HOME"] = str(root / name.lower())
    return env


def bellbar(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bellbar", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

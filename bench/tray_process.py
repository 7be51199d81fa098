"""The tray as a process: cold start and idle cost.

* cold start: from starting `bellbar` to its "started" log line (the tray icon
  shown), with a cache of 10,000 items; median of 5 runs. With DISPLAY set and
  a tray host running (Xvfb + trayer) the icon is really docked; otherwise the
  offscreen platform is used.
* idle: one account streaming from a hub; RSS 10 s after start, then over 60 s
  the CPU time used and the voluntary context switches (wake-ups).

Needs gnome-keyring and dbus-daemon (the account's token lives in a real keyring).
Usage: python bench/tray_process.py [--idle-seconds 60]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers import secret_service  # noqa: E402
from tests.helpers.hub import HubProcess  # noqa: E402

from bellbar.core.cache import Cache  # noqa: E402
from bellbar.core.model import Notification  # noqa: E402
from bellbar.providers.base import Page  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def proc(pid: int) -> tuple[int, float, int]:
    """(RSS KiB, CPU seconds, voluntary context switches) of a process."""
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    switches = next(int(line.split()[1]) for line in status if line.startswith("voluntary_ctxt"))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICKS
    return rss, cpu, switches


def started_at(log: Path, timeout: float = 30) -> float | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists():
            for line in log.read_text().splitlines():
                if "started; tray available" in line:
                    stamp = datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
                    return stamp.timestamp()
        time.sleep(0.01)
    return None


def start_tray(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bellbar"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--idle-seconds", type=float, default=60)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        hub = HubProcess(tmp / "hub.sqlite3").start()
        user = hub.create_user()
        with secret_service.secret_service(tmp / "keyring") as keyring_env:
            env = {**os.environ, **keyring_env}
            env.setdefault(
                "QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb"
            )
            for name in ("CONFIG", "DATA", "CACHE", "STATE"):
                env[f"XDG_{name}_HOME"] = str(tmp / name.lower())
            subprocess.run([sys.executable, "-m", "bellbar", "accounts", "add", "botbell", "--name",
                            "Hub", "--url", hub.url], input=user.user_token + "\n", text=True,
                           env=env, check=True, capture_output=True)  # fmt: skip
            cache_path = tmp / "data" / "bellbar" / "inbox.sqlite3"
            cache_path.parent.mkdir(parents=True, exist_ok=True)
            cache = Cache(cache_path)
            now = datetime.now(UTC)
            items = tuple(
                Notification("other", str(i), f"title {i}", "body", now - timedelta(minutes=i))
                for i in range(10_000)
            )
            cache.apply_page("other", Page(items, None))
            cache.close()
            log = tmp / "state" / "bellbar" / "log" / "bellbar.log"
            starts = []
            for _ in range(args.runs):
                log.unlink(missing_ok=True)
                began = time.time()
                tray = start_tray(env)
                shown = started_at(log)
                if shown is not None:
                    starts.append((shown - began) * 1000)
                tray.terminate()
                tray.wait(10)
            tray = start_tray(env)
            time.sleep(10)
            rss, cpu0, switches0 = proc(tray.pid)
            time.sleep(args.idle_seconds)
            _, cpu1, switches1 = proc(tray.pid)
            tray.terminate()
            tray.wait(10)
        hub.stop()
    idle = args.idle_seconds
    results = [
        {"figure": "cold start to tray shown (10,000 cached)", "runs": len(starts),
         "median_ms": round(statistics.median(starts)), "min_ms": round(min(starts)),
         "max_ms": round(max(starts))},
        {"figure": "idle RSS 10 s after start", "rss_mib": round(rss / 1024, 1)},
        {"figure": f"idle over {idle:.0f} s", "cpu_percent": round(100 * (cpu1 - cpu0) / idle, 3),
         "wakeups_per_10s": round(10 * (switches1 - switches0) / idle, 2)},
    ]  # fmt: skip
    for result in results:
        print(json.dumps(result))
    display = "xcb" if os.environ.get("DISPLAY") else "offscreen"
    print(f"\nplatform: {os.environ.get('QT_QPA_PLATFORM', display)}")
    for result in results:
        print("  ".join(f"{k}={v}" for k, v in result.items()))


if __name__ == "__main__":
    main()

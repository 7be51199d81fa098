"""A burst: 2,000 pushes in 2 s into the real tray app, streaming from a hub.

The pushes come from a separate thread over several keep-alive connections,
so the tray's own loop only does the tray's work. A 10 ms Qt timer probes
the UI event loop: its lag is how late each tick fired. Reports the lag,
how many pop-ups were on screen and what the summary pop-up counted, and
whether all 2,000 reached the inbox.

Usage: python bench/burst.py [--pushes 2000 --seconds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from tests.helpers.hub import HubProcess  # noqa: E402

from bellbar.core.cache import Cache  # noqa: E402
from bellbar.core.config import Preferences  # noqa: E402
from bellbar.core.inbox import Inbox  # noqa: E402
from bellbar.core.model import Account, SyncState  # noqa: E402
from bellbar.core.secrets import MemorySecrets  # noqa: E402
from bellbar.ui.app import TrayApp  # noqa: E402
from bench.pushers import PacedPushes  # noqa: E402
from bench.roundtrip import figure, report  # noqa: E402
from bench.tray_loop import tray_loop_and_hub  # noqa: E402

CONNECTIONS = 8
TICK_MS = 10


class LoopLag:
    """A precise 10 ms timer on the UI loop; records how late each tick fires."""

    def __init__(self) -> None:
        self.lags_ms: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer(interval=TICK_MS)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lags_ms.append(max(0.0, (now - self._last) * 1000 - TICK_MS))
        self._last = now


async def run(hub: HubProcess, tmp: Path, pushes: int, seconds: float) -> dict[str, object]:
    user = hub.create_user()
    bot = hub.create_bot(user)
    secrets = MemorySecrets()
    secrets.set("acc", user.user_token)
    cache = Cache(tmp / "cache.sqlite3")
    inbox = Inbox(cache, secrets)
    app = TrayApp(inbox, Preferences(popup_seconds=30))
    app.start()
    if app.window.isVisible():  # offscreen: no tray, so start() showed it
        app.window.hide()
    inbox.start([Account(id="acc", name="Burst", provider="botbell", url=hub.url)])
    while inbox.statuses()["acc"].state is not SyncState.LIVE:
        await asyncio.sleep(0.01)
    lag = LoopLag()
    lag.start()
    bodies = [f"burst {i}" for i in range(pushes)]
    began = time.perf_counter()
    pusher = PacedPushes(hub.port, bot.token, bodies, seconds, CONNECTIONS).start()
    while pusher.running() or cache.count() < pushes:
        await asyncio.sleep(0.05)
        if time.perf_counter() - began > seconds + 30:
            break
    all_in = time.perf_counter() - began
    lag.stop()
    pusher.join()
    shown = list(app.popups.popups)
    summary = next((p.summarised for p in shown if p.summarised), 0)
    result = {
        **figure("UI loop lag during the burst (10 ms ticks)", lag.lags_ms),
        "pushes_accepted": sum(status in (200, 201) for status in pusher.statuses),
        "in_inbox": cache.count(),
        "seconds_until_all_in_inbox": round(all_in, 2),
        "popups_on_screen": len(shown),
        "summary_counts": summary,
    }
    app.stop()
    await inbox.stop()
    cache.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pushes", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    with tray_loop_and_hub() as (loop, hub, tmp):
        result = loop.run_until_complete(run(hub, tmp, args.pushes, args.seconds))
    report([result])
    print(
        f"pushes accepted {result['pushes_accepted']}, in the inbox {result['in_inbox']} "
        f"after {result['seconds_until_all_in_inbox']} s; pop-ups on screen "
        f"{result['popups_on_screen']}, the summary counts {result['summary_counts']} more"
    )


if __name__ == "__main__":
    main()

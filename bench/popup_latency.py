"""Push → pop-up first paint, in the real tray app (Qt) against a hub on loopback.

300 pushes spaced 50 ms; for each, the time from writing the push request to
the first paint event of its pop-up. Streaming, then polling every 2 s; a poll
brings a batch, of which only the newest pop-ups are shown (at most five on
screen), so for polling the arrival in the core is given for every push too.
The pushes come from their own thread, so their timing does not depend on
the tray's loop (timers on one loop fall into step with each other).

Twenty pushes a second is a flood by the pop-up stack's rule (more than five
in two seconds), which would fold most of them into one "and N more"
summary; flood control is switched off here so that every push gets a
pop-up to time. `bench/burst.py` measures the flood with it on.
Runs offscreen unless DISPLAY is set.

When polling, a push waits for the next poll (half the interval at the
median, as its send instant is random against the polls) and then for
Bellbar's own work: the request, the cache, the pop-ups. The polling run
sends 320 pushes, whole poll intervals' worth: 300 would end half-way
through an interval with 20 pushes that all wait more than half of it,
which lifts the median by about 70 ms. Even so the median of the total
moves by tens of milliseconds between runs (it is the median of a uniform
sample over 2 s), so the bench also gives Bellbar's own part, poll start to
arrival, and the poll intervals.

Usage: python bench/popup_latency.py [--pushes 300]
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import itertools
import os
import sys
import time
from pathlib import Path

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEvent, QObject  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from tests.helpers.hub import HubProcess  # noqa: E402

from bellbar.core.cache import Cache  # noqa: E402
from bellbar.core.config import Preferences  # noqa: E402
from bellbar.core.inbox import Inbox  # noqa: E402
from bellbar.core.model import Account, Capabilities, SyncState  # noqa: E402
from bellbar.core.secrets import MemorySecrets  # noqa: E402
from bellbar.providers.base import Page  # noqa: E402
from bellbar.providers.botbell import BotBellApp  # noqa: E402
from bellbar.ui import popup  # noqa: E402
from bellbar.ui.app import TrayApp  # noqa: E402
from bellbar.ui.popup import Popup  # noqa: E402
from bench.pushers import PacedPushes  # noqa: E402
from bench.roundtrip import figure, report  # noqa: E402
from bench.tray_loop import tray_loop_and_hub  # noqa: E402

SPACING = 0.05  # seconds between pushes
POLL_SECONDS = 2


class FirstPaint(QObject):
    """Records when each pop-up (by its message body) is first painted."""

    def __init__(self) -> None:
        super().__init__()
        self.painted: dict[str, float] = {}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and isinstance(watched, Popup):
            self.painted.setdefault(watched.notification.body, time.perf_counter())
        return False


async def run(
    hub: HubProcess, tmp: Path, pushes: int, polling: bool
) -> tuple[list[float], list[float], list[float]]:
    """(push → first paint for the pop-ups painted, push → arrival in the core for
    all, the arrival instants)."""
    user = hub.create_user()
    bot = hub.create_bot(user)
    options = {"poll_seconds": str(POLL_SECONDS)} if polling else {}
    account = Account(id="acc", name="Bench", provider="botbell", url=hub.url, options=options)
    secrets = MemorySecrets()
    secrets.set("acc", user.user_token)
    cache = Cache(tmp / f"cache-{polling}.sqlite3")
    inbox = Inbox(cache, secrets)
    app = TrayApp(inbox, Preferences(popup_seconds=2))
    app.start()
    if app.window.isVisible():  # offscreen: no tray, so start() showed it
        app.window.hide()
    watcher = FirstPaint()
    QApplication.instance().installEventFilter(watcher)  # type: ignore[union-attr]
    arrived: dict[str, float] = {}
    inbox.arrived.connect(
        lambda items: [arrived.setdefault(n.body, time.perf_counter()) for n in items]
    )
    inbox.start([account])
    wanted = SyncState.POLLING if polling else SyncState.LIVE
    while inbox.statuses()["acc"].state is not wanted:
        await asyncio.sleep(0.01)
    bodies = [f"bench {polling} {i}" for i in range(pushes)]
    pusher = PacedPushes(hub.port, bot.token, bodies, seconds=pushes * SPACING).start()
    deadline = time.monotonic() + pushes * SPACING + 10
    while len(watcher.painted.keys() & set(bodies)) < pushes and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    pusher.join()
    sent = pusher.sent
    QApplication.instance().removeEventFilter(watcher)  # type: ignore[union-attr]
    app.stop()
    await inbox.stop()
    cache.close()
    painted = [(watcher.painted[b] - sent[b]) * 1000 for b in sent if b in watcher.painted]
    arrivals = [(arrived[b] - sent[b]) * 1000 for b in sent if b in arrived]
    return painted, arrivals, sorted(arrived.values())


class PollStarts:
    """Records when each poll of the changes feed begins."""

    def __init__(self) -> None:
        self.times: list[float] = []
        changes = BotBellApp.changes

        async def timed(app: BotBellApp, cursor: str | None) -> Page:
            self.times.append(time.perf_counter())
            return await changes(app, cursor)

        BotBellApp.changes = timed  # type: ignore[method-assign]

    def own_delays_ms(self, arrivals: list[float]) -> list[float]:
        """For each arrival, the time since the poll that brought it began."""
        return [(t - self.times[bisect.bisect_right(self.times, t) - 1]) * 1000 for t in arrivals]

    def intervals_ms(self) -> list[float]:
        return [(b - a) * 1000 for a, b in itertools.pairwise(self.times)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pushes", type=int, default=300)
    args = parser.parse_args()
    popup.FLOOD_SECONDS = 0.0  # every push its own pop-up (see the docstring)
    with tray_loop_and_hub() as (loop, hub, tmp):
        streaming, _, _ = loop.run_until_complete(run(hub, tmp, args.pushes, polling=False))
        BotBellApp.capabilities = Capabilities(stream=False, reply=True)  # as a server without SSE
        polls = PollStarts()
        per_interval = round(POLL_SECONDS / SPACING)
        whole_intervals = -(-args.pushes // per_interval) * per_interval
        polled, polled_arrivals, arrival_times = loop.run_until_complete(
            run(hub, tmp, whole_intervals, polling=True)
        )
    results = [
        figure("push -> pop-up first paint, streaming", streaming),
        figure("push -> arrival, polling 2 s (all)", polled_arrivals),
        figure("push -> first paint, polling 2 s (shown)", polled),
        figure("poll start -> arrival, polling 2 s (all)", polls.own_delays_ms(arrival_times)),
        figure("poll interval, polling 2 s", polls.intervals_ms()[1:]),
    ]
    report(results)


if __name__ == "__main__":
    main()

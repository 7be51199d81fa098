"""Push → pop-up first paint, in the real tray app (Qt) against a hub on loopback.

300 pushes spaced 50 ms; for each, the time from writing the push request to
the first paint event of its pop-up. Streaming, then polling every 2 s; a poll
brings a batch, of which only the newest pop-ups are shown (at most five on
screen), so for polling the arrival in the core is given for every push too.
Runs offscreen unless DISPLAY is set.

Usage: python bench/popup_latency.py [--pushes 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import qasync  # noqa: E402
from PySide6.QtCore import QEvent, QObject  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from tests.helpers.hub import HubProcess  # noqa: E402
from tests.helpers.loadgen import RawConnection  # noqa: E402

from bellbar.core.cache import Cache  # noqa: E402
from bellbar.core.config import Preferences  # noqa: E402
from bellbar.core.inbox import Inbox  # noqa: E402
from bellbar.core.model import Account, Capabilities, SyncState  # noqa: E402
from bellbar.core.secrets import MemorySecrets  # noqa: E402
from bellbar.providers.botbell import BotBellApp  # noqa: E402
from bellbar.ui.app import TrayApp  # noqa: E402
from bellbar.ui.popup import Popup  # noqa: E402
from bench.roundtrip import figure, print_table  # noqa: E402


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
) -> tuple[list[float], list[float]]:
    """(push → first paint for the pop-ups painted, push → arrival in the core for all)."""
    user = hub.create_user()
    bot = hub.create_bot(user)
    options = {"poll_seconds": "2"} if polling else {}
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
    connection = RawConnection("127.0.0.1", hub.port)
    sent: dict[str, float] = {}
    for i in range(pushes):
        body = f"bench {polling} {i}"
        sent[body] = time.perf_counter()
        await connection.post_json(f"/botbell/v1/push/{bot.token}", {"message": body})
        await asyncio.sleep(0.05)
    deadline = time.monotonic() + 10
    while len(watcher.painted.keys() & sent.keys()) < pushes and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    connection.close()
    QApplication.instance().removeEventFilter(watcher)  # type: ignore[union-attr]
    app.popups.close_all()
    await inbox.stop()
    cache.close()
    painted = [(watcher.painted[b] - sent[b]) * 1000 for b in sent if b in watcher.painted]
    return painted, [(arrived[b] - sent[b]) * 1000 for b in sent if b in arrived]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pushes", type=int, default=300)
    args = parser.parse_args()
    qt = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(qt)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        hub = HubProcess(tmp / "hub.sqlite3", ("--push-rate", "100000")).start()
        try:
            streaming, _ = loop.run_until_complete(run(hub, tmp, args.pushes, polling=False))
            BotBellApp.capabilities = Capabilities(
                stream=False, reply=True
            )  # as a server without SSE
            polled, polled_arrivals = loop.run_until_complete(
                run(hub, tmp, args.pushes, polling=True)
            )
        finally:
            hub.stop()
    results = [
        figure("push -> pop-up first paint, streaming", streaming),
        figure("push -> arrival, polling 2 s (all)", polled_arrivals),
        figure("push -> first paint, polling 2 s (shown)", polled),
    ]
    for result in results:
        print(json.dumps(result))
    print_table(results)


if __name__ == "__main__":
    main()

"""The inbox window over a big cache: 100,000 items.

* shown: from `present()` to the window's first paint of its list.
* scroll to end: `scrollToBottom()` with lazy fetching, until the last row is painted.
* mark all read: the cache's one UPDATE plus the refresh.
* RSS growth of the process over a 1,000-item cache.

Usage: python bench/big_inbox.py [--items 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEvent, QObject  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bellbar.core.cache import Cache  # noqa: E402
from bellbar.core.model import Notification  # noqa: E402
from bellbar.providers.base import Page  # noqa: E402
from bellbar.ui.inbox import InboxWindow  # noqa: E402
from bellbar.ui.inbox_model import InboxModel  # noqa: E402


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Painted(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.at: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.at is None:
            self.at = time.perf_counter()
        return False


def fill(cache: Cache, count: int) -> None:
    now = datetime.now(UTC)
    for start in range(0, count, 10_000):
        items = tuple(
            Notification(
                "a", str(i), f"Title {i}", f"Body of notification {i}", now - timedelta(seconds=i)
            )
            for i in range(start, min(count, start + 10_000))
        )
        cache.apply_page("a", Page(items, None))


def measure(app: QApplication, cache: Cache) -> dict[str, float]:
    model = InboxModel(cache)
    window = InboxWindow(model)
    painted = Painted()
    window.view.viewport().installEventFilter(painted)
    began = time.perf_counter()
    model.refresh()
    window.present()
    while painted.at is None:
        app.processEvents()
    shown = (painted.at - began) * 1000
    began = time.perf_counter()
    window.view.scrollToBottom()
    app.processEvents()
    scrolled = (time.perf_counter() - began) * 1000
    began = time.perf_counter()
    cache.record_read_all("a")
    model.refresh()
    app.processEvents()
    marked = (time.perf_counter() - began) * 1000
    window.hide()
    return {
        "shown_ms": round(shown, 1),
        "scroll_ms": round(scrolled, 1),
        "mark_all_read_ms": round(marked, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp_dir:
        small = Cache(Path(tmp_dir) / "small.sqlite3")
        fill(small, 1_000)
        before = rss_mib()
        small_figures = measure(app, small)
        big = Cache(Path(tmp_dir) / "big.sqlite3")
        fill(big, args.items)
        big_figures = measure(app, big)
        after = rss_mib()
    results = [
        {"figure": "inbox, 1,000 cached", **small_figures},
        {"figure": f"inbox, {args.items:,} cached", **big_figures,
         "rss_growth_mib_over_1000": round(after - before, 1)},
    ]  # fmt: skip
    for result in results:
        print(json.dumps(result))


if __name__ == "__main__":
    main()

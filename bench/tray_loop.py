"""What the benchmarks that drive the tray in-process share: a QApplication
with its qasync loop, and a hub process whose push rate limit is out of the way."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtWidgets import QApplication
from tests.helpers.hub import HubProcess

from bellbar.ui.event_loop import BellbarEventLoop


@contextmanager
def tray_loop_and_hub() -> Iterator[tuple[asyncio.AbstractEventLoop, HubProcess, Path]]:
    """(the qasync loop, a started hub, a temporary directory), all closed after."""
    qt = QApplication.instance() or QApplication(sys.argv[:1])
    loop = BellbarEventLoop(qt)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        hub = HubProcess(tmp / "hub.sqlite3", ("--push-rate", "100000")).start()
        try:
            yield loop, hub, tmp
        finally:
            hub.stop()

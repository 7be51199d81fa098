"""`bellbar --self-test`: prove a build works, then exit.

Made for installers and CI smoke runs of the frozen bundle: it imports what
the tray imports (so a module the bundler missed fails here), creates the
tray icon and the inbox window over a throwaway cache, reads the keyring,
and runs a moment of the asyncio-on-Qt loop. Exit 0 means all of it worked.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import TextIO


def run_self_test(out: TextIO = sys.stdout) -> int:
    import asyncio

    from PySide6.QtWidgets import QApplication

    from bellbar.core.cache import Cache
    from bellbar.core.errors import KeyringUnavailable
    from bellbar.core.inbox import Inbox
    from bellbar.core.secrets import KeyringSecrets
    from bellbar.ui.event_loop import BellbarEventLoop
    from bellbar.ui.inbox import InboxWindow
    from bellbar.ui.inbox_model import InboxModel
    from bellbar.ui.tray import TrayIcon

    app = QApplication.instance() or QApplication(sys.argv[:1])
    failures = 0

    def report(what: str, error: str | None) -> None:
        nonlocal failures
        failures += error is not None
        print(f"{what}: {'ok' if error is None else error}", file=out, flush=True)

    tray = TrayIcon(do_not_disturb=False)
    tray.set_count(3)
    report("tray icon", None if tray.tooltip.startswith("Bellbar") else "no tooltip")
    with tempfile.TemporaryDirectory() as tmp:
        cache = Cache(Path(tmp) / "inbox.sqlite3")
        window = InboxWindow(InboxModel(cache))
        window.show()
        app.processEvents()
        report("inbox window", None if window.isVisible() else "not shown")
        window.hide()
        secrets = KeyringSecrets()
        try:
            secrets.get("bellbar-self-test")
            report("keyring", None)
        except KeyringUnavailable as exc:
            report("keyring", str(exc))
        inbox = Inbox(cache, secrets)
        loop = BellbarEventLoop(app)
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(asyncio.sleep(0.05))
            report("event loop", None)
        finally:
            loop.run_until_complete(inbox.stop())
            loop.close()
            cache.close()
    report("self-test", None if not failures else f"{failures} failed")
    return 1 if failures else 0

"""The tray process: the icon first, everything else after it.

Start-up order matters to a tray app: `run_tray` creates the QApplication,
checks for a running instance, reads the badge count from the cache and
shows the tray icon before it imports the heavier parts (the core's sync
engine, httpx, qasync, the inbox window and pop-ups). Then it runs the one
asyncio loop on Qt's event loop until Quit, SIGINT or SIGTERM.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Coroutine
from dataclasses import replace
from types import TracebackType
from typing import Any

from PySide6.QtWidgets import QApplication

from bellbar import __version__
from bellbar.core.cache import Cache
from bellbar.core.config import Config, Preferences, update_config
from bellbar.core.errors import BellbarError
from bellbar.core.paths import AppPaths
from bellbar.core.secrets import SecretStore
from bellbar.ui.icons import bell_icon
from bellbar.ui.single_instance import claim_instance, server_name
from bellbar.ui.tray import TrayIcon

log = logging.getLogger(__name__)


def run_tray(
    paths: AppPaths,
    config: Config,
    secrets: SecretStore,
    *,
    notice: str = "",
    background: Callable[[], Coroutine[Any, Any, None]] | None = None,
    throwaway: bool = False,
) -> int:
    """Run the tray app until Quit. Returns the process exit code.

    `background` runs alongside (the demo's bot). A `throwaway` profile (the
    demo) saves no preferences and offers no "Add account…".
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Bellbar")
    app.setDesktopFileName("bellbar")
    app.setWindowIcon(bell_icon())
    app.setQuitOnLastWindowClosed(False)
    instance = claim_instance(server_name(paths.config_dir))
    if instance is None:
        print("Bellbar is already running; its inbox was brought to the front.")
        return 0
    _install_excepthook()
    paths.ensure()
    cache = Cache(paths.cache_db)
    counts_unread = config.preferences.badge_counts == "unread"
    tray = TrayIcon(do_not_disturb=config.preferences.do_not_disturb)
    tray.set_count(cache.count_unread() if counts_unread else cache.count_unseen())
    if TrayIcon.available():
        tray.show()
    log.info("Bellbar %s started; tray available: %s", __version__, TrayIcon.available())

    # The icon is up: now the rest (asyncio alone, with ssl, is some 40 ms).
    import asyncio

    from bellbar.core.icons import IconCache
    from bellbar.core.inbox import Inbox
    from bellbar.ui.app import TrayApp
    from bellbar.ui.event_loop import BellbarEventLoop
    from bellbar.ui.icon_loader import IconLoader
    from bellbar.ui.quit_signals import QuitSignals

    inbox = Inbox(cache, secrets)
    inbox.badge_counts_unread = counts_unread
    icons = IconLoader(IconCache(paths.cache_dir / "icons"))

    async def main() -> None:
        done = asyncio.Event()
        tray_app = TrayApp(
            inbox,
            config.preferences,
            notice=notice,
            on_quit=done.set,
            account_store=None if throwaway else (paths, secrets),
            icons=icons,
            tray=tray,
        )
        instance.show_requested.connect(tray_app.show_inbox)
        quit_signals = QuitSignals()
        quit_signals.received.connect(done.set)
        if not throwaway:
            tray_app.preferences_changed.connect(lambda p: _save_preferences(paths, p))
        tray_app.start()
        if not config.accounts:
            tray_app.show_welcome()
        inbox.start(list(config.accounts))
        extra = asyncio.create_task(background()) if background else None
        await done.wait()
        if extra is not None:
            extra.cancel()
        quit_signals.close()
        tray.hide()
        tray_app.stop()
        await inbox.stop()
        await icons.aclose()
        cache.close()

    loop = BellbarEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(main())
    finally:
        loop.close()
    return 0


def _install_excepthook() -> None:
    """asyncSlot and Qt callbacks raise into sys.excepthook: log, do not die."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        log.error("unexpected error", exc_info=(kind, value, tb))

    sys.excepthook = hook


def _save_preferences(paths: AppPaths, preferences: Preferences) -> None:
    try:
        update_config(paths.config_file, lambda config: replace(config, preferences=preferences))
    except (BellbarError, OSError) as exc:
        log.warning("could not save the preferences: %s", exc)

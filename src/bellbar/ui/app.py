"""The tray application: wires the Qt-free `Inbox` to the tray, window and pop-ups.

`TrayApp` is composition only: every decision about data lives in
`bellbar.core`, every pixel in the other ui modules. The process around it
(QApplication, the first paint, the qasync loop, shutdown) is `launch.py`.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from bellbar.core.config import Preferences
from bellbar.core.inbox import Inbox
from bellbar.core.model import Account, AccountStatus, Notification, SyncState
from bellbar.core.paths import AppPaths
from bellbar.core.quiet import for_one_hour, until_tomorrow
from bellbar.core.secrets import SecretStore
from bellbar.core.timefmt import relative_time, seconds_until, utc_now
from bellbar.ui.icon_loader import IconLoader
from bellbar.ui.inbox import InboxWindow
from bellbar.ui.inbox_model import InboxModel
from bellbar.ui.popup import PopupStack
from bellbar.ui.quiet_gate import QuietGate, watch_desktop
from bellbar.ui.sound import play_new_message
from bellbar.ui.tray import TrayIcon
from bellbar.ui.widgets import center_on_screen

if TYPE_CHECKING:
    from bellbar.ui.accounts import AccountDialog
    from bellbar.ui.settings import SettingsWindow
    from bellbar.ui.welcome import WelcomeWindow

log = logging.getLogger(__name__)

REFRESH_MS = 50  # at most this often the badge, the list and the pop-ups follow the cache


class TrayApp(QObject):
    """Everything the user sees, connected to one `Inbox`.

    Signals: preferences_changed(Preferences): the tray menu changed one (the
    settings window saves its own); the process saves it.
    """

    preferences_changed = Signal(object)

    def __init__(
        self,
        inbox: Inbox,
        preferences: Preferences,
        *,
        notice: str = "",
        on_quit: Callable[[], None] | None = None,
        account_store: tuple[AppPaths, SecretStore] | None = None,
        icons: IconLoader | None = None,
        tray: TrayIcon | None = None,
    ) -> None:
        super().__init__()
        self.inbox = inbox
        self._account_store = account_store
        self.account_dialog: AccountDialog | None = None
        self.countdown = QTimer(self, interval=1000)
        self.countdown.timeout.connect(self._update_status)
        self.preferences = preferences
        self.quiet = QuietGate(preferences.quiet())
        self.notice = notice
        self.settings_window: SettingsWindow | None = None
        self.welcome: WelcomeWindow | None = None
        self._tasks: set[asyncio.Future[None]] = set()
        self._native_pending = False
        self._statuses: dict[str, tuple[Account, AccountStatus]] = {}
        self._on_quit = on_quit or QApplication.quit
        self._icons = icons
        self._status_text = ""
        self._window: InboxWindow | None = None
        self.popups = PopupStack(preferences.popup_seconds, icons, corner=preferences.popup_corner)
        self.tray = tray or TrayIcon(do_not_disturb=preferences.do_not_disturb)

        self.tray.open_inbox.connect(self.show_inbox)
        self.tray.mark_all_read.connect(inbox.mark_all_read)
        self.tray.do_not_disturb_changed.connect(self._set_do_not_disturb)
        self.tray.pause_requested.connect(self._pause)
        self.tray.settings_requested.connect(self.open_settings)
        self.tray.settings_action.setVisible(account_store is not None)
        self.quiet.quiet_changed.connect(self._on_quiet_changed)
        self.quiet.ended.connect(self._on_quiet_ended)
        self.tray.set_quiet(self.quiet.reason)
        self.tray.quit_requested.connect(self._quit)
        self.tray.add_account.connect(self.open_account_dialog)
        self.tray.add_account_action.setVisible(account_store is not None)
        self.popups.reply_requested.connect(self._reply)
        self.popups.clicked.connect(inbox.mark_read)
        self.popups.summary_clicked.connect(self.show_inbox)
        self._refresh_timer = QTimer(self, singleShot=True)
        self._refresh_timer.timeout.connect(self._refresh)
        self._refreshed_at = 0.0
        inbox.changed.connect(self._schedule_refresh)
        inbox.arrived.connect(self._on_arrived)
        inbox.updated.connect(self.popups.update_notification)
        inbox.status_changed.connect(self._on_status)
        inbox.action_failed.connect(self._on_action_failed)

    @property
    def window(self) -> InboxWindow:
        """The inbox window, built the first time it is needed.

        A tray app spends most of its life with no window open: building the
        list, its model and delegate only on first use keeps idle memory and
        start-up small.
        """
        if self._window is None:
            inbox = self.inbox
            window = InboxWindow(InboxModel(inbox.cache), inbox.capabilities, self._icons)
            window.reply_requested.connect(self._reply)
            window.read_requested.connect(inbox.mark_read)
            window.unread_requested.connect(inbox.mark_unread)
            window.archive_requested.connect(inbox.archive)
            window.delete_requested.connect(inbox.delete)
            window.mark_all_read_requested.connect(inbox.mark_all_read)
            window.shown.connect(self._on_window_shown)
            window.set_status(self._status_text)
            self._window = window
        return self._window

    def show_inbox(self) -> None:
        """Bring the inbox window up (building it if this is the first time)."""
        self.window.present()

    def start(self) -> None:
        """Show the tray icon (or, with no tray, the window) and the badge."""
        self._refresh()
        self._sync_native()
        watch_desktop(self.quiet)
        if TrayIcon.available():
            self.tray.show()
        else:
            self.notice = " ".join(
                filter(None, [self.notice, self.tr("No system tray found: the inbox stays open.")])
            )
            self.show_inbox()
        self._update_status()

    def open_account_dialog(self, account: Account | None = None) -> AccountDialog | None:
        """Add an account, or edit `account` (sign in again after a 401); once
        saved it (re)starts syncing at once."""
        if self._account_store is None:
            return None
        from bellbar.ui.accounts import AccountDialog  # only when asked for: keeps start-up light

        if self.account_dialog is None or account is not None:
            if self.account_dialog is not None:
                self.account_dialog.close()
            self.account_dialog = AccountDialog(*self._account_store)
            self.account_dialog.account_saved.connect(self._on_account_saved)
            if account is not None:
                self.account_dialog.edit(account)
        self.account_dialog.show()
        self.account_dialog.raise_()
        return self.account_dialog

    def show_welcome(self) -> WelcomeWindow:
        """The first-run window: add an account, or try the demo."""
        from bellbar.ui.welcome import WelcomeWindow

        if self.welcome is None:
            self.welcome = WelcomeWindow()
            self.welcome.add_account_requested.connect(self.open_account_dialog)
            self.welcome.add_button.setEnabled(self._account_store is not None)
        self.welcome.present()
        return self.welcome

    def open_settings(self) -> SettingsWindow | None:
        """The settings window, built on first use; its changes apply at once."""
        if self._account_store is None:
            return None
        from bellbar.core.autostart import for_this_platform
        from bellbar.ui.settings import SettingsWindow

        if self.settings_window is None:
            window = SettingsWindow(
                *self._account_store,
                for_this_platform(),
                self._health_of,
                lambda account_id: self.inbox.capabilities(account_id).send_test,
            )
            window.send_test_requested.connect(
                lambda account: self._run(self._send_test(account.id))
            )
            window.preferences_changed.connect(self.apply_preferences)
            window.add_account_requested.connect(self.open_account_dialog)
            window.edit_account_requested.connect(self.open_account_dialog)
            window.account_enabled.connect(self._on_account_enabled)
            window.account_changed.connect(self.inbox.update_account)
            window.account_removed.connect(self._on_account_removed)
            self.settings_window = window
        if not self.settings_window.isVisible():
            center_on_screen(self.settings_window)
        self.settings_window.show()
        self.settings_window.raise_()
        self.settings_window.activateWindow()
        return self.settings_window

    def _health_of(self, account_id: str) -> tuple[AccountStatus | None, str]:
        status = self._statuses.get(account_id)
        last = self.inbox.last_event_at.get(account_id)
        return (status[1] if status else None), (relative_time(last) if last else "")

    def _on_account_enabled(self, account: Account, enabled: bool) -> None:
        if enabled:
            self.inbox.start([account])
        else:
            self._statuses.pop(account.id, None)
            self._run(self.inbox.stop_account(account.id))
        self._update_status()

    def _on_account_removed(self, account: Account) -> None:
        self._statuses.pop(account.id, None)
        self._run(self.inbox.stop_account(account.id, forget=True))
        self._update_status()

    async def _send_test(self, account_id: str) -> None:
        outcome = await self.inbox.send_test(account_id)
        if self.settings_window is not None:
            self.settings_window.show_account_note(outcome)

    async def _restart(self, account: Account) -> None:
        await self.inbox.stop_account(account.id)
        self.inbox.start([account])
        self._update_status()
        if self.settings_window is not None:
            self.settings_window.refresh_accounts()

    def _run(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` on the loop, keeping a reference until it is done."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_account_saved(self, account: Account) -> None:
        self.account_dialog = None
        self.notice = ""
        if self.welcome is not None:
            self.welcome.close()
        if self.inbox.account(account.id) is not None or account.id in self._statuses:
            self._run(self._restart(account))  # edited: sync with the new settings
            return
        self.inbox.start([account])
        self._update_status()
        if self.settings_window is not None:
            self.settings_window.refresh_accounts()

    def _reply(self, item: Notification, action_key: str | None, text: str) -> None:
        try:
            self.inbox.reply(item, action_key, text)
        except ValueError as exc:
            self.window.set_status(str(exc))

    def _on_arrived(self, items: list[Notification]) -> None:
        """Pop up new items, unless their account's pop-ups are off or it is
        quiet. Only the open inbox marks them seen: a pop-up that went
        unnoticed must leave the badge counting."""
        if self._window_visible():
            self.inbox.mark_all_seen()
        wanted = [item for item in items if self._popups_on(item.account)]
        admitted = self.quiet.admit(wanted)
        if admitted:
            self.popups.show_batch(admitted)
            if self.preferences.popup_sound:
                play_new_message()  # once per batch, not once per item

    def _popups_on(self, account_id: str) -> bool:
        account = self.inbox.account(account_id)
        return account is None or account.options.get("popups") != "off"

    def _schedule_refresh(self) -> None:
        """Refresh now, or, when the last refresh was under REFRESH_MS ago, once
        at the end of that spell: a burst of changes costs 20 refreshes a
        second, not one per change."""
        if self._refresh_timer.isActive():
            return
        since_ms = (time.monotonic() - self._refreshed_at) * 1000
        if since_ms >= REFRESH_MS:
            self._refresh()
        else:
            self._refresh_timer.start(max(1, round(REFRESH_MS - since_ms)))

    def _window_visible(self) -> bool:
        return self._window is not None and self._window.isVisible()

    def _refresh(self) -> None:
        """Badge always; the list only while someone can see it (it catches up
        when the window is shown again)."""
        self._refreshed_at = time.monotonic()
        self.tray.set_count(self.inbox.badge_count())
        cache = self.inbox.cache
        self.popups.close_gone(lambda account, nid: cache.get(account, nid) is not None)
        if self._window_visible():
            self._refresh_window()

    def _refresh_window(self) -> None:
        assert self._window is not None
        self._window.model.refresh()
        self._window.set_categories(self.inbox.cache.categories())

    def _on_window_shown(self) -> None:
        self._refresh_window()
        self.inbox.mark_all_seen()

    @property
    def do_not_disturb(self) -> bool:
        return self.preferences.do_not_disturb

    def _set_do_not_disturb(self, enabled: bool) -> None:
        """The tray's switch: on until turned off; off also ends a timed pause."""
        self.apply_preferences(
            replace(
                self.preferences,
                do_not_disturb=enabled,
                dnd_until=self.preferences.dnd_until if enabled else None,
            )
        )
        self.preferences_changed.emit(self.preferences)

    def _pause(self, how_long: str) -> None:
        now = utc_now()
        until = for_one_hour(now) if how_long == "hour" else until_tomorrow(now)
        self.apply_preferences(replace(self.preferences, dnd_until=until))
        self.preferences_changed.emit(self.preferences)

    def apply_preferences(self, preferences: Preferences) -> None:
        """Take new preferences at once: quiet rule, pop-ups, badge."""
        self.preferences = preferences
        self.quiet.set_rule(preferences.quiet())
        self.popups.seconds = preferences.popup_seconds
        self.popups.set_corner(preferences.popup_corner)
        self._sync_native()
        self.inbox.badge_counts_unread = preferences.badge_counts == "unread"
        self.tray.dnd_action.blockSignals(True)
        self.tray.dnd_action.setChecked(preferences.do_not_disturb)
        self.tray.dnd_action.blockSignals(False)
        self.tray.set_quiet(self.quiet.reason)
        self._refresh()

    def _sync_native(self) -> None:
        """Use the desktop's own notifications when asked to and there are any."""
        wanted = self.preferences.native_notifications and sys.platform.startswith("linux")
        if wanted and self.popups.native is None and not self._native_pending:
            self._native_pending = True
            self._run(self._enable_native())
        elif not wanted and self.popups.native is not None:
            self.popups.use_native(None)

    async def _enable_native(self) -> None:
        from bellbar.ui.native_notifications import NativeNotifications

        try:
            native = await NativeNotifications.for_desktop(self.preferences.popup_seconds)
        finally:
            self._native_pending = False
        if native is None:
            self.notice = self.tr(
                "The desktop shows no notifications with buttons: Bellbar draws its own."
            )
            self._update_status()
        elif self.preferences.native_notifications:
            self.popups.use_native(native)

    def _on_quiet_changed(self, reason: str) -> None:
        self.tray.set_quiet(reason)
        if reason:
            self.popups.close_all()

    def _on_quiet_ended(self, held: int) -> None:
        """One pop-up for everything that came while it was quiet."""
        self.popups.show_summary(held, self.tr("%n new while you were away", "", held))

    def _on_status(self, account: Account, status: AccountStatus) -> None:
        self._statuses[account.id] = (account, status)
        self._update_status()
        # Count "next try in N s" down while some account waits; idle otherwise.
        waiting = any(s.retry_at is not None for _, s in self._statuses.values())
        if waiting and not self.countdown.isActive():
            self.countdown.start()
        elif not waiting:
            self.countdown.stop()

    def _on_action_failed(self, account: Account, message: str) -> None:
        self.window.set_status(self.tr("%s: not sent: %s") % (account.name, message))

    def _update_status(self) -> None:
        lines = [self.notice] if self.notice else []
        for account, status in self._statuses.values():
            if status.state in (SyncState.LIVE, SyncState.POLLING):
                continue  # healthy: nothing to say
            text = f"{account.name}: {status.state.value}"
            if status.retry_at is not None:
                text += self.tr(", next try in %d s") % seconds_until(status.retry_at)
            if status.detail and status.state is not SyncState.CONNECTING:
                text += f" ({status.detail})"
            lines.append(text)
        self._status_text = "\n".join(lines)
        if self._window is not None:
            self._window.set_status(self._status_text)
        self.tray.set_status(self._status_text)

    def stop(self) -> None:
        """Before the cache closes: no refresh may still be on its way to it."""
        self._refresh_timer.stop()
        self.countdown.stop()
        self.popups.close_all()

    def _quit(self) -> None:
        self.popups.close_all()
        if self._window is not None:
            self._window.hide()
        self.tray.hide()
        self._on_quit()

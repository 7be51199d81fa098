"""Holds pop-ups back while it is quiet, and says how many when it ends.

`DoNotDisturb` (core) decides whether it is quiet at a given moment; this
gate applies that to arrivals, asks the desktop whether it is in its own
do-not-disturb (at most every few seconds: it is a D-Bus round trip), and
wakes itself at the next edge (a pause running out, a schedule starting or
ending) so that the tray's look and the "12 new while you were away"
summary come on time without polling.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from bellbar.core.model import Notification
from bellbar.core.quiet import DoNotDisturb
from bellbar.core.timefmt import utc_now

if TYPE_CHECKING:
    from PySide6.QtDBus import QDBusConnection

DESKTOP_CHECK_SECONDS = 5.0
MAX_TIMER_MS = 6 * 3600 * 1000  # re-check at least this often (suspend, clock changes)


def _desktop_inhibited() -> bool | None:
    if not sys.platform.startswith("linux"):
        return None
    from bellbar.ui.notification_server import desktop_inhibited

    return desktop_inhibited()


def watch_desktop(gate: QuietGate, bus: QDBusConnection | None = None) -> None:
    """Follow the desktop's do-not-disturb as it changes (Linux, where the
    notification server announces it), so the bell mutes and unmutes at once.
    `bus`: the session bus unless given."""
    if not sys.platform.startswith("linux"):
        return
    from bellbar.ui.notification_server import InhibitedWatcher, session_bus

    bus = bus or session_bus()
    if bus is None:
        return
    watcher = InhibitedWatcher(bus)
    if watcher.listening:
        watcher.setParent(gate)
        watcher.changed.connect(gate.desktop_changed)
        gate.trust_announcements()


class QuietGate(QObject):
    """Signals: quiet_changed(reason or ""), ended(held count)."""

    quiet_changed = Signal(str)
    ended = Signal(int)

    def __init__(
        self,
        rule: DoNotDisturb,
        *,
        desktop_quiet: Callable[[], bool | None] = _desktop_inhibited,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__()
        self._rule = rule
        self._desktop_quiet = desktop_quiet
        self._now = now
        self._desktop: tuple[float, bool] = (-DESKTOP_CHECK_SECONDS, False)
        self._announced = False
        self.held = 0
        self._reason = ""
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.reconsider)
        self.reconsider()

    @property
    def rule(self) -> DoNotDisturb:
        return self._rule

    @property
    def reason(self) -> str:
        """Why it is quiet now ("" when it is not)."""
        return self._reason

    def set_rule(self, rule: DoNotDisturb) -> None:
        self._rule = rule
        self.reconsider()

    def admit(self, items: list[Notification]) -> list[Notification]:
        """The items that may pop up now; the others are counted for the summary."""
        self.reconsider()
        if not self._reason:
            return items
        admitted = [item for item in items if self._rule.breaks_through(item)]
        self.held += len(items) - len(admitted)
        return admitted

    def reconsider(self) -> None:
        """Work out whether it is quiet now; announce a change, and the end."""
        now = self._now()
        reason = self._rule.reason(now, desktop_quiet=self._desktop_is_quiet()) or ""
        if reason != self._reason:
            was_quiet = bool(self._reason)
            self._reason = reason
            self.quiet_changed.emit(reason)
            if was_quiet and not reason and self.held:
                held, self.held = self.held, 0
                self.ended.emit(held)
        edge = self._rule.next_change(now)
        if edge is not None:
            milliseconds = max(0, int((edge - now).total_seconds() * 1000) + 50)
            self._timer.start(min(milliseconds, MAX_TIMER_MS))
        else:
            self._timer.stop()

    def trust_announcements(self) -> None:
        """The desktop will announce each change (`desktop_changed`): keep what
        it says now (asked only if the last answer is stale) and stop asking."""
        self._known_desktop()
        self._announced = True
        self.reconsider()

    def desktop_changed(self, quiet: bool) -> None:
        """The desktop announced its do-not-disturb: take it, and act on it now."""
        self._desktop = (time.monotonic(), quiet)
        self.reconsider()

    def _desktop_is_quiet(self) -> bool:
        return self._rule.follow_desktop and self._known_desktop()

    def _known_desktop(self) -> bool:
        """The desktop's do-not-disturb: announced, or asked at most every
        DESKTOP_CHECK_SECONDS (each question is a D-Bus round trip)."""
        checked_at, quiet = self._desktop
        if not self._announced and time.monotonic() - checked_at >= DESKTOP_CHECK_SECONDS:
            quiet = bool(self._desktop_quiet())
            self._desktop = (time.monotonic(), quiet)
        return quiet

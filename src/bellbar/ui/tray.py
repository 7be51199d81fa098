"""The tray icon: a bell with the unseen count as a badge, and its menu.

When the desktop has no system tray (no StatusNotifier host, no XEmbed
tray), the app still runs: the inbox window stays open and says so.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QGuiApplication, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from bellbar.ui.icons import bell_icon


class TrayIcon(QObject):
    """Owns the QSystemTrayIcon and its menu.

    Signals:
        open_inbox: the user clicked the icon or "Open inbox".
        mark_all_read: "Mark all read".
        add_account: "Add account…".
        do_not_disturb_changed(bool)
        quit_requested: "Quit".
    """

    open_inbox = Signal()
    mark_all_read = Signal()
    add_account = Signal()
    settings_requested = Signal()
    do_not_disturb_changed = Signal(bool)
    pause_requested = Signal(str)  # "hour" or "tomorrow"
    quit_requested = Signal()

    def __init__(self, *, do_not_disturb: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._count = 0
        self._status = ""
        self._quiet_reason = ""
        self._shown_icon: QIcon | None = None
        self._icon = QSystemTrayIcon(parent)
        self.menu = QMenu()
        self.open_action = self._add(self.tr("Open inbox"), self.open_inbox.emit)
        self.mark_all_action = self._add(self.tr("Mark all read"), self.mark_all_read.emit)
        self.dnd_action = QAction(self.tr("Do not disturb"), self.menu)
        self.dnd_action.setCheckable(True)
        self.dnd_action.setChecked(do_not_disturb)
        self.dnd_action.toggled.connect(self._on_dnd)
        self.menu.addAction(self.dnd_action)
        self.pause_hour_action = self._add(
            self.tr("Pause for 1 hour"), lambda: self.pause_requested.emit("hour")
        )
        self.pause_tomorrow_action = self._add(
            self.tr("Pause until tomorrow"), lambda: self.pause_requested.emit("tomorrow")
        )
        self.menu.addSeparator()
        self.add_account_action = self._add(self.tr("Add account…"), self.add_account.emit)
        self.settings_action = self._add(self.tr("Settings…"), self.settings_requested.emit)
        self.menu.addSeparator()
        self.quit_action = self._add(self.tr("Quit"), self.quit_requested.emit)
        self._icon.setContextMenu(self.menu)
        self._icon.activated.connect(self._on_activated)
        hints = QGuiApplication.styleHints()
        if hints is not None:  # a light or dark panel now: the bell's outline follows
            hints.colorSchemeChanged.connect(lambda _scheme: self._refresh())
        self._refresh()

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        self._icon.show()

    def hide(self) -> None:
        self._icon.hide()

    def is_visible(self) -> bool:
        return self._icon.isVisible()

    def set_count(self, count: int) -> None:
        if count != self._count:
            self._count = count
            self._refresh()

    def set_quiet(self, reason: str) -> None:
        """Show the muted bell while it is quiet for any reason (a pause, the
        schedule, the desktop), with the reason in the tooltip."""
        if reason != self._quiet_reason:
            self._quiet_reason = reason
            self._refresh()

    def set_status(self, status: str) -> None:
        self._status = status
        self._refresh()

    @property
    def count(self) -> int:
        return self._count

    @property
    def tooltip(self) -> str:
        return self._icon.toolTip()

    def _add(self, text: str, slot: object) -> QAction:
        action = QAction(text, self.menu)
        action.triggered.connect(slot)
        self.menu.addAction(action)
        return action

    def _on_dnd(self, checked: bool) -> None:
        self._refresh()
        self.do_not_disturb_changed.emit(checked)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_inbox.emit()

    def _refresh(self) -> None:
        muted = self.dnd_action.isChecked() or bool(self._quiet_reason)
        icon = bell_icon(self._count, muted=muted)
        if icon is not self._shown_icon:  # the same badge: the tray host need not redraw
            self._shown_icon = icon
            self._icon.setIcon(icon)
        lines = ["Bellbar"]
        lines.append(
            self.tr("%n unseen", "", self._count) if self._count else self.tr("Nothing new")
        )
        if muted:
            reason = self._quiet_reason if self._quiet_reason not in ("", "on") else ""
            lines.append(
                self.tr("Do not disturb: %s") % reason
                if reason
                else self.tr("Do not disturb is on")
            )
        if self._status:
            lines.append(self._status)
        self._icon.setToolTip("\n".join(lines))

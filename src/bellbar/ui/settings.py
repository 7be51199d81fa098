"""The settings window: accounts and their health, pop-ups, Do not disturb, start at login.

Every change is saved at once (there is no Apply button to forget): the
settings file is re-read first, so an account added meanwhile with
`bellbar accounts add` survives, and `preferences_changed` tells the running
app. Removing an account deletes its keyring entry.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from bellbar.core.accounts import remove_account
from bellbar.core.autostart import Autostart, launch_command
from bellbar.core.config import POPUP_CORNERS, Config, Preferences, load_config, update_config
from bellbar.core.errors import BellbarError
from bellbar.core.model import Account, AccountStatus, SyncState
from bellbar.core.paths import AppPaths
from bellbar.core.quiet import for_one_hour, until_tomorrow
from bellbar.core.secrets import SecretStore
from bellbar.core.timefmt import seconds_until, utc_now
from bellbar.ui.accounts import PROVIDERS

# Marked for lupdate; `self.tr` translates them where they are shown.
CORNER_LABELS = {
    "bottom-right": QT_TRANSLATE_NOOP("SettingsWindow", "Bottom right"),
    "bottom-left": QT_TRANSLATE_NOOP("SettingsWindow", "Bottom left"),
    "top-right": QT_TRANSLATE_NOOP("SettingsWindow", "Top right"),
    "top-left": QT_TRANSLATE_NOOP("SettingsWindow", "Top left"),
}
STATE_LABELS = {
    SyncState.CONNECTING: QT_TRANSLATE_NOOP("SettingsWindow", "Connecting"),
    SyncState.LIVE: QT_TRANSLATE_NOOP("SettingsWindow", "Live"),
    SyncState.POLLING: QT_TRANSLATE_NOOP("SettingsWindow", "Polling"),
    SyncState.RETRYING: QT_TRANSLATE_NOOP("SettingsWindow", "Retrying"),
    SyncState.SIGNED_OUT: QT_TRANSLATE_NOOP("SettingsWindow", "Signed out: sign in again"),
    SyncState.STOPPED: QT_TRANSLATE_NOOP("SettingsWindow", "Stopped"),
}
DEFAULT_QUIET_HOURS = ("22:00", "07:00")
PROVIDER_LABELS = dict(PROVIDERS)


class SettingsWindow(QWidget):
    """Signals:
    preferences_changed(Preferences)
    account_enabled(Account, bool), account_removed(Account), account_changed(Account)
    add_account_requested(), edit_account_requested(Account), send_test_requested(Account)
    """

    preferences_changed = Signal(object)
    account_enabled = Signal(object, bool)
    account_removed = Signal(object)
    add_account_requested = Signal()
    edit_account_requested = Signal(object)  # Account: change it, or sign in again
    send_test_requested = Signal(object)  # Account
    account_changed = Signal(object)  # Account: an option that needs no restart (pop-ups)

    def __init__(
        self,
        paths: AppPaths,
        secrets: SecretStore,
        autostart: Autostart,
        status_of: Callable[[str], tuple[AccountStatus | None, str]] = lambda _: (None, ""),
        can_send_test: Callable[[str], bool] = lambda _: False,
    ) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("Bellbar settings"))
        self.resize(520, 460)
        self._paths, self._secrets, self._autostart = paths, secrets, autostart
        self._status_of = status_of
        self._can_send_test = can_send_test
        self._loading = False
        self.tabs = QTabWidget()
        self.tabs.addTab(self._accounts_tab(), self.tr("Accounts"))
        self.tabs.addTab(self._popups_tab(), self.tr("Pop-ups"))
        self.tabs.addTab(self._quiet_tab(), self.tr("Do not disturb"))
        self.tabs.addTab(self._general_tab(), self.tr("General"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self._health_timer = QTimer(self, interval=1000)
        self._health_timer.timeout.connect(self.refresh_accounts)
        self.load()

    # ---- building -------------------------------------------------------

    def _accounts_tab(self) -> QWidget:
        tab = QWidget()
        self.account_list = QListWidget()
        self.account_list.setAccessibleName(self.tr("Accounts"))
        self.account_list.setSpacing(3)
        self.account_list.currentRowChanged.connect(self._on_account_selected)
        self.add_button = QPushButton(self.tr("Add…"))
        self.add_button.clicked.connect(self.add_account_requested)
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.clicked.connect(self._on_edit)
        self.enabled_box = QCheckBox(self.tr("Enabled"))
        self.enabled_box.toggled.connect(self._on_enabled)
        self.popups_box = QCheckBox(self.tr("Pop-ups"))
        self.popups_box.toggled.connect(self._on_account_popups)
        self.remove_button = QPushButton(self.tr("Remove…"))
        self.remove_button.clicked.connect(self._on_remove)
        self.test_button = QPushButton(self.tr("Send test"))
        self.test_button.setToolTip(self.tr("Ask the server to send you a test message"))
        self.test_button.clicked.connect(self._on_send_test)
        self.account_note = QLabel()
        self.account_note.setTextFormat(Qt.TextFormat.PlainText)
        self.account_note.setWordWrap(True)
        self.account_note.setAccessibleName(self.tr("Account message"))
        buttons = QHBoxLayout()
        for widget in (
            self.add_button,
            self.edit_button,
            self.enabled_box,
            self.popups_box,
            self.test_button,
            self.remove_button,
        ):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.account_list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.account_note)
        return tab

    def _popups_tab(self) -> QWidget:
        tab = QWidget()
        self.popup_seconds = QSpinBox()
        self.popup_seconds.setRange(2, 120)
        self.popup_seconds.setSuffix(self.tr(" s"))
        self.popup_corner = QComboBox()
        for corner in POPUP_CORNERS:
            self.popup_corner.addItem(self.tr(str(CORNER_LABELS[corner])), corner)
        self.popup_sound = QCheckBox(self.tr("Play a sound"))
        self.native = QCheckBox(self.tr("Use the desktop's own notifications"))
        self.native.setToolTip(
            self.tr(
                "Buttons become notification actions, with inline reply where the desktop "
                "offers it; questions it cannot show stay Bellbar pop-ups."
            )
        )
        self.native.setVisible(sys.platform.startswith("linux"))
        self.badge_unread = QComboBox()
        self.badge_unread.addItem(self.tr("Unseen"), "unseen")
        self.badge_unread.addItem(self.tr("Unread"), "unread")
        form = QFormLayout(tab)
        form.addRow(self.tr("Show each pop-up for"), self.popup_seconds)
        form.addRow(self.tr("Screen corner"), self.popup_corner)
        form.addRow("", self.popup_sound)
        form.addRow("", self.native)
        form.addRow(self.tr("The badge counts"), self.badge_unread)
        for signal in (
            self.popup_seconds.valueChanged,
            self.popup_corner.currentIndexChanged,
            self.popup_sound.toggled,
            self.native.toggled,
            self.badge_unread.currentIndexChanged,
        ):
            signal.connect(self._save_preferences)
        return tab

    def _quiet_tab(self) -> QWidget:
        tab = QWidget()
        self.dnd_on = QCheckBox(self.tr("Do not disturb now"))
        self.pause_hour = QPushButton(self.tr("Pause for 1 hour"))
        self.pause_hour.clicked.connect(lambda: self._pause(for_one_hour(utc_now())))
        self.pause_tomorrow = QPushButton(self.tr("Pause until tomorrow"))
        self.pause_tomorrow.clicked.connect(lambda: self._pause(until_tomorrow(utc_now())))
        self.resume = QPushButton(self.tr("Resume"))
        self.resume.clicked.connect(lambda: self._pause(None))
        self.paused_until = QLabel()
        pauses = QHBoxLayout()
        for widget in (self.pause_hour, self.pause_tomorrow, self.paused_until, self.resume):
            pauses.addWidget(widget)
        pauses.addStretch(1)
        self.quiet_hours_on = QCheckBox(self.tr("Every day from"))
        self.quiet_start = QTimeEdit()
        self.quiet_end = QTimeEdit()
        for edit in (self.quiet_start, self.quiet_end):
            edit.setDisplayFormat("HH:mm")
        self.quiet_start.setAccessibleName(self.tr("Quiet hours start"))
        self.quiet_end.setAccessibleName(self.tr("Quiet hours end"))
        hours = QHBoxLayout()
        hours.addWidget(self.quiet_hours_on)
        hours.addWidget(self.quiet_start)
        hours.addWidget(QLabel(self.tr("to")))
        hours.addWidget(self.quiet_end)
        hours.addStretch(1)
        self.follow_desktop = QCheckBox(self.tr("Also when the desktop is in do not disturb"))
        self.urgent = QCheckBox(self.tr("Let urgent items through (failed deliveries)"))
        self.urgent_categories = QLineEdit()
        self.urgent_categories.setPlaceholderText(self.tr("ops, security"))
        self.urgent_categories.setAccessibleName(self.tr("Urgent categories"))
        form = QFormLayout(tab)
        form.addRow(self.dnd_on)
        form.addRow(pauses)
        form.addRow(hours)
        form.addRow(self.follow_desktop)
        form.addRow(self.urgent)
        form.addRow(self.tr("Urgent categories"), self.urgent_categories)
        explain = QLabel(
            self.tr(
                "While it is quiet the badge and the inbox keep counting; when it ends, one "
                "pop-up says how many came."
            )
        )
        explain.setWordWrap(True)
        form.addRow(explain)
        for signal in (
            self.dnd_on.toggled,
            self.quiet_hours_on.toggled,
            self.quiet_start.timeChanged,
            self.quiet_end.timeChanged,
            self.follow_desktop.toggled,
            self.urgent.toggled,
            self.urgent_categories.editingFinished,
        ):
            signal.connect(self._save_preferences)
        return tab

    def _general_tab(self) -> QWidget:
        from bellbar import __version__

        tab = QWidget()
        self.start_at_login = QCheckBox(self.tr("Start Bellbar when I log in"))
        self.start_at_login.toggled.connect(self._on_start_at_login)
        form = QFormLayout(tab)
        form.addRow(self.start_at_login)
        form.addRow(self.tr("Version"), QLabel(__version__))
        form.addRow(self.tr("Settings file"), QLabel(str(self._paths.config_file)))
        return tab

    # ---- loading and saving --------------------------------------------

    def load(self) -> None:
        """Show what the settings file and the system say now."""
        self._loading = True
        try:
            config = self._config()
            p = config.preferences
            self.popup_seconds.setValue(p.popup_seconds)
            self.popup_corner.setCurrentIndex(POPUP_CORNERS.index(p.popup_corner))
            self.popup_sound.setChecked(p.popup_sound)
            self.native.setChecked(p.native_notifications)
            self.badge_unread.setCurrentIndex(1 if p.badge_counts == "unread" else 0)
            self.dnd_on.setChecked(p.do_not_disturb)
            self._show_pause(p.dnd_until)
            start, end = p.quiet_hours or DEFAULT_QUIET_HOURS
            self.quiet_hours_on.setChecked(p.quiet_hours is not None)
            self.quiet_start.setTime(QTime.fromString(start, "HH:mm"))
            self.quiet_end.setTime(QTime.fromString(end, "HH:mm"))
            self.follow_desktop.setChecked(p.dnd_follows_desktop)
            self.urgent.setChecked(p.urgent_breaks_through)
            self.urgent_categories.setText(", ".join(p.urgent_categories))
            self.start_at_login.setChecked(self._autostart.is_enabled())
            self.refresh_accounts()
        finally:
            self._loading = False

    def preferences(self) -> Preferences:
        """The preferences the form shows (timed pauses are kept as they are)."""
        current = self._config().preferences
        categories = [c.strip() for c in self.urgent_categories.text().split(",")]
        quiet_hours = (
            (self.quiet_start.time().toString("HH:mm"), self.quiet_end.time().toString("HH:mm"))
            if self.quiet_hours_on.isChecked()
            else None
        )
        return replace(
            current,
            popup_seconds=self.popup_seconds.value(),
            popup_corner=str(self.popup_corner.currentData()),
            popup_sound=self.popup_sound.isChecked(),
            native_notifications=self.native.isChecked(),
            badge_counts=str(self.badge_unread.currentData()),
            do_not_disturb=self.dnd_on.isChecked(),
            quiet_hours=quiet_hours,
            dnd_follows_desktop=self.follow_desktop.isChecked(),
            urgent_breaks_through=self.urgent.isChecked(),
            urgent_categories=tuple(c for c in categories if c),
        )

    def _save_preferences(self) -> None:
        if self._loading:
            return
        preferences = self.preferences()
        self._write(lambda config: replace(config, preferences=preferences))
        self.preferences_changed.emit(preferences)

    def _pause(self, until: datetime | None) -> None:
        """A timed pause from here (the tray menu offers the same), or its end."""
        preferences = replace(self._config().preferences, dnd_until=until)
        if self._write(lambda config: replace(config, preferences=preferences)) is not None:
            self._show_pause(until)
            self.preferences_changed.emit(preferences)

    def _show_pause(self, until: datetime | None) -> None:
        running = until is not None and until > utc_now()
        if running and until is not None:
            self.paused_until.setText(self.tr("Paused until %s") % f"{until.astimezone():%a %H:%M}")
        self.paused_until.setVisible(running)
        self.resume.setVisible(running)

    def _config(self) -> Config:
        try:
            return load_config(self._paths.config_file)
        except BellbarError:
            return Config()

    def _write(self, change: Callable[[Config], Config]) -> Config | None:
        try:
            config = update_config(self._paths.config_file, change)
        except (BellbarError, OSError) as exc:
            QMessageBox.warning(self, self.tr("Bellbar"), self.tr("Not saved: %s") % exc)
            return None
        return config

    # ---- accounts --------------------------------------------------------

    def refresh_accounts(self) -> None:
        """Each account with its state and its last event, e.g. "Live · last event 2 min ago"."""
        selected = self.account_list.currentRow()
        self.account_list.clear()
        for account in self._config().accounts:
            provider = PROVIDER_LABELS.get(account.provider, account.provider)
            item = QListWidgetItem(f"{account.name} · {provider}\n{self._health(account)}")
            item.setData(Qt.ItemDataRole.UserRole, account)
            self.account_list.addItem(item)
        if self.account_list.count():
            self.account_list.setCurrentRow(max(0, min(selected, self.account_list.count() - 1)))
        self._on_account_selected(self.account_list.currentRow())

    def _health(self, account: Account) -> str:
        if not account.enabled:
            return self.tr("Disabled")
        status, last_event = self._status_of(account.id)
        state = self.tr(str(STATE_LABELS[status.state])) if status else self.tr("Not started")
        if status is not None and status.retry_at is not None:
            state += self.tr(", next try in %d s") % seconds_until(status.retry_at)
        signed_out = status is not None and status.state is SyncState.SIGNED_OUT
        if signed_out and status is not None and status.detail and status.detail not in state:
            state += f" ({status.detail})"
        if last_event:
            state += " · " + self.tr("last event %s") % last_event
        return state

    def selected_account(self) -> Account | None:
        item = self.account_list.currentItem()
        account = item.data(Qt.ItemDataRole.UserRole) if item else None
        return account if isinstance(account, Account) else None

    def _on_account_selected(self, _row: int) -> None:
        account = self.selected_account()
        for widget in (self.edit_button, self.enabled_box, self.popups_box, self.remove_button):
            widget.setEnabled(account is not None)
        status, _ = self._status_of(account.id) if account else (None, "")
        signed_out = status is not None and status.state is SyncState.SIGNED_OUT
        self.edit_button.setText(self.tr("Sign in again…") if signed_out else self.tr("Edit…"))
        self.test_button.setEnabled(
            account is not None and account.enabled and self._can_send_test(account.id)
        )
        self._loading, was_loading = True, self._loading
        self.enabled_box.setChecked(bool(account and account.enabled))
        self.popups_box.setChecked(bool(account and account.options.get("popups") != "off"))
        self._loading = was_loading

    def _update_account(self, changed: Account) -> None:
        self._write(lambda config: config.with_account(changed))
        self.refresh_accounts()

    def _on_enabled(self, enabled: bool) -> None:
        account = self.selected_account()
        if self._loading or account is None or account.enabled == enabled:
            return
        self._update_account(replace(account, enabled=enabled))
        self.account_enabled.emit(replace(account, enabled=enabled), enabled)

    def _on_send_test(self) -> None:
        account = self.selected_account()
        if account is not None:
            self.show_account_note(self.tr("Sending a test message…"))
            self.send_test_requested.emit(account)

    def show_account_note(self, text: str) -> None:
        """A line under the buttons: how "Send test" went."""
        self.account_note.setText(text)

    def _on_edit(self) -> None:
        account = self.selected_account()
        if account is not None:
            self.edit_account_requested.emit(account)

    def _on_account_popups(self, on: bool) -> None:
        account = self.selected_account()
        if self._loading or account is None:
            return
        changed = replace(account, options={**account.options, "popups": "on" if on else "off"})
        self._update_account(changed)
        self.account_changed.emit(changed)

    def _on_remove(self) -> None:
        account = self.selected_account()
        if account is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Remove account"),
            self.tr("Remove %s? Its token is deleted from the keyring.") % account.name,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.remove(account)

    def remove(self, account: Account) -> None:
        """Forget the account and delete its keyring entry."""
        try:
            remove_account(self._paths, self._secrets, account.name)
        except BellbarError as exc:
            QMessageBox.warning(self, self.tr("Bellbar"), str(exc))
            return
        self.account_removed.emit(account)
        self.refresh_accounts()

    # ---- start at login ---------------------------------------------------

    def _on_start_at_login(self, on: bool) -> None:
        if self._loading:
            return
        try:
            if on:
                self._autostart.enable(launch_command())
            else:
                self._autostart.disable()
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Bellbar"), self.tr("Not changed: %s") % exc)
        self._loading = True
        self.start_at_login.setChecked(self._autostart.is_enabled())  # what is really there
        self._loading = False

    def showEvent(self, event: object) -> None:
        self.load()
        self._health_timer.start()
        super().showEvent(event)  # type: ignore[arg-type]

    def hideEvent(self, event: object) -> None:
        self._health_timer.stop()
        super().hideEvent(event)  # type: ignore[arg-type]

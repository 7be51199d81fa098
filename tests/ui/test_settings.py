"""Settings window, welcome window and the quiet gate, driven as a user would."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QMessageBox

from bellbar.core.accounts import save_account
from bellbar.core.autostart import XdgAutostart
from bellbar.core.config import load_config
from bellbar.core.model import Account, AccountStatus, Notification, SyncState
from bellbar.core.paths import AppPaths
from bellbar.core.quiet import DoNotDisturb
from bellbar.core.secrets import MemorySecrets
from bellbar.ui.quiet_gate import QuietGate
from bellbar.ui.settings import SettingsWindow
from bellbar.ui.welcome import WelcomeWindow


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "cache", tmp_path / "log")
    paths.ensure()
    return paths


def test_settings_save_at_once_and_reflect_the_system(
    qtbot, paths: AppPaths, tmp_path: Path
) -> None:
    secrets = MemorySecrets()
    work = save_account(
        paths, secrets, Account("w1", "Work", "botbell", "http://127.0.0.1:1"), "token-1"
    )
    autostart = XdgAutostart(tmp_path / "xdg")
    statuses = {work.id: (AccountStatus(SyncState.LIVE, "live"), "2 min ago")}
    window = SettingsWindow(paths, secrets, autostart, lambda aid: statuses.get(aid, (None, "")))
    qtbot.addWidget(window)
    window.show()
    assert window.account_list.item(0).text() == (
        "Work · Bellbar hub (BotBell)\nLive · last event 2 min ago"
    )

    with qtbot.waitSignal(window.preferences_changed) as changed:
        window.popup_corner.setCurrentIndex(window.popup_corner.findData("top-left"))
    assert changed.args[0].popup_corner == "top-left"
    assert load_config(paths.config_file).preferences.popup_corner == "top-left"

    window.tabs.setCurrentIndex(2)
    window.quiet_start.setTime(QTime(21, 30))
    window.quiet_hours_on.setChecked(True)
    window.urgent_categories.setText("ops, security")
    window.urgent_categories.editingFinished.emit()
    saved = load_config(paths.config_file).preferences
    assert saved.quiet_hours == ("21:30", "07:00")
    assert saved.urgent_categories == ("ops", "security")

    assert not window.resume.isVisible()
    with qtbot.waitSignal(window.preferences_changed) as paused:
        window.pause_hour.click()
    until = paused.args[0].dnd_until
    assert until is not None and 3590 < (until - datetime.now(UTC)).total_seconds() <= 3600
    assert load_config(paths.config_file).preferences.dnd_until == until
    assert window.resume.isVisible() and window.paused_until.text().startswith("Paused until ")
    with qtbot.waitSignal(window.preferences_changed) as resumed:
        window.resume.click()
    assert resumed.args[0].dnd_until is None and not window.resume.isVisible()

    window.start_at_login.setChecked(True)
    assert autostart.is_enabled() and "-m bellbar" in autostart.path.read_text()
    autostart.disable()  # removed outside Bellbar: the window shows what is really there
    window.hide()
    window.show()
    assert not window.start_at_login.isChecked()

    window.popups_box.setChecked(False)
    assert load_config(paths.config_file).accounts[0].options["popups"] == "off"
    with qtbot.waitSignal(window.account_enabled) as enabled:
        window.enabled_box.setChecked(False)
    assert enabled.args[1] is False
    assert "Disabled" in window.account_list.item(0).text()


def test_removing_an_account_deletes_its_keyring_entry(
    qtbot, paths: AppPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = MemorySecrets()
    account = save_account(
        paths, secrets, Account("a1", "Old", "botbell", "http://127.0.0.1:1"), "secret"
    )
    window = SettingsWindow(paths, secrets, XdgAutostart(tmp_path / "xdg"))
    qtbot.addWidget(window)
    monkeypatch.setattr(
        QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes
    )  # the confirmation, answered
    with qtbot.waitSignal(window.account_removed):
        window.remove_button.click()
    assert secrets.get(account.id) is None
    assert load_config(paths.config_file).accounts == ()
    assert window.account_list.count() == 0 and not window.remove_button.isEnabled()


def test_welcome_offers_an_account_or_the_demo(qtbot) -> None:
    welcome = WelcomeWindow()
    qtbot.addWidget(welcome)
    welcome.present()
    assert welcome.add_button.isDefault()
    with qtbot.waitSignal(welcome.add_account_requested):
        qtbot.mouseClick(welcome.add_button, Qt.MouseButton.LeftButton)
    assert welcome.demo_button.text() == "Try the demo"


def item(status: str = "", category: str = "") -> Notification:
    return Notification("a", "1", "t", "", datetime.now(UTC), status=status, category=category)


def test_the_quiet_gate_holds_counts_lets_urgent_through_and_sums_up(qtbot) -> None:
    desktop = {"quiet": False}
    gate = QuietGate(DoNotDisturb(), desktop_quiet=lambda: desktop["quiet"])
    assert len(gate.admit([item(), item()])) == 2, "not quiet: everything pops up"

    until = datetime.now(UTC) + timedelta(milliseconds=300)
    with qtbot.waitSignal(gate.quiet_changed) as changed:
        gate.set_rule(replace(gate.rule, until=until, urgent_categories=frozenset({"ops"})))
    assert changed.args[0].startswith("until ")
    urgent = [item(status="permanent-failure"), item(category="ops")]
    assert gate.admit([item(), item(), *urgent]) == urgent
    with qtbot.waitSignal(gate.ended, timeout=3000) as ended:
        pass  # the pause runs out by itself: the gate set a timer for it
    assert ended.args == [2] and gate.reason == ""


def test_the_desktops_own_do_not_disturb_is_followed_when_asked(qtbot) -> None:
    desktop = {"quiet": True}
    follows = QuietGate(DoNotDisturb(), desktop_quiet=lambda: desktop["quiet"])
    assert follows.reason == "the desktop's do not disturb"
    assert follows.admit([item()]) == []
    ignores = QuietGate(DoNotDisturb(follow_desktop=False), desktop_quiet=lambda: True)
    loud = item()
    assert ignores.admit([loud]) == [loud]


def test_a_signed_out_account_asks_to_sign_in_again(qtbot, paths: AppPaths, tmp_path: Path) -> None:
    from bellbar.ui.accounts import AccountDialog

    secrets = MemorySecrets()
    account = Account("s1", "Staging", "magicbell", "https://mb.example", {"api_key": "pk"})
    save_account(paths, secrets, replace(account, options={**account.options, "email": "a@b.c"}),
                 "old")  # fmt: skip
    signed_out = AccountStatus(SyncState.SIGNED_OUT, "sign in again")
    window = SettingsWindow(paths, secrets, XdgAutostart(tmp_path), lambda _: (signed_out, ""))
    qtbot.addWidget(window)
    assert window.account_list.item(0).text().endswith("Signed out: sign in again")
    assert window.edit_button.text() == "Sign in again…"
    with qtbot.waitSignal(window.edit_account_requested) as asked:
        window.edit_button.click()
    dialog = AccountDialog(paths, secrets)
    qtbot.addWidget(dialog)
    dialog.edit(asked.args[0])
    assert dialog.provider_key == "magicbell" and dialog.name.isReadOnly()
    assert dialog.url.text() == "https://mb.example" and dialog.api_key.text() == "pk"
    dialog.secret.setText("new-secret")
    with qtbot.waitSignal(dialog.account_saved) as saved:
        dialog.save()
    assert saved.args[0].id == "s1", "same account, same keyring entry"
    assert secrets.get("s1") == "new-secret"


def test_settings_apply_to_the_running_tray(
    qtbot, qloop, paths: AppPaths, tmp_path: Path, hub, user, bot
) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from bellbar.core.cache import Cache
    from bellbar.core.config import Preferences
    from bellbar.core.inbox import Inbox
    from bellbar.ui.app import TrayApp
    from tests.helpers.qt import until

    secrets = MemorySecrets()
    account = save_account(
        paths, secrets, Account("h1", "Hub", "botbell", hub.url), user.user_token
    )
    cache = Cache(tmp_path / "cache.sqlite3")
    inbox = Inbox(cache, secrets)
    app = TrayApp(inbox, Preferences(popup_seconds=30), account_store=(paths, secrets))

    async def scenario() -> None:
        app.start()
        app.window.hide()  # offscreen has no tray, so start() showed it
        inbox.start([account])
        await until(lambda: inbox.statuses()["h1"].state is SyncState.LIVE)
        settings = app.open_settings()
        assert settings is not None and settings.test_button.isEnabled()
        settings.popups_box.setChecked(False)  # this account's pop-ups off, at once
        await hub.push_async(bot, message="quietly")
        await until(lambda: app.tray.count == 1)
        await asyncio.sleep(0.2)
        assert app.popups.popups == []
        settings.popup_corner.setCurrentIndex(settings.popup_corner.findData("top-left"))
        assert app.popups.corner == "top-left"
        settings.badge_unread.setCurrentIndex(1)
        assert inbox.badge_counts_unread
        settings.hide()
        app.stop()
        await inbox.stop()
        cache.close()

    qloop.run_until_complete(scenario())

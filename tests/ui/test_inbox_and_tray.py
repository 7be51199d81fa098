"""Inbox window, tray badge and menu, Do not disturb, hostile text."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from bellbar.core.model import Notification
from bellbar.ui.inbox_delegate import chip_rect
from bellbar.ui.inbox_model import NotificationRole
from tests.helpers.hub import HubBot, HubProcess, HubUser
from tests.helpers.qt import until
from tests.helpers.webhook import WebhookReceiver
from tests.ui.conftest import TrayHarness


def rows(harness: TrayHarness) -> list[Notification]:
    model = harness.app.window.model
    return [model.index(r).data(NotificationRole) for r in range(model.rowCount())]


def test_inbox_lists_newest_first_and_answers_inline(
    qtbot, qloop, hub: HubProcess, user: HubUser, receiver: WebhookReceiver, harness: TrayHarness
) -> None:
    bot = hub.create_bot(user, "Release bot", reply_url=receiver.url)

    async def scenario() -> None:
        await harness.start_live(hide_window=True)
        first = await hub.push_async(bot, message="older", title="First")
        second = await hub.push_async(
            bot,
            message="Ship it?",
            title="Second",
            actions=[{"key": "yes", "label": "Ship"}, {"key": "no", "label": "Hold"}],
        )
        await until(lambda: harness.app.tray.count == 2, what="badge counts both")
        window = harness.app.window
        assert window.model.rowCount() == 0, "a hidden list is not kept up to date"
        window.present()
        qtbot.waitExposed(window)
        assert [n.id for n in rows(harness)] == [second, first]
        await until(lambda: harness.app.tray.count == 0, what="opening the inbox marks seen")
        assert all(not n.is_read for n in rows(harness))
        view = window.view
        question = rows(harness)[0]
        rect = view.visualRect(harness.app.window.model.index(0))
        chip = chip_rect(rect, question, view.font(), "yes")
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=chip.center())
        hooks = await until(lambda: receiver.received, what="webhook")
        assert b'"content":"Ship"' in hooks[0].body
        await until(
            lambda: rows(harness)[0].reply is not None and not rows(harness)[0].reply.pending
        )
        assert rows(harness)[0].is_read and not rows(harness)[1].is_read
        window.mark_all_button.click()
        await until(lambda: all(n.is_read for n in rows(harness)))
        await harness.stop()

    qloop.run_until_complete(scenario())


def test_do_not_disturb_holds_popups_but_the_badge_counts(
    qtbot, qloop, hub: HubProcess, bot: HubBot, harness: TrayHarness
) -> None:
    async def scenario() -> None:
        await harness.start_live(hide_window=True)
        menu = [a.text() for a in harness.app.tray.menu.actions() if a.isVisible() and a.text()]
        assert menu == [
            "Open inbox",
            "Mark all read",
            "Do not disturb",
            "Pause for 1 hour",
            "Pause until tomorrow",
            "Quit",
        ]
        assert harness.app.open_account_dialog() is None  # this harness has no account store
        harness.app.tray.dnd_action.trigger()
        assert harness.app.do_not_disturb
        await hub.push_async(bot, message="quiet please")
        await until(lambda: harness.app.tray.count == 1)
        await asyncio.sleep(0.2)
        assert harness.app.popups.popups == []
        assert "Do not disturb is on" in harness.app.tray.tooltip
        harness.app.tray.dnd_action.trigger()
        titles = [p.notification.title for p in harness.app.popups.popups]
        assert titles == ["1 new while you were away"], "one summary, not a flood"
        await hub.push_async(bot, message="loud again")
        await until(lambda: len(harness.app.popups.popups) == 2)
        await until(lambda: harness.app.tray.count == 2)
        harness.app.tray.mark_all_action.trigger()
        await until(lambda: harness.app.tray.count == 0)
        await harness.stop()

    qloop.run_until_complete(scenario())


def test_hostile_text_is_shown_inert(
    qtbot, qloop, hub: HubProcess, bot: HubBot, harness: TrayHarness
) -> None:
    hostile_title = "<b>bold</b><script>alert(1)</script>\u202egnp.exe"
    hostile_body = "<img src=x onerror=alert(1)>" + "A" * 100_000 + "\u200b\x07"

    async def scenario() -> None:
        await harness.start_live(hide_window=True)
        await hub.push_async(
            bot, title=hostile_title, message=hostile_body[:4000], url="https://example.com/ok"
        )
        popup = await until(lambda: harness.app.popups.popups and harness.app.popups.popups[-1])
        labels = popup.findChildren(QLabel)
        assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
        texts = [label.text() for label in labels]
        assert "<b>bold</b><script>alert(1)</script>gnp.exe" in texts
        assert all("\u202e" not in t and "\u200b" not in t and "\x07" not in t for t in texts)
        assert max(len(t) for t in texts) <= 300
        await harness.stop()

    qloop.run_until_complete(scenario())


def test_sound_once_per_batch_and_only_when_asked(
    qtbot, qloop, hub: HubProcess, bot: HubBot, harness: TrayHarness, monkeypatch
) -> None:
    from dataclasses import replace

    from bellbar.ui import app as app_module

    played: list[None] = []
    monkeypatch.setattr(app_module, "play_new_message", lambda: played.append(None))

    async def scenario() -> None:
        await harness.start_live(hide_window=True)
        await hub.push_async(bot, message="silent")
        await until(lambda: harness.app.popups.popups)
        assert played == []
        harness.app.apply_preferences(replace(harness.app.preferences, popup_sound=True))
        await hub.push_async(bot, message="with a sound")
        await until(lambda: len(harness.app.popups.popups) == 2)
        assert played == [None]
        await harness.stop()

    qloop.run_until_complete(scenario())


def test_send_test_brings_a_test_question_from_the_hub(
    qtbot, qloop, hub: HubProcess, harness: TrayHarness
) -> None:
    async def scenario() -> None:
        await harness.start_live(hide_window=True)
        assert harness.inbox.capabilities("acc").send_test
        outcome = await harness.inbox.send_test("acc")
        assert outcome == "Test message sent: it should pop up in a moment."
        popup = await until(lambda: harness.app.popups.popups and harness.app.popups.popups[0])
        assert popup.notification.title == "Test from Bellbar"
        assert popup.notification.sender == "Bellbar"
        assert list(popup.buttons) == ["works", "later"]
        assert await harness.inbox.send_test("nope") == (
            "This account cannot send itself a test message."
        )
        await harness.stop()

    qloop.run_until_complete(scenario())

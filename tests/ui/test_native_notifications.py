"""The desktop's own notifications, over a real D-Bus session bus to a stand-in server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bellbar.core.model import Action, ActionKind, Notification
from bellbar.ui.native_notifications import NativeNotifications
from bellbar.ui.popup import PopupStack
from tests.helpers import secret_service
from tests.helpers.notification_server import FakeNotificationServer
from tests.helpers.qt import until

QUESTION = Notification(
    "acc", "q1", "Deploy 2.4.1?", "to production", datetime.now(UTC), sender="Release bot",
    actions=(Action("yes", "Ship"), Action("no", "Hold")),
)  # fmt: skip
ASK_TEXT = Notification(
    "acc", "q2", "When?", "", datetime.now(UTC), sender="Planner",
    actions=(Action("when", "Answer", ActionKind.INPUT, "a day"),),
)  # fmt: skip


@pytest.fixture
def bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if not secret_service.available():
        pytest.skip("dbus-daemon is not installed")
    with secret_service.session_bus() as address:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        yield address


def native_stack(qloop) -> tuple[PopupStack, NativeNotifications, list[tuple[str, object, str]]]:  # type: ignore[no-untyped-def]
    """A pop-up stack on the desktop's notifications, and the replies it asks to send."""
    native = qloop.run_until_complete(NativeNotifications.for_desktop(6))
    assert native is not None
    stack = PopupStack(6)
    stack.use_native(native)
    replies: list[tuple[str, object, str]] = []
    stack.reply_requested.connect(lambda n, key, text: replies.append((n.id, key, text)))
    return stack, native, replies


def test_buttons_become_actions_and_answer_back(qtbot, qloop, bus: str) -> None:
    with FakeNotificationServer(bus, capabilities=("actions", "body")) as server:
        stack, _, replies = native_stack(qloop)

        async def scenario() -> None:
            stack.show_batch([QUESTION])
            await until(lambda: server.shown, what="Notify")
            shown = server.shown[0]
            assert shown.app_name == "Bellbar"
            assert shown.summary == "Release bot: Deploy 2.4.1?" and shown.body == "to production"
            assert set(shown.actions.values()) >= {"Ship", "Hold"}
            assert stack.popups == [], "no widget of Bellbar's own"
            server.invoke(shown.id, shown.key_of("Ship"))
            await until(lambda: replies, what="the button's reply")

            stack.show_batch([ASK_TEXT])  # typed answers need inline reply: not offered here
            assert [p.notification.id for p in stack.popups] == ["q2"]
            stack.close_all()
            stack.use_native(None)

        qloop.run_until_complete(scenario())
        assert replies == [("q1", "yes", "")]


def test_inline_reply_where_the_server_offers_it(qtbot, qloop, bus: str) -> None:
    with FakeNotificationServer(bus, capabilities=("actions", "body", "inline-reply")) as server:
        stack, native, replies = native_stack(qloop)

        async def scenario() -> None:
            stack.show_batch([ASK_TEXT])
            await until(lambda: server.shown, what="Notify")
            assert stack.popups == []
            assert "inline-reply" in server.shown[0].actions
            server.reply(server.shown[0].id, "Tuesday")
            await until(lambda: replies, what="the inline reply")

            stack.show_batch([QUESTION])
            await until(lambda: len(server.shown) == 2)
            stack.close_gone(lambda account, nid: nid != "q1")  # archived elsewhere
            await until(lambda: server.closed == [2], what="CloseNotification")
            assert native.shown_keys() == []
            stack.use_native(None)

        qloop.run_until_complete(scenario())
        assert replies == [("q2", "when", "Tuesday")]


def test_no_server_means_bellbars_own_popups(qtbot, qloop, bus: str) -> None:
    assert qloop.run_until_complete(NativeNotifications.for_desktop(6)) is None


def test_the_desktops_do_not_disturb_is_followed_as_it_changes(qtbot, qloop, bus: str) -> None:
    from PySide6.QtDBus import QDBusConnection

    from bellbar.core.quiet import DoNotDisturb
    from bellbar.ui.quiet_gate import QuietGate, watch_desktop

    with FakeNotificationServer(bus, inhibited=False) as server:
        # Asked directly, the in-process stand-in could not answer Qt's blocking call.
        gate = QuietGate(DoNotDisturb(), desktop_quiet=lambda: bool(server.inhibited))
        # Qt keeps one session-bus connection per process: name one to this test's bus.
        watch_desktop(gate, QDBusConnection.connectToBus(bus, f"dnd-test-{id(gate)}"))
        assert gate.reason == ""
        ended: list[int] = []
        gate.ended.connect(ended.append)

        async def scenario() -> None:
            server.set_inhibited(True)  # the user turned on Plasma's do not disturb
            await until(lambda: gate.reason == "the desktop's do not disturb")
            assert gate.admit([QUESTION, ASK_TEXT]) == []
            server.set_inhibited(False)
            await until(lambda: ended == [2], what="one summary when it ends")

        qloop.run_until_complete(scenario())

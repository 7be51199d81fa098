"""Pop-up placement, timers and reactions to changes made elsewhere."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QEnterEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QPushButton

from bellbar.core.model import Action, ActionKind, Notification, Reply
from bellbar.ui import popup as popup_module
from bellbar.ui.popup import PopupStack

QUESTION = Notification(
    account="a",
    id="1",
    title="Deploy Request",
    body="Deploy v2.3.0?",
    sent_at=datetime.now(UTC),
    sender="Deploy bot",
    actions=(Action("ok", "Approve"), Action("why", "Other...", ActionKind.INPUT, "Your reason")),
)


def test_popups_stack_inside_the_screen_even_when_one_grows(qtbot) -> None:  # type: ignore[no-untyped-def]
    stack = PopupStack(seconds=30)
    popups = [stack.show_notification(replace(QUESTION, id=str(i))) for i in range(3)]
    popups[1].buttons["why"].click()
    QApplication.processEvents()
    assert popups[1].input.isVisible()
    area = QGuiApplication.primaryScreen().availableGeometry()
    frames = [p.geometry() for p in popups]
    assert all(area.contains(f) for f in frames)
    assert frames[0].bottom() < frames[1].top() and frames[1].bottom() < frames[2].top()
    stack.close_all()
    assert stack.popups == []


def test_hover_holds_the_popup_open(qtbot) -> None:  # type: ignore[no-untyped-def]
    stack = PopupStack(seconds=1)
    popup = stack.show_notification(QUESTION)
    QApplication.sendEvent(popup, QEnterEvent(QPointF(5, 5), QPointF(5, 5), QPointF(5, 5)))
    qtbot.wait(1300)
    assert popup in stack.popups
    QApplication.sendEvent(popup, QEvent(QEvent.Type.Leave))
    qtbot.waitUntil(lambda: popup not in stack.popups, timeout=3000)


def test_read_or_answered_elsewhere_closes_the_popup(qtbot) -> None:  # type: ignore[no-untyped-def]
    stack = PopupStack(seconds=30)
    first = stack.show_notification(QUESTION)
    stack.update_notification(replace(QUESTION, read_at=datetime.now(UTC)))
    assert first not in stack.popups
    second = stack.show_notification(replace(QUESTION, id="2"))
    stack.update_notification(replace(QUESTION, id="2", reply=Reply("Approve", "ok")))
    assert "You replied: Approve" in second.status.text()
    qtbot.waitUntil(lambda: second not in stack.popups, timeout=3000)


def test_only_safe_links_get_an_open_button(qtbot) -> None:  # type: ignore[no-untyped-def]
    stack = PopupStack(seconds=30)
    safe = stack.show_notification(replace(QUESTION, url="https://ci.example.com/42"))
    unsafe = stack.show_notification(replace(QUESTION, id="2", url="javascript:alert(1)"))

    def labels(popup: object) -> list[str]:
        return [b.text() for b in popup.findChildren(QPushButton)]  # type: ignore[attr-defined]

    assert "Open link" in labels(safe)
    assert "Open link" not in labels(unsafe)
    qtbot.keyClick(unsafe, Qt.Key.Key_Escape)  # Esc dismisses
    assert stack.popups == [safe]
    stack.close_all()


def test_a_flood_is_coalesced_into_an_and_n_more_popup(qtbot) -> None:  # type: ignore[no-untyped-def]
    stack = PopupStack(seconds=30)
    base = datetime.now(UTC)
    flood = [
        replace(QUESTION, id=str(i), title=f"n{i}", sent_at=base + timedelta(seconds=i))
        for i in range(30)
    ]
    stack.show_batch(flood)
    assert len(stack.popups) == 5
    summary = next(p for p in stack.popups if p.notification.id == "bellbar:summary")
    assert summary.notification.title == "and 26 more new"
    assert [p.notification.title for p in stack.popups if p is not summary] == [
        "n26",
        "n27",
        "n28",
        "n29",
    ]
    more = [
        replace(QUESTION, id=f"m{i}", sent_at=base + timedelta(minutes=1, seconds=i))
        for i in range(10)
    ]
    before = list(stack.popups)
    stack.show_batch(more)  # still the same flood: all ten are counted in
    summaries = [p for p in stack.popups if p.notification.id == "bellbar:summary"]
    assert stack.popups == before
    assert len(summaries) == 1 and summaries[0].notification.title == "and 36 more new"
    assert summaries[0].title_label.text() == "and 36 more new"
    with qtbot.waitSignal(stack.summary_clicked), qtbot.assertNotEmitted(stack.clicked):
        qtbot.mouseClick(summaries[0], Qt.MouseButton.LeftButton)
    stack.close_all()


def test_a_stream_flood_is_coalesced_and_pop_ups_resume_after_it(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(popup_module, "FLOOD_SECONDS", 0.3)
    stack = PopupStack(seconds=30)
    base = datetime.now(UTC)
    for i in range(200):  # one by one, as a stream delivers them
        stack.show_batch([replace(QUESTION, id=str(i), title=f"n{i}", sent_at=base)])
    titles = [p.notification.title for p in stack.popups]
    assert titles == ["n1", "n2", "n3", "n4", "and 195 more new"]
    qtbot.wait(400)  # the flood is over
    stack.show_batch([replace(QUESTION, id="late", title="late", sent_at=base)])
    titles = [p.notification.title for p in stack.popups]
    assert titles == ["n2", "n3", "n4", "and 195 more new", "late"], "the summary stays"
    stack.close_all()


def test_a_popup_answers_from_the_keyboard(qtbot) -> None:  # type: ignore[no-untyped-def]
    stack = PopupStack(seconds=30)
    popup = stack.show_notification(QUESTION)
    assert popup is not None
    popup.buttons["ok"].setFocus()
    with qtbot.waitSignal(stack.reply_requested) as asked:
        qtbot.keyClick(popup.buttons["ok"], Qt.Key.Key_Return)  # Enter presses the focused button
    assert asked.args[1] == "ok"
    assert popup.buttons["ok"].accessibleName() == "Approve"
    stack.close_all()

"""A MagicBell account in the tray: sanitised HTML, item menu, categories, links."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QLabel

from bellbar.core.model import Account, Notification
from bellbar.ui.inbox_model import NotificationRole
from tests.helpers.hub import HubProcess
from tests.helpers.qt import until


class Project:
    def __init__(self, hub: HubProcess) -> None:
        made = hub.create_magicbell_project()
        self.base = f"{hub.url}/magicbell"
        self.key, self.secret = made["api_key"], made["api_secret"]

    async def notify(self, **fields: Any) -> None:
        body = {"notification": {"title": "t", **fields, "recipients": [{"external_id": "ui"}]}}
        admin = {"X-MAGICBELL-API-KEY": self.key, "X-MAGICBELL-API-SECRET": self.secret}
        async with httpx.AsyncClient() as client:
            answer = await client.post(f"{self.base}/notifications", json=body, headers=admin)
        assert answer.status_code == 201

    def account(self) -> Account:
        return Account(
            id="mb",
            name="Acme",
            provider="magicbell",
            url=self.base,
            options={"api_key": self.key, "external_id": "ui", "secret_kind": "api_secret"},
        )


class LinkCatcher(QObject):
    """Receives what QDesktopServices.openUrl would hand to the desktop."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


def rows(harness: Any) -> list[Notification]:
    model = harness.app.window.model
    return [model.index(r).data(NotificationRole) for r in range(model.rowCount())]


def test_magicbell_inbox_in_the_tray(qtbot, qloop, hub: HubProcess, harness_for) -> None:  # type: ignore[no-untyped-def]
    project = Project(hub)
    harness = harness_for(project.base, project.secret, project.account())
    catcher = LinkCatcher()
    for scheme in ("https", "http", "mailto", "javascript", "file"):
        QDesktopServices.setUrlHandler(scheme, catcher, "open")

    async def scenario() -> None:
        await harness.start_live(hide_window=True)
        await project.notify(
            title="Invoice due",
            category="billing",
            action_url="https://acme.example/i/1",
            content='<p>Pay <b>now</b><script>alert(1)</script><img src="https://t.example/p.gif">'
            '<a href="javascript:alert(1)">x</a></p>',
        )
        popup = await until(lambda: harness.app.popups.popups and harness.app.popups.popups[-1])
        body = popup.body_label
        assert body.textFormat() == Qt.TextFormat.RichText
        assert (
            "script" not in body.text()
            and "<img" not in body.text()
            and "javascript" not in body.text()
        )
        assert "<b>now</b>" in body.text()
        assert all(
            label.textFormat() == Qt.TextFormat.PlainText
            for label in popup.findChildren(QLabel)
            if label is not body
        )
        await project.notify(title="Server down", category="ops", action_url="javascript:alert(1)")
        await until(lambda: harness.app.tray.count == 2)

        window = harness.app.window
        window.present()
        assert len(rows(harness)) == 2
        await until(lambda: harness.app.tray.count == 0, what="opening marks all seen")
        assert window.category_filter.isVisible()
        assert [window.category_filter.itemText(i) for i in range(3)] == [
            "All categories",
            "billing",
            "ops",
        ]
        window.category_filter.setCurrentIndex(1)
        assert [n.title for n in rows(harness)] == ["Invoice due"]
        window.category_filter.setCurrentIndex(0)

        view = window.view
        qtbot.mouseClick(
            view.viewport(),
            Qt.MouseButton.LeftButton,
            pos=view.visualRect(harness.app.window.model.index(1)).center(),
        )
        await until(lambda: rows(harness)[1].is_read, what="click marks read")
        assert catcher.opened == ["https://acme.example/i/1"]
        qtbot.mouseClick(
            view.viewport(),
            Qt.MouseButton.LeftButton,
            pos=view.visualRect(harness.app.window.model.index(0)).center(),
        )
        await until(lambda: rows(harness)[0].is_read)
        assert catcher.opened == ["https://acme.example/i/1"]  # javascript: never opens

        menu = window.context_menu_for(rows(harness)[1])
        labels = [a.text() for a in menu.actions()]
        assert labels == ["Mark unread", "Open link", "Archive", "Delete"]
        menu.actions()[0].trigger()
        await until(lambda: not rows(harness)[1].is_read, what="unread")
        window.context_menu_for(rows(harness)[1]).actions()[2].trigger()  # Archive
        await until(lambda: [n.title for n in rows(harness)] == ["Server down"])
        window.context_menu_for(rows(harness)[0]).actions()[-1].trigger()  # Delete
        await until(lambda: rows(harness) == [])
        headers = {
            "X-MAGICBELL-API-KEY": project.key,
            "X-MAGICBELL-API-SECRET": project.secret,
            "X-MAGICBELL-USER-EXTERNAL-ID": "ui",
        }
        await until(lambda: not harness.cache.pending("mb"), what="outbox flushed")
        async with httpx.AsyncClient() as client:
            server = (await client.get(f"{project.base}/notifications", headers=headers)).json()
            archived = (
                await client.get(
                    f"{project.base}/notifications", headers=headers, params={"archived": "true"}
                )
            ).json()
        assert server["total"] == 0 and [n["title"] for n in archived["notifications"]] == [
            "Invoice due"
        ]
        await harness.stop()

    try:
        qloop.run_until_complete(scenario())
    finally:
        for scheme in ("https", "http", "mailto", "javascript", "file"):
            QDesktopServices.unsetUrlHandler(scheme)


def test_botbell_items_offer_no_provider_only_actions(qtbot, harness_for, hub: HubProcess) -> None:  # type: ignore[no-untyped-def]
    harness = harness_for(hub.url, "ut_unused")
    item = Notification(account="acc", id="m", title="t", body="b", sent_at=datetime.now(UTC))
    labels = [a.text() for a in harness.app.window.context_menu_for(item).actions()]
    assert labels == ["Mark read"]


def test_a_popup_closes_when_its_item_is_archived_elsewhere(
    qtbot, qloop, hub: HubProcess, harness_for
) -> None:  # type: ignore[no-untyped-def]
    project = Project(hub)
    harness = harness_for(project.base, project.secret, project.account())
    user = {
        "X-MAGICBELL-API-KEY": project.key,
        "X-MAGICBELL-API-SECRET": project.secret,
        "X-MAGICBELL-USER-EXTERNAL-ID": "ui",
    }

    async def scenario() -> None:
        await harness.start_live(hide_window=True)
        await project.notify(title="Disk almost full")
        await project.notify(title="Backup done")
        await until(lambda: len(harness.app.popups.popups) == 2)
        async with httpx.AsyncClient() as client:  # another device of the same user
            listed = (await client.get(f"{project.base}/notifications", headers=user)).json()
            disk = next(n for n in listed["notifications"] if n["title"] == "Disk almost full")
            answer = await client.post(
                f"{project.base}/notifications/{disk['id']}/archive", headers=user
            )
            assert answer.status_code in (200, 204)
        await until(
            lambda: [p.notification.title for p in harness.app.popups.popups] == ["Backup done"],
            what="the archived item's pop-up closes",
        )
        await harness.stop()

    qloop.run_until_complete(scenario())


def test_the_inbox_works_from_the_keyboard(qtbot, qloop, hub: HubProcess, harness_for) -> None:  # type: ignore[no-untyped-def]
    project = Project(hub)
    harness = harness_for(project.base, project.secret, project.account())

    async def scenario() -> None:
        await harness.start_live(hide_window=True)
        await project.notify(title="First")
        await project.notify(title="Second")
        await until(lambda: harness.app.tray.count == 2)
        harness.app.popups.close_all()  # offscreen Qt lets a pop-up take the activation
        window = harness.app.window
        window.present()
        await until(lambda: QApplication.activeWindow() is window, what="active: keys go there")
        view = window.view
        view.setFocus()
        view.setCurrentIndex(window.model.index(0))
        top = rows(harness)[0].title
        qtbot.keyClick(view, Qt.Key.Key_M)
        await until(lambda: rows(harness)[0].is_read, what="M marks read")
        qtbot.keyClick(view, Qt.Key.Key_M)
        await until(lambda: not rows(harness)[0].is_read, what="M again marks unread")
        qtbot.keyClick(view, Qt.Key.Key_Delete)
        await until(lambda: top not in [n.title for n in rows(harness)], what="Delete archives")
        assert len(rows(harness)) == 1
        await harness.stop()

    qloop.run_until_complete(scenario())

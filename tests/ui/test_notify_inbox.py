"""GOV.UK Notify in the tray: a received text answered from its pop-up."""

from __future__ import annotations

from notifications_python_client.notifications import NotificationsAPIClient
from PySide6.QtCore import Qt

from bellbar.core.model import Account
from bellbar.hub import admin
from tests.helpers.hub import HubProcess
from tests.helpers.qt import until


def test_quick_reply_to_a_received_text(qtbot, qloop, hub: HubProcess, harness_for) -> None:  # type: ignore[no-untyped-def]
    made = hub.create_notify_service()
    reply = hub.create_notify_template(made["service_id"], "sms", "((message))")
    sms = hub.create_notify_template(made["service_id"], "sms", "Collection on ((day))")
    client = NotificationsAPIClient(made["api_key"], base_url=hub.url)
    account = Account(
        id="nt",
        name="Council",
        provider="notify",
        url=hub.url,
        options={"reply_template_id": reply},
    )
    harness = harness_for(hub.url, made["api_key"], account)

    async def scenario() -> None:
        harness.start()
        harness.app.window.hide()
        failed = client.send_sms_notification("07700900002", sms, {"day": "Friday"})
        alert = await until(lambda: harness.app.popups.popups and harness.app.popups.popups[-1])
        assert (
            alert.notification.id == failed["id"]
            and alert.notification.status == "permanent-failure"
        )
        alert.close()
        admin.notify_inbound(
            hub.db_path, made["service_id"], "07700900321", "Can you collect Monday?"
        )
        popup = await until(
            lambda: next(
                (p for p in harness.app.popups.popups if p.notification.id.startswith("in:")), None
            )
        )
        shown: list[str] = []  # the pop-up closes itself soon after it confirms
        popup.status_changed.connect(shown.append)
        qtbot.mouseClick(popup.buttons["reply"], Qt.MouseButton.LeftButton)
        qtbot.keyClicks(popup.input, "Yes, Monday it is")
        qtbot.keyClick(popup.input, Qt.Key.Key_Return)
        await until(
            lambda: any("You replied: Yes, Monday it is" in text for text in shown),
            what="confirmed",
        )
        sent = client.get_all_notifications(template_type="sms")["notifications"][0]
        assert (sent["phone_number"], sent["body"]) == ("07700900321", "Yes, Monday it is")
        await until(
            lambda: any(
                n.body == "Yes, Monday it is" and n.status == "delivered"
                for n in harness.cache.newest(0, 20)
            ),
            what="its delivery followed",
        )
        await harness.stop()

    qloop.run_until_complete(scenario())

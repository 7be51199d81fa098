"""A bot's question reaches the pop-up; the answer reaches the bot, signed."""

from __future__ import annotations

import asyncio
import json

from botbell.webhook import verify_webhook
from PySide6.QtCore import Qt

from bellbar.hub.demo import QUESTION
from tests.helpers.hub import HubProcess, HubUser
from tests.helpers.qt import until
from tests.helpers.webhook import WebhookReceiver
from tests.ui.conftest import TrayHarness


def test_approve_in_the_popup_reaches_the_bots_webhook(
    qtbot, qloop, hub: HubProcess, user: HubUser, receiver: WebhookReceiver, harness: TrayHarness
) -> None:
    bot = hub.create_bot(user, "Deploy bot", reply_url=receiver.url)

    async def scenario() -> None:
        await harness.start_live()
        message_id = await hub.push_async(bot, **QUESTION)
        popup = await until(lambda: harness.app.popups.popups and harness.app.popups.popups[-1])
        assert popup.notification.id == message_id
        assert list(popup.buttons) == ["approve", "reject", "custom"]
        assert popup.isVisible()
        qtbot.mouseClick(popup.buttons["approve"], Qt.MouseButton.LeftButton)
        hooks = await until(lambda: receiver.received, what="webhook")
        hook = hooks[0]
        verify_webhook(
            hook.body,
            hook.headers["x-webhook-signature"],
            hook.headers["x-webhook-timestamp"],
            bot.webhook_secret,
        )
        payload = json.loads(hook.body)
        assert payload["event"] == "user_reply"
        assert (payload["reply_to"], payload["action"], payload["content"]) == (
            message_id,
            "approve",
            "Approve",
        )
        await until(lambda: "You replied: Approve" in popup.status.text(), what="confirmation")
        await until(lambda: popup not in harness.app.popups.popups, what="popup closes")
        item = harness.cache.get("acc", message_id)
        assert item is not None and item.is_read and item.reply is not None
        assert (item.reply.content, item.reply.pending) == ("Approve", False)
        await asyncio.sleep(0.3)
        assert len(receiver.received) == 1
        assert hub.poll(bot) == []  # delivered by webhook, so not also queued
        await harness.stop()

    qloop.run_until_complete(scenario())


def test_typed_answer_to_an_input_action(
    qtbot, qloop, hub: HubProcess, user: HubUser, receiver: WebhookReceiver, harness: TrayHarness
) -> None:
    bot = hub.create_bot(user, reply_url=receiver.url)

    async def scenario() -> None:
        await harness.start_live()
        message_id = await hub.push_async(bot, **QUESTION)
        popup = await until(lambda: harness.app.popups.popups and harness.app.popups.popups[-1])
        qtbot.mouseClick(popup.buttons["custom"], Qt.MouseButton.LeftButton)
        assert popup.input.isVisible()
        assert popup.input.placeholderText() == "Enter your reason"
        qtbot.keyClicks(popup.input, "Not on a Friday")
        qtbot.keyClick(popup.input, Qt.Key.Key_Return)
        hooks = await until(lambda: receiver.received, what="webhook")
        payload = json.loads(hooks[0].body)
        assert (payload["reply_to"], payload["action"], payload["content"]) == (
            message_id,
            "custom",
            "Not on a Friday",
        )
        await harness.stop()

    qloop.run_until_complete(scenario())


def test_with_the_receiver_down_the_reply_is_polled_exactly_once(
    qtbot, qloop, hub: HubProcess, user: HubUser, harness: TrayHarness
) -> None:
    down = WebhookReceiver().start()
    url = down.url
    down.stop()  # nothing listens there any more
    bot = hub.create_bot(user, reply_url=url)

    async def scenario() -> None:
        await harness.start_live()
        message_id = await hub.push_async(bot, **QUESTION)
        popup = await until(lambda: harness.app.popups.popups and harness.app.popups.popups[-1])
        qtbot.mouseClick(popup.buttons["reject"], Qt.MouseButton.LeftButton)
        await until(lambda: "You replied: Reject" in popup.status.text(), what="confirmation")
        polled = await until(lambda: hub.poll(bot), what="queued reply")
        assert [(p["reply_to"], p["action"], p["content"]) for p in polled] == [
            (message_id, "reject", "Reject")
        ]
        assert hub.poll(bot) == []
        await harness.stop()

    qloop.run_until_complete(scenario())

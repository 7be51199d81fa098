"""The official `botbell` SDK from PyPI against the hub, only base_url changed."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from botbell import Action, BotBell
from botbell.exceptions import (
    AuthenticationError,
    BotPausedError,
    NotFoundError,
    QuotaExceededError,
    ValidationError,
)
from botbell.webhook import WebhookVerificationError, verify_webhook

from tests.helpers.hub import HubBot, HubProcess, HubUser
from tests.helpers.webhook import WebhookReceiver


def reply_as_user(
    hub: HubProcess, user: HubUser, message_id: str, action: str | None, content: str
) -> None:
    response = httpx.post(
        f"{hub.api}/app/messages/{message_id}/reply",
        json={"content": content, "action": action},
        headers={"Authorization": f"Bearer {user.user_token}"},
    )
    assert response.status_code == 200


def test_bot_token_mode_send_and_wait_for_reply(
    hub: HubProcess, user: HubUser, bot: HubBot
) -> None:
    client = BotBell(bot.token, base_url=hub.api)
    result = client.send(
        "Deploy v2.3.0 to production?",
        title="Deploy Request",
        actions=[Action("approve", "Approve"), Action("custom", "Other...", "input", "Why")],
    )
    assert result.message_id.startswith("msg_")
    timer = threading.Timer(
        0.5, reply_as_user, (hub, user, result.message_id, "approve", "Approve")
    )
    timer.start()
    reply = result.wait_for_reply(timeout=10, poll_interval=1)
    timer.join()
    assert reply is not None
    assert (reply.reply_to, reply.action, reply.message) == (
        result.message_id,
        "approve",
        "Approve",
    )
    assert client.get_replies() == []


def test_pat_mode_covers_bot_management(hub: HubProcess, user: HubUser) -> None:
    client = BotBell(pat=user.pat, base_url=hub.api)
    created = client.create_bot("SDK bot", description="made by the SDK")
    assert created.token and created.webhook_secret and created.push_url
    assert created.bot_id in [b.bot_id for b in client.list_bots()]
    assert client.get_bot(created.bot_id).name == "SDK bot"
    updated = client.update_bot(created.bot_id, name="Renamed", reply_url="https://x.example/h")
    assert (updated.name, updated.reply_url) == ("Renamed", "https://x.example/h")
    sent = client.send("hello", bot_id=created.bot_id)
    reply_as_user(hub, user, sent.message_id, None, "hi back")
    time.sleep(0.3)  # let the webhook attempt to the unreachable reply_url fail
    replies = client.get_replies(bot_id=created.bot_id)
    assert [(r.reply_to, r.message) for r in replies] == [(sent.message_id, "hi back")]
    fresh = client.reset_bot_token(created.bot_id)
    assert fresh["api_token"].startswith("bt_") and fresh["push_url"].endswith(fresh["api_token"])
    assert client.reset_webhook_secret(created.bot_id).startswith("whsec_")
    quota = client.get_quota()
    assert quota.used >= 1 and quota.remaining == quota.monthly_limit - quota.used
    client.update_bot(created.bot_id, status="paused")
    with pytest.raises(BotPausedError):
        client.send("paused?", bot_id=created.bot_id)
    client.delete_bot(created.bot_id)
    with pytest.raises(NotFoundError):
        client.get_bot(created.bot_id)


def test_sdk_exceptions_come_from_the_codes(hub: HubProcess, bot: HubBot) -> None:
    with pytest.raises(AuthenticationError):
        BotBell("bt_not_a_real_token", base_url=hub.api).send("x")
    with pytest.raises(ValidationError):
        BotBell(bot.token, base_url=hub.api).send("x" * 5000)
    tight = hub.create_user(monthly_limit=0)
    with pytest.raises(QuotaExceededError):
        BotBell(hub.create_bot(tight).token, base_url=hub.api).send("x")


def test_webhook_verifies_with_the_sdk(
    hub: HubProcess, user: HubUser, receiver: WebhookReceiver
) -> None:
    bot = hub.create_bot(user, reply_url=receiver.url)
    sent = BotBell(bot.token, base_url=hub.api).send("Approve?", actions=[Action("yes", "Yes")])
    reply_as_user(hub, user, sent.message_id, "yes", "Yes")
    [hook] = receiver.wait_for(1)
    verify_webhook(
        hook.body,
        hook.headers["x-webhook-signature"],
        hook.headers["x-webhook-timestamp"],
        bot.webhook_secret,
    )
    with pytest.raises(WebhookVerificationError):
        verify_webhook(
            hook.body,
            hook.headers["x-webhook-signature"],
            hook.headers["x-webhook-timestamp"],
            "whsec_wrong",
        )
    assert BotBell(bot.token, base_url=hub.api).get_replies() == []

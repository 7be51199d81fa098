"""Reply webhooks: no private targets without the flag, no redirects followed."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.helpers.hub import HubProcess
from tests.helpers.webhook import WebhookReceiver


def reply(hub: HubProcess, token: str, message_id: str) -> None:
    answer = httpx.post(f"{hub.api}/app/messages/{message_id}/reply", json={"content": "ok"},
                        headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert answer.status_code == 200


def test_private_reply_urls_are_refused_without_the_flag(tmp_path: Path) -> None:
    receiver = WebhookReceiver().start()
    hub = HubProcess(tmp_path / "hub.sqlite3").start()  # no --allow-private-webhooks
    try:
        user = hub.create_user()
        bot = hub.create_bot(user, reply_url=receiver.url)
        message_id = hub.push(bot, message="q")["message_id"]
        reply(hub, user.user_token, message_id)
        time.sleep(1.0)
        assert receiver.received == []
        assert [p["reply_to"] for p in hub.poll(bot)] == [message_id]  # kept for polling instead
        assert "not a public address" in hub.log_path.read_text()
    finally:
        hub.stop()
        receiver.stop()


def test_redirects_are_not_followed(hub: HubProcess, user: object) -> None:
    redirecting = WebhookReceiver(status=307, location="/elsewhere").start()
    try:
        owner = hub.create_user()
        bot = hub.create_bot(owner, reply_url=redirecting.url)
        message_id = hub.push(bot, message="q")["message_id"]
        reply(hub, owner.user_token, message_id)
        redirecting.wait_for(1)
        time.sleep(0.5)
        assert len(redirecting.received) == 1  # one POST, no second one after the 307
        assert [p["reply_to"] for p in hub.poll(bot)] == [message_id]
    finally:
        redirecting.stop()

"""A GOV.UK Notify account in the Qt-free core, against the hub's Notify API."""

from __future__ import annotations

import asyncio
from pathlib import Path

from notifications_python_client.notifications import NotificationsAPIClient

from bellbar.core.account_check import check_account
from bellbar.core.cache import Cache
from bellbar.core.inbox import Inbox
from bellbar.core.model import Account, Notification
from bellbar.core.secrets import MemorySecrets
from bellbar.hub import admin
from tests.helpers.hub import HubProcess
from tests.helpers.qt import until


def status_of(cache: Cache, notification_id: str) -> str:
    item = cache.get("nt", notification_id)
    return item.status if item is not None else ""


def notify_account(hub: HubProcess, reply_template: str = "") -> Account:
    return Account(
        id="nt",
        name="Council",
        provider="notify",
        url=hub.url,
        options={"reply_template_id": reply_template} if reply_template else {},
    )


def test_failures_alert_once_across_restarts_and_texts_get_replies(
    tmp_path: Path, hub: HubProcess
) -> None:
    made = hub.create_notify_service()
    sms = hub.create_notify_template(made["service_id"], "sms", "Bin day is ((day))")
    reply = hub.create_notify_template(made["service_id"], "sms", "((message))")
    client = NotificationsAPIClient(made["api_key"], base_url=hub.url)
    account = notify_account(hub, reply)
    secrets = MemorySecrets()
    secrets.set(account.id, made["api_key"])

    def run_session(scenario):  # type: ignore[no-untyped-def]
        cache = Cache(tmp_path / "cache.sqlite3")
        inbox = Inbox(cache, secrets, poll_seconds=0.3)
        popped: list[Notification] = []
        inbox.arrived.connect(popped.extend)

        async def main() -> None:
            inbox.start([account])
            await scenario(cache, inbox, popped)
            await inbox.stop()

        asyncio.run(main())
        cache.close()
        return popped

    async def first(cache: Cache, inbox: Inbox, popped: list[Notification]) -> None:
        ok = client.send_sms_notification("07700900000", sms, {"day": "Monday"})
        bad = client.send_sms_notification("07700900002", sms, {"day": "Tuesday"})
        await until(lambda: status_of(cache, bad["id"]) == "permanent-failure", what="failure seen")
        await until(lambda: status_of(cache, ok["id"]) == "delivered", what="delivered seen")
        item = cache.get("nt", bad["id"])
        assert item is not None and item.title == "Failed: sms to 07700900002"
        inbox.mark_all_seen()
        inbox.mark_read(item)
        await asyncio.sleep(1.0)  # polls go by; Notify keeps no read state, the cache does
        kept = cache.get("nt", bad["id"])
        assert kept is not None and kept.is_read and cache.count_unseen() == 0
        assert item.sender == "Council · sms template" and item.body == "Bin day is Tuesday"

    popped_first = run_session(first)
    assert [p.status for p in popped_first] == ["permanent-failure"]

    async def second(cache: Cache, inbox: Inbox, popped: list[Notification]) -> None:
        admin.notify_inbound(hub.db_path, made["service_id"], "07700900123", "Is it Monday?")
        text = await until(
            lambda: next((n for n in cache.newest(0, 20) if n.id.startswith("in:")), None)
        )
        assert text.title == "Text from 07700900123" and text.actions[0].key == "reply"
        inbox.reply(text, "reply", "Yes, Monday")
        await until(lambda: not cache.pending("nt"), what="reply sent")
        answered = cache.get("nt", text.id)
        assert (
            answered is not None
            and answered.reply is not None
            and answered.reply.content == "Yes, Monday"
        )
        await until(
            lambda: any(n.body == "Yes, Monday" for n in cache.newest(0, 20)), what="reply listed"
        )

    popped_second = run_session(second)
    assert [p.title for p in popped_second] == [
        "Text from 07700900123"
    ]  # the failure did not come back
    sent = client.get_all_notifications(template_type="sms")["notifications"]
    assert sent[0]["phone_number"] == "07700900123" and sent[0]["body"] == "Yes, Monday"


def test_check_account_in_plain_words(hub: HubProcess) -> None:
    made = hub.create_notify_service()
    good = asyncio.run(check_account(notify_account(hub), made["api_key"]))
    assert good.ok and good.message == "Connected: 0 notifications."
    forged = made["api_key"][:-36] + "00000000-0000-4000-8000-000000000000"
    refused = asyncio.run(check_account(notify_account(hub), forged))
    assert not refused.ok and "API key not found" in refused.message
    broken = asyncio.run(check_account(notify_account(hub), "not-a-key"))
    assert not broken.ok and "name-<service id>-<secret>" in broken.message


def test_a_retried_reply_is_sent_once(hub: HubProcess) -> None:
    from bellbar.providers.notify import NotifyService

    made = hub.create_notify_service()
    reply = hub.create_notify_template(made["service_id"], "sms", "((message))")
    text = admin.notify_inbound(hub.db_path, made["service_id"], "07700900555", "hello?")
    service = NotifyService(hub.url, api_key=made["api_key"], reply_template_id=reply)

    async def twice() -> None:
        for _ in range(2):  # the outbox retries with the same idempotency key
            await service.reply(
                f"in:{text['id']}:07700900555",
                action="reply",
                content="hi",
                idempotency_key="key-1",
            )
        await service.aclose()

    asyncio.run(twice())
    client = NotificationsAPIClient(made["api_key"], base_url=hub.url)
    sent = client.get_all_notifications()["notifications"]
    assert [(n["phone_number"], n["body"]) for n in sent] == [("07700900555", "hi")]

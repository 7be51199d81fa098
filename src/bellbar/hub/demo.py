"""Demo data and a demo bot, for `bellbar demo`.

The seed gives the inbox some history from two bots. The demo bot then asks
a real question through the hub's public BotBell API (over HTTP, like any
bot), polls for the answer, and follows up, so the whole round trip of a
reply is visible.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bellbar.hub.admin import notify_inbound
from bellbar.hub.botbell_validation import validate_push
from bellbar.hub.store import Store
from bellbar.providers.notify import jwt_token, split_api_key

log = logging.getLogger(__name__)

QUESTION: dict[str, Any] = {
    "title": "Deploy Request",
    "message": "Deploy v2.3.0 to production?",
    "actions_description": "How would you like to proceed?",
    "actions": [
        {"key": "approve", "label": "Approve"},
        {"key": "reject", "label": "Reject"},
        {"key": "custom", "label": "Other...", "type": "input", "placeholder": "Enter your reason"},
    ],
}

_HISTORY = (
    # (bot, minutes ago, title, message, read)
    ("ci", 180, "Build #41 passed", "main · 312 tests in 2 min 4 s", True),
    ("ci", 95, "Nightly backup", "Snapshot db-2026-11 stored (14.2 GB).", True),
    ("ci", 40, "Build #42 failed", "tests/test_payments.py::test_refund: AssertionError", False),
    ("deploy", 12, "Staging updated", "v2.3.0 is live on staging.example.com", False),
)


MAGICBELL_USER = "demo@bellbar.local"
_MAGICBELL_HISTORY = (
    # (minutes ago, category, title, HTML content, read)
    (300, "billing", "Invoice #1041 paid", "<p>Thanks! <b>$49.00</b> received.</p>", True),
    (25, "ops", "Disk usage at 81 %", "<p>Volume <code>/data</code> on <b>db-2</b>.</p>", False),
)
LIVE_MAGICBELL = {
    "title": "Invoice #1042 is due",
    "content": "<p>Your invoice of <b>$49.00</b> is due on Friday. "
    '<a href="https://example.com/billing">Pay now</a></p>',
    "category": "billing",
    "action_url": "https://example.com/billing/1042",
}


BELLTASTIC_USER = "demo"
_BELLTASTIC_HISTORY = (
    # (minutes ago, category, title, body)
    (90, "orders", "Order #1039 delivered", "Signed for by A. Ng at 10:42."),
)
LIVE_BELLTASTIC = {
    "title": "Order #1042 shipped",
    "body": "Parcel 42 left the warehouse; it arrives tomorrow.",
    "category": "orders",
    "action_url": "https://example.com/orders/1042",
}


NOTIFY_HISTORY = (
    # (minutes ago, phone number, day)
    (240, "07700900000", "Monday"),
    (200, "07700900111", "Tuesday"),
)
NOTIFY_FAILING = "07700900002"
NOTIFY_TEXTER = "07700900123"


@dataclass(frozen=True, slots=True)
class DemoCredentials:
    user_token: str
    deploy_bot_token: str
    magicbell_api_key: str
    magicbell_api_secret: str
    belltastic_project_id: int
    belltastic_project_token: str
    notify_service_id: str
    notify_api_key: str
    notify_sms_template: str
    notify_reply_template: str
    db_path: Path


def seed(db_path: Path) -> DemoCredentials:
    """A demo user with two bots and a little history."""
    store = Store(db_path)
    try:
        user = store.create_user("Demo user")
        deploy, deploy_token = store.create_bot(user["user_id"], "Deploy bot")
        ci, _ = store.create_bot(user["user_id"], "CI")
        bots = {"deploy": deploy, "ci": ci}
        now = time.time()
        for bot, minutes, title, message, read in _HISTORY:
            pushed = store.push(
                bots[bot],
                validate_push({"title": title, "message": message}),
                at=now - minutes * 60,
            )
            if read:
                store.mark_read(user["user_id"], [pushed["message_id"]])
        project = store.magicbell.create_project("Acme", hmac_required=True)
        recipient = [{"email": MAGICBELL_USER}]
        for minutes, category, title, content, read in _MAGICBELL_HISTORY:
            fields = {"title": title, "content": content, "category": category}
            [mb_user] = store.magicbell.create(
                project["project_id"], fields, recipient, at=now - minutes * 60
            )
            if read:
                store.magicbell.mark_all(mb_user, "read_at", {"category": category})
        shop = store.belltastic.create_project("Shop")
        store.belltastic.upsert_user(shop["project_id"], BELLTASTIC_USER, {"name": "Demo user"})
        for minutes, category, title, body in _BELLTASTIC_HISTORY:
            fields = {"title": title, "body": body, "category": category}
            store.belltastic.create(
                shop["project_id"], BELLTASTIC_USER, fields, at=now - minutes * 60
            )
        council = store.notify.create_service("Council")
        service_id = council["service_id"]
        bins = store.notify.create_template(
            service_id, "sms", "Bin reminder", "Your bins are collected on ((day))."
        )
        reply = store.notify.create_template(service_id, "sms", "Reply", "((message))")
        template = store.notify.template(service_id, bins)
        assert template is not None
        for minutes, number, day in NOTIFY_HISTORY:
            store.notify.create_notification(
                service_id, "sms", template, number, {"day": day}, None, at=now - minutes * 60
            )
        return DemoCredentials(
            user["user_token"],
            deploy_token,
            project["api_key"],
            project["api_secret"],
            shop["project_id"],
            shop["project_token"],
            service_id,
            council["api_key"],
            bins,
            reply,
            db_path,
        )
    finally:
        store.close()


def follow_up(reply: dict[str, Any]) -> dict[str, Any]:
    """What the demo bot answers to a reply."""
    action = reply.get("action")
    if action == "approve":
        return {"title": "Deployed", "message": "v2.3.0 is rolling out to production. ETA 2 min."}
    if action == "reject":
        return {"title": "Deploy cancelled", "message": "v2.3.0 stays on staging."}
    return {
        "title": "Deploy on hold",
        "message": f"Noted your reason: “{reply.get('content', '')}”. Nothing was deployed.",
    }


async def run_demo_bot(
    base_url: str, credentials: DemoCredentials, *, first_delay: float = 2.0
) -> None:
    """Ask the deploy question; send a MagicBell invoice notice, a Belltastic
    shipping notice, a Notify SMS that fails and a text to the council; then
    answer every reply to the bot. Runs until cancelled."""
    api = f"{base_url.rstrip('/')}/botbell/v1"
    bot_token = credentials.deploy_bot_token
    async with httpx.AsyncClient(timeout=10) as client:
        await asyncio.sleep(first_delay)
        await _push(client, api, bot_token, QUESTION)
        await asyncio.sleep(first_delay)
        await _notify_magicbell(client, base_url, credentials)
        await asyncio.sleep(first_delay)
        await _notify_belltastic(client, base_url, credentials)
        await asyncio.sleep(first_delay)
        await _notify_sms(client, base_url, credentials)
        await asyncio.sleep(first_delay * 2)
        await asyncio.to_thread(
            notify_inbound,
            credentials.db_path,
            credentials.notify_service_id,
            NOTIFY_TEXTER,
            "Will the bins be collected on Friday as usual?",
        )
        while True:
            await asyncio.sleep(1.0)
            try:
                answer = await client.get(
                    f"{api}/messages/poll", headers={"X-Bot-Token": bot_token}
                )
                replies = answer.json()["data"]["messages"]
            except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
                log.info("demo bot: poll failed (%s)", exc)
                continue
            for reply in replies:
                await _push(client, api, bot_token, follow_up(reply))


async def _notify_magicbell(
    client: httpx.AsyncClient, base_url: str, credentials: DemoCredentials
) -> None:
    body = {"notification": {**LIVE_MAGICBELL, "recipients": [{"email": MAGICBELL_USER}]}}
    headers = {
        "X-MAGICBELL-API-KEY": credentials.magicbell_api_key,
        "X-MAGICBELL-API-SECRET": credentials.magicbell_api_secret,
    }
    try:
        answer = await client.post(
            f"{base_url}/magicbell/notifications", json=body, headers=headers
        )
        answer.raise_for_status()
    except httpx.HTTPError as exc:
        log.warning("demo: MagicBell notification failed (%s)", type(exc).__name__)


async def _notify_belltastic(
    client: httpx.AsyncClient, base_url: str, credentials: DemoCredentials
) -> None:
    project = credentials.belltastic_project_id
    url = f"{base_url}/belltastic/api/v1/project/{project}/user/{BELLTASTIC_USER}/notifications"
    body = {**LIVE_BELLTASTIC, "icon": f"{base_url}/demo/shop.png"}
    headers = {"Authorization": f"Bearer {credentials.belltastic_project_token}"}
    try:
        answer = await client.post(url, json=body, headers=headers)
        answer.raise_for_status()
    except httpx.HTTPError as exc:
        log.warning("demo: Belltastic notification failed (%s)", type(exc).__name__)


async def _notify_sms(
    client: httpx.AsyncClient, base_url: str, credentials: DemoCredentials
) -> None:
    """An SMS to Notify's permanent-failure test number: the tray alerts."""
    service_id, secret = split_api_key(credentials.notify_api_key)
    body = {
        "phone_number": NOTIFY_FAILING,
        "template_id": credentials.notify_sms_template,
        "personalisation": {"day": "Friday"},
    }
    headers = {"Authorization": f"Bearer {jwt_token(service_id, secret)}"}
    try:
        answer = await client.post(f"{base_url}/v2/notifications/sms", json=body, headers=headers)
        answer.raise_for_status()
    except httpx.HTTPError as exc:
        log.warning("demo: Notify SMS failed (%s)", type(exc).__name__)


async def _push(client: httpx.AsyncClient, api: str, token: str, body: dict[str, Any]) -> None:
    try:
        response = await client.post(f"{api}/push/{token}", json=body)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        log.warning("demo bot: push failed (%s)", type(exc).__name__)

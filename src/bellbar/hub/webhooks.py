"""Delivering a user's reply to its bot's reply_url, signed as BotBell signs.

`X-Webhook-Signature: sha256=<hex HMAC-SHA256(secret, "<ts>.<raw body>")>`
with `X-Webhook-Timestamp: <ts>`. A 2xx within 5 s is a delivery; anything
else leaves the reply in the poll queue for 24 h. Reply URLs that resolve to
loopback, private or link-local addresses are refused unless the hub runs
with --allow-private-webhooks, so a bot owner cannot aim the hub at the
operator's internal network.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

log = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = 5.0


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return f"sha256={digest}"


def webhook_body(reply: dict[str, Any]) -> bytes:
    """The documented `user_reply` payload, with the poll item's two ids."""
    payload = {
        "event": "user_reply",
        "bot_id": reply["bot_id"],
        "message_id": reply["id"],
        "reply_to": reply["message_id"],
        "content": reply["content"],
        "action": reply["action"],
        "timestamp": int(reply["created_at"]),
    }
    return json.dumps(payload, separators=(",", ":")).encode("utf-8")


async def _is_public(url: str) -> bool:
    host = urlsplit(url).hostname
    if not host:
        return False
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return False
    addresses = {ipaddress.ip_address(info[4][0]) for info in infos}
    return bool(addresses) and all(a.is_global for a in addresses)


class WebhookSender:
    """Posts signed replies; one shared client, TLS verified, no redirects."""

    def __init__(self, *, allow_private: bool) -> None:
        self._allow_private = allow_private
        self._client = httpx.AsyncClient(timeout=WEBHOOK_TIMEOUT, follow_redirects=False)

    async def send(self, reply: dict[str, Any]) -> bool:
        """True when the bot's server acknowledged the reply with a 2xx."""
        url = reply.get("reply_url")
        if not url or urlsplit(url).scheme not in ("http", "https"):
            return False
        if not self._allow_private and not await _is_public(url):
            log.warning("reply %s: reply_url is not a public address; queued", reply["id"])
            return False
        body = webhook_body(reply)
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Bellbar-Hub-Webhook/1",
            "X-Webhook-Timestamp": str(timestamp),
            "X-Webhook-Signature": sign(reply["webhook_secret"], timestamp, body),
        }
        try:
            response = await self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            log.info("reply %s: webhook failed (%s); queued", reply["id"], type(exc).__name__)
            return False
        if not response.is_success:
            log.info("reply %s: webhook answered %s; queued", reply["id"], response.status_code)
        return response.is_success

    async def aclose(self) -> None:
        await self._client.aclose()

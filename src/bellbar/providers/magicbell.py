"""MagicBell REST v1, user scope: a user's inbox from MagicBell's cloud or the hub.

MagicBell has no changes feed, so `changes()` is a snapshot of the newest
notifications (with the server's unseen and unread counts for the rest);
the cache drops what vanished from it. Against a Bellbar hub the SSE event
stream (`GET events`, MagicBell's event names) keeps it live; MagicBell's
cloud answers 404 there, and the account is polled instead.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from bellbar.core.model import Capabilities, Notification
from bellbar.providers.base import BadResponse, OptionalOperations, Page
from bellbar.providers.events import event_pages
from bellbar.providers.http import make_client, request, request_json
from bellbar.providers.wire import count, required_text, text, timestamp

SNAPSHOT_SIZE = 50
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def user_hmac(api_secret: str, identity: str) -> str:
    """MagicBell's user HMAC: base64(HMAC-SHA256(api secret, external id or lowercase email))."""
    digest = hmac.new(api_secret.encode(), identity.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class MagicBellUser(OptionalOperations):
    """Adapter for one MagicBell user (API key + external id or email + HMAC)."""

    capabilities = Capabilities(stream=True, unread=True, archive=True, delete=True)

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str,
        user_hmac: str,
        external_id: str = "",
        email: str = "",
        account_id: str = "",
        sender: str = "MagicBell",
    ) -> None:
        if not external_id and not email:
            raise ValueError("a MagicBell account needs an external id or an email")
        headers = {"X-MAGICBELL-API-KEY": api_key, "Accept": "application/json"}
        if external_id:
            headers["X-MAGICBELL-USER-EXTERNAL-ID"] = external_id
        else:
            headers["X-MAGICBELL-USER-EMAIL"] = email
        if user_hmac:
            headers["X-MAGICBELL-USER-HMAC"] = user_hmac
        self._account = account_id
        self._sender = sender
        self._client = make_client(base_url.rstrip("/") + "/", headers)

    async def changes(self, cursor: str | None) -> Page:
        headers, data = await request(
            self._client,
            "GET",
            "notifications",
            params={"per_page": str(SNAPSHOT_SIZE), "page": "1"},
        )
        try:
            if not isinstance(data, dict):
                raise TypeError("the list answer must be an object")
            raw = data["notifications"]
            if not isinstance(raw, list):
                raise TypeError("notifications must be a list")
            items = tuple(self._parse(n) for n in raw)
            unseen, unread, total = (
                count(data["unseen_count"]),
                count(data["unread_count"]),
                count(data["total"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BadResponse(f"malformed notification list: {exc}") from exc
        complete = len(items) < SNAPSHOT_SIZE
        return Page(
            items,
            headers.get("x-bellbar-event-cursor"),
            complete_from=EPOCH if complete or not items else min(n.sent_at for n in items),
            unseen_beyond=max(0, unseen - sum(not n.is_seen for n in items)),
            unread_beyond=max(0, unread - sum(not n.is_read for n in items)),
            total=total,
        )

    def stream(self, cursor: str | None) -> AsyncIterator[Page]:
        return event_pages(self._client, "events", cursor, self._parse, self.changes)

    async def mark_read(self, notification_id: str, *, idempotency_key: str) -> None:
        await self._post(f"notifications/{notification_id}/read", idempotency_key)

    async def mark_unread(self, notification_id: str, *, idempotency_key: str) -> None:
        await self._post(f"notifications/{notification_id}/unread", idempotency_key)

    async def archive(self, notification_id: str, *, idempotency_key: str) -> None:
        await self._post(f"notifications/{notification_id}/archive", idempotency_key)

    async def delete(self, notification_id: str, *, idempotency_key: str) -> None:
        await request_json(self._client, "DELETE", f"notifications/{notification_id}")

    async def mark_seen(self, notification_ids: list[str], *, idempotency_key: str) -> None:
        """Opening the inbox marks everything seen, as MagicBell's own inbox does."""
        await self._post("notifications/seen", idempotency_key)

    async def mark_all_read(self, *, idempotency_key: str) -> None:
        await self._post("notifications/read", idempotency_key)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _post(self, path: str, idempotency_key: str) -> None:
        await request_json(self._client, "POST", path, headers={"Idempotency-Key": idempotency_key})

    def _parse(self, raw: Any) -> Notification:
        """One wire notification → `Notification`; raises KeyError/TypeError/ValueError."""
        if not isinstance(raw, dict):
            raise TypeError("a notification must be an object")
        return Notification(
            account=self._account,
            id=required_text(raw, "id"),
            title=text(raw.get("title")),
            body=text(raw.get("content")),
            body_is_html=True,
            sent_at=timestamp(raw["sent_at"]) or EPOCH,
            sender=self._sender,
            url=text(raw.get("action_url")),
            category=text(raw.get("category")),
            seen_at=timestamp(raw.get("seen_at")),
            read_at=timestamp(raw.get("read_at")),
        )

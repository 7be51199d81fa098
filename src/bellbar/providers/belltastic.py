"""Belltastic v1, user-wide: one user's notifications from belltastic.com or the hub.

Like MagicBell there is no changes feed: `changes()` takes a snapshot of the
newest notifications by following `links.next`, and the user's
`unread_notifications_count` for the rest. The hub adds an SSE stream with
MagicBell's event names at `…/user/{u}/events`; belltastic.com has none
(404), so the account is then polled.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from bellbar.core.model import Capabilities, Notification
from bellbar.providers.base import BadResponse, OptionalOperations, Page, Rejected
from bellbar.providers.events import event_pages
from bellbar.providers.http import make_client, request, request_json
from bellbar.providers.wire import required_text, text, timestamp

PAGE_SIZE = 25
SNAPSHOT_PAGES = 2
MARK_ALL_LIMIT = 500
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class BelltasticUser(OptionalOperations):
    """Adapter for one user of one Belltastic project (a project or account token)."""

    capabilities = Capabilities(stream=True, unread=True, archive=True, delete=True)

    def __init__(
        self,
        base_url: str,
        *,
        project_id: str,
        user_id: str,
        token: str,
        account_id: str = "",
        sender: str = "Belltastic",
    ) -> None:
        if not project_id or not user_id:
            raise ValueError("a Belltastic account needs a project id and a user id")
        self._account = account_id
        self._sender = sender
        root = f"{base_url.rstrip('/')}/project/{quote(project_id, safe='')}/"
        self._user_path = f"user/{quote(user_id, safe='')}"
        self._origin = urlsplit(root)[:2]
        self._client = make_client(
            root, {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )

    async def changes(self, cursor: str | None) -> Page:
        items: list[Notification] = []
        url: str | None = f"{self._user_path}/notifications?per_page={PAGE_SIZE}"
        event_cursor = None
        for _ in range(SNAPSHOT_PAGES):
            if url is None:
                break
            headers, data = await request(self._client, "GET", url)
            event_cursor = event_cursor or headers.get("x-bellbar-event-cursor")
            try:
                items += [self._parse(n) for n in _list(data, "data")]
                url = self._next(data["links"]["next"])
            except (KeyError, TypeError, ValueError) as exc:
                raise BadResponse(f"malformed notification page: {exc}") from exc
        try:
            user = await request_json(self._client, "GET", self._user_path)
        except Rejected:  # 404: a user Belltastic has not met yet has nothing unread
            user = {"unread_notifications_count": 0}
        try:
            unread = user["unread_notifications_count"]
            if isinstance(unread, bool) or not isinstance(unread, int) or unread < 0:
                raise TypeError("unread_notifications_count must be a count")
        except (KeyError, TypeError) as exc:
            raise BadResponse(f"malformed user: {exc}") from exc
        complete = url is None
        return Page(
            tuple(items),
            event_cursor,
            complete_from=EPOCH if complete or not items else min(n.sent_at for n in items),
            unread_beyond=max(0, unread - sum(not n.is_read for n in items)),
            total=len(items) if complete else None,
        )

    def stream(self, cursor: str | None) -> AsyncIterator[Page]:
        return event_pages(
            self._client, f"{self._user_path}/events", cursor, self._parse, self.changes
        )

    async def mark_read(self, notification_id: str, *, idempotency_key: str) -> None:
        await request_json(self._client, "POST", self._one(notification_id) + "/read")

    async def mark_unread(self, notification_id: str, *, idempotency_key: str) -> None:
        await request_json(self._client, "DELETE", self._one(notification_id) + "/read")

    async def archive(self, notification_id: str, *, idempotency_key: str) -> None:
        await request_json(self._client, "PUT", self._one(notification_id) + "/archive")

    async def delete(self, notification_id: str, *, idempotency_key: str) -> None:
        await request_json(self._client, "DELETE", self._one(notification_id))

    async def mark_seen(self, notification_ids: list[str], *, idempotency_key: str) -> None:
        """Belltastic marks seen one by one; each call is idempotent."""
        for notification_id in notification_ids:
            await request_json(self._client, "POST", self._one(notification_id) + "/seen")

    async def mark_all_read(self, *, idempotency_key: str) -> None:
        """No bulk route exists: read every unread one, newest first, up to a bound."""
        url: str | None = f"{self._user_path}/notifications?per_page=100"
        done = 0
        while url is not None and done < MARK_ALL_LIMIT:
            data = await request_json(self._client, "GET", url)
            try:
                unread = [n["id"] for n in _list(data, "data") if n.get("read_at") is None]
                url = self._next(data["links"]["next"])
            except (KeyError, TypeError, AttributeError, ValueError) as exc:
                raise BadResponse(f"malformed notification page: {exc}") from exc
            for notification_id in unread:
                await self.mark_read(notification_id, idempotency_key=idempotency_key)
                done += 1

    async def aclose(self) -> None:
        await self._client.aclose()

    def _one(self, notification_id: str) -> str:
        return f"{self._user_path}/notification/{quote(notification_id, safe='')}"

    def _next(self, link: Any) -> str | None:
        """`links.next`, only if it stays on this server: the token must not
        follow a link elsewhere."""
        if link is None:
            return None
        if not isinstance(link, str) or urlsplit(link)[:2] != self._origin:
            raise ValueError("links.next points away from this server")
        return link

    def _parse(self, raw: Any) -> Notification:
        if not isinstance(raw, dict):
            raise TypeError("a notification must be an object")
        return Notification(
            account=self._account,
            id=required_text(raw, "id"),
            title=text(raw.get("title")),
            body=text(raw.get("body")),
            sent_at=timestamp(raw["created_at"]) or EPOCH,
            sender=self._sender,
            url=text(raw.get("action_url")),
            category=text(raw.get("category")),
            icon_url=text(raw.get("icon")),
            seen_at=timestamp(raw.get("seen_at")),
            read_at=timestamp(raw.get("read_at")),
        )


def _list(data: Any, key: str) -> list[Any]:
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise TypeError(f"{key} must be a list")
    return list(data[key])

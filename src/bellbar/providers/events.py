"""What a MagicBell-style event frame means for the cache.

The hub's MagicBell and Belltastic mounts stream `{name, data: {id?,
notification?}}` with MagicBell's event names. A frame with the
notification upserts it; deletes and archives remove it; bulk events
(`read/all`, `seen/all`) ask for a fresh snapshot.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import httpx

from bellbar.core.model import Notification
from bellbar.providers.base import BadResponse, Page
from bellbar.providers.sse import frames

BULK_EVENTS = ("notifications/read/all", "notifications/seen/all")
LEAVING_EVENTS = ("notifications/delete", "notifications/archived")


async def event_pages(
    client: httpx.AsyncClient,
    path: str,
    cursor: str | None,
    parse: Callable[[Any], Notification],
    changes: Callable[[str | None], Awaitable[Page]],
) -> AsyncIterator[Page]:
    """The stream at `path` as pages: an empty one per heartbeat, and what each
    event means for the cache (`changes(None)` answers the bulk events)."""
    async for frame in frames(client, path, cursor):
        if frame is None:
            yield Page((), None)  # the link is alive
        else:
            yield await page_for_event(*frame, parse, lambda: changes(None))


async def page_for_event(
    name: str,
    raw: str,
    cursor: str | None,
    parse: Callable[[Any], Notification],
    snapshot: Callable[[], Awaitable[Page]],
) -> Page:
    try:
        data = json.loads(raw)["data"]
        if not isinstance(data, dict):
            raise TypeError("data must be an object")
        if name in BULK_EVENTS:
            return replace(await snapshot(), cursor=cursor)
        notification_id = data.get("id")
        if notification_id is not None and not isinstance(notification_id, str):
            raise TypeError("id must be a string")
        if name in LEAVING_EVENTS or (notification_id and "notification" not in data):
            return Page((), cursor, removed=(notification_id,) if notification_id else ())
        if "notification" in data:
            return Page((parse(data["notification"]),), cursor)
        return Page((), cursor)
    except (KeyError, TypeError, ValueError) as exc:
        raise BadResponse(f"malformed stream event: {exc}") from exc

"""BotBell, user side: the tray as "the BotBell app", against a Bellbar hub.

BotBell's own app API is private, so this speaks the hub's app-side
extension under `/botbell/v1/app/` (documented in docs/hub-api.md): a
changes feed ordered by a per-message `version`, an SSE stream replaying
the same feed from `Last-Event-ID`, and replies with `Idempotency-Key`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from bellbar.core.model import Action, ActionKind, Capabilities, Notification, Reply
from bellbar.providers.base import BadResponse, OptionalOperations, Page
from bellbar.providers.http import make_client, request_json
from bellbar.providers.sse import frames
from bellbar.providers.wire import required_text, text, timestamp

PAGE_SIZE = 100


class BotBellApp(OptionalOperations):
    """Adapter for one hub user, authenticated by its user token."""

    capabilities = Capabilities(stream=True, reply=True, send_test=True)

    def __init__(self, base_url: str, token: str, *, account_id: str = "") -> None:
        self._account = account_id
        self._client = make_client(
            base_url.rstrip("/") + "/botbell/v1/app/",
            {"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )

    async def changes(self, cursor: str | None) -> Page:
        params = {"limit": str(PAGE_SIZE)}
        if cursor:
            params["since"] = cursor
        data = _data(await request_json(self._client, "GET", "messages", params=params))
        try:
            messages = data["messages"]
            next_cursor = data["cursor"]
            has_more = data["has_more"]
            if not isinstance(messages, list) or not isinstance(has_more, bool):
                raise TypeError("messages must be a list, has_more a boolean")
            page = tuple(self._parse(m) for m in messages)
        except (KeyError, TypeError, ValueError) as exc:
            raise BadResponse(f"malformed message page: {exc}") from exc
        return Page(page, None if next_cursor is None else str(next_cursor), has_more)

    async def stream(self, cursor: str | None) -> AsyncIterator[Page]:
        async for frame in frames(self._client, "events", cursor):
            if frame is None:
                yield Page((), None)  # the link is alive
                continue
            _, data, event_id = frame
            try:
                notification = self._parse(json.loads(data)["data"])
            except (KeyError, TypeError, ValueError) as exc:
                raise BadResponse(f"malformed stream event: {exc}") from exc
            yield Page((notification,), event_id)

    async def reply(
        self, notification_id: str, *, action: str | None, content: str, idempotency_key: str
    ) -> Notification:
        body = {"content": content, "action": action}
        answer = await request_json(
            self._client,
            "POST",
            f"messages/{notification_id}/reply",
            json_body=body,
            headers={"Idempotency-Key": idempotency_key},
        )
        try:
            return self._parse(_data(answer))
        except (KeyError, TypeError, ValueError) as exc:
            raise BadResponse(f"malformed reply answer: {exc}") from exc

    async def mark_read(self, notification_id: str, *, idempotency_key: str) -> None:
        await request_json(
            self._client,
            "POST",
            f"messages/{notification_id}/read",
            headers={"Idempotency-Key": idempotency_key},
        )

    async def mark_seen(self, notification_ids: list[str], *, idempotency_key: str) -> None:
        await request_json(
            self._client,
            "POST",
            "messages/seen",
            json_body={"message_ids": notification_ids},
            headers={"Idempotency-Key": idempotency_key},
        )

    async def mark_all_read(self, *, idempotency_key: str) -> None:
        await request_json(
            self._client, "POST", "messages/read-all", headers={"Idempotency-Key": idempotency_key}
        )

    async def send_test(self) -> None:
        """A test message from the user's own "Bellbar" bot on the hub."""
        _data(await request_json(self._client, "POST", "test"))

    async def aclose(self) -> None:
        await self._client.aclose()

    def _parse(self, raw: Any) -> Notification:
        """One wire message → `Notification`; raises KeyError/TypeError/ValueError."""
        if not isinstance(raw, dict):
            raise TypeError("a message must be an object")
        actions = tuple(_parse_action(a) for a in raw.get("actions") or ())
        reply_raw = raw.get("reply")
        reply = None
        if reply_raw is not None:
            if not isinstance(reply_raw, dict):
                raise TypeError("reply must be an object")
            action = reply_raw.get("action")
            reply = Reply(content=text(reply_raw.get("content")), action=text(action) or None)
        sent_at = _unix(raw["timestamp"])
        if sent_at is None:
            raise TypeError("timestamp is required")
        return Notification(
            account=self._account,
            id=required_text(raw, "message_id"),
            title=text(raw.get("title")),
            body=text(raw.get("message")),
            sent_at=sent_at,
            sender=text(raw.get("bot_name")),
            url=text(raw.get("url")),
            actions=actions,
            actions_description=text(raw.get("actions_description")),
            seen_at=_unix(raw.get("seen_at")),
            read_at=_unix(raw.get("read_at")),
            reply=reply,
        )


def _data(envelope: Any) -> Any:
    if not isinstance(envelope, dict) or envelope.get("code") != 0 or "data" not in envelope:
        raise BadResponse("the answer is not a BotBell success envelope")
    return envelope["data"]


def _parse_action(raw: Any) -> Action:
    if not isinstance(raw, dict):
        raise TypeError("an action must be an object")
    kind = ActionKind.INPUT if raw.get("type") == "input" else ActionKind.BUTTON
    return Action(
        key=required_text(raw, "key"),
        label=required_text(raw, "label"),
        kind=kind,
        placeholder=text(raw.get("placeholder")),
    )


def _unix(value: Any) -> datetime | None:
    """The app side sends unix seconds (or null), never strings."""
    if isinstance(value, str):
        raise TypeError("expected unix seconds")
    return timestamp(value)

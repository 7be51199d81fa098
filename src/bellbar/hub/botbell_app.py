"""The app side of BotBell under /botbell/v1/app/ (our extension).

BotBell's own app API is private; this is what the tray (or any client
acting as "the BotBell app") uses, with a hub user token as Bearer:

* `GET bots`, `GET messages?since=<cursor>&limit=` (changes feed, oldest
  change first, `cursor` to pass next, `has_more`)
* `POST messages/{id}/reply {content, action}` with `Idempotency-Key`
* `POST messages/{id}/read`, `POST messages/seen {message_ids}`, `POST messages/read-all`
* `POST test`: a test message to this user from their own "Bellbar" bot
  (the settings window's "Send test")
* `GET events`: SSE; replays the feed after `Last-Event-ID` (or `?since=`),
  then follows it live; `id:` is the cursor, `event:` the change name,
  `data:` `{"name", "data": message}`; an `event: ping` every 30 s of silence.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bellbar.hub import envelope
from bellbar.hub.botbell import bearer, guarded, json_body
from bellbar.hub.botbell_validation import invalid, validate_reply
from bellbar.hub.envelope import BotBellFailure, ok
from bellbar.hub.sse import Event, event_stream, parse_cursor
from bellbar.hub.state import HubState
from bellbar.hub.store import TEST_MESSAGE, QuotaExceeded

FEED_PAGE = 100


class BotBellAppRoutes:
    """The user-facing routes, bound to one hub's state."""

    def __init__(self, hub: HubState) -> None:
        self.hub = hub

    def routes(self) -> list[BaseRoute]:
        g = guarded
        return [
            Route("/app/bots", g(self.bots), methods=["GET"]),
            Route("/app/messages", g(self.messages), methods=["GET"]),
            Route("/app/messages/seen", g(self.mark_seen), methods=["POST"]),
            Route("/app/messages/read-all", g(self.mark_all_read), methods=["POST"]),
            Route("/app/test", g(self.send_test), methods=["POST"]),
            Route("/app/messages/{message_id}/read", g(self.mark_read), methods=["POST"]),
            Route("/app/messages/{message_id}/reply", g(self.reply), methods=["POST"]),
            Route("/app/events", g(self.events), methods=["GET"]),
        ]

    async def _user(self, request: Request) -> sqlite3.Row:
        user = await self.hub.db(self.hub.db.store.user_by_token, bearer(request))
        if user is None:
            raise BotBellFailure(envelope.AUTH, "Invalid user token")
        return user

    async def bots(self, request: Request) -> Response:
        user = await self._user(request)
        bots = await self.hub.db(self.hub.db.store.bots_of, user["id"])
        return ok(
            {"bots": [{"bot_id": b["id"], "name": b["name"], "status": b["status"]} for b in bots]}
        )

    async def messages(self, request: Request) -> Response:
        user = await self._user(request)
        after = _cursor(request.query_params.get("since"))
        limit = _limit(request.query_params.get("limit"))
        items, has_more = await self.hub.db(self.hub.db.store.changes, user["id"], after, limit)
        cursor = str(items[-1]["version"]) if items else str(after)
        return ok({"messages": items, "cursor": cursor, "has_more": has_more})

    async def mark_read(self, request: Request) -> Response:
        user = await self._user(request)
        message_id = request.path_params["message_id"]
        if await self.hub.db(self.hub.db.store.message, user["id"], message_id) is None:
            raise BotBellFailure(envelope.NOT_FOUND, "Message not found")
        await self.hub.db(self.hub.db.store.mark_read, user["id"], [message_id])
        self.hub.bus.publish(user["id"])
        return ok(await self.hub.db(self.hub.db.store.message, user["id"], message_id))

    async def mark_seen(self, request: Request) -> Response:
        user = await self._user(request)
        body = await json_body(request)
        ids = body.get("message_ids") if isinstance(body, dict) else None
        if (
            not isinstance(ids, list)
            or not all(isinstance(i, str) for i in ids)
            or len(ids) > 10_000
        ):
            raise invalid("message_ids must be an array of message ids")
        updated = await self.hub.db(self.hub.db.store.mark_seen, user["id"], ids)
        self.hub.bus.publish(user["id"])
        return ok({"updated": updated})

    async def mark_all_read(self, request: Request) -> Response:
        user = await self._user(request)
        updated = await self.hub.db(self.hub.db.store.mark_all_read, user["id"])
        self.hub.bus.publish(user["id"])
        return ok({"updated": updated})

    async def send_test(self, request: Request) -> Response:
        user = await self._user(request)
        store = self.hub.db.store

        def send() -> dict[str, Any]:
            return store.push(store.test_bot(user["id"]), TEST_MESSAGE)

        try:
            message = await self.hub.db(send)
        except QuotaExceeded:
            raise BotBellFailure(envelope.QUOTA, "Monthly message quota exhausted") from None
        self.hub.bus.publish(user["id"])
        return ok({"message_id": message["message_id"]})

    async def reply(self, request: Request) -> Response:
        user = await self._user(request)
        message_id = request.path_params["message_id"]
        message = await self.hub.db(self.hub.db.store.message, user["id"], message_id)
        if message is None:
            raise BotBellFailure(envelope.NOT_FOUND, "Message not found")
        content, action = validate_reply(await json_body(request), message)
        key = request.headers.get("idempotency-key") or None
        if key is not None and len(key) > 255:
            raise invalid("Idempotency-Key must be at most 255 characters")

        def respond(updated: dict[str, Any]) -> tuple[int, str]:
            return 200, json.dumps({"code": 0, "message": "success", "data": updated})

        status, body, reply_id = await self.hub.db(
            self.hub.db.store.add_reply,
            user["id"],
            message_id,
            content=content,
            action=action,
            idempotency_key=key,
            respond=respond,
        )
        if reply_id is not None:
            self.hub.bus.publish(user["id"])
            self.hub.spawn(self._deliver(reply_id))
        return Response(body, status_code=status, media_type="application/json")

    async def _deliver(self, reply_id: str) -> None:
        """Webhook first; a reply not acknowledged there waits in the poll queue."""
        store = self.hub.db.store
        reply = await self.hub.db(store.reply_for_delivery, reply_id)
        if reply is None:
            return
        delivered = await self.hub.webhooks.send(reply)
        user_id = await self.hub.db(
            store.set_delivery, reply_id, "webhook" if delivered else "queued"
        )
        if user_id is not None:
            self.hub.bus.publish(user_id)

    async def events(self, request: Request) -> Response:
        user = await self._user(request)
        start = _cursor(request.headers.get("last-event-id") or request.query_params.get("since"))
        user_id = user["id"]

        async def fetch(after: int, limit: int) -> list[Event]:
            items, _ = await self.hub.db(self.hub.db.store.changes, user_id, after, limit)
            return [Event(i["version"], i["event"], i) for i in items]

        return event_stream(
            self.hub.bus, user_id, fetch, start, self.hub.settings.heartbeat_seconds
        )


def _cursor(raw: str | None) -> int:
    value = parse_cursor(raw)
    if value is None:
        raise invalid("since must be a cursor from this hub")
    return value


def _limit(raw: str | None) -> int:
    if not raw:
        return FEED_PAGE
    try:
        return max(1, min(FEED_PAGE, int(raw)))
    except ValueError:
        raise invalid("limit must be an integer") from None

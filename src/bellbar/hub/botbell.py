"""BotBell's bot-facing API under /botbell/v1, wire-compatible with botbell.app.

Bot token routes (`push/{token}`, `messages/push`, `messages/poll`) and the
PAT routes (`bots...`, `account/quota`). The app side, which BotBell keeps
private, is our own extension in `botbell_app.py`.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bellbar.hub import envelope
from bellbar.hub.batcher import PushBatcher
from bellbar.hub.botbell_validation import invalid, validate_push
from bellbar.hub.envelope import BotBellFailure, ok
from bellbar.hub.requests import BodyTooLarge, bounded_int, read_body
from bellbar.hub.state import HubState
from bellbar.hub.store import QuotaExceeded

MAX_BODY = 64 * 1024
BOT_CACHE_SECONDS = 5.0
Handler = Callable[[Request], Awaitable[Response]]


def guarded(handler: Handler) -> Handler:
    """Turn a raised BotBellFailure into its error envelope."""

    async def wrapper(request: Request) -> Response:
        try:
            return await handler(request)
        except BotBellFailure as error:
            return envelope.failure(error)

    return wrapper


async def json_body(request: Request, *, required: bool = True) -> Any:
    """The request's JSON, refused past MAX_BODY bytes without buffering it."""
    try:
        raw = await read_body(request, MAX_BODY)
    except BodyTooLarge:
        raise BotBellFailure(envelope.VALIDATION, "Request body too large", status=413) from None
    if not raw.strip():
        if required:
            raise invalid("Request body must be a JSON object")
        return {}
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise invalid("Request body is not valid JSON") from exc


def bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise BotBellFailure(envelope.AUTH, "Missing or invalid Authorization header")
    return token.strip()


def bot_json(bot: sqlite3.Row, base_url: str, token: str | None = None) -> dict[str, Any]:
    """A bot as the API shows it; the token only right after it was (re)made."""
    data: dict[str, Any] = {
        "bot_id": bot["id"],
        "name": bot["name"],
        "description": bot["description"],
        "reply_url": bot["reply_url"],
        "status": bot["status"],
        "created_at": int(bot["created_at"]),
        "token_hint": bot["token_hint"],
    }
    if token is not None:
        data.update(
            token=token,
            api_token=token,
            push_url=push_url(base_url, token),
            webhook_secret=bot["webhook_secret"],
        )
    return data


def push_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/botbell/v1/push/{token}"


class BotBellRoutes:
    """The bot-facing routes, bound to one hub's state."""

    def __init__(self, hub: HubState) -> None:
        self.hub = hub
        self._bots: dict[str, tuple[sqlite3.Row, float]] = {}
        self._batcher = PushBatcher(hub.db)

    def routes(self) -> list[BaseRoute]:
        g = guarded
        return [
            Route("/push/{token}", g(self.push_by_url), methods=["POST"]),
            Route("/messages/push", g(self.push_by_header), methods=["POST"]),
            Route("/messages/poll", g(self.poll_by_header), methods=["GET"]),
            Route("/bots", g(self.list_bots), methods=["GET"]),
            Route("/bots", g(self.create_bot), methods=["POST"]),
            Route("/bots/{bot_id}", g(self.get_bot), methods=["GET"]),
            Route("/bots/{bot_id}", g(self.update_bot), methods=["PATCH"]),
            Route("/bots/{bot_id}", g(self.delete_bot), methods=["DELETE"]),
            Route("/bots/{bot_id}/push", g(self.push_by_pat), methods=["POST"]),
            Route("/bots/{bot_id}/replies", g(self.poll_by_pat), methods=["GET"]),
            Route("/bots/{bot_id}/reset-token", g(self.reset_token), methods=["POST"]),
            Route("/bots/{bot_id}/reset-webhook-secret", g(self.reset_secret), methods=["POST"]),
            Route("/account/quota", g(self.quota), methods=["GET"]),
        ]

    # ---- auth -----------------------------------------------------------

    async def _bot_by_token(self, token: str) -> sqlite3.Row:
        """The token's bot. Pushes are the hot path, so known bots are kept for a
        few seconds: that saves a trip to the database thread per push. Changes
        made here (pause, reset, delete) clear them at once; changes made by
        another process (the admin CLI) show within BOT_CACHE_SECONDS."""
        now = time.monotonic()
        cached = self._bots.get(token)
        if cached is not None and cached[1] > now:
            return cached[0]
        bot = await self.hub.db(self.hub.db.store.bot_by_token, token) if token else None
        if bot is None:
            raise BotBellFailure(envelope.AUTH, "Invalid bot token")
        if len(self._bots) > 10_000:
            self._bots.clear()
        self._bots[token] = (bot, now + BOT_CACHE_SECONDS)
        return bot

    async def _pat_user(self, request: Request) -> sqlite3.Row:
        user = await self.hub.db(self.hub.db.store.user_by_pat, bearer(request))
        if user is None:
            raise BotBellFailure(envelope.AUTH, "Invalid personal access token")
        return user

    async def _owned_bot(self, request: Request) -> sqlite3.Row:
        user = await self._pat_user(request)
        bot = await self.hub.db(self.hub.db.store.bot, request.path_params["bot_id"])
        if bot is None or bot["user_id"] != user["id"]:
            raise BotBellFailure(envelope.NOT_FOUND, "Bot not found")
        return bot

    # ---- pushing --------------------------------------------------------

    async def push_by_url(self, request: Request) -> Response:
        return await self._push(await self._bot_by_token(request.path_params["token"]), request)

    async def push_by_header(self, request: Request) -> Response:
        bot = await self._bot_by_token(request.headers.get("x-bot-token", ""))
        return await self._push(bot, request)

    async def push_by_pat(self, request: Request) -> Response:
        return await self._push(await self._owned_bot(request), request)

    async def _push(self, bot: sqlite3.Row, request: Request) -> Response:
        if bot["status"] != "active":
            raise BotBellFailure(envelope.PAUSED, "Bot is paused")
        fields = validate_push(await json_body(request))
        wait = self.hub.push_limiter.hit(bot["id"])
        if wait:
            raise BotBellFailure(
                envelope.RATE_LIMITED,
                "Rate limit exceeded, too many requests per minute",
                {"Retry-After": str(int(wait))},
            )
        try:
            stored = await self._batcher.push(bot, fields)
        except QuotaExceeded:
            raise BotBellFailure(envelope.QUOTA, "Monthly message quota exhausted") from None
        self.hub.bus.publish(stored["user_id"])
        delivered = self.hub.bus.has_subscribers(stored["user_id"])
        return ok(
            {
                "message_id": stored["message_id"],
                "delivered": delivered,
                "bot_id": bot["id"],
                "timestamp": int(stored["created_at"]),
            }
        )

    # ---- replies --------------------------------------------------------

    async def poll_by_header(self, request: Request) -> Response:
        bot = await self._bot_by_token(request.headers.get("x-bot-token", ""))
        return await self._poll(bot, request)

    async def poll_by_pat(self, request: Request) -> Response:
        return await self._poll(await self._owned_bot(request), request)

    async def _poll(self, bot: sqlite3.Row, request: Request) -> Response:
        limit = _int_param(request, "limit", 20, 1, 100)
        since_raw = request.query_params.get("since")
        since = float(_int_param(request, "since", 0, 0, 2**40)) if since_raw else None
        items, has_more, users = await self.hub.db(self.hub.db.store.poll, bot["id"], since, limit)
        for user_id in users:
            self.hub.bus.publish(user_id)
        return ok({"messages": items, "has_more": has_more})

    # ---- PAT: bots and quota ---------------------------------------------

    async def list_bots(self, request: Request) -> Response:
        user = await self._pat_user(request)
        bots = await self.hub.db(self.hub.db.store.bots_of, user["id"])
        return ok({"bots": [bot_json(b, _base(request)) for b in bots]})

    async def create_bot(self, request: Request) -> Response:
        user = await self._pat_user(request)
        body = await json_body(request)
        name = body.get("name") if isinstance(body, dict) else None
        if not isinstance(name, str) or not name.strip() or len(name) > 50:
            raise invalid("name is required (at most 50 characters)")
        description = _optional_str(body, "description", 200)
        reply_url = _optional_url(body)
        bot, token = await self.hub.db(
            self.hub.db.store.create_bot, user["id"], name.strip(), description, reply_url
        )
        return ok(bot_json(bot, _base(request), token))

    async def get_bot(self, request: Request) -> Response:
        return ok(bot_json(await self._owned_bot(request), _base(request)))

    async def update_bot(self, request: Request) -> Response:
        bot = await self._owned_bot(request)
        self._bots.clear()
        body = await json_body(request)
        if not isinstance(body, dict):
            raise invalid("Request body must be a JSON object")
        changes: dict[str, Any] = {}
        if "name" in body:
            name = body["name"]
            if not isinstance(name, str) or not name.strip() or len(name) > 50:
                raise invalid("name must be 1 to 50 characters")
            changes["name"] = name.strip()
        if "description" in body:
            changes["description"] = _optional_str(body, "description", 200)
        if "reply_url" in body:
            changes["reply_url"] = _optional_url(body)
        if "status" in body:
            if body["status"] not in ("active", "paused"):
                raise invalid("status must be active or paused")
            changes["status"] = body["status"]
        updated = await self.hub.db(self.hub.db.store.update_bot, bot["id"], changes)
        assert updated is not None
        return ok(bot_json(updated, _base(request)))

    async def delete_bot(self, request: Request) -> Response:
        bot = await self._owned_bot(request)
        self._bots.clear()
        await self.hub.db(self.hub.db.store.delete_bot, bot["id"])
        return ok({"bot_id": bot["id"], "deleted": True})

    async def reset_token(self, request: Request) -> Response:
        bot = await self._owned_bot(request)
        self._bots.clear()
        token = await self.hub.db(self.hub.db.store.reset_bot_token, bot["id"])
        return ok({"api_token": token, "push_url": push_url(_base(request), token)})

    async def reset_secret(self, request: Request) -> Response:
        bot = await self._owned_bot(request)
        secret = await self.hub.db(self.hub.db.store.reset_webhook_secret, bot["id"])
        return ok({"webhook_secret": secret})

    async def quota(self, request: Request) -> Response:
        user = await self._pat_user(request)
        return ok(await self.hub.db(self.hub.db.store.quota, user["id"]))


async def not_found(request: Request, exc: Exception) -> JSONResponse:
    """Unknown paths under the mount still answer in the envelope."""
    return envelope.failure(BotBellFailure(envelope.NOT_FOUND, "Not found"))


def _base(request: Request) -> str:
    return str(request.base_url).split("/botbell/")[0]


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    try:
        return bounded_int(request.query_params.get(name), default, low, high, name)
    except ValueError as exc:
        raise invalid(str(exc)) from None


def _optional_str(body: dict[str, Any], name: str, limit: int) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise invalid(f"{name} must be a string of at most {limit} characters")
    return value


def _optional_url(body: dict[str, Any]) -> str | None:
    value = _optional_str(body, "reply_url", 512)
    if value and not value.lower().startswith(("http://", "https://")):
        raise invalid("reply_url must be an http or https URL")
    return value or None

"""MagicBell REST API v1 under /magicbell, wire-compatible with api.magicbell.com.

Admin routes take `X-MAGICBELL-API-KEY` + `X-MAGICBELL-API-SECRET`; user
routes take the API key plus `X-MAGICBELL-USER-EXTERNAL-ID` or
`-USER-EMAIL` (the external id wins) and `X-MAGICBELL-USER-HMAC`, or the API
secret to impersonate. Errors are `{"errors": [{"code", "message"}]}`.
Every POST honours `Idempotency-Key` (24 h, per API key); reads and writes
are rate limited per API key. `GET events` is our SSE extension.
"""

from __future__ import annotations

import hmac
import json
import sqlite3
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bellbar.hub.ratelimit import RateLimiter
from bellbar.hub.requests import BodyTooLarge, bounded_int, read_body
from bellbar.hub.sse import Event, event_stream, parse_cursor
from bellbar.hub.state import HubState
from bellbar.providers.magicbell import user_hmac

Handler = Callable[[Request], Awaitable[Response]]
MAX_BODY = 64 * 1024
LIMITS = {"title": 255, "action_url": 2048, "category": 100, "topic": 100}


class MagicBellFailure(Exception):
    """Raised by a route to answer with MagicBell's error shape."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}

    def response(self) -> JSONResponse:
        body = {"errors": [{"code": self.code, "message": self.message}]}
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def invalid(message: str) -> MagicBellFailure:
    return MagicBellFailure(422, "invalid_request", message)


@dataclass(frozen=True, slots=True)
class Caller:
    project: sqlite3.Row
    user: sqlite3.Row


class MagicBellRoutes:
    """The /magicbell routes, bound to one hub's state."""

    def __init__(self, hub: HubState) -> None:
        self.hub = hub
        self.mb = hub.db.store.magicbell
        self.reads = RateLimiter(hub.settings.magicbell_reads_per_minute)
        self.writes = RateLimiter(hub.settings.magicbell_writes_per_minute)

    def routes(self) -> list[BaseRoute]:
        e = self._endpoint
        return [
            Route("/notifications", e(self.list_notifications), methods=["GET"]),
            Route("/notifications", e(self.create_notification), methods=["POST"]),
            Route("/broadcasts", e(self.create_broadcast), methods=["POST"]),
            Route("/notifications/read", e(self.mark_all_read), methods=["POST"]),
            Route("/notifications/seen", e(self.mark_all_seen), methods=["POST"]),
            Route("/notifications/{id}", e(self.get_notification), methods=["GET"]),
            Route("/notifications/{id}", e(self.mutation("delete")), methods=["DELETE"]),
            Route("/notifications/{id}/read", e(self.mutation("read")), methods=["POST"]),
            Route("/notifications/{id}/unread", e(self.mutation("unread")), methods=["POST"]),
            Route("/notifications/{id}/archive", e(self.mutation("archive")), methods=["POST"]),
            Route("/notifications/{id}/archive", e(self.mutation("unarchive")), methods=["DELETE"]),
            Route("/notifications/{id}/unarchive", e(self.mutation("unarchive")), methods=["POST"]),
            Route("/notification_preferences", e(self.get_preferences), methods=["GET"]),
            Route("/notification_preferences", e(self.put_preferences), methods=["PUT"]),
            Route("/config", e(self.config), methods=["GET"]),
            Route("/events", e(self.events), methods=["GET"]),
        ]

    # ---- the wrapper every route goes through ------------------------------

    def _endpoint(self, handler: Handler) -> Handler:
        """Rate limit per API key, replay idempotent POSTs, map failures."""

        async def wrapper(request: Request) -> Response:
            api_key = request.headers.get("x-magicbell-api-key", "")
            key = request.headers.get("idempotency-key", "") if request.method == "POST" else ""
            try:
                if api_key:
                    limiter = self.reads if request.method in ("GET", "HEAD") else self.writes
                    wait = limiter.hit(api_key)
                    if wait:
                        raise MagicBellFailure(
                            429, "rate_limit_exceeded", "Too many requests, slow down",
                            {"Retry-After": str(int(wait))},
                        )  # fmt: skip
                if api_key and key:
                    replay = await self.hub.db(self.mb.remembered, api_key, key)
                    if replay is not None:
                        return Response(replay[1], replay[0], media_type="application/json")
                response = await handler(request)
            except MagicBellFailure as failure:
                response = failure.response()
            if api_key and key and response.status_code < 500 and response.status_code != 429:
                body = bytes(response.body)
                await self.hub.db(self.mb.remember, api_key, key, response.status_code, body)
            return response

        return wrapper

    # ---- authentication ----------------------------------------------------

    async def _project(self, request: Request) -> sqlite3.Row:
        api_key = request.headers.get("x-magicbell-api-key")
        if not api_key:
            raise MagicBellFailure(401, "api_key_not_provided", "API key not provided")
        project = await self.hub.db(self.mb.project_by_key, api_key)
        if project is None:
            raise MagicBellFailure(401, "incorrect_api_key", "The API key is incorrect")
        return project

    async def _admin(self, request: Request) -> sqlite3.Row:
        project = await self._project(request)
        secret = request.headers.get("x-magicbell-api-secret")
        if not secret:
            raise MagicBellFailure(401, "api_secret_not_provided", "API Secret not provided")
        if not hmac.compare_digest(secret, project["api_secret"]):
            raise MagicBellFailure(401, "api_secret_is_incorrect", "The API secret is incorrect")
        return project

    async def _caller(self, request: Request) -> Caller:
        project = await self._project(request)
        headers = request.headers
        external_id = headers.get("x-magicbell-user-external-id") or None
        email = headers.get("x-magicbell-user-email") or None
        if not external_id and not email:
            raise MagicBellFailure(
                401, "user_email_not_provided", "User email or external id not provided"
            )
        secret = headers.get("x-magicbell-api-secret")
        given = headers.get("x-magicbell-user-hmac")
        if secret is not None:
            if not hmac.compare_digest(secret, project["api_secret"]):
                raise MagicBellFailure(
                    401, "api_secret_is_incorrect", "The API secret is incorrect"
                )
        elif given is not None:
            identity = external_id or (email or "").lower()
            expected = user_hmac(project["api_secret"], identity)
            if not hmac.compare_digest(given.strip(), expected):
                raise MagicBellFailure(403, "forbidden", "The user HMAC is incorrect")
        elif project["hmac_required"]:
            raise MagicBellFailure(
                401,
                "neither_user_hmac_nor_api_secret_provided",
                "Neither the user HMAC nor the API secret were provided",
            )
        user = await self.hub.db(
            self.mb.user, project["id"], external_id=external_id, email=email, create=True
        )
        assert user is not None
        return Caller(project, user)

    # ---- admin ---------------------------------------------------------------

    async def create_notification(self, request: Request) -> Response:
        return await self._create(request, "notification")

    async def create_broadcast(self, request: Request) -> Response:
        return await self._create(request, "broadcast")

    async def _create(self, request: Request, kind: str) -> Response:
        project = await self._admin(request)
        body = await _json(request)
        fields, recipients = _validate_create(body, kind)
        users = await self.hub.db(self.mb.create, project["id"], fields, recipients)
        for user_id in users:
            self.hub.bus.publish(user_id)
        created = {"id": str(uuid.uuid4()), **fields, "recipients": recipients}
        return JSONResponse({kind: created}, status_code=201)

    # ---- user scope ------------------------------------------------------------

    async def list_notifications(self, request: Request) -> Response:
        caller = await self._caller(request)
        query = request.query_params
        per_page = _int(query.get("per_page"), 15, 1, 100, "per_page")
        page = _int(query.get("page"), 1, 1, 1_000_000, "page")
        filters = _filters(request)
        items, total, unseen, unread = await self.hub.db(
            self.mb.page, caller.user["id"], filters, per_page, page
        )
        cursor = await self.hub.db(self.mb.last_event, caller.user["id"])
        return JSONResponse(
            {
                "project_id": caller.project["id"],
                "total": total,
                "per_page": per_page,
                "total_pages": (total + per_page - 1) // per_page,
                "current_page": page,
                "unseen_count": unseen,
                "unread_count": unread,
                "notifications": items,
            },
            headers={"X-Bellbar-Event-Cursor": str(cursor)},
        )

    async def get_notification(self, request: Request) -> Response:
        caller = await self._caller(request)
        found = await self.hub.db(self.mb.get, caller.user["id"], request.path_params["id"])
        if found is None:
            raise MagicBellFailure(404, "not_found", "Notification not found")
        return JSONResponse({"notification": found})

    def mutation(self, action: str) -> Handler:
        async def mutate(request: Request) -> Response:
            caller = await self._caller(request)
            changed = await self.hub.db(
                self.mb.mutate, caller.user["id"], request.path_params["id"], action
            )
            if not changed:
                raise MagicBellFailure(404, "not_found", "Notification not found")
            self.hub.bus.publish(caller.user["id"])
            return Response(status_code=204)

        return mutate

    async def mark_all_read(self, request: Request) -> Response:
        return await self._mark_all(request, "read_at")

    async def mark_all_seen(self, request: Request) -> Response:
        return await self._mark_all(request, "seen_at")

    async def _mark_all(self, request: Request, column: str) -> Response:
        caller = await self._caller(request)
        await self.hub.db(self.mb.mark_all, caller.user["id"], column, _filters(request))
        self.hub.bus.publish(caller.user["id"])
        return Response(status_code=204)

    async def get_preferences(self, request: Request) -> Response:
        caller = await self._caller(request)
        preferences = await self.hub.db(self.mb.preferences, caller.user["id"])
        return JSONResponse({"notification_preferences": preferences})

    async def put_preferences(self, request: Request) -> Response:
        caller = await self._caller(request)
        body = await _json(request)
        preferences = body.get("notification_preferences") if isinstance(body, dict) else None
        if not isinstance(preferences, dict) or not isinstance(preferences.get("categories"), list):
            raise invalid("notification_preferences.categories must be an array")
        await self.hub.db(self.mb.set_preferences, caller.user["id"], preferences)
        return JSONResponse({"notification_preferences": preferences})

    async def config(self, request: Request) -> Response:
        caller = await self._caller(request)
        channel = f"project-{caller.project['id']}-user-{caller.user['id']}"
        return JSONResponse(
            {
                "ws": {"region": "local", "channel": channel, "auth_url": "/ws/auth"},
                "channels": {"in_app": {"enabled": True}},
                "events_url": "/magicbell/events",
            }
        )

    async def events(self, request: Request) -> Response:
        caller = await self._caller(request)
        start = parse_cursor(
            request.headers.get("last-event-id") or request.query_params.get("since")
        )
        if start is None:
            raise invalid("Last-Event-ID must be a cursor from this hub")
        user_id = caller.user["id"]

        async def fetch(after: int, limit: int) -> list[Event]:
            events = await self.hub.db(self.mb.events_after, user_id, after, limit)
            return [Event(e["seq"], e["name"], e["data"]) for e in events]

        return event_stream(
            self.hub.bus, user_id, fetch, start, self.hub.settings.heartbeat_seconds
        )


async def not_found(request: Request, exc: Exception) -> Response:
    return MagicBellFailure(404, "not_found", "Not found").response()


async def _json(request: Request) -> Any:
    try:
        raw = await read_body(request, MAX_BODY)
    except BodyTooLarge:
        raise MagicBellFailure(413, "invalid_request", "Request body too large") from None
    try:
        return json.loads(raw or b"null")
    except ValueError:
        raise MagicBellFailure(400, "invalid_request", "The body is not valid JSON") from None


def _int(raw: str | None, default: int, low: int, high: int, name: str) -> int:
    try:
        return bounded_int(raw, default, low, high, name)
    except ValueError as exc:
        raise invalid(str(exc)) from None


def _filters(request: Request) -> dict[str, Any]:
    """read, seen, archived (booleans; archived defaults to false), category, topic."""
    query = request.query_params
    filters: dict[str, Any] = {"archived": False}
    for name in ("read", "seen", "archived"):
        raw = query.get(name)
        if raw is not None:
            if raw not in ("true", "false"):
                raise invalid(f"{name} must be true or false")
            filters[name] = raw == "true"
    for name in ("category", "topic"):
        if query.get(name):
            filters[name] = query[name]
    return filters


def _validate_create(body: Any, kind: str) -> tuple[dict[str, Any], list[dict[str, str]]]:
    inner = body.get(kind) if isinstance(body, dict) else None
    if not isinstance(inner, dict):
        raise invalid(f"The body must be an object with a {kind!r} object")
    title = inner.get("title")
    if not isinstance(title, str) or not title.strip():
        raise invalid("title is required")
    fields: dict[str, Any] = {"title": title}
    for name in ("content", "category", "topic", "action_url"):
        value = inner.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise invalid(f"{name} must be a string")
        fields[name] = value
    for name, limit in LIMITS.items():
        if len(fields.get(name) or "") > limit:
            raise invalid(f"{name} must be at most {limit} characters")
    attributes = inner.get("custom_attributes")
    if attributes is not None and not isinstance(attributes, dict):
        raise invalid("custom_attributes must be an object")
    fields["custom_attributes"] = attributes or {}
    recipients = inner.get("recipients")
    if not isinstance(recipients, list) or not recipients or len(recipients) > 1000:
        raise invalid("recipients must be a non-empty array (at most 1000)")
    clean = []
    for recipient in recipients:
        if not isinstance(recipient, dict):
            raise invalid("each recipient must be an object")
        entry = {
            k: recipient[k] for k in ("email", "external_id") if isinstance(recipient.get(k), str)
        }
        if not entry:
            raise invalid("each recipient needs an email or an external_id")
        clean.append(entry)
    return fields, clean

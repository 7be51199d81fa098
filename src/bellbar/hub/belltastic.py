"""Belltastic API v1 under /belltastic/api/v1, wire-compatible with belltastic.com.

`Authorization: Bearer <token>`: an account token reaches every project of
its owner, a project token (`proj_…`) only its own (403 elsewhere). JSON is
written as Laravel writes it (escaped slashes); cursor pages carry absolute
`links.next`. The official PHP client sends `Content-Type: application/json`
with a body of `[]` on every request: bodies of GET, DELETE and the state
routes are ignored, and `[]` counts as an empty object. `GET
project/{p}/user/{u}/events` is our SSE extension (MagicBell's event names).
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bellbar.hub.belltastic_store import NOTIFICATION_FIELDS, USER_FIELDS
from bellbar.hub.ratelimit import RateLimiter
from bellbar.hub.requests import BodyTooLarge, read_body
from bellbar.hub.sse import Event, event_stream, parse_cursor
from bellbar.hub.state import HubState
from bellbar.hub.tokens import token_hash

Handler = Callable[[Request], Awaitable[Response]]
MAX_BODY = 64 * 1024
DEFAULT_PER_PAGE = 10
LIMITS = {"title": 255, "body": 4096, "icon": 2048, "action_url": 2048, "category": 100}


class LaravelJSONResponse(JSONResponse):
    """JSON with `/` escaped as `\\/`, as Laravel's encoder writes it."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False).replace("/", "\\/").encode("utf-8")


class BelltasticFailure(Exception):
    def __init__(self, status: int, message: str, errors: dict[str, list[str]] | None = None,
                 headers: dict[str, str] | None = None) -> None:  # fmt: skip
        super().__init__(message)
        self.status, self.message, self.errors, self.headers = status, message, errors, headers

    def response(self) -> Response:
        body: dict[str, Any] = {"message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        return LaravelJSONResponse(body, status_code=self.status, headers=self.headers)


def invalid(field: str, message: str) -> BelltasticFailure:
    return BelltasticFailure(422, "The given data was invalid.", {field: [message]})


NOT_FOUND = BelltasticFailure(404, "Model not found.")


class BelltasticRoutes:
    """The /belltastic/api/v1 routes, bound to one hub's state."""

    def __init__(self, hub: HubState) -> None:
        self.hub = hub
        self.bt = hub.db.store.belltastic
        self.limiter = RateLimiter(hub.settings.belltastic_requests_per_minute)

    def routes(self) -> list[BaseRoute]:
        e = self._endpoint
        one = "/project/{project:int}/notification/{id}"
        user_one = "/project/{project:int}/user/{user}/notification/{id}"
        return [
            Route("/project/{project:int}/notifications", e(self.project_list), methods=["GET"]),
            Route(one, e(self.show), methods=["GET"]),
            Route(
                one + "/archive",
                e(self.state("archive", "Notification archived.")),
                methods=["PUT"],
            ),
            Route(one, e(self.destroy), methods=["DELETE"]),
            Route(
                "/project/{project:int}/user/{user}/notifications",
                e(self.user_list),
                methods=["GET"],
            ),
            Route(
                "/project/{project:int}/user/{user}/notifications", e(self.create), methods=["POST"]
            ),
            Route(user_one, e(self.show), methods=["GET"]),
            Route(
                user_one + "/read", e(self.state("read", "Notification updated.")), methods=["POST"]
            ),
            Route(
                user_one + "/read",
                e(self.state("unread", "Notification updated.")),
                methods=["DELETE"],
            ),
            Route(
                user_one + "/seen", e(self.state("seen", "Notification updated.")), methods=["POST"]
            ),
            Route(
                user_one + "/archive",
                e(self.state("archive", "Notification archived.")),
                methods=["PUT"],
            ),
            Route(user_one, e(self.destroy), methods=["DELETE"]),
            Route("/project/{project:int}/users", e(self.users), methods=["GET"]),
            Route("/project/{project:int}/user/{user}", e(self.show_user), methods=["GET"]),
            Route("/project/{project:int}/user/{user}", e(self.put_user), methods=["PUT"]),
            Route("/project/{project:int}/user/{user}", e(self.delete_user), methods=["DELETE"]),
            Route("/project/{project:int}/user/{user}/events", e(self.events), methods=["GET"]),
        ]

    def _endpoint(self, handler: Handler) -> Handler:
        """Authenticate against the path's project, rate limit per token, map failures."""

        async def wrapper(request: Request) -> Response:
            token = _bearer(request)
            key = token_hash(token) if token else request.client.host if request.client else "?"
            wait = self.limiter.hit(key)
            limit_headers = {
                "X-RateLimit-Limit": str(self.limiter.limit),
                "X-RateLimit-Remaining": str(self.limiter.remaining(key)),
            }
            try:
                if wait:
                    raise BelltasticFailure(429, "Too Many Attempts.", headers={
                        **limit_headers, "Retry-After": str(int(wait)),
                        "X-RateLimit-Reset": str(int(time.time() + wait))})  # fmt: skip
                await self._authorize(token, request.path_params["project"])
                response = await handler(request)
            except BelltasticFailure as failure:
                response = failure.response()
            for name, value in limit_headers.items():
                response.headers.setdefault(name, value)
            return response

        return wrapper

    async def _authorize(self, token: str, project_id: int) -> None:
        if not token:
            raise BelltasticFailure(401, "Unauthenticated.")
        verdict = await self.hub.db(self.bt.access, token, project_id)
        if verdict == "unauthenticated":
            raise BelltasticFailure(401, "Unauthenticated.")
        if verdict == "forbidden":
            raise BelltasticFailure(403, "This action is unauthorized.")
        if verdict == "missing":
            raise NOT_FOUND

    # ---- notifications ---------------------------------------------------------

    async def project_list(self, request: Request) -> Response:
        return await self._list(request, None)

    async def user_list(self, request: Request) -> Response:
        return await self._list(request, request.path_params["user"])

    async def _list(self, request: Request, user_id: str | None) -> Response:
        per_page = _per_page(request)
        cursor = _decode_cursor(request.query_params.get("cursor"))
        items, next_seq, prev_seq = await self.hub.db(
            self.bt.page, request.path_params["project"], user_id, cursor, per_page
        )
        path = str(request.url.replace(query=""))
        headers = {}
        if user_id is not None:
            cursor_now = await self.hub.db(
                self.bt.last_event, request.path_params["project"], user_id
            )
            headers["X-Bellbar-Event-Cursor"] = str(cursor_now)

        def link(seq: int | None, forward: bool) -> str | None:
            if seq is None:
                return None
            query = {"per_page": per_page, "cursor": _encode_cursor(seq, forward)}
            return f"{path}?{urlencode(query)}"

        return LaravelJSONResponse(
            {
                "data": items,
                "links": {"first": None, "last": None, "prev": link(prev_seq, False),
                          "next": link(next_seq, True)},
                "meta": {"path": path, "per_page": per_page},
            },
            headers=headers,
        )  # fmt: skip

    async def show(self, request: Request) -> Response:
        params = request.path_params
        found = await self.hub.db(self.bt.get, params["project"], params["id"], params.get("user"))
        if found is None:
            raise NOT_FOUND
        return LaravelJSONResponse(found)

    async def create(self, request: Request) -> Response:
        params = request.path_params
        fields = _validate_notification(await _json(request))
        created = await self.hub.db(self.bt.create, params["project"], params["user"], fields)
        self._publish(params["project"], params["user"])
        return LaravelJSONResponse({"message": "Notification created.", "data": created}, 201)

    def state(self, action: str, message: str) -> Handler:
        async def change(request: Request) -> Response:
            params = request.path_params
            updated = await self.hub.db(
                self.bt.mutate, params["project"], params["id"], params.get("user"), action
            )
            if updated is None:
                raise NOT_FOUND
            self._publish(params["project"], updated["user_id"])
            return LaravelJSONResponse({"message": message, "data": updated})

        return change

    async def destroy(self, request: Request) -> Response:
        params = request.path_params
        found = await self.hub.db(self.bt.get, params["project"], params["id"], params.get("user"))
        if found is None or not await self.hub.db(
            self.bt.destroy, params["project"], params["id"], params.get("user")
        ):
            raise NOT_FOUND
        self._publish(params["project"], found["user_id"])
        return LaravelJSONResponse({"message": "Notification deleted."})

    # ---- users -------------------------------------------------------------------

    async def users(self, request: Request) -> Response:
        per_page = _per_page(request)
        cursor = _decode_cursor(request.query_params.get("cursor"))
        before = cursor[0] if cursor else None
        items, next_id = await self.hub.db(
            self.bt.users_page, request.path_params["project"], before, per_page
        )
        path = str(request.url.replace(query=""))
        next_link = (
            f"{path}?{urlencode({'per_page': per_page, 'cursor': _encode_cursor(next_id, True)})}"
            if next_id is not None
            else None
        )
        return LaravelJSONResponse(
            {
                "data": items,
                "links": {"first": None, "last": None, "prev": None, "next": next_link},
                "meta": {"path": path, "per_page": per_page},
            }
        )

    async def show_user(self, request: Request) -> Response:
        params = request.path_params
        found = await self.hub.db(self.bt.user, params["project"], params["user"])
        if found is None:
            raise NOT_FOUND
        return LaravelJSONResponse(found)

    async def put_user(self, request: Request) -> Response:
        params = request.path_params
        body = await _json(request)
        fields = {}
        for name in USER_FIELDS:
            value = body.get(name)
            if value is not None and (not isinstance(value, str) or len(value) > 2048):
                raise invalid(name, f"The {name.replace('_', ' ')} must be a string.")
            if name in body:
                fields[name] = value
        user = await self.hub.db(self.bt.upsert_user, params["project"], params["user"], fields)
        return LaravelJSONResponse({"message": "User updated.", "data": user})

    async def delete_user(self, request: Request) -> Response:
        params = request.path_params
        if not await self.hub.db(self.bt.delete_user, params["project"], params["user"]):
            raise NOT_FOUND
        return LaravelJSONResponse({"message": "User deleted."})

    # ---- realtime ------------------------------------------------------------------

    async def events(self, request: Request) -> Response:
        project, user = request.path_params["project"], request.path_params["user"]
        start = parse_cursor(
            request.headers.get("last-event-id") or request.query_params.get("since")
        )
        if start is None:
            raise invalid("since", "The since must be a cursor from this hub.")

        async def fetch(after: int, limit: int) -> list[Event]:
            events = await self.hub.db(self.bt.events_after, project, user, after, limit)
            return [Event(e["seq"], e["name"], e["data"]) for e in events]

        return event_stream(
            self.hub.bus,
            _subscriber(project, user),
            fetch,
            start,
            self.hub.settings.heartbeat_seconds,
        )

    def _publish(self, project_id: int, user_id: str) -> None:
        self.hub.bus.publish(_subscriber(project_id, user_id))


async def not_found(request: Request, exc: Exception) -> Response:
    return NOT_FOUND.response()


def _subscriber(project_id: int, user_id: str) -> str:
    return f"belltastic:{project_id}:{user_id}"


def _bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def _json(request: Request) -> dict[str, Any]:
    """The body as an object; the PHP client's `[]` (and no body) is empty."""
    try:
        raw = (await read_body(request, MAX_BODY)).strip()
    except BodyTooLarge:
        raise BelltasticFailure(413, "The request body is too large.") from None
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise BelltasticFailure(400, "The request body is not valid JSON.") from None
    if data == []:
        return {}
    if not isinstance(data, dict):
        raise BelltasticFailure(400, "The request body must be a JSON object.")
    return data


def _validate_notification(body: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {}
    for name in NOTIFICATION_FIELDS:
        value = body.get(name)
        label = name.replace("_", " ")
        if value is None or value == "":
            if name == "title":
                errors[name] = ["The title field is required."]
            continue
        if not isinstance(value, str):
            errors[name] = [f"The {label} must be a string."]
        elif len(value) > LIMITS[name]:
            errors[name] = [f"The {label} may not be greater than {LIMITS[name]} characters."]
        elif name in ("icon", "action_url") and not value.lower().startswith(
            ("http://", "https://")
        ):
            errors[name] = [f"The {label} format is invalid."]
        else:
            fields[name] = value
    if errors:
        raise BelltasticFailure(422, "The given data was invalid.", errors)
    return fields


def _per_page(request: Request) -> int:
    raw = request.query_params.get("per_page")
    if raw is None or raw == "":
        return DEFAULT_PER_PAGE
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise invalid("per_page", "The per page must be between 1 and 100.")
    return int(raw)


def _encode_cursor(seq: int, forward: bool) -> str:
    payload = json.dumps({"seq": seq, "_pointsToNextItems": forward}).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def _decode_cursor(raw: str | None) -> tuple[int, bool] | None:
    if not raw:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        seq, forward = data["seq"], data["_pointsToNextItems"]
        if not isinstance(seq, int) or not isinstance(forward, bool):
            raise TypeError
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise invalid("cursor", "The cursor is invalid.") from None
    return seq, forward

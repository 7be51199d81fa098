"""GOV.UK Notify API v2, served at /v2 and at /notify/v2.

The official Python client joins absolute paths onto its base URL, which
drops any path, so it reaches /v2 at the origin; the Node client keeps the
prefix. Every request carries a fresh HS256 JWT (see `notify_auth`). Errors
are `{"status_code": N, "errors": [{"error", "message"}]}`, with no
top-level `message`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bellbar.hub.notify_auth import NotifyAuthError, verify
from bellbar.hub.notify_store import fill, placeholders
from bellbar.hub.ratelimit import RateLimiter
from bellbar.hub.requests import BodyTooLarge, read_body
from bellbar.hub.state import HubState

Handler = Callable[[Request, str], Awaitable[Response]]
PAGE = 250
MAX_BODY = 3 * 1024 * 1024  # a precompiled letter: a 2 MB PDF, base64
UK_MOBILE = re.compile(r"^07\d{9}$")
INTERNATIONAL = re.compile(r"^\+\d{8,15}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
STATUSES = ("created", "sending", "pending", "delivered", "permanent-failure",
            "temporary-failure", "technical-failure", "sent", "failed")  # fmt: skip


class NotifyFailure(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message

    def response(self) -> JSONResponse:
        body = {
            "status_code": self.status,
            "errors": [{"error": self.error, "message": self.message}],
        }
        return JSONResponse(body, status_code=self.status)


def invalid(message: str) -> NotifyFailure:
    return NotifyFailure(400, "ValidationError", message)


def uk_mobile(number: str) -> str | None:
    """The number as 07…, if it is a UK mobile number in any usual spelling."""
    digits = re.sub(r"[\s\-().]", "", number)
    for prefix in ("+44", "0044", "44"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 10:
            digits = "0" + digits[len(prefix) :]
            break
    return digits if UK_MOBILE.match(digits) else None


class NotifyRoutes:
    """The /v2 routes, bound to one hub's state."""

    def __init__(self, hub: HubState) -> None:
        self.hub = hub
        self.nt = hub.db.store.notify
        self.limiter = RateLimiter(hub.settings.notify_requests_per_minute)

    def routes(self) -> list[BaseRoute]:
        e = self._endpoint
        return [
            Route("/notifications/sms", e(self.send("sms")), methods=["POST"]),
            Route("/notifications/email", e(self.send("email")), methods=["POST"]),
            Route("/notifications/letter", e(self.send("letter")), methods=["POST"]),
            Route("/notifications", e(self.list_notifications), methods=["GET"]),
            Route("/notifications/{id}", e(self.get_notification), methods=["GET"]),
            Route("/received-text-messages", e(self.received), methods=["GET"]),
            Route("/templates", e(self.list_templates), methods=["GET"]),
            Route("/template/{id}", e(self.get_template), methods=["GET"]),
            Route("/template/{id}/version/{version:int}", e(self.get_template), methods=["GET"]),
            Route("/template/{id}/preview", e(self.preview), methods=["POST"]),
        ]

    def _endpoint(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def wrapper(request: Request) -> Response:
            try:
                try:
                    service_id = await self.hub.db(
                        verify, request.headers.get("authorization"), self.nt.secrets_of
                    )
                except NotifyAuthError as exc:
                    raise NotifyFailure(exc.status, "AuthError", exc.message) from None
                if self.limiter.hit(service_id):
                    raise NotifyFailure(
                        429,
                        "RateLimitError",
                        f"Exceeded rate limit for key type LIVE of {self.limiter.limit} "
                        "requests per 60 seconds",
                    )
                return await handler(request, service_id)
            except NotifyFailure as failure:
                return failure.response()

        return wrapper

    # ---- sending ---------------------------------------------------------------

    def send(self, kind: str) -> Handler:
        async def post(request: Request, service_id: str) -> Response:
            body = await _json(request)
            template_id = body.get("template_id")
            if not isinstance(template_id, str) or not template_id:
                raise invalid("template_id is a required property")
            personalisation = body.get("personalisation") or {}
            if not isinstance(personalisation, dict):
                raise invalid(f"personalisation {personalisation} is not of type object")
            reference = body.get("reference")
            if reference is not None and (not isinstance(reference, str) or len(reference) > 1000):
                raise invalid("reference must be a string of at most 1000 characters")
            recipient, address = self._recipient(kind, body, personalisation)
            template = await self.hub.db(self.nt.template, service_id, template_id)
            if template is None:
                raise NotifyFailure(400, "BadRequestError", "Template not found")
            if template["type"] != kind:
                raise NotifyFailure(
                    400, "BadRequestError",
                    f"{template['type']} template is not suitable for {kind} notification",
                )  # fmt: skip
            missing = [p for p in template["personalisation"] if p not in personalisation]
            if missing:
                raise NotifyFailure(
                    400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}"
                )
            service = await self.hub.db(self.nt.service, service_id)
            assert service is not None
            if await self.hub.db(self.nt.sent_today, service_id) >= service["daily_limit"]:
                raise NotifyFailure(
                    429, "TooManyRequestsError",
                    f"Exceeded send limits ({service['daily_limit']}) for today",
                )  # fmt: skip
            created = await self.hub.db(
                self.nt.create_notification, service_id, kind, template, recipient,
                personalisation, reference, address,
            )  # fmt: skip
            self.hub.wake_deliveries()
            return JSONResponse(_created(created, kind, service, template), status_code=201)

        return post

    @staticmethod
    def _recipient(
        kind: str, body: dict[str, Any], personalisation: dict[str, Any]
    ) -> tuple[str, dict[str, str] | None]:
        if kind == "sms":
            number = body.get("phone_number")
            if not isinstance(number, str) or not number:
                raise invalid("phone_number is a required property")
            normalised = uk_mobile(number)
            if normalised is None and not INTERNATIONAL.match(re.sub(r"[\s\-]", "", number)):
                raise NotifyFailure(400, "ValidationError", "phone_number Not a UK mobile number")
            return normalised or number, None
        if kind == "email":
            email = body.get("email_address")
            if not isinstance(email, str) or not email:
                raise invalid("email_address is a required property")
            if not EMAIL.match(email):
                raise invalid("email_address Not a valid email address")
            return email, None
        lines = {
            k: str(v) for k, v in personalisation.items() if k.startswith("address_line_") and v
        }
        if "postcode" in personalisation:
            lines["postcode"] = str(personalisation["postcode"])
        if len(lines) < 3:
            raise invalid("Address must be at least 3 lines")
        return lines.get("address_line_1", ""), lines

    # ---- reading -----------------------------------------------------------------

    async def get_notification(self, request: Request, service_id: str) -> Response:
        found = await self.hub.db(self.nt.notification, service_id, request.path_params["id"])
        if found is None:
            raise NotifyFailure(404, "NoResultFound", "No result found")
        return JSONResponse(found)

    async def list_notifications(self, request: Request, service_id: str) -> Response:
        query = request.query_params
        statuses = query.getlist("status")
        if any(s not in STATUSES for s in statuses):
            raise invalid(f"status {statuses} is not one of {list(STATUSES)}")
        kind = query.get("template_type")
        if kind is not None and kind not in ("sms", "email", "letter"):
            raise invalid(f"template_type {kind} is not one of [sms, email, letter]")
        filters = {"status": statuses, "template_type": kind, "reference": query.get("reference")}
        items = await self.hub.db(
            self.nt.notifications, service_id, filters, query.get("older_than"), PAGE
        )
        if items is None:
            raise NotifyFailure(404, "NoResultFound", "No result found")
        links = _links(request, items, {k: v for k, v in query.items() if k != "older_than"})
        return JSONResponse({"notifications": items, "links": links})

    async def received(self, request: Request, service_id: str) -> Response:
        items = await self.hub.db(
            self.nt.received, service_id, request.query_params.get("older_than"), PAGE
        )
        if items is None:
            raise NotifyFailure(404, "NoResultFound", "No result found")
        return JSONResponse({"received_text_messages": items, "links": _links(request, items, {})})

    async def list_templates(self, request: Request, service_id: str) -> Response:
        kind = request.query_params.get("type")
        if kind is not None and kind not in ("sms", "email", "letter"):
            raise invalid(f"type {kind} is not one of [sms, email, letter]")
        return JSONResponse({"templates": await self.hub.db(self.nt.templates, service_id, kind)})

    async def get_template(self, request: Request, service_id: str) -> Response:
        template = await self.hub.db(
            self.nt.template,
            service_id,
            request.path_params["id"],
            request.path_params.get("version"),
        )
        if template is None:
            raise NotifyFailure(404, "NoResultFound", "No result found")
        return JSONResponse(template)

    async def preview(self, request: Request, service_id: str) -> Response:
        template = await self.hub.db(self.nt.template, service_id, request.path_params["id"])
        if template is None:
            raise NotifyFailure(404, "NoResultFound", "No result found")
        body = await _json(request)
        personalisation = body.get("personalisation") or {}
        if not isinstance(personalisation, dict):
            raise invalid("personalisation must be an object")
        missing = [
            p
            for p in placeholders(template["body"], template["subject"])
            if p not in personalisation
        ]
        if missing:
            raise NotifyFailure(
                400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}"
            )
        filled = fill(template["body"], personalisation) or ""
        return JSONResponse(
            {
                "id": template["id"],
                "type": template["type"],
                "version": template["version"],
                "body": filled,
                "subject": fill(template["subject"], personalisation),
                "html": None if template["type"] == "sms" else f"<p>{_escape(filled)}</p>",
                "postage": template["postage"],
            }
        )


async def not_found(request: Request, exc: Exception) -> Response:
    return NotifyFailure(404, "NoResultFound", "No result found").response()


async def _json(request: Request) -> dict[str, Any]:
    try:
        raw = await read_body(request, MAX_BODY)
    except BodyTooLarge:
        raise NotifyFailure(413, "ValidationError", "Request body too large") from None
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        raise invalid("Invalid JSON supplied in POST data") from None
    if not isinstance(data, dict):
        raise invalid("Request body must be a JSON object")
    return data


def _links(request: Request, items: list[dict[str, Any]], query: dict[str, str]) -> dict[str, str]:
    """`current`, and `next` on every non-empty page: the official client's
    iterator reads the next `older_than` from it and stops on an empty page."""
    base = str(request.url.replace(query=""))
    links = {"current": str(request.url)}
    if items:
        links["next"] = f"{base}?{urlencode({**query, 'older_than': items[-1]['id']})}"
    return links


def _created(
    created: dict[str, Any], kind: str, service: Any, template: dict[str, Any]
) -> dict[str, Any]:
    content: dict[str, Any] = {"body": created["body"]}
    if kind == "sms":
        content["from_number"] = service["sms_sender"]
    else:
        content["subject"] = created["subject"]
    if kind == "email":
        content["from_email"] = service["email_from"]
        content["one_click_unsubscribe_url"] = None
    answer = {
        "id": created["id"],
        "reference": created["reference"],
        "content": content,
        "uri": f"/v2/notifications/{created['id']}",
        "template": created["template"],
        "scheduled_for": None,
    }
    if kind == "letter":
        answer["postage"] = template["postage"]
    return answer


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

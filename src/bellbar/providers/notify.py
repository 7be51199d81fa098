"""GOV.UK Notify v2: a service's sent messages and received texts, as a watch post.

Notify has no inbox: the account watches `GET /v2/notifications` (status of
what the service sent) and `GET /v2/received-text-messages`. Both are read
newest first, following `older_than` only as far as the newest id seen
before, so a burst is never missed and a quiet poll costs two requests.
A sent message pops up only when it reaches an alerting status (by default
permanent-failure and technical-failure); a received text pops up with a
Reply field, and the reply goes out as an SMS through the reply template.

Every request carries a fresh HS256 JWT (`iss` = service id, `iat` = now).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Generator
from typing import Any

import httpx

from bellbar.core.model import Action, ActionKind, Capabilities, Notification, Reply
from bellbar.providers.base import BadResponse, OptionalOperations, Page, Rejected
from bellbar.providers.http import make_client, request_json
from bellbar.providers.wire import required_text, text, timestamp

DEFAULT_ALERTS = ("permanent-failure", "technical-failure")
MAX_PAGES = 8
REPLY_ACTION = Action("reply", "Reply", ActionKind.INPUT, "Your reply")
STATUS_WORDS = {
    "created": "Queued", "sending": "Sending", "pending": "Pending", "sent": "Sent",
    "delivered": "Delivered", "permanent-failure": "Failed",
    "temporary-failure": "Not delivered yet", "technical-failure": "Technical failure",
    "failed": "Failed",
    "accepted": "Accepted", "received": "Posted", "cancelled": "Cancelled",
}  # fmt: skip


def split_api_key(api_key: str) -> tuple[str, str]:
    """(service id, secret) from `{key name}-{service id}-{secret}`."""
    key = api_key.strip()
    if len(key) < 74 or key[-37] != "-" or key[-74] != "-":
        raise ValueError("a Notify API key looks like name-<service id>-<secret>")
    return key[-73:-37], key[-36:]


def jwt_token(service_id: str, secret: str, now: float | None = None) -> str:
    def part(data: dict[str, Any]) -> bytes:
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=")

    signing = (
        part({"typ": "JWT", "alg": "HS256"})
        + b"."
        + part({"iss": service_id, "iat": int(time.time() if now is None else now)})
    )
    signature = hmac.new(secret.encode(), signing, hashlib.sha256).digest()
    return (signing + b"." + base64.urlsafe_b64encode(signature).rstrip(b"=")).decode()


class NotifyAuth(httpx.Auth):
    """A new token for every request, as Notify requires."""

    def __init__(self, service_id: str, secret: str) -> None:
        self._service_id, self._secret = service_id, secret

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {jwt_token(self._service_id, self._secret)}"
        yield request


class NotifyService(OptionalOperations):
    """Adapter for one Notify service, by its API key."""

    capabilities = Capabilities(stream=False, reply=True)

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str,
        alert_statuses: tuple[str, ...] = DEFAULT_ALERTS,
        reply_template_id: str = "",
        account_id: str = "",
        sender: str = "GOV.UK Notify",
    ) -> None:
        service_id, secret = split_api_key(api_key)
        self._account, self._sender = account_id, sender
        self._alerts = frozenset(alert_statuses)
        self._reply_template = reply_template_id
        self._template_names: dict[str, str] = {}
        self._client = make_client(base_url.rstrip("/") + "/", {"Accept": "application/json"})
        self._client.auth = NotifyAuth(service_id, secret)

    async def changes(self, cursor: str | None) -> Page:
        seen = json.loads(cursor) if cursor else {}
        sent = await self._newest("v2/notifications", "notifications", seen.get("sent"))
        texts = await self._newest(
            "v2/received-text-messages", "received_text_messages", seen.get("texts")
        )
        await self._learn_template_names(sent)
        try:
            replies = _reply_statuses(sent)
            items = [self._sent(n) for n in sent] + [
                self._received(t, replies.get(str(t.get("id")), "")) for t in texts
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise BadResponse(f"malformed Notify answer: {exc}") from exc
        next_cursor = {
            "sent": sent[0]["id"] if sent else seen.get("sent"),
            "texts": texts[0]["id"] if texts else seen.get("texts"),
        }
        return Page(tuple(items), json.dumps(next_cursor), total=len(items), local_state=True)

    def stream(self, cursor: str | None) -> AsyncIterator[Page]:
        raise NotImplementedError("Notify is polled")  # capabilities.stream is False

    async def _newest(self, path: str, key: str, stop_at: str | None) -> list[dict[str, Any]]:
        """The newest page, and older ones until `stop_at` (the newest seen before)."""
        collected: list[dict[str, Any]] = []
        older_than = None
        for _ in range(MAX_PAGES):
            params = {"older_than": older_than} if older_than else None
            data = await request_json(self._client, "GET", path, params=params)
            if not isinstance(data, dict) or not isinstance(data.get(key), list):
                raise BadResponse(f"{path}: {key} must be a list")
            page = [item for item in data[key] if isinstance(item, dict)]
            collected += page
            ids = [item.get("id") for item in page]
            if not page or stop_at is None or stop_at in ids:
                break
            older_than = ids[-1]
        return collected

    async def _learn_template_names(self, sent: list[dict[str, Any]]) -> None:
        wanted = {str((n.get("template") or {}).get("id")) for n in sent} - set(
            self._template_names
        )
        if wanted:
            data = await request_json(self._client, "GET", "v2/templates")
            for template in (data or {}).get("templates", []) if isinstance(data, dict) else []:
                if isinstance(template, dict) and isinstance(template.get("id"), str):
                    self._template_names[template["id"]] = text(template.get("name"))

    def _sent(self, raw: dict[str, Any]) -> Notification:
        status = required_text(raw, "status")
        kind = required_text(raw, "type")
        recipient = text(raw.get("phone_number") or raw.get("email_address") or raw.get("line_1"))
        template = raw.get("template") or {}
        name = self._template_names.get(str(template.get("id")), "")
        words = STATUS_WORDS.get(status, status)
        created = timestamp(raw.get("created_at")) or _missing("created_at")
        alert = status in self._alerts
        # A message that merely left or arrived asks for no attention: it comes
        # in seen and read, and only an alerting status counts on the badge.
        settled = None if alert else created
        return Notification(
            account=self._account,
            id=required_text(raw, "id"),
            title=f"{words}: {kind} to {recipient}",
            body=text(raw.get("body")),
            sent_at=created,
            sender=f"{self._sender} · {name}" if name else self._sender,
            category=kind,
            status=status,
            popup=alert,
            seen_at=settled,
            read_at=settled,
        )

    def _received(self, raw: dict[str, Any], reply_status: str) -> Notification:
        """A received text; once answered, it shows its reply's delivery status."""
        number = required_text(raw, "user_number")
        return Notification(
            account=self._account,
            # The texter's number rides in the id, so a reply needs no lookup.
            id=f"in:{required_text(raw, 'id')}:{number}",
            title=f"Text from {number}",
            body=text(raw.get("content")),
            sent_at=timestamp(raw.get("created_at")) or _missing("created_at"),
            sender=self._sender,
            category="inbound",
            actions=(REPLY_ACTION,) if self._reply_template else (),
            status=reply_status,
            popup=not reply_status,  # the text popped up when it came, not again
        )

    async def reply(
        self, notification_id: str, *, action: str | None, content: str, idempotency_key: str
    ) -> Notification:
        """Send `content` to the texter through the reply template."""
        if not self._reply_template:
            raise Rejected("no reply template is set for this account")
        prefix, _, rest = notification_id.partition(":")
        number = rest.partition(":")[2]
        if prefix != "in" or not number:
            raise Rejected("only received texts can be answered")
        # Notify takes no idempotency key: the reference carries ours, and a
        # retry first asks whether the reply already went out.
        text_id = rest.partition(":")[0]
        reference = f"reply:{text_id}:{idempotency_key}"
        already = await request_json(
            self._client, "GET", "v2/notifications", params={"reference": reference}
        )
        if isinstance(already, dict) and already.get("notifications"):
            return self._replied(notification_id, number, content, action)
        template = await request_json(self._client, "GET", f"v2/template/{self._reply_template}")
        keys = list((template or {}).get("personalisation") or {"message": {}})
        personalisation = {key: content for key in keys[:1]} or {"message": content}
        await request_json(
            self._client,
            "POST",
            "v2/notifications/sms",
            json_body={
                "phone_number": number,
                "template_id": self._reply_template,
                "personalisation": personalisation,
                "reference": reference,
            },
        )
        return self._replied(notification_id, number, content, action)

    def _replied(
        self, notification_id: str, number: str, content: str, action: str | None
    ) -> Notification:
        return Notification(
            account=self._account,
            id=notification_id,
            title=f"Text from {number}",
            body="",
            sent_at=timestamp(time.time()) or _missing("now"),
            reply=Reply(content=content, action=action),
        )

    async def mark_read(self, notification_id: str, *, idempotency_key: str) -> None:
        """Notify keeps no read state; it is the cache's alone."""

    async def mark_seen(self, notification_ids: list[str], *, idempotency_key: str) -> None:
        """Notify keeps no seen state; it is the cache's alone."""

    async def mark_all_read(self, *, idempotency_key: str) -> None:
        """Notify keeps no read state; it is the cache's alone."""

    async def aclose(self) -> None:
        await self._client.aclose()


def _reply_statuses(sent: list[dict[str, Any]]) -> dict[str, str]:
    """Received-text id → the delivery status of the reply sent to it."""
    statuses: dict[str, str] = {}
    for message in reversed(sent):  # oldest first, so the newest reply wins
        reference = message.get("reference")
        if isinstance(reference, str) and reference.startswith("reply:"):
            statuses[reference.split(":")[1]] = text(message.get("status"))
    return statuses


def _missing(field: str) -> Any:
    raise ValueError(f"{field} is required")

"""What every adapter offers the sync engine, and the errors it may raise.

Adapters translate foreign failures at the boundary (as httpx does with
httpcore's): an httpx exception, a status code or a malformed body leaves an
adapter only as one of the `ProviderError` subclasses below, so the sync
engine can decide between "retry later", "wait until" and "ask the user".
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bellbar.core.errors import BellbarError
from bellbar.core.model import Capabilities, Notification


class ProviderError(BellbarError):
    """Talking to a provider failed. `transient` errors are worth retrying."""

    transient = True


class NetworkError(ProviderError):
    """No answer: refused, reset, timed out, DNS."""


class ServerError(ProviderError):
    """The server answered 5xx."""


class BadResponse(ProviderError):
    """The answer was not what the wire format promises (bad JSON, wrong
    types, too big). Nothing from it reaches the cache."""


class RateLimited(ProviderError):
    """429: try again no earlier than `retry_at`."""

    def __init__(self, message: str, *, retry_at: datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class AuthError(ProviderError):
    """401/403: the token is wrong or revoked; the user must sign in again."""

    transient = False


class Rejected(ProviderError):
    """The server refused this request for good (validation, not found)."""

    transient = False


class StreamUnsupported(ProviderError):
    """The server offers no realtime stream; poll instead."""

    transient = False


@dataclass(frozen=True, slots=True)
class Page:
    """A batch of new or changed notifications and the cursor after them.

    Attributes:
        removed: ids deleted or archived on the server.
        complete_from: set when the page is a snapshot: it holds every
            notification sent at or after this time, so cached ones in that
            range that are missing from it were removed elsewhere.
        unseen_beyond / unread_beyond: the server's counts of notifications
            older than the snapshot, which the cache does not hold.
        total: how many the server holds in all, when it says.
        local_state: the server keeps no read or seen state (GOV.UK Notify),
            so the cache's own state always stands.
    """

    notifications: tuple[Notification, ...]
    cursor: str | None
    has_more: bool = False
    removed: tuple[str, ...] = ()
    complete_from: datetime | None = None
    unseen_beyond: int = 0
    unread_beyond: int = 0
    total: int | None = None
    local_state: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.notifications and not self.removed and self.complete_from is None


class Provider(Protocol):
    """One account's connection to its provider."""

    capabilities: Capabilities

    async def changes(self, cursor: str | None) -> Page:
        """Notifications created or changed after `cursor` (all, when None)."""
        ...

    def stream(self, cursor: str | None) -> AsyncIterator[Page]:
        """Realtime changes after `cursor`, one page per event, forever."""
        ...

    async def reply(
        self, notification_id: str, *, action: str | None, content: str, idempotency_key: str
    ) -> Notification: ...

    async def mark_read(self, notification_id: str, *, idempotency_key: str) -> None: ...

    async def mark_seen(self, notification_ids: list[str], *, idempotency_key: str) -> None: ...

    async def mark_all_read(self, *, idempotency_key: str) -> None: ...

    async def mark_unread(self, notification_id: str, *, idempotency_key: str) -> None: ...

    async def archive(self, notification_id: str, *, idempotency_key: str) -> None: ...

    async def delete(self, notification_id: str, *, idempotency_key: str) -> None: ...

    async def send_test(self) -> None: ...

    async def aclose(self) -> None: ...


class OptionalOperations:
    """Defaults for what a provider may not offer; `Capabilities` tells the UI
    not to offer them, so reaching one of these is a bug made visible."""

    async def reply(
        self, notification_id: str, *, action: str | None, content: str, idempotency_key: str
    ) -> Notification:
        raise Rejected("this provider takes no replies")

    async def mark_unread(self, notification_id: str, *, idempotency_key: str) -> None:
        raise Rejected("this provider cannot mark unread")

    async def archive(self, notification_id: str, *, idempotency_key: str) -> None:
        raise Rejected("this provider cannot archive")

    async def delete(self, notification_id: str, *, idempotency_key: str) -> None:
        raise Rejected("this provider cannot delete")

    async def send_test(self) -> None:
        raise Rejected("this provider cannot send a test message")

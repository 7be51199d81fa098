"""What every route of the hub shares: the store runner, bus, limits, webhooks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from bellbar.hub.bus import Bus
from bellbar.hub.ratelimit import RateLimiter
from bellbar.hub.store import StoreRunner
from bellbar.hub.webhooks import WebhookSender

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HubSettings:
    """Operator settings for a hub (command-line flags of `hub serve`)."""

    push_rate_per_minute: int = 30
    allow_private_webhooks: bool = False
    # Long enough to cost an idle tray almost no wake-ups; short enough to
    # pass idle-connection timeouts of proxies (commonly 60 s).
    heartbeat_seconds: float = 30.0
    magicbell_reads_per_minute: int = 100
    magicbell_writes_per_minute: int = 60
    belltastic_requests_per_minute: int = 60
    notify_requests_per_minute: int = 3000


@dataclass
class HubState:
    """Shared by all routes of one hub process."""

    db: StoreRunner
    settings: HubSettings
    webhooks: WebhookSender
    bus: Bus = field(default_factory=Bus)
    wake_deliveries: Callable[[], None] = lambda: None
    push_limiter: RateLimiter = field(init=False)
    _background: set[asyncio.Task[None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.push_limiter = RateLimiter(self.settings.push_rate_per_minute)

    def spawn(self, job: Coroutine[Any, Any, None]) -> None:
        """Run `job` after the response; keep a reference so it is not collected."""
        task = asyncio.create_task(job)
        self._background.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background job failed", exc_info=task.exception())

    async def drain(self) -> None:
        """Wait for background jobs (webhook deliveries) at shutdown."""
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

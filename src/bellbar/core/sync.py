"""One account's synchronisation: receive (stream, else poll) and send (outbox).

Two asyncio tasks per account:

* the receiver catches up through the changes feed from the stored cursor,
  then follows the realtime stream; when the stream drops it reconnects with
  backoff and jitter and catches up again, so nothing is missed, and the
  cache's upsert-by-id means nothing is shown twice. A server without a
  stream is polled.
* the outbox sender delivers queued user actions in order, each with the
  idempotency key it was queued with, until the server acknowledges it.

Errors decide the next step: transient → retry with backoff; 429 → wait
until the server's Retry-After; 401/403 → "signed out", stop until the
credentials change; a refused action → dropped and reported.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta

from bellbar.core.backoff import Backoff
from bellbar.core.cache import Cache, OutboxItem
from bellbar.core.model import AccountStatus, Capabilities, Notification, SyncState
from bellbar.core.signals import Signal
from bellbar.core.timefmt import utc_now
from bellbar.providers.base import (
    AuthError,
    NetworkError,
    Page,
    Provider,
    ProviderError,
    RateLimited,
    StreamUnsupported,
)

log = logging.getLogger(__name__)

DEFAULT_POLL_SECONDS = 30.0
RECONNECT_CAP = 4.0  # seconds between tries while a server does not answer at all
COARSE_TIMER_SLACK = 0.06  # Qt's coarse timers fire up to 5 % of their interval late
FINAL_STEP = 0.1  # seconds: the last step of a wait, short enough to be precise


class AccountSync:
    """Keeps one account's part of the cache in step with its provider.

    Signals:
        received(account_id, fresh, page): a page was merged; `fresh` are the
            notifications the cache did not have before.
        acknowledged(notification): the server confirmed an outbox action.
        status_changed(account_id, status)
        action_failed(account_id, message): an outbox action was refused.
    """

    def __init__(
        self,
        account_id: str,
        provider: Provider,
        cache: Cache,
        *,
        poll_seconds: float = DEFAULT_POLL_SECONDS,
        backoff_factory: Callable[[], Backoff] = Backoff,
    ) -> None:
        self.account_id = account_id
        self._provider = provider
        self._cache = cache
        self._poll_seconds = poll_seconds
        self._backoff_factory = backoff_factory
        self._outbox_wake = asyncio.Event()
        self._poll_now = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.status = AccountStatus(SyncState.STOPPED)
        self.received: Signal[[str, list[Notification], Page]] = Signal()
        self.acknowledged: Signal[[Notification]] = Signal()
        self.status_changed: Signal[[str, AccountStatus]] = Signal()
        self.action_failed: Signal[[str, str]] = Signal()

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._receive_forever(), name=f"receive {self.account_id}"),
            asyncio.create_task(self._send_forever(), name=f"outbox {self.account_id}"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        await self._provider.aclose()
        self._set_status(AccountStatus(SyncState.STOPPED))

    @property
    def capabilities(self) -> Capabilities:
        return self._provider.capabilities

    async def send_test(self) -> None:
        """Ask the server for a test message (it arrives like any other)."""
        await self._provider.send_test()

    def outbox_added(self) -> None:
        """A user action was queued: send it now."""
        self._outbox_wake.set()

    # ---- receiving ------------------------------------------------------

    async def _receive_forever(self) -> None:
        backoff = self._backoff_factory()
        use_stream = self._provider.capabilities.stream
        while True:
            try:
                if self.status.state is not SyncState.POLLING:
                    self._set_status(AccountStatus(SyncState.CONNECTING))
                began = asyncio.get_running_loop().time()
                await self._catch_up()
                backoff.reset()
                if use_stream:
                    await self._follow_stream(backoff)
                else:
                    self._set_status(AccountStatus(SyncState.POLLING, "polling"))
                    await self._sleep_until_poll(began + self._poll_seconds)
            except StreamUnsupported:
                log.info("account %s: no realtime stream, polling", self.account_id)
                use_stream = False
            except RateLimited as exc:
                await self._wait_until(exc.retry_at.timestamp(), f"rate limited: {exc}")
            except AuthError as exc:
                log.warning("account %s: %s", self.account_id, exc)
                self._set_status(AccountStatus(SyncState.SIGNED_OUT, "sign in again"))
                return
            except ProviderError as exc:
                delay = backoff.next_delay()
                if isinstance(exc, NetworkError):
                    # Nobody answered: trying costs the server nothing, so keep
                    # trying often enough to be back within seconds of it.
                    delay = min(delay, RECONNECT_CAP)
                log.info("account %s: %s; retrying in %.1f s", self.account_id, exc, delay)
                await self._wait_until(utc_now().timestamp() + delay, str(exc))

    async def _sleep_until_poll(self, due: float) -> None:
        """Wait until the next poll is due (a poll every interval, however long
        the last one took), or less when a local change wants a refetch.

        A GUI loop's timers may be coarse: under qasync, Qt fires a 2 s timer
        up to 5 % (100 ms) late. So the wait ends in a short last step, which
        Qt keeps to a few milliseconds.
        """
        self._poll_now.clear()
        loop = asyncio.get_running_loop()
        while (remaining := due - loop.time()) > 0:
            step = remaining - max(FINAL_STEP, remaining * COARSE_TIMER_SLACK)
            if step <= 0:
                step = remaining
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._poll_now.wait(), step)
                return

    async def _catch_up(self) -> None:
        """Page through the changes feed until the cache is current."""
        while True:
            page = await self._provider.changes(self._cache.cursor(self.account_id))
            self._merge(page)
            if not page.has_more:
                return

    async def _follow_stream(self, backoff: Backoff) -> None:
        async for page in self._provider.stream(self._cache.cursor(self.account_id)):
            if self.status.state is not SyncState.LIVE:
                self._set_status(AccountStatus(SyncState.LIVE, "live"))
                backoff.reset()
            self._merge(page)
        raise _StreamEnded("the server closed the event stream")

    def _merge(self, page: Page) -> None:
        fresh = self._cache.apply_page(self.account_id, page)
        if not page.is_empty:
            self.received.emit(self.account_id, fresh, page)

    # ---- sending --------------------------------------------------------

    async def _send_forever(self) -> None:
        backoff = self._backoff_factory()
        while True:
            items = self._cache.pending(self.account_id)
            if not items:
                self._outbox_wake.clear()
                await self._outbox_wake.wait()
                continue
            for item in items:
                try:
                    confirmed = await self._send(item)
                except RateLimited as exc:
                    self._cache.outbox_retry_later(item, str(exc))
                    await asyncio.sleep(max(0.0, (exc.retry_at - utc_now()).total_seconds()))
                    break
                except ProviderError as exc:
                    if exc.transient:
                        self._cache.outbox_retry_later(item, str(exc))
                        await asyncio.sleep(backoff.next_delay())
                        break
                    self._cache.outbox_drop(item)
                    self.action_failed.emit(self.account_id, str(exc))
                    self._announce(item)
                    continue
                backoff.reset()
                self._cache.outbox_done(item, confirmed)
                self._announce(item)
                self._poll_now.set()  # a polled server shows the result at once

    async def _send(self, item: OutboxItem) -> Notification | None:
        key = item.idempotency_key
        if item.kind == "reply":
            return await self._provider.reply(
                item.target,
                action=item.payload["action"],
                content=item.payload["content"],
                idempotency_key=key,
            )
        provider = self._provider
        if item.kind == "seen":
            await provider.mark_seen(list(item.payload["ids"]), idempotency_key=key)
        elif item.kind == "read_all":
            await provider.mark_all_read(idempotency_key=key)
        else:
            one = {
                "read": provider.mark_read,
                "unread": provider.mark_unread,
                "archive": provider.archive,
                "delete": provider.delete,
            }[item.kind]
            await one(item.target, idempotency_key=key)
        return None

    def _announce(self, item: OutboxItem) -> None:
        if item.target:
            current = self._cache.get(self.account_id, item.target)
            if current is not None:
                self.acknowledged.emit(current)

    # ---- status ---------------------------------------------------------

    async def _wait_until(self, when: float, reason: str) -> None:
        retry_at = utc_now() + timedelta(seconds=max(0.0, when - utc_now().timestamp()))
        self._set_status(AccountStatus(SyncState.RETRYING, reason, retry_at))
        await asyncio.sleep(max(0.0, when - utc_now().timestamp()))

    def _set_status(self, status: AccountStatus) -> None:
        if status != self.status:
            log.debug("account %s: %s %s", self.account_id, status.state.value, status.detail)
            self.status = status
            self.status_changed.emit(self.account_id, status)


class _StreamEnded(ProviderError):
    """The server ended the stream cleanly; reconnect like after a drop."""

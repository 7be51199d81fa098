"""Notify's simulated delivery and its callbacks, as one background task.

Moves notifications along (created → sending → outcome), queues a
delivery receipt for each final status when the service has a callback
URL, and posts queued callbacks (receipts and inbound texts, the latter
queued by `notify inbound`, possibly from another process) with the
service's bearer token, retrying as Notify does. It ticks every half
second while work is pending and every few seconds otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import httpx

from bellbar.hub.store import StoreRunner

log = logging.getLogger(__name__)

BUSY_TICK = 0.5
IDLE_TICK = 3.0
RETRIES = (5.0, 30.0, 120.0, 300.0, 300.0)  # then give up, as Notify does after 5 tries
FINAL = ("delivered", "permanent-failure", "temporary-failure", "technical-failure")


class NotifyDelivery:
    def __init__(self, db: StoreRunner) -> None:
        self._db = db
        self._wake = asyncio.Event()
        self._client = httpx.AsyncClient(timeout=5.0, follow_redirects=False)

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        store = self._db.store.notify
        while True:
            moved = await self._db(store.advance)
            for item in moved:
                if item["status"] in FINAL:
                    await self._db(self._queue_receipt, item)
            for callback in await self._db(store.due_callbacks):
                await self._post(dict(callback))
            busy = await self._db(store.has_moving)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), BUSY_TICK if busy else IDLE_TICK)

    def _queue_receipt(self, item: dict[str, Any]) -> None:
        store = self._db.store.notify
        service = store.service(item["service_id"])
        if service is None or not service["delivery_callback_url"]:
            return
        store.queue_callback(
            service["delivery_callback_url"],
            service["delivery_callback_token"] or "",
            {
                "id": item["id"],
                "reference": item["reference"],
                "to": item["email_address"] or item["phone_number"] or item["line_1"],
                "status": item["status"],
                "created_at": item["created_at"],
                "completed_at": item["completed_at"],
                "sent_at": item["sent_at"],
                "notification_type": item["type"],
                "template_id": item["template"]["id"],
                "template_version": item["template"]["version"],
            },
        )

    async def _post(self, callback: dict[str, Any]) -> None:
        store = self._db.store.notify
        try:
            answer = await self._client.post(
                callback["url"],
                content=callback["body"],
                headers={
                    "Authorization": f"Bearer {callback['token']}",
                    "Content-Type": "application/json",
                },
            )
            ok = answer.is_success
        except httpx.HTTPError as exc:
            log.info("notify callback failed (%s)", type(exc).__name__)
            ok = False
        if ok:
            await self._db(store.callback_done, callback["id"])
            return
        attempt = int(callback["attempts"])
        retry = RETRIES[attempt] if attempt < len(RETRIES) else None
        log.info("notify callback to %s refused; retry in %s s", _host(callback["url"]), retry)
        await self._db(store.callback_failed, callback["id"], retry)

    async def aclose(self) -> None:
        await self._client.aclose()


def _host(url: str) -> str:
    return httpx.URL(url).host

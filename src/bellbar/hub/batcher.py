"""Group commit for pushes: many requests, one trip to the database thread.

Pushes that arrive while the database thread is busy wait together and are
written in one transaction when it is free: under load the per-push cost of
crossing threads and committing is shared, and alone a push waits for
nobody. Each caller still gets its own answer, and is answered only after
the transaction holding its push has committed.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

from bellbar.hub.store import QuotaExceeded, StoreRunner

MAX_BATCH = 200


class PushBatcher:
    def __init__(self, db: StoreRunner) -> None:
        self._db = db
        self._waiting: list[tuple[sqlite3.Row, dict[str, Any], asyncio.Future[dict[str, Any]]]] = []
        self._writing = False
        self._task: asyncio.Task[None] | None = None

    async def push(self, bot: sqlite3.Row, fields: dict[str, Any]) -> dict[str, Any]:
        """Store one push; raises QuotaExceeded as `Store.push` does."""
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting.append((bot, fields, future))
        if not self._writing:
            # The task starts on the loop's next turn: pushes arriving in this
            # turn join the first batch.
            self._writing = True
            self._task = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
                try:
                    results = await self._db(
                        self._db.store.push_many, [(bot, fields) for bot, fields, _ in batch]
                    )
                except Exception as exc:  # a failed transaction fails each of its pushes
                    for _, _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, _, future), result in zip(batch, results, strict=True):
                    if future.done():
                        continue
                    if isinstance(result, QuotaExceeded):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self._writing = False

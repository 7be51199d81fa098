"""Paced pushes from a thread of their own, for the benchmarks that time the tray.

The tray's loop must only do the tray's work, and pushes timed by that same
loop fall into step with its poll timers; a thread with its own asyncio loop
and keep-alive connections sends each push at its planned instant instead.

Each push goes at a random instant within its slot (slots of seconds/count):
pushes exactly 50 ms apart against polls exactly 2 s apart would hold one
phase for the whole run and measure that phase, not the polling.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from dataclasses import dataclass, field

from tests.helpers.loadgen import RawConnection


@dataclass
class PacedPushes:
    """`bodies` pushed to a BotBell bot, spread evenly over `seconds`."""

    port: int
    bot_token: str
    bodies: list[str]
    seconds: float
    connections: int = 1
    sent: dict[str, float] = field(default_factory=dict)  # body → perf_counter at send
    statuses: list[int] = field(default_factory=list)
    _thread: threading.Thread | None = None

    def start(self) -> PacedPushes:
        self._thread = threading.Thread(target=lambda: asyncio.run(self._all()), daemon=True)
        self._thread.start()
        return self

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def join(self) -> None:
        if self._thread is not None:
            self._thread.join()

    async def _all(self) -> None:
        began = time.perf_counter()
        await asyncio.gather(*(self._one(k, began) for k in range(self.connections)))

    async def _one(self, offset: int, began: float) -> None:
        connection = RawConnection("127.0.0.1", self.port)
        count = len(self.bodies)
        for i in range(offset, count, self.connections):
            due = began + self.seconds * (i + random.random()) / count
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            self.sent[self.bodies[i]] = time.perf_counter()
            status, _ = await connection.post_json(
                f"/botbell/v1/push/{self.bot_token}", {"message": self.bodies[i]}
            )
            self.statuses.append(status)
        connection.close()

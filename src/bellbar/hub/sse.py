"""Server-sent event streams that replay a changes feed, then follow it live.

Shared by every mount: a stream is "the feed of this subscriber after this
cursor". The bus only says *that* something changed; the stream reads what,
so reconnecting with `Last-Event-ID` loses nothing and bursts coalesce.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.responses import StreamingResponse

from bellbar.hub.bus import Bus

BATCH = 200


@dataclass(frozen=True, slots=True)
class Event:
    cursor: int
    name: str
    data: dict[str, Any]


Fetch = Callable[[int, int], Awaitable[list[Event]]]


def event_stream(
    bus: Bus, subscriber: str, fetch: Fetch, start: int, heartbeat: float
) -> StreamingResponse:
    """An SSE response: `id:` cursor, `event:` name, `data: {"name", "data"}`,
    with an `event: ping` on connect and after `heartbeat` seconds of quiet."""
    return StreamingResponse(
        _frames(bus, subscriber, fetch, start, heartbeat),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _frames(
    bus: Bus, subscriber: str, fetch: Fetch, cursor: int, heartbeat: float
) -> AsyncIterator[str]:
    with bus.subscribe(subscriber) as wake:
        yield "retry: 2000\nevent: ping\ndata: {}\n\n"
        while True:
            wake.clear()
            while True:
                events = await fetch(cursor, BATCH)
                for event in events:
                    cursor = event.cursor
                    frame = json.dumps({"name": event.name, "data": event.data})
                    yield f"id: {cursor}\nevent: {event.name}\ndata: {frame}\n\n"
                if len(events) < BATCH:
                    break
            try:
                await asyncio.wait_for(wake.wait(), heartbeat)
            except TimeoutError:
                yield "event: ping\ndata: {}\n\n"


def parse_cursor(raw: str | None) -> int | None:
    """A Last-Event-ID or `since` value; None when it is not one of ours."""
    if not raw:
        return 0
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if value >= 0 else None

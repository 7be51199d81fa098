"""Reading a hub event stream: one place for connection, heartbeats and errors.

Yields `None` for a heartbeat (the link is alive) and `(name, data, id)` for
an event; every failure leaves as a `ProviderError`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from httpx_sse import SSEError, aconnect_sse

from bellbar.providers.base import BadResponse, NetworkError, StreamUnsupported
from bellbar.providers.http import raise_for_status, read_capped

# The hub sends a heartbeat every 30 s; silence for three of them means a dead link.
STREAM_READ_TIMEOUT = 90.0

Frame = tuple[str, str, str | None]


async def frames(
    client: httpx.AsyncClient, path: str, cursor: str | None
) -> AsyncIterator[Frame | None]:
    """The events at `path` after `cursor` (sent as Last-Event-ID), forever."""
    headers = {"Last-Event-ID": cursor} if cursor else {}
    timeout = httpx.Timeout(10.0, read=STREAM_READ_TIMEOUT)
    try:
        async with aconnect_sse(client, "GET", path, headers=headers, timeout=timeout) as source:
            response = source.response
            if response.status_code in (404, 405):
                raise StreamUnsupported("the server offers no event stream")
            if response.status_code >= 300:
                raise_for_status(response, await read_capped(response, 64 * 1024))
            async for event in source.aiter_sse():
                if event.event == "ping" or not event.data:
                    yield None
                else:
                    yield event.event, event.data, event.id or None
    except SSEError as exc:
        raise BadResponse(f"the event stream is not an event stream: {exc}") from exc
    except httpx.TimeoutException as exc:
        raise NetworkError("the event stream went silent") from exc
    except httpx.TransportError as exc:
        raise NetworkError(f"the event stream dropped: {type(exc).__name__}") from exc

"""Adapter error mapping for faults the real hub cannot produce (httpx MockTransport)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bellbar.providers.base import (
    AuthError,
    BadResponse,
    NetworkError,
    ProviderError,
    RateLimited,
    Rejected,
    ServerError,
)
from bellbar.providers.botbell import BotBellApp
from bellbar.providers.http import retry_at_from

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def adapter(handler: Any) -> BotBellApp:
    app = BotBellApp("http://hub.invalid", "ut_token", account_id="a")
    app._client._transport = httpx.MockTransport(handler)
    return app


def answering(status: int, body: bytes, headers: dict[str, str] | None = None) -> BotBellApp:
    return adapter(lambda request: httpx.Response(status, content=body, headers=headers))


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (401, b'{"code":40001,"message":"Invalid user token"}', AuthError),
        (403, b"", AuthError),
        (500, b"oops", ServerError),
        (503, b"", ServerError),
        (400, b'{"code":40010,"message":"bad"}', Rejected),
        (302, b"", BadResponse),
        (200, b"{truncated", BadResponse),
        (
            200,
            b'{"code":0,"data":{"messages":[{"message_id":5}],"cursor":"1","has_more":false}}',
            BadResponse,
        ),
        (200, b'{"code":40001,"message":"not a success"}', BadResponse),
        (200, b"[]", BadResponse),
    ],
)
def test_failures_become_typed_errors(status: int, body: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        asyncio.run(answering(status, body).changes(None))


def test_429_carries_when_to_retry() -> None:
    with pytest.raises(RateLimited) as caught:
        asyncio.run(answering(429, b"{}", {"Retry-After": "7"}).changes(None))
    assert 5 <= (caught.value.retry_at - datetime.now(UTC)).total_seconds() <= 8


def test_retry_after_forms() -> None:
    later = datetime(2026, 11, 24, 12, 1, 30, tzinfo=UTC)
    assert retry_at_from(httpx.Headers({"Retry-After": "30"}), NOW).second == 30
    assert (
        retry_at_from(httpx.Headers({"Retry-After": format_datetime(later, usegmt=True)}), NOW)
        == later
    )
    assert (
        retry_at_from(httpx.Headers({"X-RateLimit-Reset": str(int(later.timestamp()))}), NOW)
        == later
    )
    assert retry_at_from(httpx.Headers({"Retry-After": "soon"}), NOW) > NOW


def test_connection_failures_and_oversized_bodies() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    with pytest.raises(NetworkError):
        asyncio.run(adapter(refuse).changes(None))
    chunks_read = 0

    async def fifty_megabytes() -> AsyncIterator[bytes]:
        nonlocal chunks_read
        yield b'{"code":0,"data":'
        for _ in range(50):
            chunks_read += 1
            yield b" " * (1024 * 1024)

    hostile = adapter(lambda request: httpx.Response(200, content=fifty_megabytes()))
    with pytest.raises(BadResponse, match="larger than"):
        asyncio.run(hostile.changes(None))
    assert chunks_read <= 6  # it stopped reading at the 4 MiB cap


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)
GOOD = {
    "message_id": "msg_1",
    "timestamp": 1.0,
    "message": "m",
    "title": "t",
    "actions": [{"key": "k", "label": "L", "type": "input"}],
    "reply": None,
}


# One adapter for every example: building an httpx client loads the CA bundle
# (tens of ms), which made 200 examples slow enough to trip the test timeout.
_served = {"body": b""}
_HOSTILE = adapter(lambda request: httpx.Response(200, content=_served["body"]))


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(json_values, st.fixed_dictionaries({}, optional={k: json_values for k in GOOD})))
def test_random_messages_never_escape_as_anything_but_provider_errors(message: Any) -> None:
    page = {"code": 0, "data": {"messages": [message], "cursor": "1", "has_more": False}}
    _served["body"] = json.dumps(page).encode()
    try:
        result = asyncio.run(_HOSTILE.changes(None))
    except ProviderError:
        return
    assert len(result.notifications) == 1

"""Every adapter, fed random and mutated JSON, fails only with its typed errors."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bellbar.providers.base import NetworkError, Page, ProviderError
from bellbar.providers.belltastic import BelltasticUser
from bellbar.providers.botbell import BotBellApp
from bellbar.providers.magicbell import MagicBellUser
from bellbar.providers.notify import NotifyService

NOTIFY_KEY = (
    "key-" + "11111111-1111-4111-8111-111111111111" + "-" + "22222222-2222-4222-8222-222222222222"
)
served = {"body": b"{}"}

ADAPTERS: dict[str, Callable[[str], Any]] = {
    "botbell": lambda url: BotBellApp(url, "ut_x", account_id="a"),
    "magicbell": lambda url: MagicBellUser(url, api_key="pk", user_hmac="h", external_id="u"),
    "belltastic": lambda url: BelltasticUser(url, project_id="1", user_id="u", token="proj_x"),
    "notify": lambda url: NotifyService(url, api_key=NOTIFY_KEY, reply_template_id="t"),
}


def with_transport(name: str) -> Any:
    adapter = ADAPTERS[name]("http://provider.invalid")
    adapter._client._transport = httpx.MockTransport(
        lambda request: httpx.Response(200, content=served["body"])
    )
    return adapter


HOSTILE = [with_transport(name) for name in ADAPTERS]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=6)
    ),
    max_leaves=30,
)
NEAR_MISSES = st.fixed_dictionaries(
    {},
    optional={
        "code": st.just(0) | json_values, "data": json_values, "messages": json_values,
        "notifications": st.lists(json_values, max_size=3), "received_text_messages": json_values,
        "links": json_values, "total": json_values, "unseen_count": json_values,
        "unread_count": json_values, "unread_notifications_count": json_values,
        "cursor": json_values, "has_more": json_values,
    },
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(json_values, NEAR_MISSES), st.sampled_from(range(len(HOSTILE))))
def test_random_answers_raise_only_provider_errors(answer: Any, which: int) -> None:
    served["body"] = json.dumps(answer).encode()
    try:
        page = asyncio.run(HOSTILE[which].changes(None))
    except ProviderError:
        return
    assert isinstance(page, Page)
    assert all(
        isinstance(n.title, str) and n.sent_at.tzinfo is not None for n in page.notifications
    )


@pytest.mark.parametrize(
    "body", [b'{"code": 0, "data": {"messa', b"\xff\xfe garbage", b"null", b""]
)
@pytest.mark.parametrize("name", list(ADAPTERS))
def test_truncated_and_garbled_bodies(name: str, body: bytes) -> None:
    served["body"] = body
    with pytest.raises(ProviderError):
        asyncio.run(with_transport(name).changes(None))


@pytest.fixture(scope="module")
def stalling_server() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"code": 0, "data": {"messages": [')
            self.wfile.flush()
            time.sleep(15)  # then nothing more: a server that stalls mid-body

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_server_that_stalls_mid_body_times_out(stalling_server: str) -> None:
    started = time.monotonic()
    with pytest.raises(NetworkError, match="timed out"):
        asyncio.run(ADAPTERS["botbell"](stalling_server).changes(None))
    assert time.monotonic() - started < 14

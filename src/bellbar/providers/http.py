"""HTTP plumbing shared by the adapters: capped reads and error mapping.

Bodies are read in chunks up to a cap, so a hostile or broken server cannot
make the app buffer 50 MB, and every httpx failure becomes a typed
`ProviderError` here, in one place.
"""

from __future__ import annotations

import functools
import json
import os
import ssl
from collections.abc import Mapping
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from bellbar.core.timefmt import utc_now
from bellbar.providers.base import (
    AuthError,
    BadResponse,
    NetworkError,
    ProviderError,
    RateLimited,
    Rejected,
    ServerError,
)

MAX_BODY_BYTES = 4 * 1024 * 1024
DEFAULT_RETRY_SECONDS = 30.0
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def make_client(base_url: str, headers: Mapping[str, str]) -> httpx.AsyncClient:
    """One client per account: TLS verified, bounded timeouts, no cookies kept."""
    return httpx.AsyncClient(
        base_url=base_url,
        headers=dict(headers),
        timeout=TIMEOUT,
        follow_redirects=False,
        verify=_tls_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")),
    )


@functools.cache
def _tls_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    """One verifying TLS context for every account: each loads the whole CA
    bundle (about a megabyte), so a context per client would grow with the
    accounts. Keyed on the CA variables httpx honours, so a changed
    SSL_CERT_FILE still takes effect."""
    del cert_file, cert_dir  # the cache key; httpx reads them from the environment
    return httpx.create_ssl_context()


def retry_at_from(headers: httpx.Headers, now: datetime | None = None) -> datetime:
    """When a 429 says to come back: Retry-After in seconds or as an HTTP date,
    else X-RateLimit-Reset (unix time), else a default pause."""
    now = now or utc_now()
    value = headers.get("retry-after", "").strip()
    if value:
        if value.isdigit():
            return now + timedelta(seconds=int(value))
        try:
            return max(now, parsedate_to_datetime(value))
        except (TypeError, ValueError):
            pass
    reset = headers.get("x-ratelimit-reset", "").strip()
    if reset.isdigit():
        return max(now, datetime.fromtimestamp(int(reset), now.tzinfo))
    return now + timedelta(seconds=DEFAULT_RETRY_SECONDS)


async def request_json(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    json_body: Any = None,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Any:
    """Send a request and return its decoded JSON body (None for an empty one).

    Raises the `ProviderError` that fits the failure; never an httpx error.
    """
    _, data = await request(
        client, method, url, json_body=json_body, params=params, headers=headers
    )
    return data


async def request(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    json_body: Any = None,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> tuple[httpx.Headers, Any]:
    """As `request_json`, with the response headers too."""
    try:
        async with client.stream(
            method, url, json=json_body, params=params, headers=headers
        ) as response:
            body = await read_capped(response)
    except httpx.TimeoutException as exc:
        raise NetworkError(f"{method} {url}: timed out") from exc
    except httpx.TransportError as exc:
        raise NetworkError(f"{method} {url}: {type(exc).__name__}: {exc}") from exc
    raise_for_status(response, body)
    if not body.strip():
        return response.headers, None
    try:
        return response.headers, json.loads(body)
    except ValueError as exc:
        raise BadResponse(f"{method} {url}: the answer is not valid JSON") from exc


async def read_capped(response: httpx.Response, limit: int = MAX_BODY_BYTES) -> bytes:
    """The response body, or `BadResponse` once it passes `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise BadResponse(f"the answer is larger than {limit // 1024} KiB; ignored")
        chunks.append(chunk)
    return b"".join(chunks)


def raise_for_status(response: httpx.Response, body: bytes = b"") -> None:
    """Map a non-2xx status to the error that tells the sync engine what to do."""
    status = response.status_code
    if status < 300:
        return
    detail = _error_message(body) or response.reason_phrase
    where = f"{response.request.method} {response.request.url.path}"
    if status == 429:
        raise RateLimited(
            f"{where}: rate limited ({detail})", retry_at=retry_at_from(response.headers)
        )
    if status in (401, 403):
        raise AuthError(f"{where}: {detail}")
    if status >= 500:
        raise ServerError(f"{where}: server error {status} ({detail})")
    if 300 <= status < 400:
        raise BadResponse(f"{where}: unexpected redirect {status}")
    raise Rejected(f"{where}: {status} {detail}")


def _error_message(body: bytes) -> str:
    """A short message from an error body, whatever its provider's shape."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    if isinstance(data, dict):
        message = data.get("message")
        errors = data.get("errors")
        if not isinstance(message, str) and isinstance(errors, list) and errors:
            first = errors[0]  # MagicBell: {"errors": [{"code", "message"}]}
            message = first.get("message") if isinstance(first, dict) else None
        if isinstance(message, str):
            return message[:200]
    return ""


__all__ = [
    "ProviderError",
    "make_client",
    "raise_for_status",
    "read_capped",
    "request",
    "request_json",
]

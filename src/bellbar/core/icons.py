"""Provider icons (Belltastic's `icon`): fetched with limits, cached on disk.

An icon URL is untrusted: it is fetched only over http(s), with a timeout,
at most 256 KiB, only when the server says it is PNG, JPEG, GIF or WebP and
the bytes agree (SVG is refused: it can carry script and external
references). Redirects stay on http(s). Results, good or bad, are kept, so
a broken icon is not fetched again and again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

import httpx

from bellbar.providers.base import BadResponse
from bellbar.providers.http import read_capped

log = logging.getLogger(__name__)

MAX_BYTES = 256 * 1024
TIMEOUT = httpx.Timeout(5.0)
SIGNATURES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}


class IconCache:
    """Icon bytes by URL: memory, then disk, then the network."""

    def __init__(self, directory: Path, client: httpx.AsyncClient | None = None) -> None:
        self._directory = directory
        self._client = client or httpx.AsyncClient(
            timeout=TIMEOUT, follow_redirects=True, max_redirects=3
        )
        self._failed: set[str] = set()

    def _path(self, url: str) -> Path:
        return self._directory / hashlib.sha256(url.encode()).hexdigest()

    def cached(self, url: str) -> bytes | None:
        path = self._path(url)
        return path.read_bytes() if path.exists() else None

    async def fetch(self, url: str) -> bytes | None:
        """The icon's bytes, or None when it cannot or may not be shown."""
        if url in self._failed or not url.lower().startswith(("http://", "https://")):
            return None
        found = self.cached(url)
        if found is not None:
            return found
        try:
            data = await self._download(url)
        except (httpx.HTTPError, BadResponse, ValueError) as exc:
            log.info("icon not shown (%s): %s", type(exc).__name__, exc)
            self._failed.add(url)
            return None
        self._store(url, data)
        return data

    async def _download(self, url: str) -> bytes:
        async with self._client.stream("GET", url) as response:
            if response.status_code != 200:
                raise ValueError(f"status {response.status_code}")
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind not in SIGNATURES:
                raise ValueError(f"not an allowed image type: {kind or 'none'}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > MAX_BYTES:
                raise ValueError(f"too large: {declared} bytes")
            data = await read_capped(response, MAX_BYTES)
        if not data.startswith(SIGNATURES[kind]):
            raise ValueError(f"the bytes are not {kind}")
        return data

    def _store(self, url: str, data: bytes) -> None:
        self._directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=self._directory)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, self._path(url))

    async def aclose(self) -> None:
        await self._client.aclose()

"""A minimal keep-alive HTTP/1.1 client for load runs.

httpx spends more CPU per request than the hub does once hundreds of
connections share one client, so load figures would measure httpx; this
writes a prepared request and reads the answer, nothing more.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any


class RawConnection:
    def __init__(self, host: str, port: int) -> None:
        self._host, self._port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post_json(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
        assert self._reader is not None
        payload = json.dumps(body).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self._host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n"
        )
        self._writer.write(head.encode() + payload)
        await self._writer.drain()
        status_line, _, headers = (await self._reader.readuntil(b"\r\n\r\n")).partition(b"\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in headers.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        answer = await self._reader.readexactly(length)
        return int(status_line.split()[1]), json.loads(answer)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()

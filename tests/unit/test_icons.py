"""Icons are fetched with limits from a real local server, and cached."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bellbar.core.icons import MAX_BYTES, IconCache

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ROUTES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/ok.png": (200, {"Content-Type": "image/png"}, PNG),
    "/huge.png": (200, {"Content-Type": "image/png"}, PNG + b"\x00" * MAX_BYTES),
    "/page.html": (200, {"Content-Type": "text/html"}, b"<script>alert(1)</script>"),
    "/lying.png": (200, {"Content-Type": "image/png"}, b"<svg onload=alert(1)>"),
    "/icon.svg": (200, {"Content-Type": "image/svg+xml"}, b"<svg/>"),
    "/to-file": (302, {"Location": "file:///etc/passwd"}, b""),
    "/to-ok": (302, {"Location": "/ok.png"}, b""),
    "/missing.png": (404, {}, b""),
}


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            status, headers, body = ROUTES[self.path]
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()


def fetch_all(cache: IconCache, urls: list[str]) -> list[bytes | None]:
    async def run() -> list[bytes | None]:
        try:
            return [await cache.fetch(url) for url in urls]
        finally:
            await cache.aclose()

    return asyncio.run(run())


def test_only_real_small_raster_images_are_kept(
    tmp_path: Path, server: tuple[str, list[str]]
) -> None:
    base, _ = server
    names = [
        "ok.png",
        "huge.png",
        "page.html",
        "lying.png",
        "icon.svg",
        "to-file",
        "to-ok",
        "missing.png",
    ]
    results = fetch_all(IconCache(tmp_path), [f"{base}/{name}" for name in names])
    assert dict(zip(names, results, strict=True)) == {
        "ok.png": PNG, "huge.png": None, "page.html": None, "lying.png": None, "icon.svg": None,
        "to-file": None, "to-ok": PNG, "missing.png": None,
    }  # fmt: skip
    assert fetch_all(IconCache(tmp_path), ["file:///etc/passwd", "javascript:alert(1)"]) == [
        None,
        None,
    ]


def test_icons_come_from_disk_the_second_time(
    tmp_path: Path, server: tuple[str, list[str]]
) -> None:
    base, hits = server
    url = f"{base}/ok.png"
    fetch_all(IconCache(tmp_path), [url])
    before = hits.count("/ok.png")
    assert fetch_all(IconCache(tmp_path), [url]) == [PNG]
    assert hits.count("/ok.png") == before
    assert IconCache(tmp_path).cached(url) == PNG

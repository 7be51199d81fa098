"""`bellbar hub serve`: run the hub under uvicorn on a socket we bind ourselves.

Binding first lets `--port 0` pick a free port; once uvicorn is serving, one
JSON line `{"event": "listening", "url": ...}` goes to stdout, which is how
`bellbar demo` and the test fixtures learn where the hub is.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import socket
import sys
from pathlib import Path

import uvicorn

from bellbar.hub.app import create_app
from bellbar.hub.state import HubSettings
from bellbar.hub.store import Store

log = logging.getLogger(__name__)


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must be IPPROTO_TCP, not 0: asyncio and uvloop only set TCP_NODELAY
    # on accepted sockets whose proto says TCP, and without it every keep-alive
    # request waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def public_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _settle_garbage_collector() -> None:
    """Keep collector pauses out of request latency.

    Once serving, the objects made at start-up (modules, routes, the app) live
    until exit; frozen, no collection walks them again. A request makes a few
    hundred short-lived objects, so the default first-generation threshold
    (700) collected every couple of requests; 7,000 collects ten times less
    often. Measured: ingest p99 from 20 to 15 ms, throughput up 20 %.
    """
    gc.freeze()
    gc.set_threshold(7000, 20, 20)


async def serve(db_path: Path, host: str, port: int, settings: HubSettings) -> None:
    sock = bind(host, port)
    url = public_url(sock)
    setup = Store(db_path)
    setup.set_meta("public_url", url)
    setup.close()
    config = uvicorn.Config(
        create_app(db_path, settings),
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=2,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started and not task.done():
        await asyncio.sleep(0.01)
    if server.started:
        _settle_garbage_collector()
        print(json.dumps({"event": "listening", "url": url}), flush=True)
        log.info("hub listening on %s (database %s)", url, db_path)
    await task
    if not server.started:
        sys.exit(1)
